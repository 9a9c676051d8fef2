"""What each workbench page shows, read from the case: the page models of ``pages.py``.

Every page is rendered from exactly the data its ``.json`` twin returns, so the HTML and the API
cannot disagree; records are built by ``overheard.records`` so a document, segment, statement or
event is the same in the API, the export and ``overheard show --json``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, TypeVar

from sqlalchemy import Select, and_, exists, func, literal_column, or_, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session, defer

from overheard.errors import OverheardError
from overheard.link import merges
from overheard.link.board import ClaimFilter, ClaimSummary, Line, board, list_claims
from overheard.link.merges import SPLIT
from overheard.records import (
    ClaimRecord,
    DocumentBundle,
    EntityRecord,
    GeoPoint,
    Lookups,
    SegmentRecord,
    number,
    ref,
    utc,
)
from overheard.store.case import Case
from overheard.store.schema import (
    Claim,
    ClaimStatement,
    Document,
    Entity,
    EntityMerge,
    Event,
    IngestFailure,
    Mention,
    Segment,
    Source,
    Statement,
)
from overheard.web.masking import Masker
from overheard.web.pages import (
    ActCount,
    BoardLine,
    ClaimBoardPage,
    ClaimItem,
    ClaimsPage,
    Context,
    CopyRef,
    Counts,
    DocumentItem,
    DocumentPage,
    DocumentsPage,
    EntitiesPage,
    EntityDecision,
    EntityDecisionRecord,
    EntityHistory,
    EntityItem,
    EntityPage,
    EntityTypeCount,
    EventPlace,
    EventRow,
    EventsPage,
    EventTypeCount,
    Facets,
    Failure,
    Hit,
    LanguageFacet,
    Masking,
    MentionInContext,
    PositionChange,
    Published,
    SearchPage,
    SourceFacet,
    SourceRef,
    Speaker,
    SpeakerCount,
    StatementDocument,
    StatementRow,
    StatementsPage,
    TimelineEntry,
    TranslationBackend,
)

Row = TypeVar("Row", bound=StatementRow)
CONTEXT_CHARS = 80  # text shown either side of a mention on an entity page


class NotFound(LookupError):
    """A record the URL names does not exist; pages answer 404."""


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


def documents(case: Case, f: DocumentFilters, limit: int = 50, offset: int = 0) -> DocumentsPage:
    with case.reader() as s:
        groups = _document_groups(s)
        total = _total(s, f, groups)
        # The page's ids first, from the published_at index alone (SQLite sorts NULL lowest, so
        # undated items come last, newest ingested first); then only those rows are read. Read
        # with their text, 10,000 documents took over 100 ms to sort for a deep page.
        page_ids = (
            _filtered(select(Document.id), f)
            .order_by(Document.published_at.desc(), Document.id.desc())
            .limit(limit)
            .offset(offset)
        )
        ids = list(s.scalars(page_ids))
        found = {
            d.id: d
            for d in s.scalars(
                select(Document).options(defer(Document.text)).where(Document.id.in_(ids))
            )
        }
        rows = [found[i] for i in ids]
        source_ids = {d.source_id for d in rows if d.source_id is not None}
        sources = (
            dict(s.execute(select(Source.id, Source.name).where(Source.id.in_(source_ids))).all())
            if source_ids
            else {}
        )
        seg_counts = _count_by_document(s, Segment.document_id, ids)
        st_counts = _count_by_document(s, Statement.document_id, ids)

        def extra(d: Document) -> dict[str, Any]:
            return {
                "number": d.id,
                "source": SourceRef(id=f"source:{d.source_id}", name=sources[d.source_id])
                if d.source_id in sources
                else None,
                "segments": seg_counts.get(d.id, 0),
                "statements": st_counts.get(d.id, 0),
            }

        return DocumentsPage(
            filters={k: str(v) for k, v in f.active().items()},
            total=total,
            limit=limit,
            offset=offset,
            documents=DocumentItem.from_rows(rows, Lookups(s), with_text=False, extra=extra),
            counts=_case_counts(s, groups),
            facets=_facets(s, groups),
            failures=_failures(s),
        )


def _count_by_document(s: Session, column: Any, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(
        s.execute(select(column, func.count()).where(column.in_(ids)).group_by(column)).all()
    )  # type: ignore[arg-type]


# kind, status, source id, language, documents
_Group = tuple[str, str, int | None, str | None, int]


def _document_groups(s: Session) -> list[_Group]:
    """Documents counted by kind, status, source and language at once: one scan of the
    covering index ``ix_documents_facets`` serves both the case's counts and the facets (four
    scans of the document rows, text and all, took ~0.5 s a page at 112k documents)."""
    rows = s.execute(
        select(
            Document.kind, Document.status, Document.source_id, Document.language, func.count()
        ).group_by(Document.kind, Document.status, Document.source_id, Document.language)
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _total(s: Session, f: DocumentFilters, groups: list[_Group]) -> int:
    """How many documents pass the filters: summed from the groups when the filters are among
    the groups' columns (PostgreSQL counted 112k documents by reading them: ~25 ms a page)."""
    if f.date_from is not None or f.date_to is not None or f.has_statements is not None:
        return s.scalar(_filtered(select(func.count(Document.id)), f)) or 0
    return sum(
        n
        for kind, status, source, language, n in groups
        if (f.source is None or source == f.source)
        and (not f.language or language == f.language)
        and (not f.kind or kind == f.kind)
        and (not f.status or status == f.status)
    )


