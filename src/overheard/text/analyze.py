"""One call for the whole text analysis of a document: entities, statements, events, places,
dates. Pure: takes a text, returns typed results with offsets into that text; the caller
stores them. The English spaCy Doc is made once and shared by every stage.

    from overheard.text.analyze import analyze, analyze_batch, AnalysisInput
    result = analyze(text, "en", doc_date=datetime(2024, 10, 24))
    results = analyze_batch([AnalysisInput(text, "ru", find_dateline=True), ...])

``analyze_batch`` is the fast path: English texts go through spaCy together, Russian and
Ukrainian ones through natasha's tagger in batches of similar length; ``analyze`` is a batch
of one, with the same results. A worker process calls ``models.limit_threads()`` and then
``warm_up()`` once before its first batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from overheard.text.dates import date_spans, dateline, dates_at
from overheard.text.entities import extract_mentions, link_mentions, natasha_spans_many
from overheard.text.events import extract_events
from overheard.text.models import model_versions
from overheard.text.places import gazetteer, resolve_places
from overheard.text.records import COMPONENT, VERSION, Event, Statement, TextAnalysis
from overheard.text.statements import extract_statements
from overheard.text.statements.voice import byline_author, frame_mentions

SUPPORTED = ("en", "ru", "uk")
# Texts analysed together: spaCy's and natasha's batches, and the Docs held at once.
BATCH = 64


@dataclass(frozen=True)
class AnalysisInput:
    text: str
    lang: str  # en, ru, uk; anything else is read as English
    # Anchors relative dates ("yesterday", «в ночь на 3 марта»); without it they get no value.
    doc_date: datetime | None = None
    # Without a doc_date, anchor them by the date the text gives itself in its opening
    # («4 марта 2025 года.», "KYIV, March 4, 2025 —"), if any (``dates.dateline``).
    find_dateline: bool = False
    # Who published the text (an outlet, a body, a channel): the speaker of what it says in
    # its own voice (a press release, a post; statements.voice).
    source: str | None = None


def analyze(
    text: str,
    lang: str,
    doc_date: datetime | None = None,
    *,
    find_dateline: bool = False,
    source: str | None = None,
) -> TextAnalysis:
    """Analyse ``text`` written in ``lang`` (en, ru, uk; anything else is read as English).

    ``doc_date`` anchors relative dates ("yesterday", «в ночь на 3 марта»); without it they
    keep their text and get no value, unless ``find_dateline`` finds a date in the opening.
    """
    return analyze_batch([AnalysisInput(text, lang, doc_date, find_dateline, source)])[0]


def analyze_batch(items: Sequence[AnalysisInput]) -> list[TextAnalysis]:
    """``analyze`` for each item, in order, with the models run over many texts at once."""
    out: list[TextAnalysis] = []
    for start in range(0, len(items), BATCH):
        out.extend(_analyze_window(items[start : start + BATCH]))
    return out


def _analyze_window(items: Sequence[AnalysisInput]) -> list[TextAnalysis]:
    from overheard.text.english_parse import parse_many

    langs = [item.lang if item.lang in SUPPORTED else "en" for item in items]
    english = [i for i, lang in enumerate(langs) if lang == "en"]
    others = [i for i, lang in enumerate(langs) if lang != "en"]
    docs = dict(zip(english, parse_many([items[i].text for i in english]), strict=True))
    spans = dict(zip(others, natasha_spans_many([items[i].text for i in others]), strict=True))
    return [analyze_parsed(item, docs.get(i), spans.get(i)) for i, item in enumerate(items)]


def analyze_parsed(
    item: AnalysisInput,
    doc: Any | None = None,
    ner_spans: list[tuple[int, int, str]] | None = None,
) -> TextAnalysis:
    """One text whose model output the caller already has: for English its spaCy ``Doc``
    (``english_parse.parse_many``), otherwise natasha's spans (``natasha_spans_many``). What
    ``analyze_batch`` does for each text; a missing one is made here."""
    lang = item.lang if item.lang in SUPPORTED else "en"
    text = item.text
    mentions = extract_mentions(text, lang, doc, ner_spans=ner_spans)
    mentions = byline_author(text, lang, mentions)
    framed = frame_mentions(text, lang, mentions, item.source)
    if framed:
        mentions = sorted([*mentions, *framed], key=lambda m: (m.start, m.end))
    entities = link_mentions(mentions)
    places = resolve_places(text, mentions)
    for place in places:
        # Regions without a GeoNames id in the tables carry a negative one: not an external id.
        if place.best is not None and place.best.geonameid > 0:
            entity = entities[mentions[place.mention].entity or 0]
            if mentions[place.mention].entity is not None:
                entity.external_ids.setdefault("geonames", str(place.best.geonameid))
    statements = extract_statements(text, lang, mentions, doc, item.source)
    where = date_spans(text, lang, doc)
    anchor = item.doc_date
    if anchor is None and item.find_dateline:
        anchor = dateline(text, lang, where)
    dates = dates_at(text, lang, where, anchor)
    events = _mark_denied(extract_events(text, lang, mentions, dates, doc), statements)
    return TextAnalysis(
        text=text,
        lang=lang,
        mentions=mentions,
        entities=entities,
        statements=statements,
        events=events,
        places=places,
        dates=dates,
        anchor=anchor,
    )


def _mark_denied(events: list[Event], statements: list[Statement]) -> list[Event]:
    """An event told inside what a speaker denies ("The Kremlin denied that any foreign units
    were fighting") is not the act it names: it is flagged negated, as "did not fight" is."""
    denied = [(s.content.start, s.content.end) for s in statements if s.act == "deny"]
    for ev in events:
        if any(a <= ev.trigger.start < b for a, b in denied):
            ev.negated = True
    return events


# Short texts that take every language's models, dateparser's locale data and spaCy's parser
# through their first call.
_WARM_UP = {
    "en": "KYIV, March 4, 2025 — Russia said on Monday that its troops had left Kharkiv.",
    "ru": "4 марта 2025 года. Россия заявила, что вчера войска покинули Харьков.",
    "uk": "4 березня 2025 року. Росія заявила, що вчора війська залишили Харків.",
}


def warm_up(langs: Iterable[str] = SUPPORTED) -> None:
    """Load every model and table analysis needs in this process (spaCy, natasha, the
    gazetteer, dateparser's languages) and run each language once, so that a worker's first
    document costs what its second does."""
    gazetteer()
    known = [lang for lang in dict.fromkeys(langs) if lang in _WARM_UP]
    analyze_batch(
        [AnalysisInput(_WARM_UP[lang], lang, find_dateline=True) for lang in known]
        + [AnalysisInput(_WARM_UP[lang], lang, datetime(2025, 3, 4)) for lang in known]
    )


def clear_caches() -> None:
    """Forget what analysis remembers across texts (spaCy's memoised attribute ruler and
    lemmatizer, names' normal forms, normalised dates): a benchmark run then starts as a new
    worker does."""
    from overheard.text import dates, english_parse, entities

    english_parse.clear_memos()
    entities.clear_memos()
    dates.normalise.cache_clear()


def provenance() -> dict[str, Any]:
    """Component, version and back-end versions, for the store's Run row."""
    return {"component": COMPONENT, "version": VERSION, "models": model_versions()}
