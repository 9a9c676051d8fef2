"""``overheard brief``: a report of a case, or of a filter (``--about Kursk``, ``--since``), for
an editor: the contested claims with their boards, key statements, a timeline, a map and an
entity index, as HTML and PDF. Every line cites the records it rests on (``statement:12``,
``claim:3``, ``document:4``, ``event:6``, ``entity:24``), as the export and the workbench name
them.

The claims and their boards are the claim board's (``overheard.link.board``: the same sources,
copies folded, as ``overheard claims`` shows them); the rest is read with the same filters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from overheard import __version__
from overheard.brief.map import Point, svg
from overheard.errors import OverheardError
from overheard.link.board import Board, ClaimFilter, Line, board, list_claims, said_at
from overheard.records import utc
from overheard.store.case import Case
from overheard.store.schema import Document, Entity, Event, Mention, Source

CONTESTED = 12  # contested claims shown with their boards
KEY = 15  # key statements: the lines of the best-sourced other claims


@dataclass
class Citation:
    """Where a line comes from: the statement, its document, source, date, seconds."""

    statement: str  # "statement:12"
    document: str  # "document:4"
    title: str | None
    source: str | None
    date: datetime | None
    start_s: float | None
    end_s: float | None


@dataclass
class Said:
    speaker: str
    act: str
    stance: str
    hedged: bool
    hedges: list[str]
    quote: str
    cite: Citation
    also_in: list[str]


@dataclass
class ClaimBlock:
    id: str  # "claim:3"
    proposition: str
    asserting_sources: int
    denying_sources: int
    asserting: list[Said]
    denying: list[Said]
    hedged: list[Said]
    changes: list[str]


@dataclass
class Moment:
    when: datetime
    what: str
    refs: list[str]


@dataclass
class IndexEntry:
    id: str
    name: str
    type: str
    names: list[str]
    mentions: int
    documents: list[str]


@dataclass
class Brief:
    title: str
    filters: dict[str, str]
    made_at: datetime
    version: str
    counts: dict[str, int]
    contested: list[ClaimBlock]
    key: list[Said]
    key_claims: dict[str, str]  # statement id → its claim id
    timeline: list[Moment]
    map_svg: str
    places: list[Point]
    entities: list[IndexEntry]
    documents: list[Citation] = field(default_factory=list)


def _said(line: Line) -> Said:
    return Said(
        speaker=line.speaker or line.source or f"document:{line.document_id}",
        act=line.act,
        stance=line.stance,
        hedged=line.hedged,
        hedges=line.hedges,
        quote=line.quote,
        cite=Citation(
            statement=f"statement:{line.statement_id}",
            document=f"document:{line.document_id}",
            title=line.document_title,
            source=line.source,
            date=utc(line.date),
            start_s=line.start_s,
            end_s=line.end_s,
        ),
        also_in=[f"document:{d}" for d in line.also_in],
    )


def _block(b: Board) -> ClaimBlock:
    return ClaimBlock(
        id=f"claim:{b.claim.id}",
        proposition=b.claim.proposition,
        asserting_sources=b.claim.asserting_sources,
        denying_sources=b.claim.denying_sources,
        asserting=[_said(x) for x in b.asserting],
        denying=[_said(x) for x in b.denying],
        hedged=[_said(x) for x in b.hedged],
        changes=[
            f"{c.speaker}: {c.before} (document:{c.from_document}) → {c.after} "
            f"(document:{c.to_document})"
            for c in b.changes
        ],
    )


def build(
    case: Case, about: str | None = None, since: date | None = None, until: date | None = None
) -> Brief:
    """The brief of the claims ``about`` an entity or words, said between ``since`` and
    ``until`` (the claim board's filters), and of the documents they come from."""
    filters = ClaimFilter(about=about, since=since, until=until)
    with case.reader() as s:
        claims = list_claims(s, filters)
        if not claims and (about or since or until):
            raise OverheardError("no claims match this filter: nothing to brief")
        contested = [board(s, c.id) for c in claims if c.contested][:CONTESTED]
        others = [board(s, c.id) for c in claims if not c.contested]
        key: list[Said] = []
        key_claims: dict[str, str] = {}
        for b in others:
            for line in [*b.asserting, *b.denying, *b.hedged]:
                if len(key) < KEY:
                    said = _said(line)
                    key.append(said)
                    key_claims[said.cite.statement] = f"claim:{b.claim.id}"
        boards = contested + others
        doc_ids = sorted(
            {ln.document_id for b in boards for ln in [*b.asserting, *b.denying, *b.hedged]}
        )
        if not (about or since or until):
            doc_ids = sorted(s.scalars(select(Document.id)))
        docs = {
            d.id: d
            for d in s.execute(
                select(
                    Document.id, Document.title, Document.published_at, Document.meta,
                    Source.name.label("source"),
                )
                .outerjoin(Source, Source.id == Document.source_id)
                .where(Document.id.in_(doc_ids))
            )
        }  # fmt: skip
        timeline = _timeline(s, boards, docs, since, until)
        places, entities = _entities(s, doc_ids)
        counts = {
            "claims": len(claims),
            "contested": sum(1 for c in claims if c.contested),
            "documents": len(doc_ids),
            "statements": sum(c.statements for c in claims),
        }
        documents = [
            Citation(
                statement="", document=f"document:{d.id}", title=d.title, source=d.source,
                date=utc(said_at(d.published_at, d.meta)), start_s=None, end_s=None,
            )
            for d in docs.values()
        ]  # fmt: skip
    shown = {k: str(v) for k, v in (("about", about), ("since", since), ("until", until)) if v}
    title = "Brief" + (f": {about}" if about else ": the whole case")
    return Brief(
        title=title, filters=shown, made_at=datetime.now(UTC).replace(microsecond=0),
        version=__version__, counts=counts, contested=[_block(b) for b in contested],
        key=key, key_claims=key_claims, timeline=timeline, map_svg=svg(places),
        places=places, entities=entities, documents=documents,
    )  # fmt: skip


def _timeline(
    s: Any, boards: list[Board], docs: dict[int, Any], since: date | None, until: date | None
) -> list[Moment]:
    """Who said what first on each claim, and the coded events of the same documents, by date."""
    moments: list[Moment] = []
    for b in boards:
        for t in b.timeline:
            when = utc(t["first_said"])
            if when is None:
                continue
            verb = "asserts" if t["stance"] == "assert" else "denies"
            moments.append(
                Moment(
                    when=when,
                    what=f"{t['source']} {verb}: {b.claim.proposition}",
                    refs=[f"claim:{b.claim.id}", f"document:{t['document_id']}"],
                )
            )
    for ev in s.scalars(select(Event).where(Event.document_id.in_(list(docs)))):
        doc = docs[ev.document_id]
        when = utc(ev.time_value) or utc(said_at(doc.published_at, doc.meta))
        if when is None:
            continue
        words = " ".join(x for x in (ev.actor_text, ev.trigger_text, ev.recipient_text) if x)
        place = f" ({ev.place_text})" if ev.place_text else ""
        moments.append(
            Moment(
                when=when,
                what=f"{ev.type}: {words}{place}",
                refs=[f"event:{ev.id}", f"document:{ev.document_id}"],
            )
        )
    kept = [
        m
        for m in moments
        if (since is None or m.when.date() >= since) and (until is None or m.when.date() <= until)
    ]
    return sorted(kept, key=lambda m: (m.when, m.refs))


def _entities(s: Any, doc_ids: list[int]) -> tuple[list[Point], list[IndexEntry]]:
    """The entities the documents name (most named first) and the places among them."""
    rows = s.execute(
        select(Mention.entity_id, Mention.document_id, func.count())
        .where(Mention.document_id.in_(doc_ids), Mention.entity_id.is_not(None))
        .group_by(Mention.entity_id, Mention.document_id)
    ).all()
    counts: dict[int, int] = {}
    in_docs: dict[int, set[int]] = {}
    for entity_id, doc_id, n in rows:
        counts[entity_id] = counts.get(entity_id, 0) + n
        in_docs.setdefault(entity_id, set()).add(doc_id)
    entities = s.scalars(select(Entity).where(Entity.id.in_(list(counts)))).all()
    index = sorted(
        (
            IndexEntry(
                id=f"entity:{e.id}",
                name=e.name,
                type=e.type,
                names=sorted({n["name"] for n in e.names or [] if n.get("name") != e.name}),
                mentions=counts[e.id],
                documents=[f"document:{d}" for d in sorted(in_docs[e.id])],
            )
            for e in entities
        ),
        key=lambda x: (x.type, -x.mentions, x.name.casefold()),
    )
    places = sorted(
        (
            Point(e.latitude, e.longitude, e.name, f"entity:{e.id}")
            for e in entities
            if e.latitude is not None and e.longitude is not None
        ),
        key=lambda p: (-counts[int(p.ref.split(":")[1])], p.label),
    )
    return places, index


def render_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page (styles and map inline)."""
    try:
        from jinja2 import Environment, PackageLoader, select_autoescape
    except ImportError as exc:
        raise OverheardError(
            f"the brief needs the brief extra (pip install 'overheard[brief]'): {exc}"
        ) from None
    env = Environment(
        loader=PackageLoader("overheard.brief", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    env.filters["day"] = lambda d: d.strftime("%Y-%m-%d") if d else "undated"
    env.filters["clock"] = _clock
    return env.get_template("brief.html").render(b=brief)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def render_pdf(html: str, path: Path) -> None:
    """The HTML page as a PDF, by WeasyPrint (no network: the page has nothing to fetch)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango is missing
        raise OverheardError(
            f"the PDF needs WeasyPrint and Pango (the brief extra; scripts/setup.sh): {exc}"
        ) from None
    HTML(string=html, url_fetcher=_no_fetch).write_pdf(path)


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the brief fetches nothing ({url})")
