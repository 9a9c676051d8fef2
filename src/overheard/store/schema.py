"""The record's tables (DESIGN.md section 3) as SQLAlchemy 2 models.

Types are portable (Integer, Text, Float, Boolean, DateTime, JSON) so the same schema runs on
SQLite (the default case file) and PostgreSQL. Every derived row names the run that produced it
(component + version), and every row that states a fact points at its evidence: a document, a
segment, character offsets into the document text or start/end seconds of the recording.
Schema changes go through Alembic migrations in ``store/migrations``; keep both in step.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC, read back the same from every database: naive UTC, as SQLite's
    DateTime always gave it. PostgreSQL's timestamptz returned it aware and in the session's
    time zone, and took a naive value to be in that zone: the same case then compared
    and exported its dates differently on the two."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)


class DocumentStatus(StrEnum):
    """Where a document stands; one value per document (``documents.status``).

    A text is ``ready`` once stored. A recording waits for its transcript
    (``awaiting_transcription``), then holds speech (``transcribed``), holds none
    (``no_speech``), or could not be transcribed (``transcription_failed``: the next
    ``overheard process`` tries again). Which later stages ran on a document, and with which
    version, is in ``document_stages``.
    """

    READY = "ready"
    AWAITING_TRANSCRIPTION = "awaiting_transcription"
    TRANSCRIBED = "transcribed"
    NO_SPEECH = "no_speech"
    TRANSCRIPTION_FAILED = "transcription_failed"


class StageStatus(StrEnum):
    """How a stage's last run over one document ended (``document_stages.status``)."""

    DONE = "done"
    FAILED = "failed"


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Run(Base):
    """One execution of one component (a segmenter, a language detector, an ASR model...)."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    component: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(100))
    model_hash: Mapped[str | None] = mapped_column(String(64))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Source(Base):
    """Who published or released an item: an agency, an outlet, a channel."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500), unique=True)
    kind: Mapped[str | None] = mapped_column(String(50))
    url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Blob(Base):
    """Original bytes, stored untouched under ``originals/`` by their sha256."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Document(Base):
    """One ingested item. ``part`` is 0 for a whole file, n for the n-th record of a JSON(L) file."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("blob_sha256", "part", name="uq_documents_blob_part"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    part: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))  # text | audio | video
    media_type: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_text: Mapped[str | None] = mapped_column(String(200))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[str | None] = mapped_column(Text)
    origin_path: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(20))
    language_confidence: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)
    text_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    duration_s: Mapped[float | None] = mapped_column(Float)
    channels: Mapped[int | None] = mapped_column(Integer)
    sample_rate: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(40))  # DocumentStatus
    status_reason: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    # A near-duplicate or translated copy of an earlier document (syndication): the claim
    # board counts a document and its copies as one source.
    copy_of: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    copy_score: Mapped[float | None] = mapped_column(Float)
    # The item's identity where it was published, for files that hold items a later file
    # holds again (a newer channel export, a feed fetched again): "telegram:CHAT/MESSAGE",
    # "feed:FEED#GUID". Unique, so the same item is never stored twice.
    external_id: Mapped[str | None] = mapped_column(String(500))

    source: Mapped[Source | None] = relationship()
    segments: Mapped[list[Segment]] = relationship(
        back_populates="document", order_by="Segment.idx", cascade="all, delete-orphan"
    )
    origins: Mapped[list[Origin]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )


