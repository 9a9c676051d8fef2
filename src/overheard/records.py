"""The public record: one typed definition per exported type, every view produced from it.

The JSONL export, ``overheard show --json``, the workbench's pages and their JSON twins, the
OpenAPI spec and the export's JSON Schema (``json_schema()``, committed as
``export/record.schema.json``) are all made from these models, so two shapes of one fact cannot
drift apart. Each record has a ``type``, an ``id`` (``"<type>:<number>"``, references use the same
form), and, where it is derived, its ``evidence`` (document, segment, character offsets or
seconds) and ``produced_by`` (the run's component and version). Each is built from its ORM row by
``from_row`` (``from_rows`` reads what a batch of rows needs in one query each); nothing else
builds them by hand. ``from_row`` hands pydantic one dict (``model_validate``) rather than
nested constructors: one validation pass, about twice as fast for a page of 500 events.

Fields with a default are the only ones a record may leave out (a document's ``text`` with
``--no-text``, a view's ``masked_text``): serialise with ``dump()``/``dump_json()``, which omit
what was not set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from overheard.link.board import claim_of_statements, list_claims
from overheard.store.schema import (
    Claim,
    ClaimStatement,
    Document,
    DocumentStatus,
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
from overheard.text.records import ACTS, PLOVER_TYPES

TYPES = (
    "source",
    "document",
    "segment",
    "mention",
    "entity",
    "statement",
    "claim",
    "event",
)


def ref(kind: str, number: int | None) -> str | None:
    """``"document:3"`` from ("document", 3): how records name each other."""
    return None if number is None else f"{kind}:{number}"


def number(ref_or_id: str | int | None) -> int | None:
    """3 from ``"document:3"`` or 3: a record's reference back to the row id."""
    if ref_or_id is None:
        return None
    if isinstance(ref_or_id, int):
        return ref_or_id
    tail = ref_or_id.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


# References: "<type>:<number>".
SourceId = Annotated[str, Field(pattern=r"^source:[0-9]+$")]
DocumentId = Annotated[str, Field(pattern=r"^document:[0-9]+$")]
SegmentId = Annotated[str, Field(pattern=r"^segment:[0-9]+$")]
TranslationId = Annotated[str, Field(pattern=r"^translation:[0-9]+$")]
MentionId = Annotated[str, Field(pattern=r"^mention:[0-9]+$")]
EntityId = Annotated[str, Field(pattern=r"^entity:[0-9]+$")]
StatementId = Annotated[str, Field(pattern=r"^statement:[0-9]+$")]
ClaimId = Annotated[str, Field(pattern=r"^claim:[0-9]+$")]
EventId = Annotated[str, Field(pattern=r"^event:[0-9]+$")]
Span = Annotated[tuple[int, int], Field(description="[start, end) character offsets")]


