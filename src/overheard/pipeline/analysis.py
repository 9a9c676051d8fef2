"""Write text analysis (entities, statements, events, places, dates) into the case.

Runs over every text document and every transcript. One transaction per document; a new version
of the analysis replaces the document's earlier mentions, statements and events whole. Entities
are shared across documents and scripts: a document's entity joins the case entity with the same
key (``overheard.link.names``: «Зеленский» = Zelensky, «батальон К» = K Battalion, a place by
its GeoNames id), and the entity keeps every surface name seen.

In a transcript every utterance is a direct statement by its diarized speaker ("Speaker A"),
and its mentions' offsets are into the utterance's text (the segment), as the recording has no
document text.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, union
from sqlalchemy.orm import Session

from overheard.errors import NotAvailable
from overheard.link.names import entity_key
from overheard.pipeline.runs import RunRegistry
from overheard.store.case import Case
from overheard.store.schema import Document, Entity, Event, Mention, Segment, Statement

ANALYSED_KEY = "analysed_by"
# How analysis results are stored and linked (bump when that changes: cases re-analyse).
STAGE_VERSION = "3"


@dataclass
class AnalysisOutcome:
    document_id: int
    title: str | None
    mentions: int = 0
    statements: int = 0
    events: int = 0
    error: str | None = None


def available() -> str | None:
    """None when text analysis can run, else why not (the text extra is missing)."""
    try:
        import overheard.text.analyze  # noqa: F401
    except ImportError as exc:
        return f"text analysis needs the text extra (pip install 'overheard[text]'): {exc}"
    return None


def _version() -> str:
    from overheard.text.analyze import provenance

    prov = provenance()
    return f"{prov['component']} {prov['version']}+stage{STAGE_VERSION}"


def pending(case: Case, redo: bool = False, ids: list[int] | None = None) -> list[int]:
    """Documents whose text (or transcript) was not analysed by this version yet."""
    version = _version()
    query = select(Document.id, Document.meta).where(Document.status.in_(("ready", "transcribed")))
    if ids:
        query = query.where(Document.id.in_(ids))
    with case.reader() as s:
        rows = s.execute(query.order_by(Document.id)).all()
    return [i for i, meta in rows if redo or ids or (meta or {}).get(ANALYSED_KEY) != version]


def analyse_documents(
    case: Case,
    document_ids: list[int],
    on_done: Callable[[AnalysisOutcome], None] | None = None,
) -> list[AnalysisOutcome]:
    reason = available()
    if reason:
        raise NotAvailable(reason)
    from overheard.text.analyze import analyze, provenance

    prov = provenance()
    version = _version()
    runs = RunRegistry()
    entity_cache: dict[str, int] = {}
    outcomes = []
    for doc_id in document_ids:
        with case.session() as s:
            doc = s.get(Document, doc_id)
            if doc is None:
                continue
            run_id = runs.run_id(
                s, prov["component"], prov["version"], params={"models": prov["models"]}
            )
            _clear(s, doc_id)
            outcome = AnalysisOutcome(doc_id, doc.title)
            try:
                if doc.kind == "text" and doc.text:
                    anchor = doc.published_at or _dateline(doc.text, doc.language or "en")
                    result = analyze(doc.text, doc.language or "en", anchor)
                    _store(s, doc, result, run_id, entity_cache, outcome,
                           segment_of=_locator(list(doc.segments)))  # fmt: skip
                else:
                    for seg in doc.segments:
                        result = analyze(seg.text, seg.language or doc.language or "en",
                                         doc.published_at)  # fmt: skip
                        _store(s, doc, result, run_id, entity_cache, outcome,
                               segment_of=_fixed(seg), utterance=seg)  # fmt: skip
            except (ValueError, RuntimeError, IndexError, KeyError) as exc:
                # A bug or an odd text in one document must not stop the others.
                outcome.error = f"{type(exc).__name__}: {exc}"
            doc.meta = {**(doc.meta or {}), ANALYSED_KEY: version}
            if outcome.error:
                doc.meta = {**doc.meta, "analysis_error": outcome.error}
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    with case.session() as s:
        runs.finish(s)
        _drop_orphan_entities(s)
    return outcomes


def _dateline(text: str, lang: str) -> datetime | None:
    """A report without a publication date usually dates itself in its first lines
    («4 марта 2025 года.», "KYIV, March 4, 2025 —"): that date anchors its relative ones."""
    from overheard.text.dates import find_dates

    for expr in find_dates(text[:400], lang, None):
        if expr.value is not None and not expr.relative and expr.granularity in ("day", "time"):
            return expr.value
    return None


def _drop_orphan_entities(s: Session) -> None:
    """Entities no mention, statement or event points at any more (a re-analysis superseded
    them) go: the record must not keep names nothing supports."""
    used = union(
        select(Mention.entity_id).where(Mention.entity_id.is_not(None)),
        select(Statement.speaker_entity_id).where(Statement.speaker_entity_id.is_not(None)),
        select(Event.actor_entity_id).where(Event.actor_entity_id.is_not(None)),
        select(Event.recipient_entity_id).where(Event.recipient_entity_id.is_not(None)),
        select(Event.place_entity_id).where(Event.place_entity_id.is_not(None)),
    )
    s.execute(delete(Entity).where(Entity.id.not_in(used)))


def _clean(text: str) -> str | None:
    """A display form of a span (the offsets keep the exact text): one line, no stray quotes."""
    cleaned = " ".join(text.split()).strip("\"'“”„«»‘’ ")
    return cleaned or None


def _clear(s: Session, doc_id: int) -> None:
    for model in (Event, Statement, Mention):
        s.execute(delete(model).where(model.document_id == doc_id))


def _locator(segments: list[Segment]) -> Callable[[int], Segment | None]:
    """The sentence holding a character offset of the document text."""
    starts = [seg.start_char or 0 for seg in segments]

    def segment_at(pos: int) -> Segment | None:
        i = bisect.bisect_right(starts, pos) - 1
        return segments[i] if 0 <= i < len(segments) else None

    return segment_at


def _fixed(segment: Segment) -> Callable[[int], Segment | None]:
    """In a transcript every offset is into one utterance."""

    def same(_pos: int) -> Segment | None:
        return segment

    return same


def _entity_id(s: Session, cache: dict[str, int], ref: Any, lang: str, run_id: int) -> int:
    """The case entity for a document's entity: found by its cross-script key (or created)."""
    key = entity_key(ref.type, ref.name, ref.external_ids.get("geonames"))
    entity = s.get(Entity, cache[key]) if key in cache else None
    if entity is None:
        entity = s.scalars(select(Entity).where(Entity.key == key).limit(1)).first()
    if entity is None:
        entity = Entity(
            type=ref.type, name=ref.name, key=key, names=[], external_ids={}, run_id=run_id
        )
        s.add(entity)
        s.flush()
    cache[key] = entity.id
    known = {n["name"] for n in entity.names or []}
    new_names = [{"name": n, "lang": lang} for n in ref.names if n not in known]
    if new_names:
        entity.names = [*(entity.names or []), *new_names]
    if ref.external_ids:
        entity.external_ids = {**(entity.external_ids or {}), **ref.external_ids}
    return entity.id


