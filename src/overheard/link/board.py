"""The claim board as people read it: claims with their asserting and denying sources, one
claim's board (asserters | deniers | hedged, each line with its quote, speaker, document,
source, date and evidence), its timeline, and speakers who changed their position.

A **source** on a side of the board is a speaker — its resolved entity, else its words, else
(the document's own voice) the publishing outlet — counted once per side. A copy of another
document (syndication, a translated re-publication: ``documents.copy_of``) adds no source of
its own: its lines are shown under the original's, as "also in".

Read-only queries over the case; the CLI (`overheard claims`) and the workbench both use them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from copy import copy
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from overheard.errors import OverheardError
from overheard.store.schema import (
    Claim,
    ClaimStatement,
    Document,
    Entity,
    Mention,
    Segment,
    Source,
    Statement,
)


class NoSuchClaim(OverheardError):
    pass


@dataclass(frozen=True)
class ClaimFilter:
    about: str | None = None  # an entity name, in any script, or "entity:N"
    speaker: str | None = None
    language: str | None = None
    since: date | None = None
    until: date | None = None
    contested: bool = False
    changed: bool = False


@dataclass
class Line:
    statement_id: int
    stance: str
    hedged: bool
    hedges: list[str]
    act: str
    quote: str
    speaker: str | None
    speaker_entity_id: int | None
    document_id: int
    document_title: str | None
    source: str | None
    published_at: datetime | None
    # When it was said: the publication time, else the date the document's dateline gives.
    date: datetime | None
    language: str | None
    # Evidence: character offsets into the document text, or seconds into a recording.
    start_char: int | None
    end_char: int | None
    start_s: float | None
    end_s: float | None
    copy_of: int | None = None
    also_in: list[int] = field(default_factory=list)
    # What decided the stance: "rules" (act, negation) or an entailment back-end.
    stance_source: str | None = None

    @property
    def source_key(self) -> str:
        if self.speaker_entity_id is not None:
            return f"entity:{self.speaker_entity_id}"
        if self.start_s is not None and self.speaker:
            # A diarized label ("Speaker A") names someone within one recording only.
            return f"recording {self.document_id}:{self.speaker}"
        if self.speaker:
            return "speaker:" + " ".join(self.speaker.lower().split())
        return "source:" + (self.source or f"document {self.document_id}")


@dataclass
class PositionChange:
    speaker: str
    speaker_entity_id: int | None
    before: str
    after: str
    from_document: int
    to_document: int
    from_date: datetime | None
    to_date: datetime | None


@dataclass
class ClaimSummary:
    id: int
    proposition: str
    asserting_sources: int
    denying_sources: int
    statements: int
    documents: int
    languages: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    contested: bool
    changed: bool


@dataclass
class Board:
    claim: ClaimSummary
    asserting: list[Line]
    denying: list[Line]
    hedged: list[Line]
    changes: list[PositionChange]
    timeline: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _when(line: Line) -> datetime:
    """A line's time for ordering (naive UTC; undated last)."""
    if line.date is None:
        return datetime.max
    return line.date.replace(tzinfo=None) if line.date.tzinfo else line.date


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def summary_dict(summary: ClaimSummary) -> dict[str, Any]:
    return _jsonable(asdict(summary))


def _lines(session: Session, claim_ids: Sequence[int] | None = None) -> dict[int, list[Line]]:
    # The columns a line needs, not whole rows: those would bring each statement's embedding
    # and each document's text along (3 s for 10,000 lines; 0.5 s this way).
    query = (
        select(
            ClaimStatement.claim_id, ClaimStatement.stance, ClaimStatement.stance_source,
            Statement.id, Statement.hedged,
            Statement.hedges, Statement.act, Statement.content, Statement.speaker_antecedent,
            Statement.speaker_text, Statement.speaker_entity_id, Statement.content_start,
            Statement.content_end, Statement.start_s, Statement.end_s, Document.id,
            Document.title, Document.published_at, Document.meta, Document.kind,
            Document.copy_of, Document.language, Source.name, Segment.language, Entity.name,
        )
        .join(Statement, Statement.id == ClaimStatement.statement_id)
        .join(Document, Document.id == Statement.document_id)
        .outerjoin(Source, Source.id == Document.source_id)
        .outerjoin(Segment, Segment.id == Statement.segment_id)
        .outerjoin(Entity, Entity.id == Statement.speaker_entity_id)
    )  # fmt: skip
    if claim_ids is not None:
        query = query.where(ClaimStatement.claim_id.in_(list(claim_ids)))
    out: dict[int, list[Line]] = defaultdict(list)
    for (claim_id, stance, stance_source, st_id, hedged, hedges, act, content, antecedent, speaker_text,
         speaker_entity_id, content_start, content_end, start_s, end_s, doc_id, title,
         published_at, meta, kind, copy_of, doc_language, source, seg_lang,
         entity_name) in session.execute(query):  # fmt: skip
        speaker = antecedent or speaker_text
        if entity_name and not speaker:
            speaker = entity_name
        out[claim_id].append(
            Line(
                statement_id=st_id,
                stance=stance,
                hedged=bool(hedged),
                hedges=list(hedges or []),
                act=act,
                quote=content,
                speaker=speaker or entity_name,
                speaker_entity_id=speaker_entity_id,
                document_id=doc_id,
                document_title=title,
                source=source,
                published_at=published_at,
                date=said_at(published_at, meta),
                language=seg_lang or doc_language,
                start_char=content_start if kind == "text" else None,
                end_char=content_end if kind == "text" else None,
                start_s=start_s,
                end_s=end_s,
                copy_of=copy_of,
                stance_source=stance_source,
            )  # fmt: skip
        )
    for lines in out.values():
        lines.sort(key=lambda ln: (_when(ln), ln.document_id))
    return out


