"""The analysis stage: entities, statements, events, places and dates of every text and
every transcript, written into the case.

Runs over every text document and every transcript, in batches, in a pool of worker processes
for large runs. A new version of the analysis (any change to the text rules, their lexicons or
a case's lexicon overrides, or a model) replaces a document's earlier mentions, statements and
events whole. Entities are shared across documents and scripts: a document's entity joins the
case entity with the same key (``overheard.link.names``: «Зеленский» = Zelensky, «батальон К»
= K Battalion, a place by its GeoNames id), and the entity keeps every surface name seen.

In a transcript every utterance is a direct statement by its diarized speaker ("Speaker A"),
and its mentions' offsets are into the utterance's text (the segment), as the recording has no
document text.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, insert, or_, select, union
from sqlalchemy.orm import Session

from overheard.link.document import apply_splits, document_keys
from overheard.link.merges import is_person_key, known, namesake
from overheard.pipeline.stage import Outcome, Progress, Stage, StageConfig, StageFailure
from overheard.store.blobs import BlobStore
from overheard.store.schema import (
    Document,
    DocumentStatus,
    Entity,
    Event,
    Mention,
    Segment,
    Statement,
)
from overheard.text.statements.utterance import utterance_act


@dataclass(frozen=True)
class TextJob:
    """A text document to analyse: its text, language and date (or None: find its dateline)."""

    text: str
    lang: str
    date: datetime | None
    # Who published it: the speaker of what it says in its own voice (text.statements.voice).
    source: str | None = None


@dataclass(frozen=True)
class TranscriptJob:
    """A transcript to analyse utterance by utterance: (segment id, text, language) each."""

    utterances: tuple[tuple[int, str, str], ...]
    date: datetime | None


@dataclass(frozen=True)
class TextResult:
    analysis: Any  # TextAnalysis
    # The date its dateline gives, for a text without a publication date: what anchored its
    # relative dates, and what dates it on the claim board.
    dateline: datetime | None
    # The case key of each of analysis.entities (link.document.document_keys), made in the
    # worker: the writer only looks them up.
    keys: list[str]


@dataclass(frozen=True)
class UtteranceResult:
    segment_id: int
    analysis: Any  # TextAnalysis
    keys: list[str]


# A text longer than this is not analysed: its failure says why. spaCy refuses more than 1M
# characters at once ([E088]), and the rules' cost grows with a document's statements and
# entities; a 50 MB text would hold a worker for hours. Transcripts are analysed per utterance.
MAX_ANALYSIS_CHARS = 1_000_000


def too_long(item: TextJob | TranscriptJob) -> bool:
    return isinstance(item, TextJob) and len(item.text) > MAX_ANALYSIS_CHARS


def analysable() -> ColumnElement[bool]:
    """Documents with words to analyse: a stored text, or a recording's transcript."""
    return or_(
        and_(Document.kind == "text", Document.status == DocumentStatus.READY.value),
        Document.status == DocumentStatus.TRANSCRIBED.value,
    )


