from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner
from sqlalchemy import select

from overheard.cli import cli
from overheard.export.jsonl import SCHEMA_PATH, TYPES, records, schema, schema_text, write
from overheard.ingest.ingest import Ingestor
from overheard.store.schema import (
    Claim,
    ClaimStatement,
    Document,
    Entity,
    Event,
    Mention,
    Segment,
    Statement,
    Translation,
)


def _fill_derived(case) -> None:
    """Rows of every later type, as the text and speech stages will write them."""
    with case.session() as s:
        doc = s.scalars(select(Document).where(Document.kind == "text")).first()
        seg = s.scalars(select(Segment).where(Segment.document_id == doc.id)).first()
        ent = Entity(
            type="PERSON", name="Dmitry Peskov", names=[{"name": "Дмитрий Песков", "lang": "ru"}]
        )
        place = Entity(
            type="GPE", name="Kursk", names=[{"name": "Kursk", "lang": "en"}],
            external_ids={"geonames": "538560"}, latitude=51.7373, longitude=36.1874,
            meta={"geo": {"feature": "city", "country": "RU", "role": "place"}},
        )  # fmt: skip
        s.add_all([ent, place])
        s.flush()
        s.add(
            Mention(
                document_id=doc.id,
                segment_id=seg.id,
                start_char=seg.start_char,
                end_char=seg.start_char + 3,
                text=doc.text[seg.start_char : seg.start_char + 3],
                label="PERSON",
                entity_id=ent.id,
                source="spacy",
            )
        )
        st = Statement(
            document_id=doc.id,
            segment_id=seg.id,
            speaker_text="he",
            speaker_antecedent="Dmitry Peskov",
            speaker_antecedent_start=seg.start_char,
            speaker_antecedent_end=seg.start_char + 3,
            speaker_entity_id=ent.id,
            cue="said",
            act="deny",
            content="fabricated",
            content_start=seg.start_char,
            content_end=seg.end_char,
            direct=False,
            hedged=False,
        )
        s.add(st)
        s.flush()
        claim = Claim(text="foreign units fight in Kursk")
        s.add(claim)
        s.flush()
        s.add(ClaimStatement(claim_id=claim.id, statement_id=st.id, stance="deny"))
        s.add(
            Event(
                document_id=doc.id,
                segment_id=seg.id,
                type="REJECT",
                actor_text="Kremlin",
                place_text="Kursk",
                place_entity_id=place.id,
                trigger_text=doc.text[seg.start_char : seg.start_char + 2],
                trigger_start=seg.start_char,
                trigger_end=seg.start_char + 2,
                start_char=seg.start_char,
                end_char=seg.end_char,
            )
        )
        s.add(Translation(segment_id=seg.id, language="en", text="x", backend="test-backend"))
        audio = s.scalars(select(Document).where(Document.kind == "audio")).first()
        s.add(
            Segment(
                document_id=audio.id,
                idx=0,
                start_s=0.5,
                end_s=2.0,
                speaker="A",
                language="ru",
                text="Алло, слышишь меня?",
            )
        )


def test_every_record_validates_and_every_type_is_present(case, settings, samples, tmp_path):
    Ingestor(case, settings, source="samples").ingest(
        [samples / "reports", samples / "intercepts" / "call_02.ogg"]
    )
    _fill_derived(case)
    validator = jsonschema.Draft202012Validator(schema())
    seen = set()
    ids = set()
    for rec in records(case):
        validator.validate(rec)
        seen.add(rec["type"])
        assert rec["id"] not in ids
        ids.add(rec["id"])
    assert seen == set(TYPES)


def test_segments_carry_exact_evidence(case, settings, samples):
    Ingestor(case, settings).ingest([samples / "reports"])
    docs = {r["id"]: r for r in records(case, ("document",))}
    for seg in records(case, ("segment",)):
        ev = seg["evidence"]
        text = docs[ev["document_id"]]["text"]
        assert text[ev["start_char"] : ev["end_char"]] == seg["text"]
        assert seg["produced_by"]["component"] == "text-prepare"


