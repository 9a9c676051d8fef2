"""The short soak: the workbench serving while ingests, list and search run on the same case
and are killed with SIGKILL at random; the case is then checked (``overheard.bench.soak``;
``overheard bench soak --minutes 10`` is the long run, docs/BENCHMARKS.md)."""

from __future__ import annotations

import pytest

pytest.importorskip("uvicorn", reason="web extra not installed (the soak serves the case)")


@pytest.mark.slow
def test_serve_and_killed_cli_processes_on_one_case(tmp_path):
    from overheard.bench.soak import format_result, run

    result = run(minutes=0.5, seed=3, files=120, root=tmp_path)
    report = format_result(result)
    checks = result["checks"]
    assert checks["integrity"] == "ok", report
    assert checks["lost"] == 0 and checks["lost_after_a_completed_ingest"] == 0, report
    assert checks["duplicated"] == 0, report
    assert checks["documents"] == checks["distinct_texts"], report
    assert checks["originals_missing_or_damaged"] == 0, report
    assert checks["temporary_files_left"] == 0, report
    assert checks["server_errors"] == 0, report
    assert checks["server_lists_every_document"], report
    assert result["requests_served"] > 0 and result["ingests_started"] >= 1, report
    assert result["kills"] >= 1, report
    assert result["ok"], report