def utc(value: datetime | None) -> datetime | None:
    """Times are stored in UTC; SQLite hands them back without their zone."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _span(start: int | None, end: int | None) -> tuple[int, int] | None:
    return (start, end) if start is not None and end is not None else None


class Model(BaseModel):
    """A closed shape: a key the definition does not name is an error, in Python and in the
    JSON Schema (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid")

    def dump(self) -> dict[str, Any]:
        """JSON-ready, leaving out what was not set (see the module docstring)."""
        return self.model_dump(mode="json", exclude_unset=True)

    def dump_json(self) -> str:
        return self.model_dump_json(exclude_unset=True)


class ProducedBy(Model):
    """The run that made a record: the component, its version and its model's hash."""

    component: str
    version: str
    model_hash: str | None


class EntityRef(Model):
    """A resolved entity, named so a reader need not look it up."""

    id: EntityId
    name: str


class Lookups:
    """What records name beyond their own row, read once from a session and kept: the runs
    (``produced_by``), entity names (a statement's ``speaker_entity``) and the claim board's
    counts of sources."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._runs = {
            r.id: ProducedBy(component=r.component, version=r.version, model_hash=r.model_hash)
            for r in session.scalars(select(Run))
        }
        self._names: dict[int, str] = {}
        self._claim_sources: dict[int, tuple[int, int]] | None = None

    def produced_by(self, run_id: int | None) -> ProducedBy | None:
        return self._runs.get(run_id) if run_id is not None else None

    def load_names(self, ids: Iterable[int] | None = None) -> None:
        """Entity names for ``ids`` (every entity when None), in one query."""
        query = select(Entity.id, Entity.name)
        if ids is not None:
            wanted = {i for i in ids if i not in self._names}
            if not wanted:
                return
            query = query.where(Entity.id.in_(wanted))
        self._names.update(self.session.execute(query).all())  # type: ignore[arg-type]

    def claim_sources(self) -> dict[int, tuple[int, int]]:
        """Claim id → (asserting, denying) sources, as the claim board counts them, read once."""
        if self._claim_sources is None:
            self._claim_sources = {
                c.id: (c.asserting_sources, c.denying_sources) for c in list_claims(self.session)
            }
        return self._claim_sources

    def entity(self, entity_id: int | None) -> EntityRef | None:
        if entity_id is None:
            return None
        if entity_id not in self._names:
            self.load_names([entity_id])
        name = self._names.get(entity_id)
        return None if name is None else EntityRef(id=f"entity:{entity_id}", name=name)


def _grouped(
    session: Session, key: Any, ids: Sequence[int], column: Any, order: Any
) -> dict[int, list[Any]]:
    """Values of ``column`` by ``key`` in ``order``, for the rows whose key is in ``ids``."""
    out: dict[int, list[Any]] = {}
    if not ids:
        return out
    query = select(key, column).where(key.in_(ids)).order_by(order)
    # Core rather than ORM execution: an entity's thousands of mention ids come back several
    # times faster without the ORM's per-row processing.
    for k, value in session.connection().execute(query):
        out.setdefault(k, []).append(value)
    return out


# -------------------------------------------------------------------------------- records


class SourceRecord(Model):
    """Who published or released items: an agency, an outlet, a channel."""

    type: Literal["source"]
    id: SourceId
    name: str
    kind: str | None
    url: str | None

    @classmethod
    def from_row(cls, src: Source) -> Self:
        return cls(type="source", id=f"source:{src.id}", name=src.name, kind=src.kind, url=src.url)


class DocumentRecord(Model):
    """One ingested item. ``sha256`` names the untouched original in the case's ``originals/``;
    ``part`` is 0 for a whole file, n for the n-th record of a JSON/JSONL file."""

    type: Literal["document"]
    id: DocumentId
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    part: int = Field(ge=0)
    kind: Literal["text", "audio", "video"]
    media_type: str
    title: str | None
    published_at: datetime | None
    published_text: str | None = Field(description="The date as the source wrote it")
    source_id: SourceId | None
    url: str | None
    origin_path: str = Field(description="The path it was first ingested from")
    origins: list[str] = Field(description="Every path it was seen under")
    language: str | None
    language_confidence: float | None
    duration_s: float | None
    channels: int | None = Field(ge=0)
    sample_rate: int | None = Field(ge=0)
    status: DocumentStatus
    status_reason: str | None
    copy_of: DocumentId | None = Field(
        description="The earlier document this one copies (syndication, a translated "
        "re-publication): the claim board counts them as one source"
    )
    meta: dict[str, Any]
    ingested_at: datetime | None
    produced_by: ProducedBy | None
    text: str | None = Field(
        default=None, description="The full text (left out by `export --no-text`)"
    )
    masked_text: str | None = Field(
        default=None,
        description="A view's publication rendering (swearing masked), only where one was asked "
        "for; the record's text stays verbatim",
    )

    @classmethod
    def from_row(
        cls, doc: Document, ctx: Lookups, origins: list[str], with_text: bool = True, **extra: Any
    ) -> Self:
        if with_text:
            extra["text"] = doc.text
        return cls(
            type="document",
            id=f"document:{doc.id}",
            sha256=doc.blob_sha256,
            part=doc.part,
            kind=doc.kind,  # type: ignore[arg-type]
            media_type=doc.media_type,
            title=doc.title,
            published_at=utc(doc.published_at),
            published_text=doc.published_text,
            source_id=ref("source", doc.source_id),
            url=doc.url,
            origin_path=doc.origin_path,
            origins=origins,
            language=doc.language,
            language_confidence=doc.language_confidence,
            duration_s=doc.duration_s,
            channels=doc.channels,
            sample_rate=doc.sample_rate,
            status=DocumentStatus(doc.status),
            status_reason=doc.status_reason,
            copy_of=ref("document", doc.copy_of),
            meta=doc.meta or {},
            ingested_at=utc(doc.created_at),
            produced_by=ctx.produced_by(doc.run_id),
            **extra,
        )

    @classmethod
    def from_rows(
        cls,
        docs: Sequence[Document],
        ctx: Lookups,
        with_text: bool = True,
        extra: Callable[[Document], dict[str, Any]] | None = None,
    ) -> list[Self]:
        ids = [d.id for d in docs]
        origins = _grouped(ctx.session, Origin.document_id, ids, Origin.path, Origin.id)
        return [
            cls.from_row(d, ctx, origins.get(d.id, []), with_text, **(extra(d) if extra else {}))
            for d in docs
        ]


class TranslationEvidence(Model):
    document_id: DocumentId
    segment_id: SegmentId


class TranslationRecord(Model):
    """A rendering of a segment in another language, always by a machine back-end (named)."""

    type: Literal["translation"]
    id: TranslationId
    language: str
    text: str
    backend: str = Field(description="What made it: whisper, openai, libretranslate or ctranslate2")
    model: str | None = Field(description="The back-end's model (name, or folder and size)")
    machine: bool
    evidence: TranslationEvidence
    produced_by: ProducedBy | None

    @classmethod
    def from_row(cls, t: Translation, ctx: Lookups, document_id: int) -> Self:
        return cls.model_validate(
            {
                "type": "translation",
                "id": f"translation:{t.id}",
                "language": t.language,
                "text": t.text,
                "backend": t.backend,
                "model": t.model,
                "machine": t.machine,
                "evidence": {
                    "document_id": f"document:{document_id}",
                    "segment_id": f"segment:{t.segment_id}",
                },
                "produced_by": ctx.produced_by(t.run_id),
            }
        )


class SegmentEvidence(Model):
    document_id: DocumentId
    start_char: int | None = Field(description="Offsets into the document's text (a sentence)")
    end_char: int | None
    start_s: float | None = Field(description="Seconds into the recording (an utterance)")
    end_s: float | None


class SegmentRecord(Model):
    """A sentence (character offsets into the document text) or an utterance (seconds, speaker),
    with its translations."""

    type: Literal["segment"]
    id: SegmentId
    index: int = Field(ge=0)
    text: str
    language: str | None
    speaker: str | None = Field(description="The diarized speaker's label (A, B, ...)")
    confidence: float | None
    meta: dict[str, Any]
    translations: list[TranslationRecord]
    evidence: SegmentEvidence
    produced_by: ProducedBy | None
    masked_text: str | None = Field(
        default=None,
        description="A view's publication rendering (swearing masked), only where one was asked "
        "for; the record's text stays verbatim",
    )

    @classmethod
    def from_row(cls, seg: Segment, ctx: Lookups, translations: list[Translation]) -> Self:
        return cls.model_validate(
            {
                "type": "segment",
                "id": f"segment:{seg.id}",
                "index": seg.idx,
                "text": seg.text,
                "language": seg.language,
                "speaker": seg.speaker,
                "confidence": seg.confidence,
                "meta": seg.meta or {},
                "translations": [
                    TranslationRecord.from_row(t, ctx, seg.document_id) for t in translations
                ],
                "evidence": {
                    "document_id": f"document:{seg.document_id}",
                    "start_char": seg.start_char,
                    "end_char": seg.end_char,
                    "start_s": seg.start_s,
                    "end_s": seg.end_s,
                },
                "produced_by": ctx.produced_by(seg.run_id),
            }
        )

    @classmethod
    def from_rows(cls, segs: Sequence[Segment], ctx: Lookups) -> list[Self]:
        by_segment: dict[int, list[Translation]] = {}
        if segs:
            for t in ctx.session.scalars(
                select(Translation)
                .where(Translation.segment_id.in_([x.id for x in segs]))
                .order_by(Translation.id)
            ):
                by_segment.setdefault(t.segment_id, []).append(t)
        return [cls.from_row(x, ctx, by_segment.get(x.id, [])) for x in segs]


class MentionEvidence(Model):
    document_id: DocumentId
    segment_id: SegmentId | None
    start_char: int = Field(
        description="Offsets into the document's text; for a recording, into its utterance's"
    )
    end_char: int


class MentionRecord(Model):
    """A typed span of text, linked to its entity where resolved."""

    type: Literal["mention"]
    id: MentionId
    label: str = Field(description="PERSON, ORG, GPE, LOC, NORP, GROUP, MIL_UNIT, EQUIPMENT, DATE")
    text: str
    normal: str | None = Field(description="The normal form: a lemma, a unit's name, an ISO date")
    entity_id: EntityId | None
    source: str | None = Field(
        description="The component that found it: spacy, natasha, rules, gazetteer, dates, "
        "frame (a dateline, a speaker label, a byline), nested (a country inside a body's name)"
    )
    confidence: float | None
    evidence: MentionEvidence
    produced_by: ProducedBy | None

    @classmethod
    def from_row(cls, m: Mention, ctx: Lookups, **extra: Any) -> Self:
        return cls.model_validate(
            {
                "type": "mention",
                "id": f"mention:{m.id}",
                "label": m.label,
                "text": m.text,
                "normal": m.normal,
                "entity_id": ref("entity", m.entity_id),
                "source": m.source,
                "confidence": m.confidence,
                "evidence": {
                    "document_id": f"document:{m.document_id}",
                    "segment_id": ref("segment", m.segment_id),
                    "start_char": m.start_char,
                    "end_char": m.end_char,
                },
                "produced_by": ctx.produced_by(m.run_id),
                **extra,
            }
        )


class EntityName(Model):
    name: str
    lang: str | None = Field(description="The language of the text it was found in")


class GeoPoint(Model):
    """A place's point, WGS84."""

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class EntityEvidence(Model):
    mention_count: int = Field(ge=0, description="How many mentions name the entity")
    mention_ids: list[MentionId] = Field(
        description="Its mentions, oldest first: every one in the export; a workbench page lists "
        "as many as it shows, the entity list none (compare mention_count)"
    )


class EntityRecord(Model):
    """A person, organisation, unit, place... shared across documents, with its names in every
    script and its ids (GeoNames)."""

    type: Literal["entity"]
    id: EntityId
    entity_type: str = Field(description="PERSON, ORG, GPE, LOC, NORP, GROUP, MIL_UNIT, EQUIPMENT")
    name: str
    key: str | None = Field(description="The cross-script key that merges entities")
    names: list[EntityName]
    external_ids: dict[str, str] = Field(description='e.g. {"geonames": "538560"}')
    location: GeoPoint | None = Field(description="A place's point, where the gazetteer found it")
    meta: dict[str, Any] = Field(
        description='A place\'s resolution besides its point: meta["geo"] has feature, country, '
        "role and candidates"
    )
    evidence: EntityEvidence
    produced_by: ProducedBy | None

    @classmethod
    def from_row(
        cls, e: Entity, ctx: Lookups, mention_ids: list[int], mention_count: int, **extra: Any
    ) -> Self:
        located = e.latitude is not None and e.longitude is not None
        return cls.model_validate(
            {
                "type": "entity",
                "id": f"entity:{e.id}",
                "entity_type": e.type,
                "name": e.name,
                "key": e.key,
                "names": [{"name": n["name"], "lang": n.get("lang")} for n in e.names or []],
                "external_ids": e.external_ids or {},
                "location": {"latitude": e.latitude, "longitude": e.longitude} if located else None,
                "meta": e.meta or {},
                "evidence": {
                    "mention_count": mention_count,
                    "mention_ids": [f"mention:{i}" for i in mention_ids],
                },
                "produced_by": ctx.produced_by(e.run_id),
                **extra,
            }
        )

    @classmethod
    def from_rows(
        cls,
        entities: Sequence[Entity],
        ctx: Lookups,
        mention_limit: int | None = None,
        extra: Callable[[Entity], dict[str, Any]] | None = None,
        mention_counts: dict[int, int] | None = None,
    ) -> list[Self]:
        """``mention_limit``: list at most this many mention ids an entity (a page), not all of
        them (the export): a place can be named thousands of times. ``mention_counts``: each
        entity's mentions, where the caller has counted them already (a page)."""
        ids = [e.id for e in entities]
        if mention_limit is None:
            mentions = _grouped(ctx.session, Mention.entity_id, ids, Mention.id, Mention.id)
            counts: dict[int, int] = {k: len(v) for k, v in mentions.items()}
        else:
            # Counted an entity at a time in its index: grouped, PostgreSQL read every mention
            # row of a page's common places (272k: ~80 ms).
            mentioned = select(func.count()).where(Mention.entity_id == Entity.id).scalar_subquery()
            if mention_counts is None:
                found = ctx.session.execute(select(Entity.id, mentioned).where(Entity.id.in_(ids)))
                mention_counts = dict(found.all())  # type: ignore[arg-type]
            counts = mention_counts
            # One short query an entity, each read from the entity's index: a window function
            # over all their mentions sorted tens of thousands of rows for a list page.
            mentions = {
                i: list(
                    ctx.session.scalars(
                        select(Mention.id)
                        .where(Mention.entity_id == i)
                        .order_by(Mention.id)
                        .limit(mention_limit)
                    )
                )
                for i in ids
                if mention_limit and counts.get(i)
            }
        return [
            cls.from_row(
                e,
                ctx,
                mentions.get(e.id, []),
                counts.get(e.id, 0),
                **(extra(e) if extra else {}),
            )
            for e in entities
        ]


class SpeakerRef(Model):
    text: str | None = Field(description='The speaker as written ("he", "Dmitry Peskov")')
    entity_id: EntityId | None


class StatementEvidence(Model):
    document_id: DocumentId
    segment_id: SegmentId | None
    start_char: int | None = Field(description="From the speaker, cue or content, whichever first")
    end_char: int | None
    speaker_span: Span | None
    antecedent_span: Span | None = Field(description="Where the speaker's antecedent is written")
    cue_span: Span | None
    content_span: Span | None
    start_s: float | None = Field(description="An utterance's seconds into the recording")
    end_s: float | None


class StatementRecord(Model):
    """An attributed speech act: who did which act with which content, direct or reported, and
    its hedges. In a recording every utterance is a direct statement by its diarized speaker,
    and offsets are into the utterance's text."""

    type: Literal["statement"]
    id: StatementId
    speaker: SpeakerRef
    speaker_antecedent: str | None = Field(
        description='What a pronoun or description speaker refers to ("he" → "Dmitry Peskov")'
    )
    speaker_entity: EntityRef | None = Field(description="The speaker's resolved entity")
    act: str = Field(description=", ".join(ACTS))
    cue: str | None = Field(description='The speech verb or phrase ("said", "according to")')
    content: str
    direct: bool = Field(description="A quotation or the speaker's own text, not reported speech")
    hedged: bool
    hedges: list[str]
    confidence: float | None
    claim_id: ClaimId | None = Field(description="The claim whose board lists this statement")
    evidence: StatementEvidence
    produced_by: ProducedBy | None

    @classmethod
    def from_row(cls, st: Statement, ctx: Lookups, claim_id: int | None, **extra: Any) -> Self:
        starts = [x for x in (st.speaker_start, st.cue_start, st.content_start) if x is not None]
        ends = [x for x in (st.speaker_end, st.cue_end, st.content_end) if x is not None]
        return cls.model_validate(
            {
                "type": "statement",
                "id": f"statement:{st.id}",
                "speaker": {
                    "text": st.speaker_text,
                    "entity_id": ref("entity", st.speaker_entity_id),
                },
                "speaker_antecedent": st.speaker_antecedent,
                "speaker_entity": ctx.entity(st.speaker_entity_id),
                "act": st.act,
                "cue": st.cue,
                "content": st.content,
                "direct": st.direct,
                "hedged": st.hedged,
                "hedges": st.hedges or [],
                "confidence": st.confidence,
                "claim_id": ref("claim", claim_id),
                "evidence": {
                    "document_id": f"document:{st.document_id}",
                    "segment_id": ref("segment", st.segment_id),
                    "start_char": min(starts, default=None),
                    "end_char": max(ends, default=None),
                    "speaker_span": _span(st.speaker_start, st.speaker_end),
                    "antecedent_span": _span(
                        st.speaker_antecedent_start, st.speaker_antecedent_end
                    ),
                    "cue_span": _span(st.cue_start, st.cue_end),
                    "content_span": _span(st.content_start, st.content_end),
                    "start_s": st.start_s,
                    "end_s": st.end_s,
                },
                "produced_by": ctx.produced_by(st.run_id),
                **extra,
            }
        )

    @classmethod
    def from_rows(
        cls,
        statements: Sequence[Statement],
        ctx: Lookups,
        extra: Callable[[Statement], dict[str, Any]] | None = None,
    ) -> list[Self]:
        claims = claim_of_statements(ctx.session, [st.id for st in statements])
        ctx.load_names(st.speaker_entity_id for st in statements if st.speaker_entity_id)
        return [
            cls.from_row(st, ctx, claims.get(st.id), **(extra(st) if extra else {}))
            for st in statements
        ]


class ClaimLine(Model):
    """One line of a claim's board."""

    statement_id: StatementId
    stance: Literal["assert", "deny"]
    stance_source: str | None = Field(
        description='What decided the stance: "rules" (act, negation) or an entailment '
        'back-end ("entail:openai:MODEL")'
    )
    hedged: bool
    confidence: float | None


class ClaimEvidence(Model):
    statement_ids: list[StatementId]


class ClaimRecord(Model):
    """The proposition several statements are about, and its board: who asserts it, who denies
    it. A source is a speaker (its entity, else its words, else the publishing outlet), counted
    once a side; a copy of another document adds none (``overheard.link.board``)."""

    type: Literal["claim"]
    id: ClaimId
    proposition: str = Field(description="The claim as a readable sentence")
    statements: list[ClaimLine]
    asserting_sources: int = Field(ge=0)
    denying_sources: int = Field(ge=0)
    evidence: ClaimEvidence
    produced_by: ProducedBy | None

    @classmethod
    def from_row(
        cls,
        c: Claim,
        ctx: Lookups,
        lines: list[tuple[ClaimStatement, bool]],
        sources: tuple[int, int],
    ) -> Self:
        """``lines``: the board's rows with each statement's ``hedged``; ``sources``: how many
        assert it and how many deny it, as the board counts them."""
        board = [
            ClaimLine(
                statement_id=f"statement:{cs.statement_id}",
                stance=cs.stance,  # type: ignore[arg-type]
                stance_source=cs.stance_source,
                hedged=hedged,
                confidence=cs.confidence,
            )
            for cs, hedged in lines
        ]
        return cls.model_validate(
            {
                "type": "claim",
                "id": f"claim:{c.id}",
                "proposition": c.text,
                "statements": board,
                "asserting_sources": sources[0],
                "denying_sources": sources[1],
                "evidence": {"statement_ids": [x.statement_id for x in board]},
                "produced_by": ctx.produced_by(c.run_id),
            }
        )

    @classmethod
    def from_rows(cls, claims: Sequence[Claim], ctx: Lookups) -> list[Self]:
        lines: dict[int, list[tuple[ClaimStatement, bool]]] = {}
        if claims:
            for cs, hedged in ctx.session.execute(
                select(ClaimStatement, Statement.hedged)
                .join(Statement, Statement.id == ClaimStatement.statement_id)
                .where(ClaimStatement.claim_id.in_([c.id for c in claims]))
                .order_by(ClaimStatement.claim_id, ClaimStatement.statement_id)
            ).all():
                lines.setdefault(cs.claim_id, []).append((cs, hedged))
        sources = ctx.claim_sources()
        return [
            cls.from_row(c, ctx, lines.get(c.id, []), sources.get(c.id, (0, 0))) for c in claims
        ]


class Participant(Model):
    text: str | None
    entity_id: EntityId | None


class EventTime(Model):
    text: str | None = Field(description="The time as written")
    value: datetime | None = Field(description="Resolved against the document's date")


class EventEvidence(Model):
    document_id: DocumentId
    segment_id: SegmentId | None
    start_char: int | None
    end_char: int | None
    trigger_span: Span | None = Field(description="Where the trigger is written")


class EventRecord(Model):
    """A coded event: PLOVER type, mode and context, who did it to whom, where and when, and the
    word(s) that triggered it."""

    type: Literal["event"]
    id: EventId
    event_type: str = Field(description="PLOVER: " + ", ".join(PLOVER_TYPES))
    mode: str | None
    context: str | None = Field(description="negated, hypothetical, ...")
    trigger: str | None = Field(description='The word(s) that coded it ("shelled", «атаковали»)')
    actor: Participant
    recipient: Participant
    place: Participant
    time: EventTime
    confidence: float | None
    evidence: EventEvidence
    produced_by: ProducedBy | None

    @classmethod
    def from_row(cls, ev: Event, ctx: Lookups, **extra: Any) -> Self:
        return cls.model_validate(
            {
                "type": "event",
                "id": f"event:{ev.id}",
                "event_type": ev.type,
                "mode": ev.mode,
                "context": ev.context,
                "trigger": ev.trigger_text,
                "actor": {"text": ev.actor_text, "entity_id": ref("entity", ev.actor_entity_id)},
                "recipient": {
                    "text": ev.recipient_text,
                    "entity_id": ref("entity", ev.recipient_entity_id),
                },
                "place": {"text": ev.place_text, "entity_id": ref("entity", ev.place_entity_id)},
                "time": {"text": ev.time_text, "value": utc(ev.time_value)},
                "confidence": ev.confidence,
                "evidence": {
                    "document_id": f"document:{ev.document_id}",
                    "segment_id": ref("segment", ev.segment_id),
                    "start_char": ev.start_char,
                    "end_char": ev.end_char,
                    "trigger_span": _span(ev.trigger_start, ev.trigger_end),
                },
                "produced_by": ctx.produced_by(ev.run_id),
                **extra,
            }
        )


Record = (
    SourceRecord
    | DocumentRecord
    | SegmentRecord
    | MentionRecord
    | EntityRecord
    | StatementRecord
    | ClaimRecord
    | EventRecord
)
# One export line: the record its "type" names.
Line = Annotated[Record, Field(discriminator="type")]


class DocumentBundle(Model):
    """A document and everything found in it: ``overheard show --json``, and the core of the
    document page's JSON twin."""

    document: DocumentRecord
    source: SourceRecord | None
    segments: list[SegmentRecord]
    mentions: list[MentionRecord]
    statements: list[StatementRecord]
    events: list[EventRecord]

    @classmethod
    def load(
        cls,
        ctx: Lookups,
        doc: Document,
        *,
        with_text: bool = True,
        with_segments: bool = True,
    ) -> Self:
        s = ctx.session

        def rows(model: Any, *order: Any) -> list[Any]:
            return list(
                s.scalars(select(model).where(model.document_id == doc.id).order_by(*order))
            )

        return cls(
            document=DocumentRecord.from_rows([doc], ctx, with_text)[0],
            source=SourceRecord.from_row(doc.source) if doc.source else None,
            segments=SegmentRecord.from_rows(rows(Segment, Segment.idx), ctx)
            if with_segments
            else [],
            mentions=[
                MentionRecord.from_row(m, ctx)
                for m in rows(Mention, Mention.segment_id, Mention.start_char, Mention.id)
            ],
            statements=StatementRecord.from_rows(rows(Statement, Statement.id), ctx),
            events=[EventRecord.from_row(ev, ctx) for ev in rows(Event, Event.id)],
        )


class SearchHit(Model):
    """A sentence or utterance that matches a search, with the matches marked."""

    segment_id: SegmentId
    document_id: DocumentId
    document_title: str | None
    document_kind: Literal["text", "audio", "video"]
    index: int
    text: str
    snippet: str = Field(description="The text around the first match, matches in [brackets]")
    highlights: list[Span] = Field(description="The matches, as offsets into text")
    language: str | None
    speaker: str | None
    start_char: int | None
    end_char: int | None
    start_s: float | None
    end_s: float | None
    score: float
    matched_in: Literal["translation"] | None = Field(
        default=None, description="Present when the match is in the segment's machine translation"
    )
    original: str | None = Field(
        default=None, description="The segment's own text, when text is its translation"
    )
    backend: str | None = Field(default=None, description="What made the translation")


# ---------------------------------------------------------------------------- JSON Schema


class _NoFieldTitles(GenerateJsonSchema):
    """Field titles pydantic derives from names ("Document Id") say nothing the key does not."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one export line, generated from the models above."""
    generated = TypeAdapter(Line).json_schema(mode="serialization", schema_generator=_NoFieldTitles)
    # "discriminator" is OpenAPI's keyword, not JSON Schema's: the consts on "type" decide.
    generated.pop("discriminator", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://overheard.invalid/schema/record.schema.json",
        "title": "overheard export record",
        "description": "One line of `overheard export --format jsonl`, generated from "
        "overheard.records. Every derived record carries its evidence (a document, a segment, "
        "character offsets or seconds) and produced_by (component and version).",
        **generated,
    }
