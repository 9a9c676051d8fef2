"""An analyst's merges and splits: they move mentions, statements and events, are recorded
with who and why, refuse what makes no sense, and survive a re-analysis of every document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from overheard.cli import cli
from overheard.ingest.ingest import Ingestor
from overheard.link import merges
from overheard.link.merges import MergeError
from overheard.store import Case
from overheard.store.schema import Document, Entity, EntityMerge, Mention, Statement

# Mykola (Ukrainian) and Николай (Russian) are one man whose first names key apart.
REPORTS = {
    "en.txt": "KYIV, May 2 - Navy spokesman Mykola Tkachuk said on Monday that the vessel "
    'was hit by a missile. "We saw the launch," Mykola Tkachuk told reporters.',
    "ru.txt": "Представитель ВМС Украины Николай Ткачук заявил в понедельник, что судно "
    "было поражено ракетой.",
}


def _people(case: Case) -> dict[str, int]:
    """Each Tkachuk mention's text → its entity id."""
    with case.reader() as s:
        rows = s.execute(
            select(Mention.text, Mention.entity_id).where(Mention.text.like("%Ткачук%")
                                                          | Mention.text.like("%Tkachuk%"))
        ).all()  # fmt: skip
    return dict(rows)


def _seed(case: Case, settings, tmp_path: Path) -> tuple[int, int]:
    """Two entities and their mentions, as an analysis would have written them."""
    path = tmp_path / "seed.txt"
    path.write_text("Mykola Tkachuk; Николай Ткачук; Ткачук.", encoding="utf-8")
    Ingestor(case, settings, workers=1).ingest([path])
    with case.session() as s:
        doc = s.scalars(select(Document)).one()
        en = Entity(
            type="PERSON",
            name="Mykola Tkachuk",
            key="PERSON:m tkacuk",
            names=[{"name": "Mykola Tkachuk"}],
            external_ids={"wikidata": "Q1"},
        )
        ru = Entity(
            type="PERSON",
            name="Николай Ткачук",
            key="PERSON:n tkacuk",
            names=[{"name": "Николай Ткачук"}, {"name": "Ткачук"}],
            external_ids={},
        )
        s.add_all([en, ru])
        s.flush()
        s.add_all([
            Mention(document_id=doc.id, start_char=0, end_char=14, text="Mykola Tkachuk",
                    label="PERSON", entity_id=en.id),
            Mention(document_id=doc.id, start_char=16, end_char=30, text="Николай Ткачук",
                    label="PERSON", normal="Николай Ткачук", entity_id=ru.id),
            Mention(document_id=doc.id, start_char=32, end_char=38, text="Ткачук",
                    label="PERSON", normal="Ткачук", entity_id=ru.id),
            Statement(document_id=doc.id, speaker_text="Ткачук", speaker_entity_id=ru.id,
                      speaker_start=32, speaker_end=38, act="assert", content="c"),
        ])  # fmt: skip
        return en.id, ru.id


def test_merge_moves_everything_and_is_recorded(case, settings, tmp_path):
    keep, other = _seed(case, settings, tmp_path)
    done = merges.merge(case, keep, other, actor="anna", note="one spokesman")
    assert done.moved == 2 and done.keys == ("PERSON:n tkacuk",)
    with case.reader() as s:
        assert s.get(Entity, other) is None
        kept = s.get(Entity, keep)
        assert {n["name"] for n in kept.names} == {"Mykola Tkachuk", "Николай Ткачук", "Ткачук"}
        assert kept.external_ids == {"wikidata": "Q1"}
        assert set(s.scalars(select(Mention.entity_id))) == {keep}
        assert set(s.scalars(select(Statement.speaker_entity_id))) == {keep}
        row = s.scalars(select(EntityMerge)).one()
        assert (row.action, row.key, row.entity_id, row.actor, row.note) == (
            "merge", "PERSON:n tkacuk", keep, "anna", "one spokesman",
        )  # fmt: skip
        assert row.created_at is not None
        # What the analysis writer asks: the merged key resolves to the kept entity.
        assert merges.resolve(s, "PERSON:n tkacuk") == keep


def test_split_gives_a_name_its_own_entity(case, settings, tmp_path):
    _keep, other = _seed(case, settings, tmp_path)
    done = merges.split(case, other, "Ткачук", actor="anna")
    with case.reader() as s:
        new = s.get(Entity, done.entity_id)
        assert new.name == "Ткачук" and new.key == "PERSON:n tkacuk|Ткачук"
        assert [n["name"] for n in s.get(Entity, other).names] == ["Николай Ткачук"]
        moved = s.scalars(select(Mention).where(Mention.entity_id == new.id)).all()
        assert [m.text for m in moved] == ["Ткачук"]
        assert s.scalars(select(Statement.speaker_entity_id)).one() == new.id
        assert merges.split_names(s, "PERSON:n tkacuk") == {"Ткачук": "PERSON:n tkacuk|Ткачук"}
    assert merges.history(case)[0]["action"] == "split"