class Origin(Base):
    """Each path (and blob) under which a document was seen: the same text under another name."""

    __tablename__ = "origins"
    __table_args__ = (UniqueConstraint("document_id", "path", "blob_sha256", name="uq_origin"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    document: Mapped[Document] = relationship(back_populates="origins")


class Segment(Base):
    """A located piece of a document: a sentence (character offsets) or an utterance (seconds)."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("document_id", "idx", name="uq_segments_doc_idx"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    idx: Mapped[int] = mapped_column(Integer)
    start_char: Mapped[int | None] = mapped_column(Integer)
    end_char: Mapped[int | None] = mapped_column(Integer)
    start_s: Mapped[float | None] = mapped_column(Float)
    end_s: Mapped[float | None] = mapped_column(Float)
    speaker: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    document: Mapped[Document] = relationship(back_populates="segments")
    translations: Mapped[list[Translation]] = relationship(cascade="all, delete-orphan")


class Translation(Base):
    """A rendering of a segment in another language, always with the back-end that made it."""

    __tablename__ = "translations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    # The back-end (whisper, openai, libretranslate, ctranslate2) and the model it ran: one
    # back-end's renderings never replace another's; the view picks the preferred one.
    backend: Mapped[str] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(300))
    machine: Mapped[bool] = mapped_column(Boolean, default=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class TranslationCache(Base):
    """Renderings by text: the same sentence (a repeated headline, a copied report, a
    re-analysed document) is sent to a back-end once per back-end, model and language pair."""

    __tablename__ = "translation_cache"
    __table_args__ = (
        UniqueConstraint(
            "backend", "model", "source_language", "target_language", "text_sha256",
            name="uq_translation_cache_text",
        ),
    )  # fmt: skip
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    backend: Mapped[str] = mapped_column(String(200))
    model: Mapped[str] = mapped_column(String(300))
    source_language: Mapped[str] = mapped_column(String(20))
    target_language: Mapped[str] = mapped_column(String(20))
    text_sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Entity(Base):
    """A resolved person, organisation, unit, place... with its names in several scripts."""

    __tablename__ = "entities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(Text)
    # Where documents and scripts meet: see overheard.link.names.entity_key.
    key: Mapped[str | None] = mapped_column(String(300), index=True)
    names: Mapped[list[Any] | None] = mapped_column(JSON)
    external_ids: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A place's point (WGS84), where the gazetteer resolved it; the rest of the resolution
    # (feature, country, role, candidates) is in meta["geo"].
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class Mention(Base):
    """A typed span of a document's text, linked to an entity where resolved."""

    __tablename__ = "mentions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(30))
    normal: Mapped[str | None] = mapped_column(Text)
    # Indexed with the document and offset (ix_mentions_entity_place): an entity's mentions in
    # reading order, and "is it mentioned inside this span", read from the index alone.
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
    # The component that found it: spacy, natasha, rules, gazetteer, dates, frame (a dateline,
    # a speaker label, a byline), nested (a country inside a body's name).
    source: Mapped[str | None] = mapped_column(String(30))
    confidence: Mapped[float | None] = mapped_column(Float)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class Statement(Base):
    """An attributed speech act: who (entity or description) did what act with which content."""

    __tablename__ = "statements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    speaker_text: Mapped[str | None] = mapped_column(Text)
    speaker_entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    speaker_start: Mapped[int | None] = mapped_column(Integer)
    speaker_end: Mapped[int | None] = mapped_column(Integer)
    # When the speaker is a pronoun or a description ("he", "Another"): what it refers to.
    speaker_antecedent: Mapped[str | None] = mapped_column(Text)
    speaker_antecedent_start: Mapped[int | None] = mapped_column(Integer)
    speaker_antecedent_end: Mapped[int | None] = mapped_column(Integer)
    cue: Mapped[str | None] = mapped_column(Text)
    cue_start: Mapped[int | None] = mapped_column(Integer)
    cue_end: Mapped[int | None] = mapped_column(Integer)
    act: Mapped[str] = mapped_column(String(30), index=True)
    content: Mapped[str] = mapped_column(Text)
    content_start: Mapped[int | None] = mapped_column(Integer)
    content_end: Mapped[int | None] = mapped_column(Integer)
    start_s: Mapped[float | None] = mapped_column(Float)
    end_s: Mapped[float | None] = mapped_column(Float)
    direct: Mapped[bool] = mapped_column(Boolean, default=False)
    hedged: Mapped[bool] = mapped_column(Boolean, default=False)
    hedges: Mapped[list[Any] | None] = mapped_column(JSON)
    confidence: Mapped[float | None] = mapped_column(Float)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class Claim(Base):
    """The proposition several statements are about. ``text`` is its readable label (the
    proposition); ``key`` what must agree for a statement to join it (its numbers, entities,
    event type), so "12 killed" and "12 wounded" stay two claims."""

    __tablename__ = "claims"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    key: Mapped[str | None] = mapped_column(String(500), index=True)
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class ClaimStatement(Base):
    """One line of a claim's board: a statement and its stance (assert or deny). A statement
    belongs to one claim at most."""

    __tablename__ = "claim_statements"
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True, unique=True
    )
    stance: Mapped[str] = mapped_column(String(30))  # Stance
    # Where the stance came from: "rules" (act, negation), or an entailment back-end's name.
    stance_source: Mapped[str | None] = mapped_column(String(100))
    similarity: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)
    # What the linking compared: the statement's numbers, predicate concepts, entities,
    # polarity and language (JSON), and its sentence embedding (float32, L2-normalised).
    features: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)


