"""Dates: relative to the document date, with the fixes dateparser needs."""

from __future__ import annotations

from datetime import datetime

import pytest

from overheard.text.dates import find_dates, normalise

THURSDAY = datetime(2024, 10, 24, 12, 0)


@pytest.mark.parametrize(
    ("text", "lang", "value", "granularity"),
    [
        ("в ночь на 3 марта", "ru", datetime(2024, 3, 2, 21, 0), "night"),
        ("вчера в 5 утра", "ru", datetime(2024, 10, 23, 5, 0), "time"),
        ("вчера в 7 вечера", "ru", datetime(2024, 10, 23, 19, 0), "time"),
        ("Позавчора о 18:00", "uk", datetime(2024, 10, 22, 18, 0), "time"),
        ("3 марта 2024 года", "ru", datetime(2024, 3, 3), "day"),
        ("this weekend", "en", datetime(2024, 10, 26), "week"),
        ("as early as this weekend", "en", datetime(2024, 10, 26), "week"),
        ("Thursday", "en", datetime(2024, 10, 24), "day"),
        ("в понедельник", "ru", datetime(2024, 10, 21), "day"),
        ("В 2022 году", "ru", datetime(2022, 1, 1), "year"),
    ],
)
def test_normalise(text: str, lang: str, value: datetime, granularity: str) -> None:
    assert normalise(text, lang, THURSDAY) == (value, granularity)


def test_relative_date_without_document_date_is_unknown() -> None:
    assert normalise("вчера", "ru", None)[0] is None


def test_found_spans_keep_the_original() -> None:
    text = "Колонна вышла в ночь на 3 марта, а вчера в 5 утра её обстреляли."
    found = find_dates(text, "ru", THURSDAY)
    assert [d.text for d in found] == ["в ночь на 3 марта", "вчера в 5 утра"]
    for d in found:
        assert text[d.start : d.end] == d.text


def test_english_dates_from_spacy() -> None:
    text = "Troops could be deployed as early as this weekend, officials said on Monday."
    found = {d.text: d.value for d in find_dates(text, "en", THURSDAY)}
    assert found.get("as early as this weekend") == datetime(2024, 10, 26)
    assert found.get("Monday") == datetime(2024, 10, 21)
