"""`overheard stages` and `overheard process` as a user meets them; a kill -9 in the middle of
a pooled analysis, then the same command again: every document analysed exactly once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from overheard.cli import cli

pytest.importorskip("overheard.text.analyze", reason="text extra not installed")


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    case_dir = tmp_path / "case"

    def invoke(*args: str):
        return runner.invoke(cli, ["--case", str(case_dir), *args], catch_exceptions=False)

    return invoke


def test_stages_lists_versions_and_pending(run, samples):
    assert run("ingest", "--no-analyze", str(samples / "reports")).exit_code == 0
    states = {st["name"]: st for st in json.loads(run("stages", "--json").output)}
    assert list(states)[:2] == ["transcribe", "analyse"]  # later stages follow (copies, …)
    analyse = states["analyse"]
    assert analyse["available"] and analyse["version"].startswith("0.")
    assert analyse["pending"] == analyse["applies"] == 6 and analyse["after"] == ["transcribe"]
    assert "spacy" in analyse["models"] and "asr" in states["transcribe"]["models"]
    human = run("stages").output
    assert "analyse" in human and "6 pending" in human

    result = run("process", "--stage", "analyse")
    assert result.exit_code == 0 and "analysed 6 document(s)" in result.output
    assert "linked" in result.output  # the claims read the analysis: they ran after it
    rest = run("process").output  # what --no-analyze left and --stage analyse did not read
    assert "analysed" not in rest and "linked" not in rest
    assert run("process").output.strip() == "nothing to process"
    again = json.loads(run("process", "--stage", "analyse", "--redo", "--json").output)
    assert len(again["stages"]["analyse"]) == 6 and again["summaries"]["analyse"]
    assert "no stage named 'nope'" in run("process", "--stage", "nope").output


def test_a_changed_version_reanalyses_by_itself(run, samples, monkeypatch):
    from overheard.pipeline.analysis import AnalysisStage

    assert run("ingest", str(samples / "reports" / "intercepted-calls-en.txt")).exit_code == 0
    assert run("process").output.strip() == "nothing to process"
    # As if a rule, a lexicon entry or a model had changed.
    monkeypatch.setattr(AnalysisStage, "models", lambda self: {"spacy": "a newer one"})
    result = run("process")
    assert "analysed 1 document(s)" in result.output


def _count(db: Path, sql: str) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_kill_during_pooled_analysis_then_resume(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    for i in range(60):
        (folder / f"r{i:03d}.txt").write_text(
            f"Officials in Kyiv said on Monday that {i} drones were shot down near Kharkiv. "
            f"The ministry denied reports that troops had withdrawn from village {i}.\n\n"
            f"Командир батальона заявил, что позиции у села {i} удержаны.",
            encoding="utf-8",
        )
    case = tmp_path / "case"
    command = [sys.executable, "-m", "overheard.cli", "--case", str(case)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    subprocess.run([*command, "ingest", "--no-analyze", str(folder)], check=True, env=env,
                   capture_output=True)  # fmt: skip
    db = case / "case.sqlite"
    done_sql = "SELECT count(*) FROM document_stages WHERE stage='analyse' AND status='done'"
    proc = subprocess.Popen(
        [*command, "process", "--workers", "2"], env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.time() + 240
    while time.time() < deadline and _count(db, done_sql) < 10 and proc.poll() is None:
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _count(db, done_sql)
    assert 0 < partial < 60, "the run should be killed half-way"
    time.sleep(1.0)
    # No worker outlives its killed parent (zombies waiting for a reaper are dead).
    ps = subprocess.run(["ps", "-o", "stat=,cmd=", "-s", str(proc.pid)], capture_output=True,
                        text=True)  # fmt: skip
    alive = [line for line in ps.stdout.splitlines() if not line.strip().startswith("Z")]
    assert alive == []

    subprocess.run([*command, "process", "--workers", "2"], check=True, env=env,
                   capture_output=True)  # fmt: skip
    assert _count(db, done_sql) == 60
    # Exactly once: one utterance-level set of rows per document, no doubles.
    per_doc = (
        "SELECT max(n) FROM (SELECT count(*) n FROM events GROUP BY document_id, start_char, type)"
    )
    assert _count(db, per_doc) == 1
    assert _count(db, "SELECT count(DISTINCT run_id) FROM statements") >= 1
    runs = "SELECT count(*) FROM runs WHERE component='stage:analyse'"
    assert _count(db, runs) == 2


def test_a_lexicon_entry_in_the_case_reanalyses_and_takes_effect(run, tmp_path):
    text = tmp_path / "report.txt"
    text.write_text(
        "The governor insinuated that the depot had been empty for a month.", encoding="utf-8"
    )
    assert run("ingest", str(text)).exit_code == 0
    before = json.dumps(json.loads(run("show", "1", "--json").output), ensure_ascii=False)
    assert '"allege"' not in before
    overrides = tmp_path / "case" / "lexicons"
    overrides.mkdir()
    (overrides / "speech_cues.en.tsv").write_text(
        "lemma\tact\tneeds_clause\ninsinuate\tallege\tyes\n", encoding="utf-8"
    )
    states = {st["name"]: st for st in json.loads(run("stages", "--json").output)}
    assert states["analyse"]["pending"] == 1 and states["analyse"]["outdated"] == 1
    result = run("process")
    assert "analysed 1 document(s)" in result.output
    show = json.dumps(json.loads(run("show", "1", "--json").output), ensure_ascii=False)
    assert '"allege"' in show and "insinuated" in show
