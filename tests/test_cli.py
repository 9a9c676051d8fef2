"""The command line as a user meets it: exit codes, one-line errors, --help examples, JSON."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from click.testing import CliRunner

from overheard.cli import cli
from overheard.export.jsonl import schema


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    case_dir = tmp_path / "case"

    def invoke(*args: str):
        return runner.invoke(cli, ["--case", str(case_dir), *args], catch_exceptions=False)

    return invoke


def test_help_has_examples():
    runner = CliRunner()
    for command in ("ingest", "search", "show", "list", "export", "demo"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output and "overheard" in result.output
    assert runner.invoke(cli, ["bench", "ingest", "--help"]).exit_code == 0


def test_ingest_search_show_export(run, samples, tmp_path):
    result = run("ingest", str(samples / "reports"), "--source", "samples")
    assert result.exit_code == 0, result.output
    assert "6 new" in result.output and "0 failed" in result.output
    again = run("ingest", str(samples / "reports"))
    assert "0 new, 6 already present" in again.output

    hits = json.loads(run("search", "Песков", "--json").output)["hits"]
    assert hits and hits[0]["document_id"].startswith("document:")
    assert "[Песков]" in hits[0]["snippet"]

    doc_id = hits[0]["document_id"]
    shown = json.loads(run("show", doc_id, "--json").output)
    assert shown["document"]["id"] == doc_id and shown["document"]["language"] == "ru"
    assert shown["segments"] and shown["source"]["name"] == "samples"
    text = run("show", doc_id.split(":")[1]).output
    assert "Перехват" in text
    # Each statement names its claim (where the claims stage ran: it needs the embeddings).
    for st in shown["statements"]:
        if st.get("claim_id"):
            assert st["claim_id"] in text

    out = tmp_path / "record.jsonl"
    assert run("export", "--format", "jsonl", "-o", str(out)).exit_code == 0
    validator = jsonschema.Draft202012Validator(schema())
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 30
    for line in lines:
        validator.validate(json.loads(line))

    listing = json.loads(run("list", "--json").output)
    assert len(listing) == 6


def test_errors_are_one_line_and_non_zero(run, tmp_path):
    result = run("show", "99")
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: no case at")
    assert len(result.output.strip().splitlines()) == 1

    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = run("ingest", str(bad))
    assert result.exit_code == 1  # nothing could be ingested
    assert "empty file (0 bytes)" in result.output

    good = tmp_path / "good.txt"
    good.write_text("Fine text.", encoding="utf-8")
    assert run("ingest", str(good), str(bad)).exit_code == 0  # partial success
    assert run("ingest", str(good), str(bad), "--strict").exit_code == 1

    result = run("show", "99")
    assert result.exit_code == 1 and "no document 99" in result.output
    result = run("search", "!!!")
    assert result.exit_code == 1 and "no words" in result.output
    result = run("ingest", "--max-size", "lots", str(good))
    assert result.exit_code == 1 and "--max-size" in result.output
    assert run("list", "--failures").output.count("empty file") == 1


def test_ingest_json_output(run, samples):
    result = run(
        "ingest",
        "--json",
        "--no-transcribe",
        str(samples / "intercepts" / "bad_truncated.ogg"),
        str(samples / "intercepts" / "call_05.ogg"),
    )
    data = json.loads(result.output)
    assert data["summary"] == {"new": 1, "present": 0, "duplicate": 0, "failed": 1}


def test_real_process_exit_codes_and_no_traceback(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "overheard.cli",
            "--case",
            str(tmp_path / "c"),
            "ingest",
            str(tmp_path / "missing"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "no such file or folder" in proc.stdout


def test_demo_runs_on_bundled_samples(run):
    result = run("demo", "--no-transcribe")
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output
    assert "call_01" in result.output
    assert "Перехват" in result.output


def test_subtitles_of_a_recording(run, samples, tmp_path):
    pytest.importorskip("overheard.speech.subtitles", reason="speech extra not installed")
    from sqlalchemy import select

    from overheard.store import Case
    from overheard.store.schema import Document, Segment

    run("ingest", "--no-transcribe", "--no-analyze", str(samples / "intercepts" / "call_02.ogg"))
    case = Case.open(tmp_path / "case")
    with case.session() as s:
        doc = s.scalars(select(Document)).one()
        doc.status = "transcribed"
        s.add(Segment(document_id=doc.id, idx=0, start_s=1.0, end_s=3.5, speaker="A",
                      language="ru", text="Командир сказал: нахуй такую помощь."))  # fmt: skip
        s.add(Segment(document_id=doc.id, idx=1, start_s=4.0, end_s=6.0, speaker="B",
                      language="ru", text="Ладно, не ори."))  # fmt: skip
    case.close()
    srt = run("export", "--format", "srt", "--document", "1").output
    assert "00:00:01,000 --> 00:00:03,500" in srt and "[A] Командир сказал: нахуй" in srt
    vtt = run("export", "--format", "vtt", "--document", "1", "--masked").output
    assert vtt.startswith("WEBVTT") and "<v B>Ладно, не ори.</v>" in vtt
    assert "на***" in vtt and "Командир" in vtt
    result = run("export", "--format", "srt")
    assert result.exit_code == 1 and "--document" in result.output


def test_paths_with_brackets_print_as_written(run, tmp_path):
    folder = tmp_path / "[bold]in"
    folder.mkdir()
    (folder / "[red]empty.txt").write_bytes(b"")
    result = run("ingest", str(folder))
    assert "[bold]in/[red]empty.txt: empty file (0 bytes)" in result.output


def test_show_list_and_search_json_are_records(run, samples, tmp_path):
    from sqlalchemy import select

    from overheard.store import Case
    from overheard.store.schema import Document, Event, Mention, Statement

    run("ingest", "--no-transcribe", "--no-analyze", str(samples / "reports"))
    case = Case.open(tmp_path / "case")
    with case.session() as s:
        doc = s.scalars(select(Document).where(Document.origin_path.endswith("-en.txt"))).one()
        text, doc_id = doc.text, doc.id
        at = text.index("he warned")
        s.add(Mention(document_id=doc_id, start_char=at, end_char=at + 2, text="he",
                      label="PERSON", source="rules"))  # fmt: skip
        s.add(Statement(document_id=doc_id, speaker_text="he", speaker_start=at,
                        speaker_end=at + 2, speaker_antecedent="A second soldier",
                        cue="warned", act="warn", content="Don't tell anyone I said this"))  # fmt: skip
        s.add(Event(document_id=doc_id, type="ASSAULT", actor_text="drones",
                    trigger_text="hit", trigger_start=text.index(" hit ") + 1,
                    trigger_end=text.index(" hit ") + 4))  # fmt: skip
    case.close()

    shown = json.loads(run("show", str(doc_id), "--json").output)
    validator = jsonschema.Draft202012Validator(schema())
    validator.validate(shown["document"])
    for key in ("segments", "mentions", "statements", "events"):
        assert shown[key], key
        for rec in shown[key]:
            validator.validate(rec)
    assert shown["mentions"][0]["type"] == "mention" and shown["mentions"][0]["evidence"]
    text_view = run("show", str(doc_id)).output
    assert "he (→ A second soldier)" in text_view and "«hit»" in text_view

    listing = json.loads(run("list", "--json").output)
    for rec in listing:
        validator.validate(rec)
        assert "text" not in rec
    hits = json.loads(run("search", "drones", "--json").output)["hits"]
    assert hits and hits[0]["segment_id"].startswith("segment:")