class AnalysisStage(Stage):
    name = "analyse"
    needs = "a text, or a recording's transcript"
    after = ("transcribe",)
    # The text rules, and how entities are keyed and merged across documents (not the rest
    # of link/: a change to claim linking must not re-analyse the case).
    reads_lexicons = True
    code = (
        "overheard.text",
        "overheard.link.names",
        "overheard.link.aliases",
        "overheard.link.places",
        "overheard.link.spans",
        "overheard.link.document",
        "overheard.link.merges",
        "overheard.pipeline.analysis",
    )
    batch_size = 16
    # spaCy's small English model, natasha and the rules use no torch.
    worker_blocks = ("torch",)

    def __init__(self, config: StageConfig) -> None:
        super().__init__(config)
        # Case entity ids by cross-script key, across the documents of one run (verified
        # against the session before use: a rolled-back document may have made some).
        self._entities: dict[str, int] = {}

    def unavailable(self) -> str | None:
        try:
            import overheard.text.analyze  # noqa: F401
        except ImportError as exc:
            return f"text analysis needs the text extra (pip install 'overheard[text]'): {exc}"
        return None

    def models(self) -> dict[str, str]:
        from overheard.text.models import model_versions

        return model_versions()

    def applies_to(self) -> ColumnElement[bool]:
        return analysable()

    def read(
        self, session: Session, document: Document, originals: BlobStore
    ) -> TextJob | TranscriptJob | None:
        lang = document.language or "en"
        if document.kind == "text":
            if not document.text:
                return None
            source = document.source.name if document.source else None
            return TextJob(document.text, lang, document.published_at, source)
        rows = session.execute(
            select(Segment.id, Segment.text, Segment.language)
            .where(Segment.document_id == document.id)
            .order_by(Segment.idx)
        ).all()
        return TranscriptJob(
            tuple((i, text, seg_lang or lang) for i, text, seg_lang in rows), document.published_at
        )

    def setup(self) -> None:
        from overheard.text import lexicon

        # Models load when a text first needs them: an English-only run never loads natasha.
        lexicon.configure(self.config.lexicon_dir)

    def compute(
        self, items: Sequence[TextJob | TranscriptJob], progress: Progress | None = None
    ) -> Iterator[Any]:
        """The whole batch through the models at once (spaCy's and natasha's batching), then
        regrouped by document: a text's analysis with its dateline, a transcript's per
        utterance."""
        from overheard.text.analyze import AnalysisInput, analyze_batch

        inputs: list[AnalysisInput] = []
        for item in items:
            if too_long(item):
                continue
            if isinstance(item, TextJob):
                inputs.append(
                    AnalysisInput(
                        item.text, item.lang, item.date, find_dateline=True, source=item.source
                    )
                )
            else:
                inputs.extend(AnalysisInput(text, lang, item.date)
                              for _seg, text, lang in item.utterances)  # fmt: skip
        results = iter(analyze_batch(inputs))
        for item in items:
            if too_long(item):
                assert isinstance(item, TextJob)
                yield StageFailure(
                    f"too long to analyse: {len(item.text):,} characters (the limit is "
                    f"{MAX_ANALYSIS_CHARS:,}); it is stored and searchable. Split the file "
                    "and ingest the parts to analyse it"
                )
            elif isinstance(item, TextJob):
                analysis = next(results)
                keys = document_keys(analysis)
                yield TextResult(analysis, None if item.date else analysis.anchor, keys)
            else:
                utterances = []
                for seg_id, _text, _lang in item.utterances:
                    analysis = next(results)
                    utterances.append(UtteranceResult(seg_id, analysis, document_keys(analysis)))
                yield utterances

    def write(self, session: Session, document_id: int, result: Any, run_id: int) -> Outcome:
        doc = session.get(Document, document_id)
        assert doc is not None
        for model in (Event, Statement, Mention):
            session.execute(delete(model).where(model.document_id == document_id))
        cache = self._entities
        counts = {"mentions": 0, "statements": 0, "events": 0}
        with session.no_autoflush:
            if doc.kind == "text":
                locate = _locator(list(doc.segments))
                _store(session, doc, result.analysis, result.keys, run_id, cache, counts,
                       segment_of=locate)  # fmt: skip
                meta = {k: v for k, v in (doc.meta or {}).items() if k != "dateline"}
                if result.dateline is not None:
                    meta["dateline"] = result.dateline.isoformat()
                doc.meta = meta
            else:
                segments = {seg.id: seg for seg in doc.segments}
                for utterance in result:
                    seg = segments.get(utterance.segment_id)
                    if seg is not None:
                        _store(session, doc, utterance.analysis, utterance.keys, run_id, cache,
                               counts, segment_of=_fixed(seg), utterance=seg)  # fmt: skip
        return Outcome(self.name, document_id, doc.title, counts=counts)

    def finish(self, session: Session) -> None:
        _drop_orphan_entities(session)

    def summary(self, outcomes: Sequence[Outcome]) -> str | None:
        done = [o for o in outcomes if not o.error]
        if not outcomes:
            return None
        total = {
            k: sum(o.counts.get(k, 0) for o in done) for k in ("mentions", "statements", "events")
        }
        return (
            f"analysed {len(done)} document(s): {total['mentions']} mentions, "
            f"{total['statements']} statements, {total['events']} events"
        )


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


def _locator(segments: list[Segment]) -> Callable[[int], Segment | None]:
    """The sentence holding a character offset of the document text."""
    starts = [seg.start_char or 0 for seg in segments]

    def segment_at(pos: int) -> Segment | None:
        i = bisect.bisect_right(starts, pos) - 1
        return segments[i] if 0 <= i < len(segments) else None

    return segment_at


def _own_voice(st: Any, doc: Document) -> str | None:
    """Who speaks a statement in the document's own voice that names no speaker in its
    sentence: the label, byline or signature it was read under, else the document's source."""
    if not st.own_voice:
        return None
    if st.speaker_antecedent is not None:
        return _clean(st.speaker_antecedent.text)
    return doc.source.name if doc.source else None


