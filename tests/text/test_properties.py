"""Properties of the rule extractors on any text: every span is an exact slice of the input,
nothing crashes (random unicode, stray quotes, empty text, very long words, mixed scripts),
and a second run gives the same result."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overheard.text.dates import find_dates
from overheard.text.entities import extract_mentions, parse_en
from overheard.text.events import extract_events
from overheard.text.records import Event, Span, Statement
from overheard.text.statements import extract_statements, find_quotes
from overheard.text.units import find_rule_spans

DOC_DATE = datetime(2024, 10, 24, 12, 0)

# Pieces the rules react to, so random texts reach them: cues, quotes of every style, names,
# units, equipment, dates, pronouns, line breaks.
FRAGMENTS = [
    " said ",
    " warned that ",
    " according to ",
    "According to officials, ",
    " denied ",
    " claimed ",
    " he ",
    " She ",
    " allegedly ",
    " held talks with ",
    " imposed sanctions on ",
    " attacked ",
    " will not attack ",
    " in Kyiv",
    " on Monday ",
    " yesterday ",
    "Zelensky",
    "the 58th Combined Arms Army",
    " K Battalion ",
    " T-72B3 tanks ",
    " North Korean troops ",
    " HIMARS ",
    "“",
    "”",
    "«",
    "»",
    "„",
    '"',
    "‘",
    "’",
    ", — ",
    ": ",
    ". ",
    ",",
    "\n",
    "\n\n",
    " заявил, что ",
    " сказал ",
    " по словам ",
    " по его словам, ",
    " якобы ",
    " опроверг ",
    " Шойгу ",
    " обстреляли ",
    " под Авдеевкой ",
    " в ночь на 3 марта ",
    " 155-й отдельной бригады морской пехоты ",
    " батальона «Ахмат» ",
    " российские военные ",
    " Су-34 ",
    " заявив, що ",
    " за її словами, ",
    " нібито ",
    " Він ",
]

texts = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(max_size=12),
        st.text(alphabet="абвгдеёжзиклмнопрстуфхцчшщьыэюяіїєґ ", max_size=12),
        st.integers(min_value=100, max_value=4000).map(lambda n: "w" * n),  # very long words
    ),
    max_size=25,
).map("".join)

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def _spans_of(items: Iterable[Statement | Event]) -> list[Span]:
    spans: list[Span | None] = []
    for item in items:
        if isinstance(item, Statement):
            spans += [item.speaker, item.speaker_antecedent, item.cue, item.content]
        else:
            spans += [item.trigger, item.actor, item.recipient, item.place, item.time]
            spans.append(item.evidence)
    return [s for s in spans if s is not None]


def _assert_slices(text: str, spans: Iterable[Any]) -> None:
    for span in spans:
        assert 0 <= span.start <= span.end <= len(text)
        assert text[span.start : span.end] == span.text


def _check_statements_and_events(text: str, lang: str) -> None:
    doc = parse_en(text) if lang == "en" else None
    mentions = extract_mentions(text, lang, doc)
    dates = find_dates(text, lang, DOC_DATE, doc)
    statements = extract_statements(text, lang, mentions, doc)
    events = extract_events(text, lang, mentions, dates, doc)
    _assert_slices(text, _spans_of(statements))
    _assert_slices(text, _spans_of(events))
    _assert_slices(text, dates)
    assert extract_statements(text, lang, mentions, doc) == statements
    assert extract_events(text, lang, mentions, dates, doc) == events
    assert find_dates(text, lang, DOC_DATE, doc) == dates


@SETTINGS
@given(texts)
def test_english_statements_events_dates(text: str) -> None:
    _check_statements_and_events(text, "en")


@SETTINGS
@given(texts)
def test_russian_statements_events_dates(text: str) -> None:
    _check_statements_and_events(text, "ru")


@SETTINGS
@given(texts)
def test_ukrainian_statements_events_dates(text: str) -> None:
    _check_statements_and_events(text, "uk")


@settings(max_examples=150, deadline=None, derandomize=True)
@given(texts, st.sampled_from(["en", "ru", "uk"]))
def test_rule_spans(text: str, lang: str) -> None:
    spans = find_rule_spans(text, lang)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert not text[span.start].isspace() and not text[span.end - 1].isspace()
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start, "rule spans do not overlap"
    assert find_rule_spans(text, lang) == spans


@settings(max_examples=200, deadline=None, derandomize=True)
@given(texts)
def test_quotes(text: str) -> None:
    quotes = find_quotes(text)
    for q in quotes:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start] in '“«„"‘' and text[q.end - 1] in '”»“"’'
    for a, b in zip(quotes, quotes[1:], strict=False):
        assert a.end <= b.start, "outermost quotations only"
    assert find_quotes(text) == quotes


def test_edge_texts() -> None:
    # " по словам ": an attributing phrase with no source after it (once an inverted span).
    for text in ("", " ", "\n\n", "“", "«»", '"', " по словам ", "по словам,", "according to"):
        for lang in ("en", "ru", "uk"):
            _check_statements_and_events(text, lang)
            assert find_rule_spans(text, lang) == []
    assert extract_statements(" по словам ", "ru", []) == []