# PostgreSQL counts a table's rows only by reading them all (1M segments: 40-100 ms on every
# page); past this many, the planner's figure (kept by autovacuum and ANALYZE) is shown instead,
# marked as an estimate. SQLite's counts stay exact.
ESTIMATED_PAST = 100_000


def _row_counts(s: Session, models: Sequence[Any]) -> tuple[dict[str, int], list[str]]:
    """Each model's table's rows: exact, or on PostgreSQL past ESTIMATED_PAST rows the
    planner's estimate (those tables' names are also returned)."""
    names = [m.__tablename__ for m in models]
    estimates: dict[str, int] = {}
    if s.get_bind().dialect.name == "postgresql":
        tables = ", ".join(f"to_regclass('{n}')" for n in names)  # the models' own names
        estimates = {
            name: int(n)
            for name, n in s.execute(
                sql(f"SELECT relname, reltuples FROM pg_class WHERE oid IN ({tables})")
            )
            if n >= ESTIMATED_PAST
        }
    counts = {
        m.__tablename__: estimates.get(m.__tablename__)
        or s.scalar(select(func.count()).select_from(m))
        or 0
        for m in models
    }
    return counts, [n for n in names if n in estimates]


def _case_counts(s: Session, groups: list[_Group]) -> Counts:
    by_kind: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    for kind, status, _source, _language, n in groups:
        by_kind[kind] += n
        by_status[status] += n
    counts, estimated = _row_counts(s, [Segment, Mention, Entity, Statement, Event])
    return Counts(
        documents=sum(by_kind.values()),
        segments=counts["segments"],
        mentions=counts["mentions"],
        entities=counts["entities"],
        statements=counts["statements"],
        events=counts["events"],
        by_kind=dict(sorted(by_kind.items())),
        by_status=dict(sorted(by_status.items())),
        unresolved_failures=s.scalar(
            select(func.count()).select_from(IngestFailure).where(IngestFailure.resolved.is_(False))
        )
        or 0,
        **({"estimated": estimated} if estimated else {}),
    )


def _facets(s: Session, groups: list[_Group]) -> Facets:
    by_source: Counter[int | None] = Counter()
    by_language: Counter[str] = Counter()
    for _kind, _status, source, language, n in groups:
        by_source[source] += n
        if language:
            by_language[language] += n
    sources = s.execute(select(Source.id, Source.name).order_by(Source.name, Source.id)).all()
    # Two queries: SQLite answers min() or max() alone from the index, both at once by a scan.
    first = s.scalar(select(func.min(Document.published_at)))
    last = s.scalar(select(func.max(Document.published_at)))
    return Facets(
        sources=[
            SourceFacet(id=f"source:{i}", number=i, name=n, documents=by_source[i])
            for i, n in sources
        ],
        languages=[
            LanguageFacet(language=lang, documents=c)
            for lang, c in sorted(by_language.items(), key=lambda item: (-item[1], item[0]))
        ],
        published=Published(first=utc(_as_datetime(first)), last=utc(_as_datetime(last))),
    )


