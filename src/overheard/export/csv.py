"""One record type as a CSV table, one row a record: ``overheard export --format csv --type
event|statement|claim|entity``.

Rows are made from the same record models as the JSONL export (``overheard.records``), with
what a spreadsheet row needs beside them (the document's date and publisher, an event's
sentence, a place's point: ``ExportContext``). Columns are written down once, in ``COLUMNS``,
and documented in docs/EXPORT.md. Events get PLOVER-like columns: date, actor, type, mode,
recipient, place and its point, source, evidence.

Cells: empty for unknown, ``true``/``false``, lists joined with ``"; "``, times in ISO 8601
UTC. ``spreadsheet=True`` adds a UTF-8 byte-order mark (so Excel reads Cyrillic right) and
prefixes an apostrophe to text cells a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@`` first): the text comes from reports and intercepts, which anyone can write.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO, Any

from overheard.export.context import EntityInfo, ExportContext, chunks
from overheard.export.jsonl import models_in
from overheard.records import (
    ClaimRecord,
    EntityRecord,
    EventRecord,
    Lookups,
    ProducedBy,
    Record,
    number,
    utc,
)
from overheard.store.case import Case

Cell = str | int | float | bool | datetime | list[str] | None
Column = tuple[str, Callable[[Any, ExportContext], Cell]]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _produced(p: ProducedBy | None) -> str | None:
    return None if p is None else f"{p.component} {p.version}"


def _doc(field: str) -> Callable[[Any, ExportContext], Cell]:
    def get(r: Any, c: ExportContext) -> Cell:
        doc = c.document(r.evidence.document_id)
        return None if doc is None else getattr(doc, field)

    return get


def _seconds(field: str) -> Callable[[Any, ExportContext], Cell]:
    """An utterance's seconds: the record's own, else its segment's (an event in a call)."""

    def get(r: Any, c: ExportContext) -> Cell:
        own = getattr(r.evidence, field, None)
        if own is not None:
            return own
        seg = c.segment(r.evidence.segment_id)
        return None if seg is None else getattr(seg, field)

    return get


def _place(field: str) -> Callable[[EventRecord, ExportContext], Cell]:
    def get(r: EventRecord, c: ExportContext) -> Cell:
        place = c.entity(r.place.entity_id)
        return None if place is None else getattr(place, field)

    return get


def _event_date(r: EventRecord, c: ExportContext) -> tuple[datetime | None, str | None]:
    """The event's own time where the text gives one, else the report's date, marked so (as
    the workbench's events page does)."""
    if r.time.value is not None:
        return r.time.value, "event"
    doc = c.document(r.evidence.document_id)
    if doc is not None and doc.said_at is not None:
        return doc.said_at, "document"
    return None, None


def _evidence_text(r: Any, c: ExportContext) -> Cell:
    return c.passage(r.evidence)


def _names(r: EntityRecord, c: ExportContext) -> list[str]:
    return [f"{n.name} [{n.lang}]" if n.lang else n.name for n in r.names]


def _claim(field: str) -> Callable[[ClaimRecord, ExportContext], Cell]:
    def get(r: ClaimRecord, c: ExportContext) -> Cell:
        summary = c.claims().get(number(r.id) or 0)
        return None if summary is None else getattr(summary, field)

    return get


def _board(stance: str, hedged: bool) -> Callable[[ClaimRecord, ExportContext], Cell]:
    return lambda r, c: [
        x.statement_id for x in r.statements if x.stance == stance and x.hedged == hedged
    ]


_NOWHERE = EntityInfo(id=0, type="", name="", key=None, latitude=None, longitude=None, country=None)

