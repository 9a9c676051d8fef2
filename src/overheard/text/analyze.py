"""One call for the whole text analysis of a document: entities, statements, events, places,
dates. Pure: takes a text, returns typed results with offsets into that text; the caller
stores them. The English parse is made once and shared by every stage.

    from overheard.text.analyze import analyze
    result = analyze(text, "en", doc_date=datetime(2024, 10, 24))
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from overheard.text.dates import find_dates
from overheard.text.entities import extract_mentions, link_mentions, parse_en
from overheard.text.events import extract_events
from overheard.text.models import model_versions
from overheard.text.places import resolve_places
from overheard.text.records import COMPONENT, VERSION, TextAnalysis
from overheard.text.statements import extract_statements

SUPPORTED = ("en", "ru", "uk")


def analyze(text: str, lang: str, doc_date: datetime | None = None) -> TextAnalysis:
    """Analyse ``text`` written in ``lang`` (en, ru, uk; anything else is read as English).

    ``doc_date`` anchors relative dates ("yesterday", «в ночь на 3 марта»); without it they
    keep their text and get no value.
    """
    lang = lang if lang in SUPPORTED else "en"
    doc: Any | None = parse_en(text) if lang == "en" else None
    mentions = extract_mentions(text, lang, doc)
    entities = link_mentions(mentions)
    places = resolve_places(text, mentions)
    for place in places:
        # Regions without a GeoNames id in the tables carry a negative one: not an external id.
        if place.best is not None and place.best.geonameid > 0:
            entity = entities[mentions[place.mention].entity or 0]
            if mentions[place.mention].entity is not None:
                entity.external_ids.setdefault("geonames", str(place.best.geonameid))
    statements = extract_statements(text, lang, mentions, doc)
    dates = find_dates(text, lang, doc_date, doc)
    events = extract_events(text, lang, mentions, dates, doc)
    return TextAnalysis(
        text=text,
        lang=lang,
        mentions=mentions,
        entities=entities,
        statements=statements,
        events=events,
        places=places,
        dates=dates,
    )


def provenance() -> dict[str, Any]:
    """Component, version and back-end versions, for the store's Run row."""
    return {"component": COMPONENT, "version": VERSION, "models": model_versions()}