def failures(case: Case, limit: int = 100) -> list[Failure]:
    with case.reader() as s:
        return _failures(s, limit)


def _failures(s: Session, limit: int = 100) -> list[Failure]:
    rows = s.scalars(
        select(IngestFailure)
        .where(IngestFailure.resolved.is_(False))
        .order_by(IngestFailure.id.desc())
        .limit(limit)
    ).all()
    return [
        Failure(id=f.id, path=f.path, part=f.part, reason=f.reason, at=utc(f.created_at))
        for f in rows
    ]


# ------------------------------------------------------------------------------ document


def _renderings(
    case: Case, segments: Sequence[SegmentRecord], asked: str | None
) -> list[TranslationBackend]:
    """Each back-end's renderings of the document, one of them preferred: the one asked for
    (``BACKEND:MODEL``, or just ``BACKEND``), else the case's configured translator, else the
    one that rendered most segments."""
    from overheard.config import CaseConfig

    counts: dict[tuple[str, str, str | None], int] = {}
    for seg in segments:
        for t in seg.translations:
            key = (t.language, t.backend, t.model)
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return []
    configured = CaseConfig(case.root).get("translator")

    def rank(key: tuple[str, str, str | None]) -> tuple[bool, bool, int]:
        _lang, backend, model = key
        wanted = bool(asked) and asked in (backend, f"{backend}:{model or ''}")
        return (not wanted, backend != configured, -counts[key])

    best = min(counts, key=rank)
    return [
        TranslationBackend(language=lang, backend=backend, model=model, machine=True,
                           segments=n, preferred=(lang, backend, model) == best)
        for (lang, backend, model), n in sorted(counts.items(), key=lambda kv: rank(kv[0]))
    ]  # fmt: skip


def document(
    case: Case,
    doc_id: int,
    masker: Masker,
    publication: bool = False,
    translation: str | None = None,
) -> DocumentPage:
    with case.reader() as s:
        doc = s.get(Document, doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id} in this case")
        bundle = DocumentBundle.load(Lookups(s), doc)
        original = next(iter(_copy_refs(s, Document.id == doc.copy_of)), None)
        if original is not None:
            original.score = doc.copy_score  # how sure that this one copies it
        copies = _copy_refs(s, Document.copy_of == doc.id)
    data, segments = bundle.document, bundle.segments
    rendering: Literal["verbatim", "publication"] = (
        "publication" if publication and masker.available else "verbatim"
    )
    if rendering == "publication":
        # The masked words are added beside the verbatim ones, never in their place: the record
        # stays verbatim, the rendering is a view.
        for seg in segments:
            seg.masked_text = masker(seg.text, seg.language or data.language)
        if data.text is not None:
            data.masked_text = masker(data.text, data.language)
    return DocumentPage(
        **dict(bundle),
        original=original,
        copies=copies,
        speakers=_speakers(segments),
        translations=_renderings(case, segments, translation),
        rendering=rendering,
        masking=Masking(available=masker.available, reason=masker.reason),
        media_url=f"/documents/{doc_id}/media" if data.kind in ("audio", "video") else None,
    )


def _copy_refs(s: Session, where: Any) -> list[CopyRef]:
    """Documents that copy (or are copied by) one, oldest first."""
    rows = s.execute(
        select(Document.id, Document.title, Document.published_at, Source.name,
               Document.copy_score)
        .outerjoin(Source, Source.id == Document.source_id)
        .where(where)
        .order_by(Document.published_at.is_(None), Document.published_at, Document.id)
    ).all()  # fmt: skip
    return [
        CopyRef(
            id=f"document:{i}", title=title, published_at=utc(published), source=source, score=score
        )
        for i, title, published, source, score in rows
    ]


