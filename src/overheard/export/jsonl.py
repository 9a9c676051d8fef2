"""The whole record as JSON Lines: one record a line, each with a ``type``, an ``id`` and its
evidence, in the order of ``TYPES`` (a reader meets a document before its segments).

Every line is a model of ``overheard.records``; the JSON Schema they satisfy is generated from
those models (``schema()``, committed beside this file as ``record.schema.json``, documented in
docs/EXPORT.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from overheard.records import (
    TYPES,
    ClaimRecord,
    DocumentRecord,
    EntityRecord,
    EventRecord,
    Lookups,
    MentionRecord,
    Record,
    SegmentRecord,
    SourceRecord,
    StatementRecord,
    json_schema,
)
from overheard.store.case import Case
from overheard.store.schema import (
    Claim,
    Document,
    Entity,
    Event,
    Mention,
    Segment,
    Source,
    Statement,
)

SCHEMA_PATH = Path(__file__).with_name("record.schema.json")
BATCH = 2000


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of one line, as generated from the record models."""
    return json_schema()


def schema_text() -> str:
    """The schema as committed in ``record.schema.json``."""
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"


def _batches(session: Session, model: Any) -> Iterator[list[Any]]:
    last = 0
    while True:
        rows = session.scalars(
            select(model).where(model.id > last).order_by(model.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield list(rows)
        last = rows[-1].id


# Each type: its table, and how a batch of its rows becomes records.
_BUILD: dict[str, tuple[Any, Callable[[list[Any], Lookups, bool], Iterable[Record]]]] = {
    "source": (Source, lambda rows, ctx, _: map(SourceRecord.from_row, rows)),
    "document": (Document, DocumentRecord.from_rows),
    "segment": (Segment, lambda rows, ctx, _: SegmentRecord.from_rows(rows, ctx)),
    "mention": (Mention, lambda rows, ctx, _: (MentionRecord.from_row(m, ctx) for m in rows)),
    "entity": (Entity, lambda rows, ctx, _: EntityRecord.from_rows(rows, ctx)),
    "statement": (Statement, lambda rows, ctx, _: StatementRecord.from_rows(rows, ctx)),
    "claim": (Claim, lambda rows, ctx, _: ClaimRecord.from_rows(rows, ctx)),
    "event": (Event, lambda rows, ctx, _: (EventRecord.from_row(e, ctx) for e in rows)),
}


def models(case: Case, types: tuple[str, ...] = TYPES, with_text: bool = True) -> Iterator[Record]:
    """The record, type by type in the order of ``TYPES``, as models."""
    with case.reader() as s:
        yield from models_in(Lookups(s), types, with_text)


def models_in(
    ctx: Lookups, types: tuple[str, ...] = TYPES, with_text: bool = True
) -> Iterator[Record]:
    """``models`` read in a session the caller holds (``ctx.session``): the other exports read
    what they add to the records in the same snapshot."""
    if "statement" in types:
        ctx.load_names()  # every speaker's name in one query rather than one per batch
    for kind in TYPES:
        if kind in types:
            table, build = _BUILD[kind]
            for rows in _batches(ctx.session, table):
                yield from build(rows, ctx, with_text)


def records(
    case: Case, types: tuple[str, ...] = TYPES, with_text: bool = True
) -> Iterator[dict[str, Any]]:
    """The record as the export writes it, one dict a line."""
    for model in models(case, types, with_text):
        yield model.dump()


def write(case: Case, out: IO[str], types: tuple[str, ...] = TYPES, with_text: bool = True) -> int:
    """Write the export to ``out``; returns the number of lines."""
    count = 0
    for model in models(case, types, with_text):
        out.write(model.dump_json() + "\n")
        count += 1
    return count
