from __future__ import annotations

import json

import jsonschema
from sqlalchemy import select

from overheard.export.jsonl import TYPES, records, schema
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
        s.add(ent)
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
            )
        )
        st = Statement(
            document_id=doc.id,
            segment_id=seg.id,
            speaker_text="Dmitry Peskov",
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
        s.add(ClaimStatement(claim_id=claim.id, statement_id=st.id, stance="denies"))
        s.add(
            Event(
                document_id=doc.id,
                segment_id=seg.id,
                type="REJECT",
                actor_text="Kremlin",
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