def _speakers(segments: list[SegmentRecord]) -> list[Speaker]:
    """Speakers in order of first appearance, with how long each talks."""
    talk: Counter[str] = Counter()  # seconds
    for seg in segments:
        if seg.speaker is None:
            continue
        ev = seg.evidence
        talk[seg.speaker] += (
            ev.end_s - ev.start_s if ev.start_s is not None and ev.end_s is not None else 0
        )  # type: ignore[assignment]
    # Counter keeps the order in which speakers were first counted.
    return [Speaker(label=who, seconds=round(seconds, 2)) for who, seconds in talk.items()]


# -------------------------------------------------------------------------------- search


def search(
    case: Case,
    query: str,
    *,
    language: str | None = None,
    kind: str | None = None,
    limit: int = 20,
    offset: int = 0,
    within: str = "originals",
) -> SearchPage:
    from overheard.store.search import search as run_search
    from overheard.store.search import search_translations

    translated = within == "translations"
    page = SearchPage(
        query=query,
        filters={
            k: v
            for k, v in {
                "language": language,
                "kind": kind,
                "within": "translations" if translated else None,
            }.items()
            if v
        },  # fmt: skip
        limit=limit,
        offset=offset,
        hits=[],
    )
    if not query.strip():
        return page
    try:
        find = search_translations if translated else run_search
        hits = find(case, query, limit=limit, offset=offset, language=language, kind=kind)
    except OverheardError as exc:
        # A query with no words in it is a question to answer on the page, not a failure.
        page.error = str(exc)
        return page
    page.hits = [
        Hit.model_validate(
            {**h.as_record(), "url": hit_url(h.document_id, h.segment_id, h.start_s)}
        )
        for h in hits
    ]
    return page


def hit_url(document_id: int, segment_id: int, start_s: float | None) -> str:
    """The exact place of a hit: the segment's anchor and, for audio, the second to play from."""
    at = f"?t={start_s:.2f}" if start_s is not None else ""
    return f"/documents/{document_id}{at}#segment-{segment_id}"


def search_languages(case: Case) -> list[str]:
    """The segments' languages, for the search page's filter: a loose scan of
    ``ix_segments_language`` (each step the next language after the last, one probe each),
    where ``SELECT DISTINCT`` walked every segment (0.4 s at 1M on each load of the page)."""
    found: list[str] = []
    with case.reader() as s:
        after = ""
        while True:
            lang = s.scalar(select(func.min(Segment.language)).where(Segment.language > after))
            if lang is None:
                return found
            found.append(lang)
            after = lang


# ------------------------------------------------------------------------------ entities