COLUMNS: dict[str, list[Column]] = {
    "event": [
        ("id", lambda r, c: r.id),
        ("date", lambda r, c: _event_date(r, c)[0]),
        ("date_from", lambda r, c: _event_date(r, c)[1]),
        ("date_text", lambda r, c: r.time.text),
        ("actor", lambda r, c: r.actor.text),
        ("actor_entity_id", lambda r, c: r.actor.entity_id),
        ("event_type", lambda r, c: r.event_type),
        ("mode", lambda r, c: r.mode),
        ("context", lambda r, c: r.context),
        ("recipient", lambda r, c: r.recipient.text),
        ("recipient_entity_id", lambda r, c: r.recipient.entity_id),
        ("place", lambda r, c: r.place.text),
        ("place_entity_id", lambda r, c: r.place.entity_id),
        ("latitude", _place("latitude")),
        ("longitude", _place("longitude")),
        ("country", _place("country")),
        ("source", _doc("source")),
        ("document_id", lambda r, c: r.evidence.document_id),
        ("document_title", _doc("title")),
        ("published_at", _doc("published_at")),
        ("evidence", _evidence_text),
        ("trigger", lambda r, c: r.trigger),
        ("segment_id", lambda r, c: r.evidence.segment_id),
        ("start_char", lambda r, c: r.evidence.start_char),
        ("end_char", lambda r, c: r.evidence.end_char),
        ("start_s", _seconds("start_s")),
        ("end_s", _seconds("end_s")),
        ("confidence", lambda r, c: r.confidence),
        ("produced_by", lambda r, c: _produced(r.produced_by)),
    ],
    "statement": [
        ("id", lambda r, c: r.id),
        ("date", _doc("said_at")),
        ("speaker", lambda r, c: r.speaker.text),
        ("speaker_antecedent", lambda r, c: r.speaker_antecedent),
        ("speaker_entity", lambda r, c: r.speaker_entity.name if r.speaker_entity else None),
        ("speaker_entity_id", lambda r, c: r.speaker.entity_id),
        ("act", lambda r, c: r.act),
        ("cue", lambda r, c: r.cue),
        ("content", lambda r, c: r.content),
        ("direct", lambda r, c: r.direct),
        ("hedged", lambda r, c: r.hedged),
        ("hedges", lambda r, c: r.hedges),
        ("claim_id", lambda r, c: r.claim_id),
        ("stance", lambda r, c: c.stance(r.id) if r.claim_id else None),
        ("source", _doc("source")),
        ("document_id", lambda r, c: r.evidence.document_id),
        ("document_title", _doc("title")),
        ("document_url", _doc("url")),
        ("segment_id", lambda r, c: r.evidence.segment_id),
        ("start_char", lambda r, c: r.evidence.start_char),
        ("end_char", lambda r, c: r.evidence.end_char),
        ("start_s", lambda r, c: r.evidence.start_s),
        ("end_s", lambda r, c: r.evidence.end_s),
        ("confidence", lambda r, c: r.confidence),
        ("produced_by", lambda r, c: _produced(r.produced_by)),
    ],
    "claim": [
        ("id", lambda r, c: r.id),
        ("proposition", lambda r, c: r.proposition),
        ("asserting_sources", lambda r, c: r.asserting_sources),
        ("denying_sources", lambda r, c: r.denying_sources),
        ("contested", _claim("contested")),
        ("changed", _claim("changed")),
        ("statements", lambda r, c: len(r.statements)),
        ("asserting_statement_ids", _board("assert", False)),
        ("denying_statement_ids", _board("deny", False)),
        ("hedged_statement_ids", lambda r, c: [x.statement_id for x in r.statements if x.hedged]),
        ("documents", _claim("documents")),
        ("languages", _claim("languages")),
        ("first_seen", _claim("first_seen")),
        ("last_seen", _claim("last_seen")),
        ("produced_by", lambda r, c: _produced(r.produced_by)),
    ],
    "entity": [
        ("id", lambda r, c: r.id),
        ("entity_type", lambda r, c: r.entity_type),
        ("name", lambda r, c: r.name),
        ("names", _names),
        ("key", lambda r, c: r.key),
        ("external_ids", lambda r, c: [f"{k}:{v}" for k, v in sorted(r.external_ids.items())]),
        ("latitude", lambda r, c: r.location.latitude if r.location else None),
        ("longitude", lambda r, c: r.location.longitude if r.location else None),
        ("country", lambda r, c: (c.entity(r.id) or _NOWHERE).country),
        ("mention_count", lambda r, c: r.evidence.mention_count),
        ("produced_by", lambda r, c: _produced(r.produced_by)),
    ],
}
TYPES = tuple(COLUMNS)
BATCH = 500


def cell(value: Cell, spreadsheet: bool = False) -> str:
    """One value as the CSV writes it (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return (utc(value) or value).isoformat().replace("+00:00", "Z")
    if isinstance(value, int | float):
        return repr(value)
    text = "; ".join(value) if isinstance(value, list) else value
    if spreadsheet and text.startswith(FORMULA_START):
        return "'" + text
    return text


def header(kind: str) -> list[str]:
    return [name for name, _ in COLUMNS[kind]]


def rows(ctx: ExportContext, kind: str, spreadsheet: bool = False) -> Iterator[list[str]]:
    """The rows of ``kind``'s table (no header), in record order."""
    columns = COLUMNS[kind]
    records: Iterator[Record] = models_in(ctx.lookups, (kind,), with_text=False)
    for batch in chunks(records, BATCH):
        if kind in ("event", "statement"):
            ctx.load_passages(r.evidence for r in batch)  # type: ignore[union-attr]
        for record in batch:
            yield [cell(get(record, ctx), spreadsheet) for _, get in columns]


def write(case: Case, out: IO[str], kind: str, spreadsheet: bool = False) -> int:
    """Write ``kind``'s table with its header to ``out``; returns the number of rows. ``out``
    should be opened with ``newline=""`` (the csv module writes its own line ends)."""
    if kind not in COLUMNS:
        raise ValueError(f"no CSV table for {kind!r}: one of {', '.join(TYPES)}")
    if spreadsheet:
        out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header(kind))
    count = 0
    with case.reader() as s:
        for row in rows(ExportContext(Lookups(s)), kind, spreadsheet):
            writer.writerow(row)
            count += 1
    return count
