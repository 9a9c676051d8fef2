"""What the flat exports (CSV, FollowTheMoney) and the brief say beside a record: the document a
statement or event comes from (title, date, publisher), its sentence, a place's point, a
claim's summary. The records (``overheard.records``) name these by id; a spreadsheet row or an
FtM entity has to carry them. Each is read once, in the caller's session, in one query a kind
(documents' text and statements' embeddings are never read here).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from overheard.link.board import ClaimSummary, list_claims, said_at
from overheard.records import Lookups, number, utc
from overheard.store.schema import ClaimStatement, Document, Entity, Segment, Source


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    title: str | None
    kind: str
    media_type: str
    published_at: datetime | None
    # When its statements were made: the publication time, else its dateline's date.
    said_at: datetime | None
    source: str | None
    source_url: str | None
    url: str | None
    language: str | None
    origin_path: str


@dataclass(frozen=True)
class SegmentInfo:
    id: int
    text: str
    start_s: float | None
    end_s: float | None
    speaker: str | None


@dataclass(frozen=True)
class EntityInfo:
    id: int
    type: str
    name: str
    key: str | None
    latitude: float | None
    longitude: float | None
    country: str | None  # ISO 3166 alpha-2, a place's (meta["geo"]["country"])


class ExportContext:
    """Documents, entities and claims as the flat views need them, beside ``Lookups``."""

    def __init__(self, ctx: Lookups) -> None:
        self.lookups = ctx
        s = ctx.session
        self.documents: dict[int, DocumentInfo] = {}
        for row in s.execute(
            select(
                Document.id, Document.title, Document.kind, Document.media_type,
                Document.published_at, Document.meta, Document.url, Document.language,
                Document.origin_path, Source.name, Source.url,
            ).outerjoin(Source, Source.id == Document.source_id)
        ):  # fmt: skip
            published = utc(row[4])
            self.documents[row[0]] = DocumentInfo(
                id=row[0], title=row[1], kind=row[2], media_type=row[3], published_at=published,
                said_at=utc(said_at(row[4], row[5])), url=row[6], language=row[7],
                origin_path=row[8], source=row[9], source_url=row[10],
            )  # fmt: skip
        self.entities: dict[int, EntityInfo] = {}
        for i, kind, name, key, lat, lon, meta in s.execute(
            select(
                Entity.id, Entity.type, Entity.name, Entity.key, Entity.latitude,
                Entity.longitude, Entity.meta,
            )
        ):  # fmt: skip
            geo = (meta or {}).get("geo") or {}
            self.entities[i] = EntityInfo(
                id=i, type=kind, name=name, key=key, latitude=lat, longitude=lon,
                country=geo.get("country") if isinstance(geo, dict) else None,
            )  # fmt: skip
        self._segments: dict[int, SegmentInfo] = {}
        self._texts: dict[int, str | None] = {}
        self._claims: dict[int, ClaimSummary] | None = None
        self._stances: dict[int, str] | None = None

    def document(self, ref_or_id: str | int | None) -> DocumentInfo | None:
        n = number(ref_or_id)
        return None if n is None else self.documents.get(n)

    def entity(self, ref_or_id: str | int | None) -> EntityInfo | None:
        n = number(ref_or_id)
        return None if n is None else self.entities.get(n)

    def load_segments(self, refs: Iterable[str | int | None]) -> None:
        """Read the segments ``refs`` name that are not read yet, in one query."""
        wanted = {n for n in map(number, refs) if n is not None and n not in self._segments}
        if not wanted:
            return
        for i, text, start_s, end_s, speaker in self.lookups.session.execute(
            select(Segment.id, Segment.text, Segment.start_s, Segment.end_s, Segment.speaker).where(
                Segment.id.in_(wanted)
            )
        ):
            self._segments[i] = SegmentInfo(i, text, start_s, end_s, speaker)

    def segment(self, ref_or_id: str | int | None) -> SegmentInfo | None:
        n = number(ref_or_id)
        if n is None:
            return None
        if n not in self._segments:
            self.load_segments([n])
        return self._segments.get(n)

    def load_passages(self, evidence: Iterable[Any]) -> None:
        """Read what ``passage`` needs for a batch of records' evidence: their segments and
        their texts' documents (only this batch's texts are kept)."""
        evidence = list(evidence)
        self.load_segments(getattr(e, "segment_id", None) for e in evidence)
        wanted = {number(e.document_id) for e in evidence} - {None}
        texts = [d for d in wanted if d in self.documents and self.documents[d].kind == "text"]
        self._texts = dict(
            self.lookups.session.execute(
                select(Document.id, Document.text).where(Document.id.in_(texts))
            ).all()  # type: ignore[arg-type]
        )

    def passage(self, evidence: Any) -> str | None:
        """The words a record's evidence points at: its characters of a text (a sentence, or
        the sentences an event spans), else its utterance in a recording."""
        doc = self.document(evidence.document_id)
        start, end = evidence.start_char, evidence.end_char
        if doc is not None and doc.kind == "text" and start is not None and end is not None:
            n = number(evidence.document_id)
            if n not in self._texts:
                self.load_passages([evidence])
            text = self._texts.get(n or 0)
            if text is not None and 0 <= start <= end <= len(text):
                return text[start:end]
        seg = self.segment(getattr(evidence, "segment_id", None))
        return None if seg is None else seg.text

    def claims(self) -> dict[int, ClaimSummary]:
        """Every claim's summary as the claim board makes it (contested, first seen...)."""
        if self._claims is None:
            self._claims = {c.id: c for c in list_claims(self.lookups.session)}
        return self._claims

    def stance(self, statement_ref: str | int) -> str | None:
        """The stance (assert, deny) with which a statement stands on its claim's board."""
        if self._stances is None:
            self._stances = dict(
                self.lookups.session.execute(
                    select(ClaimStatement.statement_id, ClaimStatement.stance)
                ).all()  # type: ignore[arg-type]
            )
        n = number(statement_ref)
        return None if n is None else self._stances.get(n)


def chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    """``items`` in lists of ``size`` (itertools.batched is Python 3.12)."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
