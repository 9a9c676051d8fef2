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


SERVER_LOG = """\
overheard workbench on http://127.0.0.1:43211/  (case /tmp/case; Ctrl-C stops)
ERROR:    Exception in ASGI application
Traceback (most recent call last):
  File "/venv/site-packages/uvicorn/protocols/http/h11_impl.py", line 403, in run_asgi
    result = await app(  # type: ignore[func-returns-value]
  File "/repo/src/overheard/web/api.py", line 215, in document
    return show(request, data, "document.html", lambda d: {"rows": markup.rows(d)})
  File "/repo/src/overheard/web/templates/document.html", line 7, in template
    <h1>{{ d.title or d.origin_path|filename }}</h1>
jinja2.exceptions.TemplateAssertionError: No filter named 'filename'.
ERROR:    Exception in ASGI application
  + Exception Group Traceback (most recent call last):
  |   File "/venv/site-packages/anyio/_backends/_asyncio.py", line 767, in __aexit__
  |     raise BaseExceptionGroup(
  | ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)
  +-+---------------- 1 ----------------
    | Traceback (most recent call last):
    |   File "/repo/src/overheard/web/api.py", line 215, in document
    |     return show(request, data, "document.html", lambda d: {"rows": markup.rows(d)})
    |   File "/repo/src/overheard/web/templates/document.html", line 7, in template
    |     <h1>{{ d.title or d.origin_path|filename }}</h1>
    | jinja2.exceptions.TemplateAssertionError: No filter named 'filename'.
    +------------------------------------
"""


def test_a_server_log_summarised_by_traceback() -> None:
    """What the soak prints when the server answered 5xx: each distinct exception once, with
    where in overheard it came from and how often (plain and exception-group tracebacks)."""
    from overheard.bench.soak import tracebacks

    assert tracebacks(SERVER_LOG) == [
        "2 x jinja2.exceptions.TemplateAssertionError: No filter named 'filename'. "
        "[overheard/web/templates/document.html:7 in template]",
        "1 x ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception) "
        "[no overheard frame]",
    ]
    assert tracebacks("overheard workbench on http://127.0.0.1:1/\n") == []
