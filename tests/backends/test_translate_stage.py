"""The translate stage as a user meets it: `overheard process --translate` against local
servers, the renderings stored with their provenance, cached by text, kept side by side per
back-end, exported, searchable and shown in the workbench; a server that is down leaves the
stage pending with one line, and without --translate nothing is sent anywhere."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from overheard.cli import cli
from overheard.store import Case
from overheard.store.schema import DocumentStage, Run, Translation, TranslationCache

from .servers import serve

REPORTS = Path(__file__).resolve().parents[2] / "samples" / "reports"


@pytest.fixture
def run(tmp_path, monkeypatch):
    for name in ("OVERHEARD_TRANSLATOR", "OVERHEARD_TRANSLATOR_URL", "OVERHEARD_TRANSLATOR_MODEL",
                 "OVERHEARD_TRANSLATOR_KEY", "OVERHEARD_ENTAIL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    case_dir = tmp_path / "case"

    def invoke(*args: str):
        return runner.invoke(cli, ["--case", str(case_dir), *args], catch_exceptions=False)

    invoke.case_dir = case_dir  # type: ignore[attr-defined]
    result = invoke("ingest", "--no-analyze", "--no-transcribe", str(REPORTS / "perehvat-ru.txt"),
                    str(REPORTS / "intercepted-calls-en.txt"))  # fmt: skip
    assert result.exit_code == 0, result.output
    return invoke


def rows(case_dir: Path, model=Translation):
    with Case.open(case_dir) as case, case.reader() as s:
        return s.scalars(select(model).order_by(model.id)).all()


def test_translate_with_an_openai_server(run) -> None:
    with serve("openai") as server:
        out = run("process", "--translate", "--translator", "openai", "--translator-url",
                  server.url, "--translator-model", "glossary-1")  # fmt: skip
        assert out.exit_code == 0, out.output
        assert "translated" in out.output and "openai (glossary-1 at" in out.output
        sent = [r["messages"][-1]["content"] for r in server.requests]
    stored = rows(run.case_dir)
    assert stored and all(t.backend == "openai" and t.model == "glossary-1" for t in stored)
    assert all(t.language == "en" and t.machine and t.run_id for t in stored)
    # Only the Russian document was sent: the English one needs no rendering.
    assert all(any("\u0400" <= ch <= "\u04ff" for ch in text) for text in sent)
    assert len(stored) == len(sent) == len(rows(run.case_dir, TranslationCache))
    with Case.open(run.case_dir) as case, case.reader() as s:
        runs = s.scalars(select(Run).where(Run.component == "stage:translate")).all()
        assert runs[-1].params["models"]["translator"] == "openai:glossary-1"

    # Again, everything: from the cache, not one request more.
    with serve("openai") as again:
        out = run("process", "--translate", "--redo", "--translator", "openai",
                  "--translator-url", again.url, "--translator-model", "glossary-1")  # fmt: skip
        assert out.exit_code == 0 and not again.requests
        assert f"({len(stored)} from cache)" in out.output
    assert len(rows(run.case_dir)) == len(stored)

    # Exported with backend and model.
    out = run("export", "--format", "jsonl")
    records = [json.loads(line) for line in out.output.splitlines()]
    renderings = [t for r in records if r["type"] == "segment" for t in r["translations"]]
    assert renderings and all(
        t["backend"] == "openai" and t["model"] == "glossary-1" for t in renderings
    )
    # And searchable.
    found = json.loads(run("search", "--translations", '"we"', "--json").output)["hits"]
    assert found and all(h["matched_in"] == "translation" for h in found)
    assert all(" мы " in f" {h['original'].lower()} " for h in found)
    assert all(h["backend"] == "openai, glossary-1" for h in found)


def test_two_back_ends_side_by_side(run) -> None:
    with serve("openai") as server:
        assert run("process", "--translate", "--translator", "openai", "--translator-url",
                   server.url, "--translator-model", "g1").exit_code == 0  # fmt: skip
    # The case's own settings choose LibreTranslate from now on.
    with serve("libretranslate") as server:
        assert run("config", "set", "translator", "libretranslate").exit_code == 0
        assert run("config", "set", "translator.url", server.url).exit_code == 0
        out = run("process", "--translate")
        assert out.exit_code == 0, out.output and "libretranslate" in out.output
        assert server.requests
    stored = rows(run.case_dir)
    backends = {t.backend for t in stored}
    assert backends == {"openai", "libretranslate"}  # neither replaced the other
    per_segment = {}
    for t in stored:
        per_segment.setdefault(t.segment_id, set()).add(t.backend)
    assert all(v == {"openai", "libretranslate"} for v in per_segment.values())
    listing = run("config", "list").output
    assert "libretranslate" in listing and "translator.url" in listing
    assert run("config", "set", "translator", "babelfish").exit_code == 1


def test_a_server_that_is_down_leaves_the_stage_pending(run, monkeypatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("OVERHEARD_TRANSLATOR", "openai")
    monkeypatch.setenv("OVERHEARD_TRANSLATOR_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("OVERHEARD_TRANSLATOR_MODEL", "m")
    out = run("process", "--translate")
    assert out.exit_code == 1
    errors = [line for line in out.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "is not answering" in errors[0] and "still pending" in errors[0]
    assert not rows(run.case_dir)
    with Case.open(run.case_dir) as case, case.reader() as s:
        done = s.scalar(
            select(func.count())
            .select_from(DocumentStage)
            .where(DocumentStage.stage == "translate")
        )
    assert done == 0  # nothing half-written, nothing marked failed: still pending
    states = {st["name"]: st for st in json.loads(run("stages", "--json").output)}
    assert states["translate"]["pending"] == 2 and states["translate"]["on_request"]


def test_garbage_fails_documents_with_the_reason(run) -> None:
    with serve("openai", "garbage") as server:
        out = run("process", "--translate", "--translator", "openai", "--translator-url",
                  server.url, "--translator-model", "m", "--json")  # fmt: skip
    report = json.loads(out.output)
    failures = [o for o in report["stages"]["translate"] if o["error"]]
    assert failures and all("not JSON" in o["error"] for o in failures)
    assert not rows(run.case_dir)


def test_without_translate_nothing_is_sent(run) -> None:
    with serve("openai") as server:
        out = run("process")
        assert out.exit_code == 0 and not server.requests
    assert not rows(run.case_dir)
    assert "runs when asked (--translate)" in run("stages").output


def test_the_workbench_shows_the_preferred_rendering(run) -> None:
    from fastapi.testclient import TestClient

    from overheard.web.app import create_app

    with serve("openai") as server:
        run("process", "--translate", "--translator", "openai", "--translator-url", server.url,
            "--translator-model", "g1")  # fmt: skip
    with serve("libretranslate") as server:
        run("process", "--translate", "--translator", "libretranslate", "--translator-url",
            server.url)  # fmt: skip
    with Case.open(run.case_dir) as case:
        ru = next(t for t in rows(run.case_dir)).segment_id
        with case.reader() as s:
            from overheard.store.schema import Segment

            doc_id = s.get(Segment, ru).document_id
        with TestClient(create_app(case), base_url="http://127.0.0.1") as client:
            page = client.get(f"/documents/{doc_id}").text
            assert "machine translation</span> — openai, g1" in page
            assert "also: " in page and "libretranslate" in page
            chosen = client.get(f"/documents/{doc_id}?translation=libretranslate").text
            assert "machine translation</span> — libretranslate" in chosen
            data = client.get(f"/documents/{doc_id}.json").json()
            preferred = [t for t in data["translations"] if t["preferred"]]
            assert len(preferred) == 1 and preferred[0]["backend"] == "openai"
            english = next(d for d in range(1, 4) if d != doc_id)
            assert "Not translated" in client.get(f"/documents/{english}").text
            # The search page searches the renderings when asked.
            found = client.get("/search.json?q=into&within=translations").json()
            assert found["hits"] and all(h["matched_in"] == "translation" for h in found["hits"])
            assert found["filters"]["within"] == "translations"
            html = client.get("/search?q=into&within=translations").text
            assert "<mark>into</mark>" in html and "checked" in html
            assert not client.get("/search.json?q=into").json()["hits"]  # not in originals