def _store(
    s: Session,
    doc: Document,
    result: Any,
    run_id: int,
    cache: dict[str, int],
    outcome: AnalysisOutcome,
    segment_of: Callable[[int], Segment | None],
    utterance: Segment | None = None,
) -> None:
    entity_ids = [_entity_id(s, cache, ref, result.lang, run_id) for ref in result.entities]
    places = {p.mention: p for p in result.places}
    for i, m in enumerate(result.mentions):
        seg = segment_of(m.start)
        place = places.get(i)
        if place is not None and place.best is not None and m.entity is not None:
            entity = s.get(Entity, entity_ids[m.entity])
            if entity is not None:
                entity.meta = {
                    **(entity.meta or {}),
                    "geo": {"lat": place.best.latitude, "lon": place.best.longitude,
                            "country": place.best.country, "feature": place.best.feature,
                            "role": place.role,
                            "candidates": [[c.geonameid, round(c.score, 3)]
                                           for c in place.candidates[:5]]},
                }  # fmt: skip
        s.add(
            Mention(
                document_id=doc.id, segment_id=seg.id if seg else None,
                start_char=m.start, end_char=m.end, text=m.text, label=m.label,
                normal=m.normal, entity_id=entity_ids[m.entity] if m.entity is not None else None,
                confidence=m.confidence, run_id=run_id,
            )
        )  # fmt: skip
        outcome.mentions += 1
    for d in result.dates:
        seg = segment_of(d.start)
        s.add(
            Mention(
                document_id=doc.id, segment_id=seg.id if seg else None, start_char=d.start,
                end_char=d.end, text=d.text, label="DATE",
                normal=d.value.isoformat() if d.value else None, confidence=0.8, run_id=run_id,
            )
        )  # fmt: skip
        outcome.mentions += 1
    if utterance is not None:
        text = utterance.text.strip()
        s.add(
            Statement(
                document_id=doc.id, segment_id=utterance.id,
                speaker_text=f"Speaker {utterance.speaker}" if utterance.speaker else None,
                act="question" if text.endswith("?") else "assert", content=utterance.text,
                content_start=0, content_end=len(utterance.text), start_s=utterance.start_s,
                end_s=utterance.end_s, direct=True, hedged=False, hedges=[],
                confidence=utterance.confidence, run_id=run_id,
            )
        )  # fmt: skip
        outcome.statements += 1
    for st in result.statements:
        seg = segment_of(st.content.start)
        speaker = st.speaker_antecedent or st.speaker
        s.add(
            Statement(
                document_id=doc.id, segment_id=seg.id if seg else None,
                speaker_text=_clean(speaker.text) if speaker else None,
                speaker_entity_id=entity_ids[st.speaker_entity]
                if st.speaker_entity is not None else None,
                speaker_start=st.speaker.start if st.speaker else None,
                speaker_end=st.speaker.end if st.speaker else None,
                cue=st.cue.text if st.cue else None,
                cue_start=st.cue.start if st.cue else None,
                cue_end=st.cue.end if st.cue else None,
                act=st.act, content=st.content.text, content_start=st.content.start,
                content_end=st.content.end, direct=st.direct, hedged=st.hedged,
                hedges=st.hedges,
                start_s=utterance.start_s if utterance else None,
                end_s=utterance.end_s if utterance else None,
                confidence=st.confidence, run_id=run_id,
            )
        )  # fmt: skip
        outcome.statements += 1
    by_span = {(m.start, m.end): m for m in result.mentions}
    for ev in result.events:
        seg = segment_of(ev.evidence.start)
        context = "negated" if ev.negated else ("hypothetical" if ev.hypothetical else None)

        def entity_for(span: Any) -> int | None:
            m = by_span.get((span.start, span.end)) if span else None
            return entity_ids[m.entity] if m is not None and m.entity is not None else None

        s.add(
            Event(
                document_id=doc.id, segment_id=seg.id if seg else None, type=ev.type,
                mode=ev.mode, context=context,
                actor_text=ev.actor.text if ev.actor else None, actor_entity_id=entity_for(ev.actor),
                recipient_text=ev.recipient.text if ev.recipient else None,
                recipient_entity_id=entity_for(ev.recipient),
                place_text=ev.place.text if ev.place else None, place_entity_id=entity_for(ev.place),
                time_text=ev.time.text if ev.time else None, time_value=ev.time_value,
                start_char=ev.evidence.start, end_char=ev.evidence.end,
                confidence=ev.confidence, run_id=run_id,
            )
        )  # fmt: skip
        outcome.events += 1