class EntityMerge(Base):
    """An analyst's decision about entities, kept across re-analysis: ``merge`` makes every
    mention whose key is ``key`` resolve to ``entity_id``; ``split`` gives the surface form
    ``name`` (key ``key``) an entity of its own again."""

    __tablename__ = "entity_merges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(20))  # merge | split
    key: Mapped[str] = mapped_column(String(300), index=True)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Event(Base):
    """A coded event (PLOVER type), with actor, recipient, place, time and its evidence span."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(30), index=True)
    mode: Mapped[str | None] = mapped_column(String(30))
    context: Mapped[str | None] = mapped_column(String(60))
    actor_text: Mapped[str | None] = mapped_column(Text)
    actor_entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
    recipient_text: Mapped[str | None] = mapped_column(Text)
    recipient_entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
    place_text: Mapped[str | None] = mapped_column(Text)
    place_entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
    time_text: Mapped[str | None] = mapped_column(Text)
    time_value: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The word(s) that coded it ("shelled", «атаковали»), offsets into the document text.
    trigger_text: Mapped[str | None] = mapped_column(Text)
    trigger_start: Mapped[int | None] = mapped_column(Integer)
    trigger_end: Mapped[int | None] = mapped_column(Integer)
    start_char: Mapped[int | None] = mapped_column(Integer)
    end_char: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float | None] = mapped_column(Float)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class CopySketch(Base):
    """What the copies stage compares a document by (``overheard.link.copies``): its MinHash
    signature (uint32, ``params`` says which), and one embedding per sentence (an .npy array,
    float16) for translations. ``links`` are the copies it was verified against, with how."""

    __tablename__ = "copy_sketches"
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    params: Mapped[str] = mapped_column(String(100))
    minhash: Mapped[bytes] = mapped_column(LargeBinary)
    shingles: Mapped[int] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(20))
    embedder: Mapped[str | None] = mapped_column(String(200))
    vectors: Mapped[bytes | None] = mapped_column(LargeBinary)
    links: Mapped[list[Any] | None] = mapped_column(JSON)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class VectorIndexState(Base):
    """One vector index of the case (``overheard.store.vectors``): the model its vectors come
    from, and, once it is large, the cells (centroids) its vectors are partitioned into. The
    vectors are in the table ``vec_NAME_gGENERATION`` (sqlite-vec or pgvector)."""

    __tablename__ = "vector_indexes"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    model: Mapped[str | None] = mapped_column(String(200))
    dim: Mapped[int] = mapped_column(Integer)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    cells: Mapped[int] = mapped_column(Integer, default=0)  # 0: one cell, exact search
    trained_count: Mapped[int] = mapped_column(Integer, default=0)
    centroids: Mapped[bytes | None] = mapped_column(LargeBinary)  # cells × dim float32
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VectorItem(Base):
    """A vector of an index: the row it embeds (a segment, a statement), the document it
    belongs to (a document's vectors are replaced whole), and its cell."""

    __tablename__ = "vector_items"
    __table_args__ = (Index("ix_vector_items_document", "index_name", "document_id"),)
    index_name: Mapped[str] = mapped_column(
        ForeignKey("vector_indexes.name", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    cell: Mapped[int] = mapped_column(Integer, default=0)


class DocumentStage(Base):
    """Which version of a stage last ran over a document, and how it ended: what the stage
    runner reads to find what is pending (a new version makes every document pending again)."""

    __tablename__ = "document_stages"
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str] = mapped_column(String(50), primary_key=True, index=True)
    version: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # StageStatus
    error: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IngestFailure(Base):
    """An input that could not be ingested, with the reason; kept so a user can see and re-run."""

    __tablename__ = "ingest_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(Text, index=True)
    part: Mapped[int | None] = mapped_column(Integer)
    blob_sha256: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


Index("ix_documents_published", Document.published_at, Document.id)  # the list, newest first
Index("uq_documents_external_id", Document.external_id, unique=True)
Index("ix_segments_language", Segment.language)
Index("ix_documents_facets", Document.kind, Document.status, Document.source_id, Document.language)
Index("ix_statements_speaker_text", Statement.speaker_text)
Index("ix_mentions_entity_place", Mention.entity_id, Mention.document_id, Mention.start_char)
