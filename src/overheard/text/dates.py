"""Date and time expressions, normalised against the document's own date.

English expressions come from spaCy's DATE/TIME entities (already computed by NER); Russian
and Ukrainian ones from the patterns below. dateparser does the normalising, with three
fixes measured in docs/MODELS.md: «в ночь на 3 марта» (None from dateparser) is the night
*before* 3 March; «вчера в 5 утра» loses its hour, so the day and the clock time are parsed
apart and joined; "this weekend" is the Saturday of the document's week. The original text
is always kept; a value is None when it cannot be worked out, never a guess.
"""

from __future__ import annotations

import re
import warnings
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from overheard.text.records import DateExpression

_RU_MONTHS = (
    r"(?:январ[ьяе]|феврал[ьяе]|марта?|марте|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|"
    r"августа?|августе|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе]|"
    r"січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|"
    r"грудня)"
)
_RU_WEEKDAYS = (
    r"(?:понедельник|вторник|среду|среда|четверг|пятниц[уа]|субботу|суббота|воскресенье|"
    r"понеділок|вівторок|середу|четвер|п'ятницю|суботу|неділю)"
)
_RU_RELATIVE_DAY = r"(?:позавчера|вчера|сегодня|завтра|послезавтра|позавчора|вчора|сьогодні)"
_RU_CLOCK = (
    r"(?:в|о|около|об)\s+\d{1,2}(?::\d{2})?(?:\s+(?:час(?:а|ов)?|годин[иі]?))?"
    r"(?:\s+(?:утра|вечера|дня|ночи|ранку|вечора|ночі))?"
)
_RU_DATE = re.compile(
    rf"(?<!\w)(?:"
    rf"в\s+ночь\s+(?:на|с)\s+\d{{1,2}}(?:\s+на\s+\d{{1,2}})?\s+{_RU_MONTHS}|"
    rf"в\s+ніч\s+(?:на|з)\s+\d{{1,2}}(?:\s+на\s+\d{{1,2}})?\s+{_RU_MONTHS}|"
    rf"\d{{1,2}}\s+{_RU_MONTHS}(?:\s+\d{{4}}(?:\s+(?:года|г\.|року|р\.))?)?(?:\s+{_RU_CLOCK})?|"
    rf"{_RU_RELATIVE_DAY}(?:\s+{_RU_CLOCK})?(?:\s+(?:утром|вечером|днем|днём|ночью|вранці|"
    rf"ввечері|вночі))?|"
    rf"(?:в|у)\s+{_RU_WEEKDAYS}|"
    rf"(?:на\s+)?(?:прошлой|этой|следующей|минулого|цього|наступного)\s+(?:неделе|тижня)|"
    rf"(?:в\s+)?(?:эти|этих|ці)\s+выходные|"
    rf"\d+\s+(?:дн(?:я|ей)|недел[ьи]|месяц(?:а|ев)|лет|год(?:а)?|днів|тижнів)\s+(?:назад|тому)|"
    rf"\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}|"
    rf"(?:в\s+)?\d{{4}}\s+(?:году|года|року)"
    rf")(?!\w)",
    re.IGNORECASE,
)
# Words spaCy keeps inside a DATE entity that are not part of the date itself.
_EN_LEADING = re.compile(
    r"^(?:as\s+early\s+as|as\s+late\s+as|as\s+of|by|until|since|from|early|late|"
    r"earlier|later|the\s+end\s+of|the\s+start\s+of)\s+",
    re.IGNORECASE,
)
_EN_WEEKEND = re.compile(r"\b(this|next|last|the)\s+weekend\b", re.IGNORECASE)
_RU_WEEKEND = re.compile(r"(?:эти|этих|ці)\s+выходные", re.IGNORECASE)
_NIGHT = re.compile(
    r"(?:в\s+ночь|в\s+ніч)\s+(?:на|с|з)\s+(?:\d{1,2}\s+на\s+)?(\d{1,2})\s+(\S+)", re.IGNORECASE
)
_CLOCK = re.compile(
    r"(?:в|о|около|об|at)\s+(\d{1,2})(?!\d)(?::(\d{2}))?(?:\s+(?:час(?:а|ов)?|годин[иі]?))?"
    r"(?:\s+(утра|вечера|дня|ночи|ранку|вечора|ночі|a\.?m\.?|p\.?m\.?))?",
    re.IGNORECASE,
)
_WEEKDAY_NAMES = (
    ("monday", "понедельник", "понеділ"),
    ("tuesday", "вторник", "вівтор"),
    ("wednesday", "сред", "серед"),
    ("thursday", "четверг", "четвер"),
    ("friday", "пятниц", "п'ятниц"),
    ("saturday", "суббот", "субот"),
    ("sunday", "воскресень", "неділ"),
)
_WEEKDAY = re.compile(
    r"(?:(?:в|у|on)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье|понеділок|вівторок|"
    r"середу|четвер|п'ятницю|суботу|неділю)",
    re.IGNORECASE,
)
_PM = {"вечера", "вечора", "дня", "p.m.", "pm", "p.m"}


@lru_cache(maxsize=1)
def _dateparser() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import dateparser

    return dateparser


def _parse(text: str, lang: str, base: datetime) -> datetime | None:
    languages = [lang] if lang in ("ru", "uk", "en") else None
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: datetime | None = _dateparser().parse(text, languages=languages, settings=settings)
    return value


