"""Several processes on one case: the workbench and the CLI side by side, two ingests at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from sqlalchemy import text

from overheard.store import Case
from overheard.store.case import case_lock

PY = sys.executable
OVERHEARD = [PY, "-m", "overheard.cli"]


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PY, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_case_opened_twice_in_one_process_shares_its_engine(tmp_path):
    first = Case.open(tmp_path / "c")
    second = Case.open(tmp_path / "c", create=False)
    assert second.engine is first.engine
    second.close()
    with first.reader() as s:  # the other user's engine is still open
        assert s.execute(text("SELECT count(*) FROM documents")).scalar() == 0
    first.close()
    third = Case.open(tmp_path / "c")
    assert third.engine is not first.engine  # the last close disposed of it
    third.close()


def test_a_case_made_again_at_the_same_path_gets_its_own_engine(tmp_path):
    import shutil

    old = Case.open(tmp_path / "c")
    shutil.rmtree(tmp_path / "c")
    new = Case.open(tmp_path / "c")
    assert new.engine is not old.engine
    with new.session() as s:
        s.execute(text("INSERT INTO sources (name, created_at) VALUES ('x', CURRENT_TIMESTAMP)"))
    assert (tmp_path / "c" / "case.sqlite").exists()
    new.close()
    old.close()


def test_another_process_closing_the_case_leaves_the_wal_to_its_readers(tmp_path):
    """The workbench holds the case open; the demo had opened it again in the same process
    (a plain open and close of case.sqlite drops every POSIX lock the process holds on it),
    and an ingest in another terminal, closing the case, then deleted the WAL from under the
    workbench. The other process here is Python's own sqlite3, which deletes the WAL whenever
    it can take the database's exclusive lock."""
    root = tmp_path / "c"
    server = Case.open(root)
    with server.reader() as s:
        s.execute(text("SELECT count(*) FROM documents")).scalar()
    Case.open(root, create=False).close()  # what the demo's commands did
    wal = root / "case.sqlite-wal"
    before = wal.stat().st_ino
    writer = _python(
        """
        import sqlite3, sys
        db = sqlite3.connect(sys.argv[1])
        db.execute("INSERT INTO sources (name, created_at) VALUES ('from another process', CURRENT_TIMESTAMP)")
        db.commit()
        db.close()
        """,
        str(root / "case.sqlite"),
    )
    assert writer.wait(timeout=60) == 0, writer.stderr.read() if writer.stderr else ""
    assert wal.exists() and wal.stat().st_ino == before, "the WAL was deleted under the server"
    with server.reader() as s:
        names = list(s.execute(text("SELECT name FROM sources")).scalars())
    assert names == ["from another process"]
    server.close()


def test_processes_creating_one_case_at_once_create_its_schema_once(tmp_path):
    for round_ in range(3):
        root = tmp_path / f"c{round_}"
        opener = """
            import sys
            from overheard.store import Case
            Case.open(sys.argv[1]).close()
            """
        procs = [_python(opener, str(root)) for _ in range(3)]
        for proc in procs:
            _out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        db = sqlite3.connect(root / "case.sqlite")
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert db.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
        finally:
            db.close()


def test_only_a_dead_writers_temporary_original_is_removed(tmp_path):
    root = tmp_path / "c"
    Case.open(root).close()
    originals = root / "originals"
    sleeper = subprocess.Popen([PY, "-c", "import time; time.sleep(60)"])
    gone = subprocess.Popen([PY, "-c", "pass"])
    gone.wait()
    try:
        live = originals / f".incoming-{sleeper.pid}-abc"
        dead = originals / "ab" / f".incoming-{gone.pid}-def"
        dead.parent.mkdir()
        live.write_bytes(b"half an original")
        dead.write_bytes(b"a killed writer's leftover")
        Case.open(root).close()  # what any command (overheard list) does first
        assert live.exists(), "a running writer's temporary file was deleted"
        assert not dead.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_the_case_lock_excludes_other_processes_and_says_so(tmp_path):
    root = tmp_path / "c"
    Case.open(root).close()
    holder = _python(
        """
        import sys, time
        from pathlib import Path
        from overheard.store.case import case_lock
        with case_lock(Path(sys.argv[1])):
            print("held", flush=True)
            time.sleep(1.5)
        """,
        str(root),
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    waited: list[float] = []
    start = time.monotonic()
    with case_lock(root, lambda: waited.append(time.monotonic() - start)):
        got = time.monotonic() - start
    holder.wait(timeout=30)
    assert waited and waited[0] < 0.5, "the waiter was not told it waits"
    assert got > 0.5, "the lock was taken while another process held it"


def test_the_case_lock_excludes_threads_of_one_process(tmp_path):
    inside = 0
    most = 0
    guard = threading.Lock()

    def work() -> None:
        nonlocal inside, most
        with case_lock(tmp_path):
            with guard:
                inside += 1
                most = max(most, inside)
            time.sleep(0.05)
            with guard:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1


def test_a_stage_run_waits_for_another_processes_run(tmp_path):
    from overheard.pipeline.runner import Runner

    root = tmp_path / "c"
    case = Case.open(root)
    holder = _python(
        """
        import sys, time
        from pathlib import Path
        from overheard.store.case import case_lock
        with case_lock(Path(sys.argv[1])):
            print("held", flush=True)
            time.sleep(1)
        """,
        str(root),
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    runner = Runner(case)
    told: list[bool] = []
    runner.waiting = lambda: told.append(True)
    runner.run([])
    holder.wait(timeout=30)
    case.close()
    assert told == [True]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX process semantics")
def test_two_ingests_of_the_same_files_at_once_store_each_once(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(40):
        (corpus / f"r{i}.txt").write_text(f"Report {i}: shelling near Kursk on day {i}.\n")
    root = tmp_path / "c"
    cmd = [*OVERHEARD, "--case", str(root), "ingest", str(corpus), "--no-analyze", "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    db = sqlite3.connect(root / "case.sqlite")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute(
            "SELECT count(*), count(DISTINCT blob_sha256) FROM documents"
        ).fetchone() == (40, 40)
        assert db.execute("SELECT count(*) FROM ingest_failures").fetchone()[0] == 0
        shas = [row[0] for row in db.execute("SELECT sha256 FROM blobs")]
    finally:
        db.close()
    with Case.open(root) as case:
        assert all(case.blobs.verify(sha) for sha in shas)
