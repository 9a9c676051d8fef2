"""What each workbench page shows, read from the case as plain dicts: the JSON twins.

Every page is rendered from exactly the dict its ``.json`` twin returns, so the HTML and the API
cannot disagree. Records reuse the export's shapes (``overheard.export.jsonl``) so a document,
segment, statement or event looks the same in the API, the export and the pages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from overheard.export.jsonl import _document, _event, _Runs, _segment, _statement, ref
from overheard.store.case import Case
from overheard.store.schema import (
    Document,
    Entity,
    Event,
    IngestFailure,
    Mention,
    Origin,
    Segment,
    Source,
    Statement,
    Translation,
)
from overheard.web.masking import Masker

CONTEXT_CHARS = 80  # text shown either side of a mention on an entity page


class NotFound(LookupError):
    """A record the URL names does not exist; pages answer 404."""


def number(ref_or_id: str | int | None) -> int | None:
    """3 from ``"document:3"`` or 3: the export's references back to row ids."""
    if ref_or_id is None:
        return None
    if isinstance(ref_or_id, int):
        return ref_or_id
    tail = ref_or_id.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


# ----------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class DocumentFilters:
    source: int | None = None
    language: str | None = None
    kind: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    has_statements: bool | None = None

    def active(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None and v != ""}


def _filtered(query: Select[Any], f: DocumentFilters) -> Select[Any]:
    if f.source is not None:
        query = query.where(Document.source_id == f.source)
    if f.language:
        query = query.where(Document.language == f.language)
    if f.kind:
        query = query.where(Document.kind == f.kind)
    if f.status:
        query = query.where(Document.status == f.status)
    if f.date_from is not None:
        query = query.where(Document.published_at >= datetime.combine(f.date_from, time.min))
    if f.date_to is not None:
        # The end date is inclusive: everything published before the next midnight.
        end = datetime.combine(f.date_to, time.min) + timedelta(days=1)
        query = query.where(Document.published_at < end)
    if f.has_statements is not None:
        said = exists().where(Statement.document_id == Document.id)
        query = query.where(said if f.has_statements else ~said)
    return query