def _fixed(segment: Segment) -> Callable[[int], Segment | None]:
    """In a transcript every offset is into one utterance."""

    def same(_pos: int) -> Segment | None:
        return segment

    return same


def _entity_ids(
    s: Session,
    cache: dict[str, int],
    refs: Sequence[Any],
    keys: Sequence[str],
    lang: str,
    run_id: int,
) -> list[int]:
    """The case entity of each of a document's entities: the one this run gave its key, else
    what ``link.merges.resolve`` finds (the analyst's merge, the key, a person's namesake),
    else a new entity. The candidates of the whole document are read at once."""
    cached = {k: cache[k] for k in keys if k in cache}
    by_id: dict[int, Entity] = {}
    if cached:
        by_id = {e.id: e for e in s.scalars(select(Entity).where(Entity.id.in_(cached.values())))}
    found = {k: by_id[i] for k, i in cached.items() if i in by_id}
    found.update(known(s, set(keys) - found.keys()))
    entities: list[Entity] = []
    for ref, key in zip(refs, keys, strict=True):
        entity = found.get(key)
        if entity is None and is_person_key(key):
            if any(e.id is None and e.type == "PERSON" for e in entities):
                s.flush()  # the namesakes include this document's new people
            same = namesake(s, key)
            entity = s.get(Entity, same) if same is not None else None
        if entity is None:
            entity = Entity(
                type=ref.type, name=ref.name, key=key, names=[], external_ids={}, run_id=run_id
            )
            s.add(entity)
        found[key] = entity
        entities.append(entity)
        seen = {n["name"] for n in entity.names or []}
        new_names = [{"name": n, "lang": lang} for n in ref.names if n not in seen]
        if new_names:
            entity.names = [*(entity.names or []), *new_names]
        if ref.external_ids:
            entity.external_ids = {**(entity.external_ids or {}), **ref.external_ids}
    if any(e.id is None for e in entities):
        s.flush()  # the new entities' ids, in one statement
    for key, entity in zip(keys, entities, strict=True):
        cache[key] = entity.id
    return [e.id for e in entities]


# A name Whisper was guessing (mean word probability below this) is not a mention. A weak
# signal, measured on the bundled calls: the junk people natasha found there were heard at
# .59-.84 («Кэмандир», «Привидел», «Разбирайся»), misheard real names at .33-.83 («Олегу»,
# «Сакол» for the call sign Сокол, «Петренка»), so only a guess is dropped; the verb rule
# (``_verb_as_person``) catches most of the junk.
MIN_WORD_PROBABILITY = 0.3


def _verb_as_person(m: Any, lang: str) -> bool:
    """A one-word "person" in a transcript whose likeliest reading is a verb: Whisper
    capitalises a line's first word («Разбирайся сам», «Привидел» for «Ты видел»)."""
    if m.label != "PERSON" or " " in m.text.strip() or lang not in ("ru", "uk"):
        return False
    from overheard.text import morph

    best = morph.parses(m.text.strip(), lang)[:1]
    return bool(best) and best[0].tag.POS in ("VERB", "INFN", "GRND", "PRTF", "PRTS")


def _word_confidence(utterance: Segment) -> Callable[[int, int], float]:
    """For an utterance with Whisper's word probabilities (``meta["words"]``: start, end,
    word, probability), the mean probability of the words a character span of its text
    overlaps (1.0 where none are known)."""
    text = utterance.text
    spans: list[tuple[int, int, float]] = []
    pos = 0
    for word in (utterance.meta or {}).get("words") or []:
        try:
            surface, probability = str(word[2]).strip(), float(word[3])
        except (IndexError, TypeError, ValueError):
            continue
        at = text.find(surface, pos) if surface else -1
        if at < 0:
            continue
        spans.append((at, at + len(surface), probability))
        pos = at + len(surface)

    def mean(start: int, end: int) -> float:
        found = [p for a, b, p in spans if a < end and start < b]
        return sum(found) / len(found) if found else 1.0

    return mean