def test_schema_rejects_a_record_without_evidence():
    validator = jsonschema.Draft202012Validator(schema())
    bad = {"type": "segment", "id": "segment:1", "index": 0, "text": "x", "produced_by": None}
    assert not validator.is_valid(bad)
    assert not validator.is_valid({"type": "nonsense", "id": "x:1"})


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())
    json.dumps(schema())


def test_typed_fields_the_analysis_computes(case, settings, samples):
    Ingestor(case, settings).ingest([samples / "reports", samples / "intercepts" / "call_02.ogg"])
    _fill_derived(case)
    by_type: dict[str, list[dict]] = {}
    for rec in records(case):
        by_type.setdefault(rec["type"], []).append(rec)
    assert by_type["mention"][0]["source"] == "spacy"
    st = by_type["statement"][0]
    assert st["speaker"]["text"] == "he" and st["speaker_antecedent"] == "Dmitry Peskov"
    assert st["speaker_entity"]["name"] == "Dmitry Peskov"
    assert st["speaker_entity"]["id"] == st["speaker"]["entity_id"]
    assert st["evidence"]["antecedent_span"] is not None
    claim = by_type["claim"][0]
    assert st["claim_id"] == claim["id"]
    assert claim["proposition"] == "foreign units fight in Kursk"
    assert claim["statements"] == [
        {
            "statement_id": st["id"],
            "stance": "deny",
            "stance_source": None,
            "hedged": False,
            "confidence": None,
        }
    ]
    assert (claim["asserting_sources"], claim["denying_sources"]) == (0, 1)
    event = by_type["event"][0]
    start, end = event["evidence"]["trigger_span"]
    docs = {d["id"]: d for d in by_type["document"]}
    assert docs[event["evidence"]["document_id"]]["text"][start:end] == event["trigger"]
    place = next(e for e in by_type["entity"] if e["name"] == "Kursk")
    assert place["location"] == {"latitude": 51.7373, "longitude": 36.1874}
    assert "lat" not in place["meta"]["geo"]
    person = next(e for e in by_type["entity"] if e["name"] == "Dmitry Peskov")
    assert person["location"] is None and person["evidence"]["mention_ids"]
    segment = next(x for x in by_type["segment"] if x["translations"])
    translation = segment["translations"][0]
    assert translation["type"] == "translation" and translation["backend"] == "test-backend"
    assert translation["evidence"]["segment_id"] == segment["id"]
    assert all(d["status"] in ("ready", "awaiting_transcription") for d in by_type["document"])


def test_written_lines_are_the_records(case, settings, samples):
    Ingestor(case, settings).ingest([samples / "reports", samples / "intercepts" / "call_02.ogg"])
    _fill_derived(case)
    out = io.StringIO()
    count = write(case, out, with_text=False)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(lines) and lines == list(records(case, with_text=False))
    assert all("text" not in x for x in lines if x["type"] == "document")


def test_committed_schema_is_the_generated_one():
    # Regenerate with: overheard export --schema > src/overheard/export/record.schema.json
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()


def test_export_schema_option_prints_it(tmp_path):
    result = CliRunner().invoke(cli, ["--case", str(tmp_path / "none"), "export", "--schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == schema()
    assert not (tmp_path / "none").exists()  # the schema needs no case


def test_every_field_is_documented():
    from overheard.records import (
        ClaimRecord,
        DocumentRecord,
        EntityRecord,
        EventRecord,
        MentionRecord,
        SegmentRecord,
        SourceRecord,
        StatementRecord,
        TranslationRecord,
    )

    doc = (Path(__file__).resolve().parents[2] / "docs" / "EXPORT.md").read_text(encoding="utf-8")
    for model in (SourceRecord, DocumentRecord, SegmentRecord, TranslationRecord, MentionRecord,
                  EntityRecord, StatementRecord, ClaimRecord, EventRecord):  # fmt: skip
        missing = [f for f in model.model_fields if f"`{f}`" not in doc]
        assert not missing, (model.__name__, missing)
