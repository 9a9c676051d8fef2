"""Typed results of text analysis: every span is a pair of character offsets into the text.

These mirror the store's rows (store/schema.py) without depending on the database, so the
analysis stays a pure function and the caller decides how and when to persist it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

COMPONENT = "overheard.text"
VERSION = "0.1.3"

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "GROUP", "MIL_UNIT", "EQUIPMENT")
ACTS = (
    "assert",
    "deny",
    "allege",
    "warn",
    "urge",
    "condemn",
    "concern",
    "threaten",
    "promise",
    "consider",
    "question",
    "complain",
)
PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass
class Mention:
    start: int
    end: int
    text: str
    label: str
    normal: str
    source: str  # which component found it: "spacy", "natasha", "rules"
    confidence: float = 0.8
    entity: int | None = None  # index into TextAnalysis.entities


@dataclass
class EntityRef:
    """One entity per document: the mentions that name it and its best (longest) name."""

    type: str
    name: str
    names: list[str]
    mentions: list[int]  # indices into TextAnalysis.mentions
    external_ids: dict[str, str] = field(default_factory=dict)


@dataclass
class Statement:
    speaker: Span | None
    speaker_entity: int | None
    # When the speaker is a pronoun ("he", «она»): the mention it refers to.
    speaker_antecedent: Span | None
    cue: Span | None
    act: str
    content: Span
    direct: bool
    hedged: bool
    hedges: list[str]
    confidence: float
    # The document speaks in its own voice (a press release, a channel's post, an analyst's
    # byline text, a speaker's turn in a transcript): the speaker is the one speaker_antecedent
    # names (the label, byline or signature), else the document's source.
    own_voice: bool = False


@dataclass
class Event:
    type: str
    mode: str | None  # PLOVER mode where the trigger names it (ACCUSE: "investigate", ...)
    negated: bool  # "did not attack": kept and flagged, as PLOVER's negation context asks
    hypothetical: bool  # "could attack", "threatened to attack"
    trigger: Span
    actor: Span | None
    recipient: Span | None
    place: Span | None
    time: Span | None
    time_value: datetime | None
    evidence: Span
    confidence: float


@dataclass
class PlaceCandidate:
    geonameid: int  # negative: a region the offline tables give no GeoNames id (a stable key)
    name: str
    country: str
    feature: str  # "country" | "continent" | "city" | "admin1" | "admin2"
    latitude: float
    longitude: float
    population: int
    score: float


@dataclass
class PlaceResolution:
    mention: int  # index into TextAnalysis.mentions
    text: str
    role: str  # "place" or "government" (metonymy: "a treaty with Pyongyang")
    best: PlaceCandidate | None
    candidates: list[PlaceCandidate]


@dataclass
class DateExpression:
    start: int
    end: int
    text: str
    value: datetime | None
    granularity: str  # "day", "time", "week", "month", "year", "night"
    relative: bool


@dataclass
class TextAnalysis:
    text: str
    lang: str
    mentions: list[Mention]
    entities: list[EntityRef]
    statements: list[Statement] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    places: list[PlaceResolution] = field(default_factory=list)
    dates: list[DateExpression] = field(default_factory=list)
    # What relative dates were resolved against: the document's date, else (when asked for)
    # the dateline found in its opening, else None.
    anchor: datetime | None = None
    component: str = COMPONENT
    version: str = VERSION