def _store(
    s: Session,
    doc: Document,
    result: Any,
    keys: list[str],
    run_id: int,
    cache: dict[str, int],
    counts: dict[str, int],
    segment_of: Callable[[int], Segment | None],
    utterance: Segment | None = None,
) -> None:
    apply_splits(s, result, keys)
    entity_ids = _entity_ids(s, cache, result.entities, keys, result.lang, run_id)
    rows: dict[type, list[dict[str, Any]]] = {Mention: [], Statement: [], Event: []}
    places = {p.mention: p for p in result.places}
    heard = _word_confidence(utterance) if utterance is not None else None
    for i, m in enumerate(result.mentions):
        if heard is not None and (
            heard(m.start, m.end) < MIN_WORD_PROBABILITY or _verb_as_person(m, result.lang)
        ):
            counts["unsure names"] = counts.get("unsure names", 0) + 1
            continue  # the ASR's guess or a verb it capitalised: no one
        seg = segment_of(m.start)
        place = places.get(i)
        if place is not None and place.best is not None and m.entity is not None:
            entity = s.get(Entity, entity_ids[m.entity])
            if entity is not None:
                best = place.best
                entity.latitude, entity.longitude = best.latitude, best.longitude
                entity.meta = {
                    **(entity.meta or {}),
                    "geo": {"country": best.country, "feature": best.feature, "role": place.role,
                            "candidates": [[c.geonameid, round(c.score, 3)]
                                           for c in place.candidates[:5]]},
                }  # fmt: skip
        rows[Mention].append(
            dict(
                document_id=doc.id, segment_id=seg.id if seg else None,
                start_char=m.start, end_char=m.end, text=m.text, label=m.label,
                normal=m.normal, entity_id=entity_ids[m.entity] if m.entity is not None else None,
                source=m.source, confidence=m.confidence, run_id=run_id,
            )
        )  # fmt: skip
        counts["mentions"] += 1
    for d in result.dates:
        seg = segment_of(d.start)
        rows[Mention].append(
            dict(
                document_id=doc.id, segment_id=seg.id if seg else None, start_char=d.start,
                end_char=d.end, text=d.text, label="DATE",
                normal=d.value.isoformat() if d.value else None, source="dates", confidence=0.8,
                run_id=run_id,
            )
        )  # fmt: skip
        counts["mentions"] += 1
    own = utterance_act(utterance.text, result.lang) if utterance is not None else None
    if utterance is not None and own is not None:
        # The speaker's own line, when it says something («Да», «Мы,» do not), with its act
        # by the text rules (text/statements/utterance.py).
        rows[Statement].append(
            dict(
                document_id=doc.id, segment_id=utterance.id,
                speaker_text=f"Speaker {utterance.speaker}" if utterance.speaker else None,
                act=own.act, content=utterance.text,
                content_start=0, content_end=len(utterance.text), start_s=utterance.start_s,
                end_s=utterance.end_s, direct=True, hedged=own.hedged, hedges=own.hedges,
                confidence=utterance.confidence, run_id=run_id,
            )
        )  # fmt: skip
        counts["statements"] += 1
    for st in result.statements:
        seg = segment_of(st.content.start)
        antecedent = st.speaker_antecedent
        rows[Statement].append(
            dict(
                document_id=doc.id, segment_id=seg.id if seg else None,
                speaker_text=_clean(st.speaker.text) if st.speaker else _own_voice(st, doc),
                speaker_antecedent=_clean(antecedent.text) if antecedent else None,
                speaker_antecedent_start=antecedent.start if antecedent else None,
                speaker_antecedent_end=antecedent.end if antecedent else None,
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
        counts["statements"] += 1
    by_span = {(m.start, m.end): m for m in result.mentions}
    for ev in result.events:
        seg = segment_of(ev.evidence.start)
        context = "negated" if ev.negated else ("hypothetical" if ev.hypothetical else None)

        def entity_for(span: Any) -> int | None:
            m = by_span.get((span.start, span.end)) if span else None
            return entity_ids[m.entity] if m is not None and m.entity is not None else None

        rows[Event].append(
            dict(
                document_id=doc.id, segment_id=seg.id if seg else None, type=ev.type,
                mode=ev.mode, context=context,
                actor_text=ev.actor.text if ev.actor else None, actor_entity_id=entity_for(ev.actor),
                recipient_text=ev.recipient.text if ev.recipient else None,
                recipient_entity_id=entity_for(ev.recipient),
                place_text=ev.place.text if ev.place else None, place_entity_id=entity_for(ev.place),
                time_text=ev.time.text if ev.time else None, time_value=ev.time_value,
                trigger_text=ev.trigger.text, trigger_start=ev.trigger.start,
                trigger_end=ev.trigger.end,
                start_char=ev.evidence.start, end_char=ev.evidence.end,
                confidence=ev.confidence, run_id=run_id,
            )
        )  # fmt: skip
        counts["events"] += 1
    for model, values in rows.items():
        if values:  # one INSERT of many rows (executemany), not one ORM object each
            s.execute(insert(model), values)