def test_clear_errors(case, settings, tmp_path):
    keep, other = _seed(case, settings, tmp_path)
    with pytest.raises(MergeError, match="with itself"):
        merges.merge(case, keep, keep, actor="anna")
    with pytest.raises(MergeError, match="no entity 999"):
        merges.merge(case, keep, 999, actor="anna")
    with pytest.raises(MergeError, match="no entity 999"):
        merges.split(case, 999, "x", actor="anna")
    with pytest.raises(MergeError, match="has no name 'Peskov'"):
        merges.split(case, other, "Peskov", actor="anna")
    with pytest.raises(MergeError, match="nothing would be left"):
        merges.split(case, keep, "Mykola Tkachuk", actor="anna")
    with case.reader() as s:
        assert s.scalars(select(EntityMerge)).all() == []


def test_a_bare_surname_resolves_to_the_one_person_with_it(case):
    with case.session() as s:
        bare = Entity(type="PERSON", name="Мельник", key="PERSON:melnik", names=[])
        s.add(bare)
        s.flush()
        # The full name arrives later: it takes the bare entity, which keys by it from now on.
        assert merges.resolve(s, "PERSON:t melnik") == bare.id
        assert bare.key == "PERSON:t melnik"
        assert merges.resolve(s, "PERSON:melnik") == bare.id
        # Two people with that surname: a bare surname is no longer anyone's.
        s.add(Entity(type="PERSON", name="Olena Melnyk", key="PERSON:o melnik", names=[]))
        s.flush()
        assert merges.resolve(s, "PERSON:melnik") is None


@pytest.fixture
def run(tmp_path: Path):
    pytest.importorskip("overheard.text.analyze", reason="text extra not installed")
    runner = CliRunner()
    case_dir = tmp_path / "case"

    def invoke(*args: str):
        result = runner.invoke(cli, ["--case", str(case_dir), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    invoke("ingest", str(folder))
    invoke.case_dir = case_dir  # type: ignore[attr-defined]
    return invoke


@pytest.mark.slow
def test_merge_and_split_survive_reanalysis(run, monkeypatch):
    monkeypatch.setenv("USER", "anna")
    people = {e["name"]: e for e in json.loads(run("entities", "list", "--type", "PERSON",
                                                    "--json"))}  # fmt: skip
    en, ru = people["Mykola Tkachuk"], people["Николай Ткачук"]
    assert en["id"] != ru["id"] and en["mentions"] >= 1

    out = json.loads(run("entities", "merge", str(en["id"]), str(ru["id"]), "--note", "same man",
                         "--json"))  # fmt: skip
    assert out["keys"] == [ru["key"]]
    run("process", "--stage", "analyse", "--redo")
    case = Case.open(run.case_dir, create=False)
    try:
        assert set(_people(case).values()) == {en["id"]}
        with case.reader() as s:
            row = s.scalars(select(EntityMerge)).one()
            assert (row.actor, row.note) == ("anna", "same man")
    finally:
        case.close()
    assert "Николай Ткачук" in run("entities", "list")

    run("entities", "split", str(en["id"]), "Николай Ткачук", "--actor", "boris")
    run("process", "--stage", "analyse", "--redo")
    case = Case.open(run.case_dir, create=False)
    try:
        found = _people(case)
        assert found["Mykola Tkachuk"] == en["id"]
        assert found["Николай Ткачук"] != en["id"]
        with case.reader() as s:
            split = s.scalars(select(EntityMerge).where(EntityMerge.action == "split")).one()
            assert split.actor == "boris" and split.entity_id == found["Николай Ткачук"]
    finally:
        case.close()


def test_cli_errors_are_one_line(case):
    runner = CliRunner()
    result = runner.invoke(cli, ["--case", str(case.root), "entities", "merge", "1", "1"])
    assert result.exit_code == 1
    assert result.output.strip() == "error: cannot merge entity 1 with itself"
    result = runner.invoke(cli, ["--case", str(case.root), "entities", "split", "7", "Nobody"])
    assert result.exit_code == 1 and "no entity 7" in result.output
    result = runner.invoke(cli, ["--case", str(case.root), "entities", "list"])
    assert result.exit_code == 0 and "no entities" in result.output