def entities(
    case: Case,
    entity_type: str | None = None,
    name: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> EntitiesPage:
    with case.reader() as s:
        query = select(Entity)
        if entity_type:
            query = query.where(Entity.type == entity_type)
        if name:
            query = query.where(Entity.name.ilike(f"%{_like(name)}%", escape="\\"))
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        # Each entity's mentions counted in ix_mentions_entity_place: grouped, PostgreSQL read
        # every mention row (272k: ~90 ms).
        mentioned = select(func.count()).where(Mention.entity_id == Entity.id).scalar_subquery()
        rows = s.execute(
            query.add_columns(mentioned)
            .order_by(mentioned.desc(), Entity.name)
            .limit(limit)
            .offset(offset)
        ).all()
        types = s.execute(
            select(Entity.type, func.count()).group_by(Entity.type).order_by(Entity.type)
        ).all()
        return EntitiesPage(
            filters={k: v for k, v in {"type": entity_type, "name": name}.items() if v},
            total=total,
            limit=limit,
            offset=offset,
            types=[EntityTypeCount(type=t, entities=c) for t, c in types],
            entities=EntityItem.from_rows(
                [e for e, _ in rows],
                Lookups(s),
                mention_limit=0,  # the list shows counts; each entity's page lists its mentions
                extra=lambda e: {"number": e.id},
                mention_counts={e.id: n for e, n in rows},
            ),
        )


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def entity(case: Case, entity_id: int, limit: int = 200) -> EntityPage:
    with case.reader() as s:
        e = s.get(Entity, entity_id)
        if e is None:
            raise NotFound(f"no entity {entity_id} in this case")
        ctx = Lookups(s)
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
        mentions = [
            MentionInContext.from_row(
                m,
                ctx,
                document_title=title,
                context=_context(m, doc_text, seg_text, seg_start),
                url=hit_url(m.document_id, m.segment_id, seg_start_s)
                if m.segment_id is not None
                else f"/documents/{m.document_id}#mention-{m.id}",
            )
            for m, title, doc_text, seg_text, seg_start, seg_start_s in rows
        ]
        by_it = s.scalars(
            select(Statement)
            .where(Statement.speaker_entity_id == entity_id)
            .order_by(Statement.id)
            .limit(limit)
        ).all()
        # "About it": statements whose content span contains a mention of the entity. A rare
        # entity's few mentions lead to their documents' statements; a common one's (a place
        # named 45k times) would take longer than walking the statements in order and asking
        # the index of (entity, document, offset) whether each holds a mention: 74 ms -> 9 ms.
        mentioned = s.scalar(select(func.count()).where(Mention.entity_id == entity_id)) or 0
        in_case = s.scalar(select(func.count()).select_from(Statement)) or 0
        inside = and_(
            Mention.document_id == Statement.document_id,
            Mention.start_char >= Statement.content_start,
            Mention.end_char <= Statement.content_end,
            Mention.entity_id == entity_id,
        )
        if mentioned < in_case:
            containing = select(Statement.id).join(Mention, inside)
            about_it: Any = Statement.id.in_(containing)
        else:
            about_it = exists().where(inside)
        about = s.scalars(
            select(Statement).where(about_it).order_by(Statement.id).limit(limit)
        ).all()
        return EntityPage(
            entity=EntityRecord.from_rows([e], ctx, mention_limit=limit)[0],
            mentions=mentions,
            statements_by=_statement_rows(s, ctx, by_it),
            statements_about=_statement_rows(s, ctx, about),
            history=_decisions(s, e),
        )


def _decisions(s: Session, e: Entity) -> list[EntityDecisionRecord]:
    """Merges into an entity, and names split into it or off it, newest first. A split is
    recorded under the new entity's id and the old entity's key."""
    about_it = EntityMerge.entity_id == e.id
    if e.key:
        about_it = or_(about_it, and_(EntityMerge.action == SPLIT, EntityMerge.key == e.key))
    return [
        EntityDecisionRecord.model_validate(
            {
                "id": r.id,
                "action": r.action,
                "key": r.key,
                "entity_id": ref("entity", r.entity_id),
                "name": r.name,
                "actor": r.actor,
                "note": r.note,
                "created_at": utc(r.created_at),
            }
        )
        for r in s.scalars(select(EntityMerge).where(about_it).order_by(EntityMerge.id.desc()))
    ]


def entity_history(case: Case, entity_id: int) -> EntityHistory:
    with case.reader() as s:
        e = s.get(Entity, entity_id)
        if e is None:
            raise NotFound(f"no entity {entity_id} in this case")
        return EntityHistory(entity_id=f"entity:{entity_id}", decisions=_decisions(s, e))


def merge_candidates(case: Case, entity_id: int, limit: int = 300) -> list[dict[str, Any]]:
    """Entities of the same type as this one, most mentioned first: what it may be merged
    into (the page's "Merge into…" choice; the API takes any id)."""
    with case.reader() as s:
        e = s.get(Entity, entity_id)
        if e is None:
            return []
        counts = (
            select(Mention.entity_id, func.count().label("n"))
            .group_by(Mention.entity_id)
            .subquery()
        )
        rows = s.execute(
            select(Entity.id, Entity.name, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.entity_id == Entity.id)
            .where(Entity.type == e.type, Entity.id != e.id)
            .order_by(func.coalesce(counts.c.n, 0).desc(), Entity.name, Entity.id)
            .limit(limit)
        ).all()
    return [{"id": i, "name": name, "mentions": n} for i, name, n in rows]


def decide(
    case: Case,
    action: Literal["merge", "split"],
    entity_id: int,
    *,
    other: int | None = None,
    name: str | None = None,
    actor: str,
    note: str | None = None,
) -> EntityDecision:
    """An analyst's merge (``other`` into ``entity_id``) or split (``name`` off ``entity_id``),
    recorded with ``actor``. A missing entity is NotFound (404); any other refusal is a
    MergeError (400)."""
    with case.reader() as s:
        for wanted in (entity_id, other):
            if wanted is not None and s.get(Entity, wanted) is None:
                raise NotFound(f"no entity {wanted} in this case")
    note = note.strip() or None if note else None
    if action == "merge":
        assert other is not None
        done = merges.merge(case, entity_id, other, actor, note)
    else:
        assert name is not None
        done = merges.split(case, entity_id, name, actor, note)
    return EntityDecision(
        action=action, entity_id=f"entity:{done.entity_id}", other_id=f"entity:{done.other_id}",
        keys=list(done.keys), moved=done.moved, actor=actor, url=f"/entities/{done.entity_id}",
    )  # fmt: skip


def _context(
    m: Mention, doc_text: str | None, seg_text: str | None, seg_start: int | None
) -> Context:
    """The words around a mention: before, the mention itself, after."""
    text, start, end = doc_text, m.start_char, m.end_char
    if text is None or end > len(text):
        # Offsets that do not fit the document's text (a transcript) are read against the segment.
        text = seg_text or ""
        base = seg_start or 0
        start, end = m.start_char - base, m.end_char - base
    if not (0 <= start <= end <= len(text)):
        return Context(before="", text=m.text, after="")
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    return Context(
        before=("…" if lo > 0 else "") + text[lo:start],
        text=text[start:end],
        after=text[end:hi] + ("…" if hi < len(text) else ""),
    )


# ---------------------------------------------------------------------------- statements


def _statement_rows(
    s: Session,
    ctx: Lookups,
    statements: Sequence[Statement],
    model: type[Row] = StatementRow,  # type: ignore[assignment]
    extra: Callable[[Statement], dict[str, Any]] | None = None,
) -> list[Row]:
    """Statements with the document each comes from (title, date, source) and a link to it
    (as ``model``, a StatementRow, with ``extra`` fields)."""
    ids = {st.document_id for st in statements}
    rows = (
        s.execute(
            select(
                Document.id,
                Document.title,
                Document.published_at,
                Document.published_text,
                Source.name,
            )
            .outerjoin(Source, Source.id == Document.source_id)
            .where(Document.id.in_(ids))
        ).all()
        if ids
        else []
    )
    docs = {
        i: StatementDocument(
            id=f"document:{i}",
            title=title,
            published_at=utc(published),
            published_text=published_text,
            source=source,
        )
        for i, title, published, published_text, source in rows
    }
    return model.from_rows(
        statements,
        ctx,
        extra=lambda st: {
            "document": docs[st.document_id],
            "url": f"/documents/{st.document_id}#statement-{st.id}",
            **(extra(st) if extra else {}),
        },
    )


def statements(
    case: Case,
    *,
    speaker: str | None = None,
    act: str | None = None,
    document_id: int | None = None,
    hedged: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> StatementsPage:
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
        # Unfiltered, the newest documents are walked first (``+`` keeps the planner from
        # reading every statement to sort them: 66 ms -> 0.3 ms at 40k statements); a filter
        # picks its statements first, then sorts only those.
        filtered = bool(speaker or act or document_id is not None or hedged is not None)
        on = Document.id if filtered else literal_column("+documents.id")
        rows = s.scalars(
            query.join(Document, on == Statement.document_id)
            .order_by(Document.published_at.desc(), Statement.id)  # NULL sorts lowest: undated last
            .limit(limit)
            .offset(offset)
        ).all()
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
        filters = {
            "speaker": speaker,
            "act": act,
            "document": ref("document", document_id),
            "hedged": hedged,
        }
        return StatementsPage(
            filters={k: v for k, v in filters.items() if v is not None and v != ""},
            total=total,
            limit=limit,
            offset=offset,
            acts=[ActCount(act=a, statements=c) for a, c in acts],
            speakers=[SpeakerCount(speaker=sp, statements=c) for sp, c in speakers if sp],
            statements=_statement_rows(s, Lookups(s), rows),
        )


# -------------------------------------------------------------------------------- claims


def claims(case: Case, f: ClaimFilter, limit: int = 50, offset: int = 0) -> ClaimsPage:
    """The claim list of ``overheard claims``: most-sourced first, the CLI's filters."""
    with case.reader() as s:
        found = list_claims(s, f)
        in_case = s.scalar(select(func.count()).select_from(Claim)) or 0
        # Named as the URL names them: ``language``, as on the other pages.
        active = {k: v for k, v in asdict(f).items() if v not in (None, "", False)}
        return ClaimsPage(
            filters={k: v if isinstance(v, bool) else str(v) for k, v in active.items()},
            total=len(found),
            limit=limit,
            offset=offset,
            claims_in_case=in_case,
            claims=_claim_items(s, Lookups(s), found[offset : offset + limit]),
        )


def _claim_items(s: Session, ctx: Lookups, summaries: Sequence[ClaimSummary]) -> list[ClaimItem]:
    """Claim records with the board's summary; the sources are the summary's (the record's
    own lookup would count them over the whole case again)."""
    ids = [c.id for c in summaries]
    rows = {c.id: c for c in s.scalars(select(Claim).where(Claim.id.in_(ids)))}
    lines: dict[int, list[tuple[ClaimStatement, bool]]] = {}
    for cs, hedged in s.execute(
        select(ClaimStatement, Statement.hedged)
        .join(Statement, Statement.id == ClaimStatement.statement_id)
        .where(ClaimStatement.claim_id.in_(ids))
        .order_by(ClaimStatement.claim_id, ClaimStatement.statement_id)
    ).all():
        lines.setdefault(cs.claim_id, []).append((cs, hedged))
    items = []
    for c in summaries:
        record = ClaimRecord.from_row(
            rows[c.id], ctx, lines.get(c.id, []), (c.asserting_sources, c.denying_sources)
        )
        items.append(
            ClaimItem.model_validate(
                {
                    **record.model_dump(),
                    "number": c.id,
                    "statement_count": c.statements,
                    "documents": c.documents,
                    "languages": c.languages,
                    "first_seen": utc(c.first_seen),
                    "last_seen": utc(c.last_seen),
                    "contested": c.contested,
                    "changed": c.changed,
                    "url": f"/claims/{c.id}",
                }
            )
        )
    return items


def claim_board(case: Case, claim_id: int) -> ClaimBoardPage:
    """One claim's board, as ``overheard claims N`` shows it: asserters | deniers | hedged,
    each line the statement with its evidence; position changes; the timeline."""
    with case.reader() as s:
        if s.get(Claim, claim_id) is None:
            total = s.scalar(select(func.count()).select_from(Claim)) or 0
            raise NotFound(f"no claim {claim_id} in this case ({total} claims in all)")
        found = board(s, claim_id)
        ctx = Lookups(s)
        shown = [*found.asserting, *found.denying, *found.hedged]
        by_id = {ln.statement_id: ln for ln in shown}
        statements = s.scalars(select(Statement).where(Statement.id.in_(list(by_id)))).all()
        copy_ids = {d for ln in shown for d in ln.also_in}
        copies = {number(c.id): c for c in _copy_refs(s, Document.id.in_(copy_ids))}

        def extra(st: Statement) -> dict[str, Any]:
            ln = by_id[st.id]
            return {
                "url": evidence_url(ln),
                "stance": ln.stance,
                "stance_source": ln.stance_source,
                "said_at": utc(ln.date),
                "language": ln.language,
                "copy_of": ref("document", ln.copy_of),
                "also_in": [copies[d] for d in ln.also_in if d in copies],
            }

        rows = {number(r.id): r for r in _statement_rows(s, ctx, statements, BoardLine, extra)}
        return ClaimBoardPage(
            claim=_claim_items(s, ctx, [found.claim])[0],
            asserting=[rows[ln.statement_id] for ln in found.asserting],
            denying=[rows[ln.statement_id] for ln in found.denying],
            hedged=[rows[ln.statement_id] for ln in found.hedged],
            changes=[
                PositionChange.model_validate(
                    {
                        **asdict(ch),
                        "speaker_entity_id": ref("entity", ch.speaker_entity_id),
                        "from_document": f"document:{ch.from_document}",
                        "to_document": f"document:{ch.to_document}",
                        "from_date": utc(ch.from_date),
                        "to_date": utc(ch.to_date),
                    }
                )
                for ch in found.changes
            ],
            timeline=[
                TimelineEntry(
                    source=t["source"],
                    first_said=utc(t["first_said"]),
                    stance=t["stance"],
                    document_id=f"document:{t['document_id']}",
                )
                for t in found.timeline
            ],
        )


def evidence_url(line: Line) -> str:
    """Where a board line's words are: the statement in its text, or the second of the call."""
    if line.start_s is not None:
        return f"/documents/{line.document_id}?t={line.start_s:.2f}#statement-{line.statement_id}"
    return f"/documents/{line.document_id}#statement-{line.statement_id}"


# -------------------------------------------------------------------------------- events


def events(
    case: Case,
    *,
    event_type: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 200,
    offset: int = 0,
) -> EventsPage:
    with case.reader() as s:
        # The report's date read for each event by its id, and the titles for the page alone:
        # joined, PostgreSQL read every document (text and all, 131 MB at 112k) to sort 11k
        # events (170 ms).
        published = (
            select(Document.published_at).where(Document.id == Event.document_id).scalar_subquery()
        )
        when = func.coalesce(Event.time_value, published)
        query = select(Event, when.label("when"))
        if event_type:
            query = query.where(Event.type == event_type)
        if date_from is not None:
            query = query.where(when >= datetime.combine(date_from, time.min))
        if date_to is not None:
            query = query.where(when < datetime.combine(date_to, time.min) + timedelta(days=1))
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = s.execute(
            query.order_by(when.is_(None), when, Event.id).limit(limit).offset(offset)
        ).all()
        titles = dict(
            s.execute(
                select(Document.id, Document.title).where(
                    Document.id.in_({ev.document_id for ev, _ in page})
                )
            ).all()
        )
        rows = [(ev, titles.get(ev.document_id), when_value) for ev, when_value in page]
        place_ids = {ev.place_entity_id for ev, _, _ in rows if ev.place_entity_id is not None}
        points: dict[int, GeoPoint] = {}
        names: dict[int, str] = {}
        for i, name, lat, lon in s.execute(
            select(Entity.id, Entity.name, Entity.latitude, Entity.longitude).where(
                Entity.id.in_(place_ids)
            )
        ):
            if lat is not None and lon is not None:
                points[i], names[i] = GeoPoint(latitude=lat, longitude=lon), name
        ctx = Lookups(s)
        items = []
        for ev, title, when_value in rows:
            # The event's own time when the text gives one, else the report's date: marked so.
            when_dt = utc(_as_datetime(when_value))
            items.append(
                EventRow.from_row(
                    ev,
                    ctx,
                    document_title=title,
                    when=when_dt,
                    when_from="event"
                    if ev.time_value is not None
                    else ("document" if when_dt else None),
                    location=points.get(ev.place_entity_id) if ev.place_entity_id else None,
                    url=f"/documents/{ev.document_id}#event-{ev.id}",
                )
            )
        types = s.execute(
            select(Event.type, func.count()).group_by(Event.type).order_by(Event.type)
        ).all()
        filters = {"type": event_type, "date_from": date_from, "date_to": date_to}
        return EventsPage(
            filters={k: str(v) for k, v in filters.items() if v},
            total=total,
            limit=limit,
            offset=offset,
            types=[EventTypeCount(type=t, events=c) for t, c in types],
            events=items,
            places=_event_places([ev for ev, _, _ in rows], points, names),
        )


def _event_places(
    rows: Sequence[Event], points: dict[int, GeoPoint], names: dict[int, str]
) -> list[EventPlace]:
    """The located events grouped by their resolved place: eight events at two places are two
    map markers with their counts, not eight pins on top of each other."""
    placed: dict[int, list[Event]] = {}
    for ev in rows:
        if ev.place_entity_id in points:
            placed.setdefault(ev.place_entity_id, []).append(ev)
    places = [
        EventPlace(
            entity_id=f"entity:{i}",
            name=names[i],
            location=points[i],
            events=len(evs),
            documents=len({ev.document_id for ev in evs}),
            event_ids=[f"event:{ev.id}" for ev in evs],
            url=f"/entities/{i}",
        )
        for i, evs in placed.items()
    ]
    return sorted(places, key=lambda p: (-p.events, p.name))


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