def documents(case: Case, f: DocumentFilters, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    with case.reader() as s:
        total = s.scalar(_filtered(select(func.count(Document.id)), f)) or 0
        # The page's ids first, from the published_at index alone (SQLite sorts NULL lowest, so
        # undated items come last, newest ingested first); then only those rows are read. Read
        # with their text, 10,000 documents took over 100 ms to sort for a deep page.
        page_ids = (
            _filtered(select(Document.id), f)
            .order_by(Document.published_at.desc(), Document.id.desc())
            .limit(limit)
            .offset(offset)
        )
        ids_in_order = list(s.scalars(page_ids))
        found = {
            r.id: r
            for r in s.execute(
                select(
                    Document.id,
                    Document.kind,
                    Document.title,
                    Document.language,
                    Document.published_at,
                    Document.published_text,
                    Document.status,
                    Document.status_reason,
                    Document.duration_s,
                    Document.origin_path,
                    Source.id.label("source_id"),
                    Source.name.label("source_name"),
                )
                .outerjoin(Source, Source.id == Document.source_id)
                .where(Document.id.in_(ids_in_order))
            )
        }
        rows = [found[i] for i in ids_in_order]
        ids = [r.id for r in rows]
        seg_counts = _count_by_document(s, Segment.document_id, ids)
        st_counts = _count_by_document(s, Statement.document_id, ids)
        items = [
            {
                "id": ref("document", r.id),
                "number": r.id,
                "kind": r.kind,
                "title": r.title,
                "language": r.language,
                "published_at": r.published_at.isoformat() if r.published_at else None,
                "published_text": r.published_text,
                "status": r.status,
                "status_reason": r.status_reason,
                "duration_s": r.duration_s,
                "origin_path": r.origin_path,
                "source": {"id": ref("source", r.source_id), "name": r.source_name}
                if r.source_id
                else None,
                "segments": seg_counts.get(r.id, 0),
                "statements": st_counts.get(r.id, 0),
            }
            for r in rows
        ]
        return {
            "filters": {k: str(v) for k, v in f.active().items()},
            "total": total,
            "limit": limit,
            "offset": offset,
            "documents": items,
            "counts": _case_counts(s),
            "facets": _facets(s),
            "failures": _failures(s),
        }


def _count_by_document(s: Session, column: Any, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(
        s.execute(select(column, func.count()).where(column.in_(ids)).group_by(column)).all()
    )  # type: ignore[arg-type]


def _case_counts(s: Session) -> dict[str, Any]:
    def count(model: Any) -> int:
        return s.scalar(select(func.count()).select_from(model)) or 0

    return {
        "documents": count(Document),
        "segments": count(Segment),
        "mentions": count(Mention),
        "entities": count(Entity),
        "statements": count(Statement),
        "events": count(Event),
        "by_kind": dict(
            s.execute(select(Document.kind, func.count()).group_by(Document.kind)).all()
        ),  # type: ignore[arg-type]
        "by_status": dict(
            s.execute(select(Document.status, func.count()).group_by(Document.status)).all()
        ),  # type: ignore[arg-type]
        "unresolved_failures": s.scalar(
            select(func.count()).select_from(IngestFailure).where(IngestFailure.resolved.is_(False))
        )
        or 0,
    }


def _facets(s: Session) -> dict[str, Any]:
    sources = s.execute(
        select(Source.id, Source.name, func.count(Document.id))
        .outerjoin(Document, Document.source_id == Source.id)
        .group_by(Source.id)
        .order_by(Source.name)
    ).all()
    languages = s.execute(
        select(Document.language, func.count())
        .where(Document.language.is_not(None))
        .group_by(Document.language)
        .order_by(func.count().desc())
    ).all()
    dates = s.execute(
        select(func.min(Document.published_at), func.max(Document.published_at))
    ).one()
    return {
        "sources": [
            {"id": ref("source", i), "number": i, "name": n, "documents": c} for i, n, c in sources
        ],
        "languages": [{"language": lang, "documents": c} for lang, c in languages],
        "published": {
            "first": dates[0].isoformat() if dates[0] else None,
            "last": dates[1].isoformat() if dates[1] else None,
        },
    }


def _failures(s: Session, limit: int = 100) -> list[dict[str, Any]]:
    rows = s.scalars(
        select(IngestFailure)
        .where(IngestFailure.resolved.is_(False))
        .order_by(IngestFailure.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "id": f.id,
            "path": f.path,
            "part": f.part,
            "reason": f.reason,
            "at": f.created_at.isoformat() if f.created_at else None,
        }
        for f in rows
    ]


# ------------------------------------------------------------------------------ document


def _mention(m: Mention, runs: _Runs) -> dict[str, Any]:
    # The export's mention shape (jsonl.records builds it inline).
    return {
        "type": "mention",
        "id": ref("mention", m.id),
        "label": m.label,
        "text": m.text,
        "normal": m.normal,
        "entity_id": ref("entity", m.entity_id),
        "confidence": m.confidence,
        "evidence": {
            "document_id": ref("document", m.document_id),
            "segment_id": ref("segment", m.segment_id),
            "start_char": m.start_char,
            "end_char": m.end_char,
        },
        "produced_by": runs(m.run_id),
    }


def _translations(s: Session, segment_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    if not segment_ids:
        return out
    for t in s.scalars(
        select(Translation).where(Translation.segment_id.in_(segment_ids)).order_by(Translation.id)
    ):
        out.setdefault(t.segment_id, []).append(
            {"language": t.language, "text": t.text, "backend": t.backend, "machine": t.machine}
        )
    return out


def document(case: Case, doc_id: int, masker: Masker, publication: bool = False) -> dict[str, Any]:
    with case.reader() as s:
        doc = s.get(Document, doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id} in this case")
        runs = _Runs(s)
        origins = list(
            s.scalars(select(Origin.path).where(Origin.document_id == doc_id).order_by(Origin.id))
        )
        segs = list(
            s.scalars(select(Segment).where(Segment.document_id == doc_id).order_by(Segment.idx))
        )
        translations = _translations(s, [x.id for x in segs])
        segments = [_segment(x, translations.get(x.id, []), runs) for x in segs]
        mentions = [
            _mention(m, runs)
            for m in s.scalars(
                select(Mention).where(Mention.document_id == doc_id).order_by(Mention.start_char)
            )
        ]
        statements = [
            _statement(st, runs)
            for st in s.scalars(
                select(Statement).where(Statement.document_id == doc_id).order_by(Statement.id)
            )
        ]
        events = [
            _event(ev, runs)
            for ev in s.scalars(select(Event).where(Event.document_id == doc_id).order_by(Event.id))
        ]
        source = (
            {"id": ref("source", doc.source.id), "name": doc.source.name, "url": doc.source.url}
            if doc.source
            else None
        )
        data = _document(doc, origins, runs, with_text=True)
    speakers = _speakers(segments)
    translated = sorted(
        {(t["language"], t["backend"]) for seg in segments for t in seg["translations"]}
    )
    rendering = "publication" if publication and masker.available else "verbatim"
    if rendering == "publication":
        # The masked words are added beside the verbatim ones, never in their place: the record
        # stays verbatim, the rendering is a view.
        for seg in segments:
            seg["masked_text"] = masker(seg["text"], seg["language"] or data["language"])
        if data["text"] is not None:
            data["masked_text"] = masker(data["text"], data["language"])
    return {
        "document": data,
        "source": source,
        "segments": segments,
        "mentions": mentions,
        "statements": statements,
        "events": events,
        "speakers": speakers,
        "translations": [
            {"language": lang, "backend": b, "machine": True} for lang, b in translated
        ],
        "rendering": rendering,
        "masking": {"available": masker.available, "reason": masker.reason},
        "media_url": f"/documents/{doc_id}/media" if data["kind"] in ("audio", "video") else None,
    }


def _speakers(segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Speakers in order of first appearance, with how long each talks."""
    talk: Counter[str] = Counter()
    order: list[str] = []
    for seg in segments:
        who = seg["speaker"]
        if who is None:
            continue
        if who not in talk:
            order.append(who)
        ev = seg["evidence"]
        if ev["start_s"] is not None and ev["end_s"] is not None:
            talk[who] += ev["end_s"] - ev["start_s"]
        else:
            talk[who] += 0
    return [{"label": who, "seconds": round(talk[who], 2)} for who in order]


# -------------------------------------------------------------------------------- search


def search(
    case: Case,
    query: str,
    *,
    language: str | None = None,
    kind: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    from overheard.store.search import search as run_search

    hits = run_search(case, query, limit=limit, offset=offset, language=language, kind=kind)
    return {
        "query": query,
        "filters": {k: v for k, v in {"language": language, "kind": kind}.items() if v},
        "limit": limit,
        "offset": offset,
        "hits": [
            {**h.as_record(), "url": hit_url(h.document_id, h.segment_id, h.start_s)} for h in hits
        ],
    }


def hit_url(document_id: int, segment_id: int, start_s: float | None) -> str:
    """The exact place of a hit: the segment's anchor and, for audio, the second to play from."""
    at = f"?t={start_s:.2f}" if start_s is not None else ""
    return f"/documents/{document_id}{at}#segment-{segment_id}"


def search_languages(case: Case) -> list[str]:
    with case.reader() as s:
        return [
            lang
            for lang in s.scalars(
                select(Segment.language).where(Segment.language.is_not(None)).distinct()
            )
            if lang
        ]


# ------------------------------------------------------------------------------ entities


def place_coordinates(meta: dict[str, Any] | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a place entity, from what the gazetteer stored in its meta."""
    if not meta:
        return None
    if isinstance(meta.get("geo"), dict):  # as the analysis stage stores a resolved place
        meta = meta["geo"]
    for lat_key, lon_key in (("latitude", "longitude"), ("lat", "lon"), ("lat", "lng")):
        lat, lon = meta.get(lat_key), meta.get(lon_key)
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return float(lat), float(lon)
    return None


def _entity_dict(e: Entity) -> dict[str, Any]:
    coords = place_coordinates(e.meta)
    return {
        "type": "entity",
        "id": ref("entity", e.id),
        "number": e.id,
        "entity_type": e.type,
        "name": e.name,
        "names": e.names or [],
        "external_ids": e.external_ids or {},
        "location": {"latitude": coords[0], "longitude": coords[1]} if coords else None,
    }


def entities(
    case: Case,
    entity_type: str | None = None,
    name: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    with case.reader() as s:
        query = select(Entity)
        if entity_type:
            query = query.where(Entity.type == entity_type)
        if name:
            query = query.where(Entity.name.ilike(f"%{_like(name)}%", escape="\\"))
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        mention_counts = (
            select(Mention.entity_id, func.count().label("n"))
            .group_by(Mention.entity_id)
            .subquery()
        )
        rows = s.execute(
            query.add_columns(func.coalesce(mention_counts.c.n, 0))
            .outerjoin(mention_counts, mention_counts.c.entity_id == Entity.id)
            .order_by(func.coalesce(mention_counts.c.n, 0).desc(), Entity.name)
            .limit(limit)
            .offset(offset)
        ).all()
        types = s.execute(
            select(Entity.type, func.count()).group_by(Entity.type).order_by(Entity.type)
        ).all()
        return {
            "filters": {k: v for k, v in {"type": entity_type, "name": name}.items() if v},
            "total": total,
            "limit": limit,
            "offset": offset,
            "types": [{"type": t, "entities": c} for t, c in types],
            "entities": [{**_entity_dict(e), "mentions": n} for e, n in rows],
        }


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def entity(case: Case, entity_id: int, limit: int = 200) -> dict[str, Any]:
    with case.reader() as s:
        e = s.get(Entity, entity_id)
        if e is None:
            raise NotFound(f"no entity {entity_id} in this case")
        runs = _Runs(s)
        rows = s.execute(
            select(
                Mention,
                Document.title,
                Document.text,
                Segment.text,
                Segment.start_char,
                Segment.start_s,
            )
            .join(Document, Document.id == Mention.document_id)
            .outerjoin(Segment, Segment.id == Mention.segment_id)
            .where(Mention.entity_id == entity_id)
            .order_by(Mention.document_id, Mention.start_char)
            .limit(limit)
        ).all()
        mentions = []
        for m, title, doc_text, seg_text, seg_start, seg_start_s in rows:
            item = _mention(m, runs)
            item["document_title"] = title
            item["context"] = _context(m, doc_text, seg_text, seg_start)
            item["url"] = (
                hit_url(m.document_id, m.segment_id, seg_start_s)
                if m.segment_id is not None
                else f"/documents/{m.document_id}#mention-{m.id}"
            )
            mentions.append(item)
        by_it = s.scalars(
            select(Statement)
            .where(Statement.speaker_entity_id == entity_id)
            .order_by(Statement.id)
            .limit(limit)
        ).all()
        # "About it": statements whose content span contains a mention of the entity.
        about = s.scalars(
            select(Statement)
            .where(
                exists().where(
                    and_(
                        Mention.entity_id == entity_id,
                        Mention.document_id == Statement.document_id,
                        Statement.content_start.is_not(None),
                        Mention.start_char >= Statement.content_start,
                        Mention.end_char <= Statement.content_end,
                    )
                )
            )
            .order_by(Statement.id)
            .limit(limit)
        ).all()
        total_mentions = s.scalar(select(func.count()).where(Mention.entity_id == entity_id)) or 0
        statement_docs = _statement_documents(s, [*by_it, *about])
        return {
            "entity": _entity_dict(e),
            "produced_by": runs(e.run_id),
            "mention_count": total_mentions,
            "mentions": mentions,
            "statements_by": [_statement_row(st, runs, statement_docs) for st in by_it],
            "statements_about": [_statement_row(st, runs, statement_docs) for st in about],
        }


def _context(
    m: Mention, doc_text: str | None, seg_text: str | None, seg_start: int | None
) -> dict[str, str]:
    """The words around a mention: before, the mention itself, after."""
    text, start, end = doc_text, m.start_char, m.end_char
    if text is None or end > len(text):
        # Offsets that do not fit the document's text (a transcript) are read against the segment.
        text = seg_text or ""
        base = seg_start or 0
        start, end = m.start_char - base, m.end_char - base
    if not (0 <= start <= end <= len(text)):
        return {"before": "", "text": m.text, "after": ""}
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    return {
        "before": ("…" if lo > 0 else "") + text[lo:start],
        "text": text[start:end],
        "after": text[end:hi] + ("…" if hi < len(text) else ""),
    }


# ---------------------------------------------------------------------------- statements


def _statement_documents(s: Session, statements: list[Statement]) -> dict[int, dict[str, Any]]:
    ids = {st.document_id for st in statements}
    if not ids:
        return {}
    rows = s.execute(
        select(
            Document.id, Document.title, Document.published_at, Document.published_text, Source.name
        )
        .outerjoin(Source, Source.id == Document.source_id)
        .where(Document.id.in_(ids))
    ).all()
    return {
        i: {
            "title": title,
            "published_at": published.isoformat() if published else None,
            "published_text": published_text,
            "source": source,
        }
        for i, title, published, published_text, source in rows
    }


def _statement_row(st: Statement, runs: _Runs, docs: dict[int, dict[str, Any]]) -> dict[str, Any]:
    row = _statement(st, runs)
    row["document"] = {"id": ref("document", st.document_id), **docs.get(st.document_id, {})}
    row["url"] = f"/documents/{st.document_id}#statement-{st.id}"
    return row


def statements(
    case: Case,
    *,
    speaker: str | None = None,
    act: str | None = None,
    document_id: int | None = None,
    hedged: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    with case.reader() as s:
        query = select(Statement)
        if speaker:
            entity_ids = select(Entity.id).where(
                Entity.name.ilike(f"%{_like(speaker)}%", escape="\\")
            )
            query = query.where(
                or_(
                    Statement.speaker_text.ilike(f"%{_like(speaker)}%", escape="\\"),
                    Statement.speaker_entity_id.in_(entity_ids),
                )
            )
        if act:
            query = query.where(Statement.act == act)
        if document_id is not None:
            query = query.where(Statement.document_id == document_id)
        if hedged is not None:
            query = query.where(Statement.hedged.is_(hedged))
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = s.scalars(
            query.join(Document, Document.id == Statement.document_id)
            .order_by(Document.published_at.desc(), Statement.id)  # NULL sorts lowest: undated last
            .limit(limit)
            .offset(offset)
        ).all()
        runs = _Runs(s)
        docs = _statement_documents(s, list(rows))
        acts = s.execute(
            select(Statement.act, func.count()).group_by(Statement.act).order_by(Statement.act)
        ).all()
        speakers = s.execute(
            select(Statement.speaker_text, func.count())
            .where(Statement.speaker_text.is_not(None))
            .group_by(Statement.speaker_text)
            .order_by(func.count().desc())
            .limit(50)
        ).all()
        return {
            "filters": {
                k: v
                for k, v in {
                    "speaker": speaker,
                    "act": act,
                    "document": ref("document", document_id),
                    "hedged": hedged,
                }.items()
                if v is not None and v != ""
            },
            "total": total,
            "limit": limit,
            "offset": offset,
            "acts": [{"act": a, "statements": c} for a, c in acts],
            "speakers": [{"speaker": sp, "statements": c} for sp, c in speakers],
            "statements": [_statement_row(st, runs, docs) for st in rows],
        }


# -------------------------------------------------------------------------------- events


def events(
    case: Case,
    *,
    event_type: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 500,
    offset: int = 0,
) -> dict[str, Any]:
    with case.reader() as s:
        when = func.coalesce(Event.time_value, Document.published_at)
        query = select(Event, Document.title, when.label("when")).join(
            Document, Document.id == Event.document_id
        )
        if event_type:
            query = query.where(Event.type == event_type)
        if date_from is not None:
            query = query.where(when >= datetime.combine(date_from, time.min))
        if date_to is not None:
            query = query.where(when < datetime.combine(date_to, time.min) + timedelta(days=1))
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = s.execute(
            query.order_by(when.is_(None), when, Event.id).limit(limit).offset(offset)
        ).all()
        runs = _Runs(s)
        place_ids = {ev.place_entity_id for ev, _, _ in rows if ev.place_entity_id is not None}
        places = (
            {
                e.id: _entity_dict(e)
                for e in s.scalars(select(Entity).where(Entity.id.in_(place_ids)))
            }
            if place_ids
            else {}
        )
        items = []
        for ev, title, when_value in rows:
            item = _event(ev, runs)
            item["document_title"] = title
            # The event's own time when the text gives one, else the report's date: marked so.
            when_dt = _as_datetime(when_value)
            item["when"] = when_dt.isoformat() if when_dt else None
            item["when_from"] = (
                "event" if ev.time_value is not None else ("document" if when_dt else None)
            )
            place = places.get(ev.place_entity_id) if ev.place_entity_id is not None else None
            item["location"] = place["location"] if place else None
            item["url"] = f"/documents/{ev.document_id}#event-{ev.id}"
            items.append(item)
        types = s.execute(
            select(Event.type, func.count()).group_by(Event.type).order_by(Event.type)
        ).all()
        return {
            "filters": {
                k: str(v)
                for k, v in {"type": event_type, "date_from": date_from, "date_to": date_to}.items()
                if v
            },
            "total": total,
            "limit": limit,
            "offset": offset,
            "types": [{"type": t, "events": c} for t, c in types],
            "events": items,
        }


def _as_datetime(value: Any) -> datetime | None:
    # coalesce() over two DateTime columns comes back from SQLite as a string.
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def media(case: Case, doc_id: int) -> tuple[str, str]:
    """(path of the original, media type) for a recording, found by the document's id only."""
    with case.reader() as s:
        row = s.execute(
            select(Document.blob_sha256, Document.media_type, Document.kind).where(
                Document.id == doc_id
            )
        ).first()
    if row is None or row.kind not in ("audio", "video"):
        raise NotFound(f"no recording for document {doc_id}")
    path = case.blobs.path_for(row.blob_sha256)
    if not path.is_file():
        raise NotFound(f"the original of document {doc_id} is missing from the case")
    return str(path), row.media_type
