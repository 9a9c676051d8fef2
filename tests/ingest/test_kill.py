"""Kill -9 in the middle of ingesting 500 documents, run again: all present exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from overheard.store import Case
from overheard.store.blobs import sha256_bytes

N_DOCS = 500
SENTENCES = 4


def _make_corpus(folder: Path) -> None:
    folder.mkdir()
    for i in range(N_DOCS):
        sentences = [
            f"Report number {i} describes shelling near village {i % 37}.",
            f"Officials said {i * 3} people were evacuated overnight.",
            f"Командир роты {i} заявил, что позиции удержаны.",
            f"The statement {i} could not be verified independently.",
        ]
        (folder / f"doc-{i:03d}.txt").write_text("\n\n".join(sentences), encoding="utf-8")


def _count(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _ingest_cmd(case_dir: Path, corpus: Path) -> list[str]:
    # Only ingest proper: the analysis stage has its own per-document transactions and tests.
    return [sys.executable, "-m", "overheard.cli", "--case", str(case_dir), "ingest",
            "--no-analyze", "--no-transcribe", str(corpus)]  # fmt: skip


def _assert_no_orphans(case_dir: Path) -> None:
    """Reader processes of the killed ingest must die with it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = []
        for proc_dir in Path("/proc").iterdir():
            if not proc_dir.name.isdigit():
                continue
            try:
                cmdline = (proc_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if str(case_dir) in cmdline and "overheard" in cmdline:
                alive.append(proc_dir.name)
        if not alive:
            return
        time.sleep(0.2)
    raise AssertionError(f"worker processes outlived the killed ingest: {alive}")


def test_kill_9_mid_ingest_then_resume(tmp_path):
    corpus = tmp_path / "corpus"
    _make_corpus(corpus)
    case_dir = tmp_path / "case"
    db = case_dir / "case.sqlite"
    proc = subprocess.Popen(
        _ingest_cmd(case_dir, corpus), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    killed_at = None
    while time.monotonic() < deadline:
        n = _count(db) if db.exists() else 0
        if n >= 40:
            os.kill(proc.pid, signal.SIGKILL)
            killed_at = n
            break
        if proc.poll() is not None:
            break
        time.sleep(0.01)
    proc.wait(timeout=30)
    _assert_no_orphans(case_dir)
    assert killed_at is not None, "the ingest finished or stalled before it could be killed"
    assert proc.returncode == -signal.SIGKILL
    partial = _count(db)
    assert 40 <= partial < N_DOCS, f"killed after {partial} documents: not mid-run"

    rerun = subprocess.run(_ingest_cmd(case_dir, corpus), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr

    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == N_DOCS
        assert (
            con.execute("SELECT count(DISTINCT origin_path) FROM documents").fetchone()[0] == N_DOCS
        )
        per_doc = con.execute(
            "SELECT d.id, count(s.id) FROM documents d LEFT JOIN segments s ON s.document_id = d.id GROUP BY d.id"
        ).fetchall()
        assert {n for _, n in per_doc} == {SENTENCES}, "a document is half-written"
        fts = con.execute("SELECT count(*) FROM segment_fts").fetchone()[0]
        assert fts == N_DOCS * SENTENCES
        assert (
            con.execute("SELECT count(*) FROM ingest_failures WHERE resolved = 0").fetchone()[0]
            == 0
        )
    finally:
        con.close()

    case = Case.open(case_dir)
    try:
        for f in corpus.iterdir():
            sha = sha256_bytes(f.read_bytes())
            assert case.blobs.verify(sha), f"original of {f.name} is damaged or missing"
        assert not list((case_dir / "originals").glob("**/.incoming-*"))
    finally:
        case.close()
