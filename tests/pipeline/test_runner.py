"""The stage runner, with stages written here (no extras needed): what is pending, versions
that make work pending again, one failure that stops nothing, stages that read another's
output, the worker pool, provenance, and a stage added by one module + one registration."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from overheard.errors import NotAvailable, OverheardError
from overheard.ingest.ingest import Ingestor
from overheard.pipeline import registry, runner
from overheard.pipeline.runner import Runner
from overheard.pipeline.stage import StageConfig
from overheard.store.schema import Document, DocumentStage, Run

# Two stages in a module of their own, so spawned worker processes can import it too.
TOY = textwrap.dedent(
    """
    from sqlalchemy import ColumnElement
    from overheard.pipeline.stage import Outcome, Stage, StageFailure
    from overheard.store.schema import Document

    RULES = {"suffix": "1"}

    class WordsStage(Stage):
        name = "words"
        needs = "a text"
        code = ("overheard.pipeline.stage",)
        batch_size = 3

        def applies_to(self) -> ColumnElement[bool]:
            return Document.kind == "text"

        def models(self):
            return {"rules": RULES["suffix"]}

        def read(self, session, document, originals):
            return document.text

        def compute(self, items, progress=None):
            for text in items:
                if "BOOM" in text:
                    raise ValueError("cannot count a bomb")
                yield len(text.split()) if "FAIL" not in text else StageFailure("said FAIL")

        def write(self, session, document_id, result, run_id):
            doc = session.get(Document, document_id)
            doc.meta = {**(doc.meta or {}), "words": result, "words_run": run_id}
            return Outcome(self.name, document_id, doc.title, counts={"words": result})

        def failed(self, session, document_id, reason):
            doc = session.get(Document, document_id)
            doc.meta = {**(doc.meta or {}), "words_failed": reason}

    class LongStage(Stage):
        name = "long"
        needs = "a text with words counted"
        after = ("words",)
        batch_size = 3

        def applies_to(self) -> ColumnElement[bool]:
            return Document.kind == "text"

        def read(self, session, document, originals):
            return (document.meta or {}).get("words")

        def compute(self, items, progress=None):
            for words in items:
                yield words is not None and words > 5

        def write(self, session, document_id, result, run_id):
            doc = session.get(Document, document_id)
            doc.meta = {**(doc.meta or {}), "long": result}
            return Outcome(self.name, document_id, doc.title)
    """
)


@pytest.fixture
def toy_stages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "toy_stages.py").write_text(TOY, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    # Spawned workers import the module too: they read PYTHONPATH.
    monkeypatch.setenv("PYTHONPATH", f"{tmp_path}:{':'.join(sys.path)}")
    # The one registration line per stage (here: for this test).
    monkeypatch.setattr(
        registry,
        "BUILTIN",
        {"words": "toy_stages:WordsStage", "long": "toy_stages:LongStage"},
    )
    for cached in (registry._targets, registry.stage_class):
        cached.cache_clear()
    yield sys.modules.get("toy_stages") or __import__("toy_stages")
    for cached in (registry._targets, registry.stage_class):
        cached.cache_clear()
    sys.modules.pop("toy_stages", None)


def _texts(folder: Path, texts: dict[str, str]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for name, text in texts.items():
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _meta(case) -> dict[str, dict]:
    """Each document's meta, by its file's stem."""
    with case.reader() as s:
        return {Path(d.origin_path).stem: d.meta or {} for d in s.scalars(select(Document))}


def _by_name(case, outcomes) -> dict:
    with case.reader() as s:
        names = {d.id: Path(d.origin_path).stem for d in s.scalars(select(Document))}
    return {names[o.document_id]: o for o in outcomes}


def test_stage_order_and_registration(toy_stages):
    assert registry.names() == ["words", "long"]
    assert registry.downstream("words") == ["long"]
    with pytest.raises(OverheardError, match="no stage named 'nope'"):
        registry.stage_class("nope")


def test_pending_done_failures_and_versions(case, settings, tmp_path, toy_stages):
    texts = {
        "short": "three words here",
        "longer": "one two three four five six seven",
        "bomb": "a BOOM in the middle",
        "refused": "this one will FAIL",
    }
    Ingestor(case, settings, workers=1).ingest(_texts(tmp_path / "in", texts))
    run = Runner(case, StageConfig(), workers=1)
    assert len(run.pending("words")) == 4

    report = run.run()
    words = _by_name(case, report.outcomes["words"])
    assert words["short"].counts == {"words": 3} and not words["short"].error
    # A raising document and a refused one fail alone, with their reasons; the rest go on.
    assert "cannot count a bomb" in words["bomb"].error
    assert words["refused"].error == "said FAIL"
    meta = _meta(case)
    assert meta["short"]["words"] == 3 and meta["longer"]["long"] is True
    assert meta["short"]["long"] is False
    assert meta["bomb"]["words_failed"].startswith("ValueError")
    assert report.summaries["words"] == "words: 2 document(s): 10 words"

    with case.reader() as s:
        rows = {(r.document_id, r.stage): r for r in s.scalars(select(DocumentStage))}
        runs = s.scalars(select(Run).where(Run.component == "stage:words")).all()
    assert len(runs) == 1 and runs[0].finished_at is not None
    assert meta["short"]["words_run"] == runs[0].id
    statuses = sorted(r.status for (_, stage), r in rows.items() if stage == "words")
    assert statuses == ["done", "done", "failed", "failed"]

    # Failed documents are tried again; done ones are not.
    again = Runner(case, StageConfig(), workers=1)
    assert sorted(again.pending("words")) == sorted(
        o.document_id for o in report.outcomes["words"] if o.error
    )
    # A new version (a rule changed) makes every document pending again, by itself.
    toy_stages.RULES["suffix"] = "2"
    assert len(Runner(case, StageConfig(), workers=1).pending("words")) == 4
    toy_stages.RULES["suffix"] = "1"


def test_redo_makes_readers_pending_and_named_documents(case, settings, tmp_path, toy_stages):
    Ingestor(case, settings, workers=1).ingest(_texts(tmp_path / "in", {"a": "x y", "b": "z"}))
    run = Runner(case, StageConfig(), workers=1)
    run.run()
    assert run.pending("words") == [] and run.pending("long") == []
    with case.reader() as s:
        first = s.scalars(select(Document.id).order_by(Document.id)).first()
    # A document written anew by a stage is pending for the stages that read it.
    run.run(["words"], ids=[first])
    assert run.pending("long") == [first]
    report = run.run()
    assert [o.document_id for o in report.outcomes["long"]] == [first]
    # Nothing pending: nothing runs, no run row.
    assert run.run().outcomes == {}


def test_states_for_the_stages_command(case, settings, tmp_path, toy_stages):
    Ingestor(case, settings, workers=1).ingest(_texts(tmp_path / "in", {"a": "x", "b": "FAIL"}))
    run = Runner(case, StageConfig(), workers=1)
    before = {st.name: st for st in run.states()}
    assert before["words"].pending == 2 and before["words"].applies == 2
    assert before["words"].version.startswith("0.") and before["words"].models == {"rules": "1"}
    run.run()
    after = {st.name: st for st in run.states()}
    assert (after["words"].done, after["words"].failed, after["words"].pending) == (1, 1, 1)


def test_pool_gives_the_same_result(case, settings, tmp_path, toy_stages, monkeypatch):
    monkeypatch.setattr(runner, "POOL_THRESHOLD", 2)
    texts = {f"t{i}": " ".join(["w"] * i) + (" BOOM" if i == 4 else "") for i in range(1, 9)}
    Ingestor(case, settings, workers=1).ingest(_texts(tmp_path / "in", texts))
    report = Runner(case, StageConfig(), workers=2).run(["words"])
    got = {
        name: (o.counts.get("words"), bool(o.error))
        for name, o in _by_name(case, report.outcomes["words"]).items()
    }
    assert got == {f"t{i}": ((None, True) if i == 4 else (i, False)) for i in range(1, 9)}


def test_a_stage_that_cannot_load_is_a_note_or_an_error(case, settings, tmp_path, toy_stages):
    def broken(self):
        raise NotAvailable("no model here")

    toy_stages.WordsStage.setup = broken
    try:
        Ingestor(case, settings, workers=1).ingest(_texts(tmp_path / "in", {"a": "x"}))
        report = Runner(case, StageConfig(), workers=1).run(["words"])
        assert report.notes == ["1 document(s) wait for words: no model here"]
        with pytest.raises(NotAvailable, match="cannot run words: no model here"):
            Runner(case, StageConfig(), workers=1).run(["words"], required=True)
    finally:
        del toy_stages.WordsStage.setup
