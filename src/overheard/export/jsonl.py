"""The whole record as JSON Lines: one object a line, each with a ``type``, an ``id`` and its
evidence. The shape is fixed by ``record.schema.json`` beside this file (documented in
docs/EXPORT.md); tests validate every exported line against it.

Ids are ``"<type>:<number>"`` and unique across the export; references use the same form.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from overheard.store.case import Case
from overheard.store.schema import (
    Claim,
    ClaimStatement,
    Document,
    Entity,
    Event,
    Mention,
    Origin,
    Run,
    Segment,
    Source,
    Statement,
    Translation,
)

SCHEMA_PATH = Path(__file__).with_name("record.schema.json")
TYPES = ("source", "document", "segment", "mention", "entity", "statement", "claim", "event")
BATCH = 2000


def ref(kind: str, number: int | None) -> str | None:
    return None if number is None else f"{kind}:{number}"


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


class _Runs:
    def __init__(self, session: Session) -> None:
        self.by_id = {r.id: {"component": r.component, "version": r.version,
                             "model_hash": r.model_hash} for r in session.scalars(select(Run))}  # fmt: skip

    def __call__(self, run_id: int | None) -> dict[str, Any] | None:
        return self.by_id.get(run_id) if run_id is not None else None


def _batched(session: Session, model: Any) -> Iterator[Any]:
    last = 0
    while True:
        rows = session.scalars(
            select(model).where(model.id > last).order_by(model.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def records(case: Case, types: tuple[str, ...] = TYPES, with_text: bool = True) -> Iterator[dict]:
    with case.reader() as s:
        runs = _Runs(s)
        if "source" in types:
            for src in _batched(s, Source):
                yield {"type": "source", "id": ref("source", src.id), "name": src.name,
                       "kind": src.kind, "url": src.url}  # fmt: skip
        if "document" in types:
            origins: dict[int, list[str]] = {}
            for o in s.scalars(select(Origin).order_by(Origin.id)):
                origins.setdefault(o.document_id, []).append(o.path)
            for doc in _batched(s, Document):
                yield _document(doc, origins.get(doc.id, []), runs, with_text)
        if "segment" in types:
            translations: dict[int, list[dict[str, Any]]] = {}
            for t in s.scalars(select(Translation).order_by(Translation.id)):
                translations.setdefault(t.segment_id, []).append(
                    {
                        "language": t.language,
                        "text": t.text,
                        "backend": t.backend,
                        "machine": t.machine,
                    }  # fmt: skip
                )
            for seg in _batched(s, Segment):
                yield _segment(seg, translations.get(seg.id, []), runs)
        if "mention" in types:
            for m in _batched(s, Mention):
                yield {
                    "type": "mention", "id": ref("mention", m.id), "label": m.label,
                    "text": m.text, "normal": m.normal, "entity_id": ref("entity", m.entity_id),
                    "confidence": m.confidence,
                    "evidence": {"document_id": ref("document", m.document_id),
                                 "segment_id": ref("segment", m.segment_id),
                                 "start_char": m.start_char, "end_char": m.end_char},
                    "produced_by": runs(m.run_id),
                }  # fmt: skip
        if "entity" in types:
            mentions: dict[int, list[str]] = {}
            for mid, eid in s.execute(select(Mention.id, Mention.entity_id)):
                if eid is not None:
                    mentions.setdefault(eid, []).append(f"mention:{mid}")
            for e in _batched(s, Entity):
                yield {
                    "type": "entity", "id": ref("entity", e.id), "entity_type": e.type,
                    "name": e.name, "key": e.key, "names": e.names or [],
                    "external_ids": e.external_ids or {}, "meta": e.meta or {},
                    "evidence": {"mention_ids": mentions.get(e.id, [])},
                    "produced_by": runs(e.run_id),
                }  # fmt: skip
        if "statement" in types:
            for st in _batched(s, Statement):
                yield _statement(st, runs)
        if "claim" in types:
            board: dict[int, list[dict[str, Any]]] = {}
            for cs in s.scalars(select(ClaimStatement)):
                board.setdefault(cs.claim_id, []).append(
                    {
                        "statement_id": ref("statement", cs.statement_id),
                        "stance": cs.stance,
                        "confidence": cs.confidence,
                    }  # fmt: skip
                )
            for c in _batched(s, Claim):
                lines = board.get(c.id, [])
                yield {"type": "claim", "id": ref("claim", c.id), "text": c.text,
                       "statements": lines,
                       "evidence": {"statement_ids": [x["statement_id"] for x in lines]},
                       "produced_by": runs(c.run_id)}  # fmt: skip
        if "event" in types:
            for ev in _batched(s, Event):
                yield _event(ev, runs)


def _document(doc: Document, origins: list[str], runs: _Runs, with_text: bool) -> dict[str, Any]:
    out = {
        "type": "document",
        "id": ref("document", doc.id),
        "sha256": doc.blob_sha256,
        "part": doc.part,
        "kind": doc.kind,
        "media_type": doc.media_type,
        "title": doc.title,
        "published_at": _time(doc.published_at),
        "published_text": doc.published_text,
        "source_id": ref("source", doc.source_id),
        "url": doc.url,
        "origin_path": doc.origin_path,
        "origins": origins,
        "language": doc.language,
        "language_confidence": doc.language_confidence,
        "duration_s": doc.duration_s,
        "channels": doc.channels,
        "sample_rate": doc.sample_rate,
        "status": doc.status,
        "status_reason": doc.status_reason,
        "meta": doc.meta or {},
        "ingested_at": _time(doc.created_at),
        "produced_by": runs(doc.run_id),
    }
    if with_text:
        out["text"] = doc.text
    return out


def _segment(seg: Segment, translations: list[dict[str, Any]], runs: _Runs) -> dict[str, Any]:
    return {
        "type": "segment",
        "id": ref("segment", seg.id),
        "index": seg.idx,
        "text": seg.text,
        "language": seg.language,
        "speaker": seg.speaker,
        "confidence": seg.confidence,
        "meta": seg.meta or {},
        "translations": translations,
        "evidence": {
            "document_id": ref("document", seg.document_id),
            "start_char": seg.start_char,
            "end_char": seg.end_char,
            "start_s": seg.start_s,
            "end_s": seg.end_s,
        },
        "produced_by": runs(seg.run_id),
    }


def _span(start: int | None, end: int | None) -> list[int] | None:
    return [start, end] if start is not None and end is not None else None


def _statement(st: Statement, runs: _Runs) -> dict[str, Any]:
    return {
        "type": "statement",
        "id": ref("statement", st.id),
        "speaker": {"text": st.speaker_text, "entity_id": ref("entity", st.speaker_entity_id)},
        "act": st.act,
        "cue": st.cue,
        "content": st.content,
        "direct": st.direct,
        "hedged": st.hedged,
        "hedges": st.hedges or [],
        "confidence": st.confidence,
        "evidence": {
            "document_id": ref("document", st.document_id),
            "segment_id": ref("segment", st.segment_id),
            "start_char": min(
                (x for x in (st.speaker_start, st.cue_start, st.content_start) if x is not None),
                default=None,
            ),
            "end_char": max(
                (x for x in (st.speaker_end, st.cue_end, st.content_end) if x is not None),
                default=None,
            ),
            "speaker_span": _span(st.speaker_start, st.speaker_end),
            "cue_span": _span(st.cue_start, st.cue_end),
            "content_span": _span(st.content_start, st.content_end),
            "start_s": st.start_s,
            "end_s": st.end_s,
        },
        "produced_by": runs(st.run_id),
    }


def _event(ev: Event, runs: _Runs) -> dict[str, Any]:
    return {
        "type": "event",
        "id": ref("event", ev.id),
        "event_type": ev.type,
        "mode": ev.mode,
        "context": ev.context,
        "actor": {"text": ev.actor_text, "entity_id": ref("entity", ev.actor_entity_id)},
        "recipient": {
            "text": ev.recipient_text,
            "entity_id": ref("entity", ev.recipient_entity_id),
        },
        "place": {"text": ev.place_text, "entity_id": ref("entity", ev.place_entity_id)},
        "time": {"text": ev.time_text, "value": _time(ev.time_value)},
        "confidence": ev.confidence,
        "evidence": {
            "document_id": ref("document", ev.document_id),
            "segment_id": ref("segment", ev.segment_id),
            "start_char": ev.start_char,
            "end_char": ev.end_char,
        },
        "produced_by": runs(ev.run_id),
    }