def _granularity(text: str, value: datetime | None) -> str:
    lowered = text.lower()
    if _CLOCK.search(lowered) or re.search(r"\d:\d\d|\b(?:a\.?m|p\.?m)\b", lowered):
        return "time"
    if re.search(r"weekend|выходн|\bнедел|\bweek|тижн", lowered):
        return "week"
    if re.fullmatch(r"(?:в\s+)?\d{4}(?:\s+\S+)?", lowered.strip()):
        return "year"
    if re.fullmatch(r"[a-zа-яёії]+\s+\d{4}", lowered.strip()):
        return "month"
    return "day"


@lru_cache(maxsize=4096)
def normalise(text: str, lang: str, doc_date: datetime | None) -> tuple[datetime | None, str]:
    """(value, granularity) for one expression; value None when it cannot be resolved.
    Remembered: dateparser costs milliseconds a call, and a document repeats its dates."""
    base = (doc_date or datetime(1970, 1, 1)).replace(tzinfo=None)
    core = _EN_LEADING.sub("", text.strip())
    night = _NIGHT.search(core)
    if night and doc_date is None and not re.search(r"\d{4}", core):
        return None, "night"  # a year-less night means nothing without the document's date
    if night:
        # «в ночь на 3 марта»: the night that ends on the morning of 3 March.
        day = _parse(f"{night.group(1)} {night.group(2)}", lang, base)
        if day is None:
            return None, "night"
        morning = day.replace(hour=0, minute=0, second=0, microsecond=0)
        return (morning - timedelta(hours=3) if doc_date else morning), "night"
    weekend = _EN_WEEKEND.search(core) or _RU_WEEKEND.search(core)
    if weekend:
        if doc_date is None:
            return None, "week"
        shift = {"next": 7, "last": -7}.get(weekend.group(0).split()[0].lower(), 0)
        saturday = base + timedelta(days=(5 - base.weekday()) % 7 + shift)
        if base.weekday() == 6 and shift == 0:
            saturday = base - timedelta(days=1)
        return saturday.replace(hour=0, minute=0, second=0, microsecond=0), "week"
    if doc_date is None and not re.search(r"\d{4}", core):
        # A relative or year-less date means nothing without the document's date.
        return None, _granularity(core, None)
    clock = _CLOCK.search(core)
    if clock and lang in ("ru", "uk"):
        day_text = (core[: clock.start()] + core[clock.end() :]).strip()
        day = _parse(day_text, lang, base) if day_text else base
        if day is None:
            return None, "time"
        hour = int(clock.group(1)) % 24
        minute = int(clock.group(2) or 0)
        part = (clock.group(3) or "").lower()
        if part in _PM and hour < 12:
            hour += 12
        return day.replace(hour=hour, minute=minute, second=0, microsecond=0), "time"
    year = re.fullmatch(
        r"(?:(?:в|у|in)\s+)?(\d{4})(?:\s+(?:году|года|року|г\.|р\.))?", core, re.IGNORECASE
    )
    if year:
        return datetime(int(year.group(1)), 1, 1), "year"
    weekday = _WEEKDAY.fullmatch(core)
    if weekday:
        # A bare weekday in news is the latest such day up to and including the dateline.
        wanted = next(
            i
            for i, names in enumerate(_WEEKDAY_NAMES)
            if any(weekday.group(1).lower().startswith(n) for n in names)
        )
        day = base - timedelta(days=(base.weekday() - wanted) % 7)
        return day.replace(hour=0, minute=0, second=0, microsecond=0), "day"
    value = _parse(core, lang, base)
    granularity = _granularity(core, value)
    if value is not None and granularity == "year":
        value = datetime(value.year, 1, 1)
    return value, granularity


def find_dates(
    text: str, lang: str, doc_date: datetime | None, doc: Any | None = None
) -> list[DateExpression]:
    return dates_at(text, lang, date_spans(text, lang, doc), doc_date)


def date_spans(text: str, lang: str, doc: Any | None = None) -> list[tuple[int, int]]:
    """Where the date and time expressions are, in text order: spaCy's DATE/TIME entities
    in English (``doc``, the text's spaCy Doc, if the caller has one), patterns otherwise."""
    if lang in ("ru", "uk"):
        return [(m.start(), m.end()) for m in _RU_DATE.finditer(text)]
    if doc is None:
        from overheard.text.entities import parse_en

        doc = parse_en(text)
    return [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]


def dates_at(
    text: str, lang: str, spans: list[tuple[int, int]], doc_date: datetime | None
) -> list[DateExpression]:
    """The expressions at ``spans``, normalised against ``doc_date``."""
    out = []
    for start, end in spans:
        original = text[start:end]
        value, granularity = normalise(original, lang, doc_date)
        relative = not re.search(r"\d{4}", original)
        out.append(DateExpression(start, end, original, value, granularity, relative))
    return out


# A dateline sits in a report's first lines («4 марта 2025 года.», "KYIV, March 4, 2025 —").
DATELINE_CHARS = 400


def dateline(text: str, lang: str, spans: list[tuple[int, int]]) -> datetime | None:
    """The date a report gives itself in its opening: the first full date (a year, a day or a
    time) among the expressions at ``spans`` that end within ``DATELINE_CHARS``; it anchors
    the report's relative dates when it has no publication date. A title line above the report
    does not count against that opening."""
    from overheard.text.sentences import opening

    limit = opening(text) + DATELINE_CHARS
    for start, end in spans:
        if end > limit:
            break
        original = text[start:end]
        if not re.search(r"\d{4}", original):
            continue
        value, granularity = normalise(original, lang, None)
        if value is not None and granularity in ("day", "time"):
            return value
    return None
