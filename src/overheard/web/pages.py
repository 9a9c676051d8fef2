"""What each workbench page shows: its JSON twin's shape, and the data its HTML is rendered from.

Records are the export's (``overheard.records``); a page row that needs more (the document a
statement comes from, a link, the words around a mention) is the record plus those fields, so
it stays one definition. These models are the API's response models: /openapi.json shows their
fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from overheard.records import (
    DocumentBundle,
    DocumentId,
    DocumentRecord,
    EntityRecord,
    EventRecord,
    GeoPoint,
    MentionRecord,
    Model,
    SearchHit,
    SourceId,
    StatementRecord,
)

# ----------------------------------------------------------------------------- documents


class Counts(Model):
    documents: int
    segments: int
    mentions: int
    entities: int
    statements: int
    events: int
    by_kind: dict[str, int]
    by_status: dict[str, int]
    unresolved_failures: int


class SourceFacet(Model):
    id: SourceId
    number: int
    name: str
    documents: int


class LanguageFacet(Model):
    language: str
    documents: int


class Published(Model):
    first: datetime | None
    last: datetime | None


class Facets(Model):
    sources: list[SourceFacet]
    languages: list[LanguageFacet]
    published: Published


class Failure(Model):
    """An input that could not be ingested, and why."""

    id: int
    path: str
    part: int | None
    reason: str
    at: datetime | None


class SourceRef(Model):
    id: SourceId
    name: str


class DocumentItem(DocumentRecord):
    """A line of the document list: the record (without its text) and what it holds."""

    number: int
    source: SourceRef | None
    segments: int
    statements: int


class DocumentsPage(Model):
    filters: dict[str, str]
    total: int
    limit: int
    offset: int
    documents: list[DocumentItem]
    counts: Counts
    facets: Facets
    failures: list[Failure]


class Speaker(Model):
    label: str
    seconds: float = Field(description="How long this speaker talks")


class TranslationBackend(Model):
    language: str
    backend: str
    machine: bool


class Masking(Model):
    available: bool
    reason: str | None


class DocumentPage(DocumentBundle):
    """A document with everything found in it, and how the page presents it."""

    speakers: list[Speaker]
    translations: list[TranslationBackend]
    rendering: Literal["verbatim", "publication"]
    masking: Masking
    media_url: str | None


# -------------------------------------------------------------------------------- search


class Hit(SearchHit):
    url: str = Field(description="The segment's place in its document (and second, for audio)")


class SearchPage(Model):
    query: str
    filters: dict[str, str]
    limit: int
    offset: int
    hits: list[Hit]
    error: str | None = Field(default=None, description="Why the query could not be run")


# ------------------------------------------------------------------------------ entities


class EntityTypeCount(Model):
    type: str
    entities: int


class EntityItem(EntityRecord):
    number: int


class EntitiesPage(Model):
    filters: dict[str, str]
    total: int
    limit: int
    offset: int
    types: list[EntityTypeCount]
    entities: list[EntityItem]


class Context(Model):
    before: str
    text: str
    after: str


class MentionInContext(MentionRecord):
    document_title: str | None
    context: Context
    url: str


class StatementDocument(Model):
    id: DocumentId
    title: str | None
    published_at: datetime | None
    published_text: str | None
    source: str | None = Field(description="The source's name")


class StatementRow(StatementRecord):
    document: StatementDocument
    url: str


class EntityPage(Model):
    entity: EntityRecord
    mentions: list[MentionInContext] = Field(description="The first mentions, in context")
    statements_by: list[StatementRow]
    statements_about: list[StatementRow] = Field(
        description="Statements whose content names the entity"
    )


# ---------------------------------------------------------------------------- statements


class ActCount(Model):
    act: str
    statements: int


class SpeakerCount(Model):
    speaker: str
    statements: int


class StatementsPage(Model):
    filters: dict[str, str | bool]
    total: int
    limit: int
    offset: int
    acts: list[ActCount]
    speakers: list[SpeakerCount]
    statements: list[StatementRow]


# -------------------------------------------------------------------------------- events


class EventTypeCount(Model):
    type: str
    events: int


class EventRow(EventRecord):
    document_title: str | None
    when: datetime | None = Field(description="The event's time, else its report's date")
    when_from: Literal["event", "document"] | None
    location: GeoPoint | None = Field(description="The place's point, where resolved")
    url: str


class EventsPage(Model):
    filters: dict[str, str]
    total: int
    limit: int
    offset: int
    types: list[EventTypeCount]
    events: list[EventRow]


# -------------------------------------------------------------------------------- upload


class UploadOutcome(Model):
    file: str
    part: int | None
    status: str = Field(description="new, present, duplicate or failed")
    document_id: int | None
    url: str | None
    reason: str | None


class UploadResult(Model):
    summary: dict[str, int]
    outcomes: list[UploadOutcome]


class ErrorBody(Model):
    error: str
    status: int
