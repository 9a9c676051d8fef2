"""`overheard export --format ftm`: FollowTheMoney entities the library accepts as they are
(what `ftm validate` re-parses and cleans comes out unchanged), whose references all resolve to
entities of the schema the property asks for, each naming the record it comes from."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from overheard.cli import cli
from overheard.config import Settings
from overheard.export.jsonl import records
from overheard.ingest.ingest import Ingestor
from overheard.store import Case
from overheard.store.schema import Document, Segment, Translation

followthemoney = pytest.importorskip("followthemoney", reason="ftm extra not installed")
from followthemoney import model  # noqa: E402
from followthemoney.cli.cli import cli as ftm_cli  # noqa: E402


def _export(case_dir: Path, out: Path) -> list[dict]:
    result = CliRunner().invoke(
        cli, ["--case", str(case_dir), "export", "--format", "ftm", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _check(entities: list[dict], tmp_path: Path) -> dict[str, dict]:
    """What the library says of the export: each entity validates against its schema with its
    required properties, each value is already clean, each reference resolves."""
    by_id = {e["id"]: e for e in entities}
    assert len(by_id) == len(entities), "ids are unique"
    source = tmp_path / "in.ftm.json"
    source.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    cleaned = tmp_path / "valid.ftm.json"
    result = CliRunner().invoke(ftm_cli, ["validate", "-i", str(source), "-o", str(cleaned)])
    assert result.exit_code == 0, result.output
    again = {e["id"]: e for e in map(json.loads, cleaned.read_text("utf-8").splitlines())}
    for e in entities:
        schema = model.get(e["schema"])
        assert schema is not None and not schema.abstract, e["schema"]
        assert schema.validate(e) is None
        for name in schema.required:
            assert e["properties"].get(name), (e["id"], name)
        assert again[e["id"]]["properties"] == e["properties"], e["id"]
        for name, values in e["properties"].items():
            prop = schema.get(name)
            assert prop is not None, (e["id"], name)
            if prop.type.name == "entity":
                for target in values:
                    assert target in by_id, (e["id"], name, target)
                    assert model.get(by_id[target]["schema"]).is_a(prop.range), (e["id"], name)
    return by_id


def test_the_library_accepts_every_entity(analysed_case, tmp_path):
    entities = _export(analysed_case, tmp_path / "case.ftm.json")
    by_id = _check(entities, tmp_path)
    schemata = Counter(e["schema"] for e in entities)
    for name in ("PlainText", "Person", "Address", "Mention", "Event", "Note", "UnknownLink"):
        assert schemata[name], name
    with Case.open(analysed_case) as case:
        recs = {r["id"]: r for r in records(case, with_text=False)}
    # Every record of these types is an entity, under its record's id.
    for kind in ("document", "statement", "claim", "event"):
        for ref in (i for i in recs if i.startswith(kind + ":")):
            assert f"overheard-{kind}-{ref.split(':')[1]}" in by_id, ref
    # A statement: its words, its document as proof, its record id.
    st = next(r for r in recs.values() if r["type"] == "statement" and r["speaker_entity"])
    entity = by_id["overheard-" + st["id"].replace(":", "-")]
    assert entity["properties"]["summary"] == [st["content"]]
    assert entity["properties"]["recordId"] == [st["id"]]
    assert entity["properties"]["proof"] == [
        "overheard-" + st["evidence"]["document_id"].replace(":", "-")
    ]
    # A contested claim: a Note, and its board lines as links that say which side.
    claim = next(
        r for r in recs.values()
        if r["type"] == "claim" and r["asserting_sources"] and r["denying_sources"]
    )  # fmt: skip
    note = by_id["overheard-" + claim["id"].replace(":", "-")]
    assert note["schema"] == "Note" and note["properties"]["name"] == [claim["proposition"]]
    links = [e for e in entities if e["schema"] == "UnknownLink"
             and e["properties"]["object"] == [note["id"]]]  # fmt: skip
    roles = {e["properties"]["role"][0] for e in links}
    assert roles == {"asserts", "denies"} and len(links) == len(claim["statements"])
    # Places keep their point to the library's precision, not rounded.
    place = next(r for r in recs.values() if r["type"] == "entity" and r["location"])
    address = by_id["overheard-" + place["id"].replace(":", "-")]
    assert address["schema"] == "Address"
    assert float(address["properties"]["latitude"][0]) == place["location"]["latitude"]
    # Languages as FtM writes them (ISO 639-3).
    assert {v for e in entities for v in e["properties"].get("language", [])} <= {
        "eng", "rus", "ukr"
    }  # fmt: skip


def test_a_recording_is_audio_with_its_transcript_and_translations(case, samples, tmp_path):
    Ingestor(case, Settings(), source="samples").ingest([samples / "intercepts" / "call_02.ogg"])
    with case.session() as s:
        audio = s.scalars(select(Document).where(Document.kind == "audio")).one()
        seg = Segment(document_id=audio.id, idx=0, start_s=1.5, end_s=3.25, speaker="A",
                      language="ru", text="Алло, слышишь меня?")  # fmt: skip
        s.add(seg)
        s.flush()
        s.add(Translation(segment_id=seg.id, language="en", text="Hello, can you hear me?",
                          backend="test-backend"))  # fmt: skip
        doc_id = audio.id
    entities = _export(case.root, tmp_path / "call.ftm.json")
    by_id = _check(entities, tmp_path)
    call = by_id[f"overheard-document-{doc_id}"]
    assert call["schema"] == "Audio"
    assert call["properties"]["bodyText"] == ["[00:00:01.5–00:00:03.2] A: Алло, слышишь меня?"]
    assert call["properties"]["translatedText"] == ["Hello, can you hear me?"]
    assert call["properties"]["fileName"] == ["call_02.ogg"]
