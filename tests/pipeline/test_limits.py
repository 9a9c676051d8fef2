"""A document too big to analyse: stored, cut into segments of a bounded length, searchable,
and its analysis failed with a reason that the command's exit code and 'list --failures' show
(a 50 MB one-line text had been one segment, failed with spaCy's raw [E088], exited 0 and
listed 'no failures')."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from overheard.cli import cli
from overheard.text.sentences import MAX_SENTENCE_CHARS

pytest.importorskip("overheard.text.analyze", reason="text extra not installed")

LIMIT = 20_000  # instead of 1,000,000, to keep the test small


@pytest.fixture
def small_limit(monkeypatch):
    import overheard.pipeline.analysis as analysis
    import overheard.pipeline.copies as copies
    import overheard.pipeline.embedding as embedding

    for module in (analysis, copies, embedding):
        monkeypatch.setattr(module, "MAX_ANALYSIS_CHARS", LIMIT)


def test_a_document_too_long_to_analyse(tmp_path, small_limit):
    words = " ".join(f"drones{i % 977} near Kursk{i}" for i in range(4000))  # ~90k chars, no stop
    big = tmp_path / "one-line.txt"
    big.write_text(words)
    runner = CliRunner()
    case = ["--case", str(tmp_path / "case")]

    result = runner.invoke(cli, [*case, "ingest", str(big)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "1 new" in result.output
    assert f"too long to analyse: {len(words):,} characters" in result.output

    listed = runner.invoke(cli, [*case, "list", "--failures"], catch_exceptions=False)
    assert "no failures" not in listed.output
    assert "analyse failed: too long to analyse" in listed.output
    failures = json.loads(runner.invoke(cli, [*case, "list", "--failures", "--json"]).output)
    assert {f["stage"] for f in failures} >= {"analyse"}
    assert all(f["document"] == "document:1" for f in failures)

    found = runner.invoke(cli, [*case, "search", "Kursk3999", "--json"], catch_exceptions=False)
    hits = json.loads(found.output)
    hits = hits["hits"] if isinstance(hits, dict) else hits
    assert len(hits) == 1
    assert len(hits[0]["text"]) <= MAX_SENTENCE_CHARS
    assert "Kursk3999" in hits[0]["text"]

    # with another file that goes through whole, the command succeeds (the failure is listed)
    small = tmp_path / "small.txt"
    small.write_text("Drones struck a bridge near Kursk, the ministry said.")
    again = runner.invoke(cli, [*case, "ingest", str(small)], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    strict = runner.invoke(cli, [*case, "ingest", str(big), "--strict"], catch_exceptions=False)
    assert strict.exit_code == 1
