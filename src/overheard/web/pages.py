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
    ClaimRecord,
    DocumentBundle,
    DocumentId,
    DocumentRecord,
    EntityId,
    EntityRecord,
    EventId,
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
    estimated: list[str] = Field(
        default_factory=list,
        description="The counts above that are the database's estimates, not exact (PostgreSQL "
        "counts a large table only by reading it: past 100,000 rows its planner's figure)",
    )


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
    """One back-end's renderings of a document's segments."""

    language: str
    backend: str = Field(description="whisper, openai, libretranslate or ctranslate2")
    model: str | None
    machine: bool
    segments: int = Field(ge=0, description="How many segments it rendered")
    preferred: bool = Field(
        description="The one the page shows: asked for (?translation=BACKEND:MODEL), else the "
        "case's configured translator, else the one that rendered most"
    )

    @property
    def key(self) -> str:
        return f"{self.backend}:{self.model or ''}"


class Masking(Model):
    available: bool
    reason: str | None


class CopyRef(Model):
    """A document that is a copy of another (syndication, a translated re-publication)."""

    id: DocumentId
    title: str | None
    published_at: datetime | None
    source: str | None = Field(description="The source's name")
    score: float | None = Field(description="How sure the copies stage is that it is a copy")


class DocumentPage(DocumentBundle):
    """A document with everything found in it, and how the page presents it."""

    original: CopyRef | None = Field(description="The earlier document this one copies")
    copies: list[CopyRef] = Field(description="Later documents that copy this one")
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


class EntityDecisionRecord(Model):
    """An analyst's merge or split, as recorded (kept when the documents are analysed again)."""

    id: int
    action: Literal["merge", "split"]
    key: str = Field(description="The entity key the decision is about")
    entity_id: EntityId | None = Field(
        description="merge: the entity kept; split: the entity the name was given"
    )
    name: str | None = Field(description="merge: the merged entity's name; split: the name")
    actor: str | None
    note: str | None
    created_at: datetime | None


class EntityPage(Model):
    entity: EntityRecord
    mentions: list[MentionInContext] = Field(description="The first mentions, in context")
    statements_by: list[StatementRow]
    statements_about: list[StatementRow] = Field(
        description="Statements whose content names the entity"
    )
    history: list[EntityDecisionRecord] = Field(
        description="Merges into it and splits from it or into it, newest first"
    )


class EntityHistory(Model):
    entity_id: EntityId
    decisions: list[EntityDecisionRecord]


class MergeRequest(Model):
    # 2**53 - 1: the largest integer a JSON reader holds exactly.
    other: int = Field(ge=1, le=2**53 - 1, description="The entity to merge into this one")
    note: str | None = Field(default=None, max_length=2000, description="Why they are one")
    actor: str | None = Field(
        default=None, max_length=100, description="Who decides (recorded with the workbench)"
    )


class SplitRequest(Model):
    name: str = Field(min_length=1, max_length=500, description="The name to split off")
    note: str | None = Field(default=None, max_length=2000, description="Why it is another")
    actor: str | None = Field(
        default=None, max_length=100, description="Who decides (recorded with the workbench)"
    )


class EntityDecision(Model):
    """What a merge or split did."""

    action: Literal["merge", "split"]
    entity_id: EntityId = Field(description="merge: the entity kept; split: the new entity")
    other_id: EntityId = Field(description="merge: the entity merged (now gone); split: the "
                               "entity the name was split from")  # fmt: skip
    keys: list[str]
    moved: int = Field(ge=0, description="Mentions moved")
    actor: str
    url: str = Field(description="The resulting entity's page")


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


# -------------------------------------------------------------------------------- claims


class ClaimItem(ClaimRecord):
    """A claim in the list: the record, and the board's summary of it."""

    number: int
    statement_count: int
    documents: int = Field(description="Documents whose statements are on its board")
    languages: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    contested: bool = Field(description="Both asserted and denied")
    changed: bool = Field(description="A speaker changed position on it")
    url: str


class ClaimsPage(Model):
    filters: dict[str, str | bool]
    total: int
    limit: int
    offset: int
    claims_in_case: int
    claims: list[ClaimItem]


class BoardLine(StatementRow):
    """One line of a board: the statement (its record, document and place) and its stance."""

    stance: Literal["assert", "deny"]
    stance_source: str | None = Field(
        default=None,
        description='What decided the stance: "rules", or an entailment back-end',
    )
    said_at: datetime | None = Field(
        description="When it was said: the publication time, else the date its dateline gives"
    )
    language: str | None
    copy_of: DocumentId | None = Field(description="Its document copies this earlier one")
    also_in: list[CopyRef] = Field(
        description="Copies of its document saying the same: shown here, not counted again"
    )


class PositionChange(Model):
    speaker: str
    speaker_entity_id: EntityId | None
    before: Literal["assert", "deny"]
    after: Literal["assert", "deny"]
    from_document: DocumentId
    to_document: DocumentId
    from_date: datetime | None
    to_date: datetime | None


class TimelineEntry(Model):
    """When a source first took a stance on the claim."""

    source: str
    first_said: datetime | None
    stance: Literal["assert", "deny"]
    document_id: DocumentId


class ClaimBoardPage(Model):
    claim: ClaimItem
    asserting: list[BoardLine]
    denying: list[BoardLine]
    hedged: list[BoardLine] = Field(description="Hedged statements, either stance")
    changes: list[PositionChange]
    timeline: list[TimelineEntry]


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


class EventPlace(Model):
    """One resolved place of the listed events: what the map draws once, however many events
    happened there."""

    entity_id: EntityId
    name: str
    location: GeoPoint
    events: int = Field(description="How many of the listed events are placed here")
    documents: int = Field(description="How many documents those events come from")
    event_ids: list[EventId] = Field(description="Those events, in the list's order")
    url: str


class EventsPage(Model):
    filters: dict[str, str]
    total: int
    limit: int
    offset: int
    types: list[EventTypeCount]
    events: list[EventRow]
    places: list[EventPlace] = Field(
        description="The listed events' resolved places, most events first: one map marker each"
    )


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


class UnreadableBody(Model):
    """FastAPI's own answer to a request body it cannot read (not UTF-8, not JSON)."""

    detail: str