def said_at(published_at: datetime | None, meta: dict[str, Any] | None) -> datetime | None:
    """When a document's statements were made: its publication time, else the date its
    dateline gives (``meta["dateline"]``)."""
    if published_at is not None:
        return published_at
    value = (meta or {}).get("dateline")
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _fold_copies(lines: list[Line]) -> list[Line]:
    """A line from a copy of another document joins the original's line of the same speaker
    and stance (shown as "also in"); it is no source of its own."""
    kept: list[Line] = []
    by_key: dict[tuple[int, str, str], Line] = {}
    for line in sorted(lines, key=lambda ln: ln.copy_of is not None):
        origin = line.copy_of or line.document_id
        key = (origin, line.source_key, line.stance)
        if line.copy_of is not None and key in by_key:
            by_key[key].also_in.append(line.document_id)
            continue
        # A fresh line: the summary and the board both fold the same lines. (copy, not
        # dataclasses.replace: a tenth of the time, which shows over a whole case.)
        line = copy(line)
        line.also_in = []
        by_key.setdefault(key, line)
        kept.append(line)
    kept.sort(key=lambda ln: (_when(ln), ln.document_id))
    return kept


def position_changes(lines: Sequence[Line]) -> list[PositionChange]:
    """Speakers whose stance on the claim changed over time (denied, then admitted)."""
    by_speaker: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        if line.speaker_entity_id is not None or line.speaker:
            by_speaker[line.source_key].append(line)
    changes = []
    for said in by_speaker.values():
        said.sort(key=lambda ln: (_when(ln), ln.document_id))
        for before, after in zip(said, said[1:], strict=False):
            # A change of position is between two documents (two times), not within one.
            if before.stance != after.stance and before.document_id != after.document_id:
                changes.append(
                    PositionChange(
                        speaker=after.speaker or before.speaker or "?",
                        speaker_entity_id=after.speaker_entity_id,
                        before=before.stance,
                        after=after.stance,
                        from_document=before.document_id,
                        to_document=after.document_id,
                        from_date=before.date,
                        to_date=after.date,
                    )  # fmt: skip
                )
    return changes


def _summary(claim: Claim, lines: list[Line]) -> ClaimSummary:
    folded = _fold_copies(lines)
    sides = {
        stance: {ln.source_key for ln in folded if ln.stance == stance}
        for stance in ("assert", "deny")
    }
    dates = [ln.date for ln in lines if ln.date]
    return ClaimSummary(
        id=claim.id, proposition=claim.text, asserting_sources=len(sides["assert"]),
        denying_sources=len(sides["deny"]), statements=len(lines),
        documents=len({ln.document_id for ln in lines}),
        languages=sorted({ln.language for ln in lines if ln.language}),
        first_seen=min(dates) if dates else None, last_seen=max(dates) if dates else None,
        contested=bool(sides["assert"] and sides["deny"]),
        changed=bool(position_changes(folded)),
    )  # fmt: skip


def _about(session: Session, about: str) -> set[int]:
    """Claims whose statements mention an entity named ``about`` (any script, any of its
    names) or say it in so many words."""
    wanted = about.strip()
    if wanted.startswith("entity:") and wanted[7:].isdigit():
        entity_ids = {int(wanted[7:])}
    else:
        folded = wanted.casefold()
        entity_ids = {
            e.id
            for e in session.scalars(select(Entity))
            if folded == e.name.casefold()
            or any(folded == (n.get("name") or "").casefold() for n in e.names or [])
        }
    claims = set()
    if entity_ids:
        rows = session.execute(
            select(ClaimStatement.claim_id, Statement.content_start, Statement.content_end,
                   Statement.segment_id, Statement.document_id, Statement.speaker_entity_id,
                   Document.kind)
            .join(Statement, Statement.id == ClaimStatement.statement_id)
            .join(Document, Document.id == Statement.document_id)
        ).all()  # fmt: skip
        mentions: dict[int, list[tuple[int, int, int | None, int | None]]] = defaultdict(list)
        for m in session.execute(
            select(Mention.document_id, Mention.start_char, Mention.end_char,
                   Mention.segment_id, Mention.entity_id)
            .where(Mention.entity_id.in_(entity_ids))
        ):  # fmt: skip
            mentions[m.document_id].append((m.start_char, m.end_char, m.segment_id, m.entity_id))
        for claim_id, start, end, seg, doc, speaker, kind in rows:
            if speaker in entity_ids:
                claims.add(claim_id)
                continue
            for a, _b, mseg, _e in mentions.get(doc, []):
                # A text's offsets are into the document; a call's into one utterance.
                same_place = kind == "text" or mseg == seg
                if same_place and start is not None and end is not None and start <= a < end:
                    claims.add(claim_id)
                    break
    like = f"%{wanted}%"
    claims |= set(
        session.scalars(
            select(ClaimStatement.claim_id)
            .join(Statement, Statement.id == ClaimStatement.statement_id)
            .where(Statement.content.ilike(like))
        )
    )
    return claims


def list_claims(
    session: Session, filters: ClaimFilter = ClaimFilter(), limit: int | None = None
) -> list[ClaimSummary]:
    """Claims, most-sourced first, with the filters applied (an empty case: an empty list)."""
    claims = {c.id: c for c in session.scalars(select(Claim))}
    if filters.about:
        keep = _about(session, filters.about)
        claims = {i: c for i, c in claims.items() if i in keep}
    all_lines = _lines(session, list(claims))
    out = []
    for claim_id, claim in claims.items():
        lines = all_lines.get(claim_id, [])
        if not lines or not _passes(lines, filters):
            continue
        summary = _summary(claim, lines)
        if filters.contested and not summary.contested:
            continue
        if filters.changed and not summary.changed:
            continue
        out.append(summary)
    out.sort(key=lambda c: (-(c.asserting_sources + c.denying_sources), -c.statements, c.id))
    return out[:limit] if limit else out


def _passes(lines: Sequence[Line], f: ClaimFilter) -> bool:
    if f.language and not any(ln.language == f.language for ln in lines):
        return False
    if f.speaker:
        wanted = f.speaker.casefold()
        if not any(ln.speaker and wanted in ln.speaker.casefold() for ln in lines):
            return False
    if f.since or f.until:
        dates = [ln.date.date() for ln in lines if ln.date]
        if not dates:
            return False
        if f.since and max(dates) < f.since:
            return False
        if f.until and min(dates) > f.until:
            return False
    return True


def board(session: Session, claim_id: int) -> Board:
    claim = session.get(Claim, claim_id)
    if claim is None:
        total = session.scalar(select(func.count()).select_from(Claim)) or 0
        raise NoSuchClaim(
            f"no claim {claim_id} in this case ({total} claims; see 'overheard claims')"
        )
    lines = _lines(session, [claim_id]).get(claim_id, [])
    folded = _fold_copies(lines)
    timeline: dict[str, dict[str, Any]] = {}
    for ln in folded:
        key = ln.source_key
        if key not in timeline:
            timeline[key] = {
                "source": ln.speaker or ln.source or f"document {ln.document_id}",
                "first_said": ln.date, "stance": ln.stance,
                "document_id": ln.document_id,
            }  # fmt: skip
    return Board(
        claim=_summary(claim, lines),
        asserting=[ln for ln in folded if ln.stance == "assert" and not ln.hedged],
        denying=[ln for ln in folded if ln.stance == "deny" and not ln.hedged],
        hedged=[ln for ln in folded if ln.hedged],
        changes=position_changes(folded),
        timeline=sorted(
            timeline.values(), key=lambda t: (t["first_said"] or datetime.max, t["document_id"])
        ),
    )


def claim_of_statements(session: Session, statement_ids: Sequence[int]) -> dict[int, int]:
    """statement id → claim id, for views that link every statement to its claim."""
    if not statement_ids:
        return {}
    return dict(
        session.execute(
            select(ClaimStatement.statement_id, ClaimStatement.claim_id).where(
                ClaimStatement.statement_id.in_(list(statement_ids))
            )
        ).all()
    )
