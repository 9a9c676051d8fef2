"""A number searched as words finds it written as digits, and the other way, ru/uk/en."""

from __future__ import annotations

from pathlib import Path

import pytest

from overheard.ingest.ingest import Ingestor
from overheard.store.search import build_query, search

REPORTS = {
    "digits_ru.txt": "Противник потерял 42 человека у Суджи.",
    "words_ru.txt": "В квадрате шестьдесят один тридцать четыре стоят две коробки.",
    "digits_uk.txt": "Біля Покровська ворог втратив 217 бійців.",
    "words_en.txt": "The convoy had forty-two trucks and was hit near the river.",
    "other.txt": "Противник потерял 420 единиц техники за месяц.",
}


@pytest.fixture
def numbered(case, settings, tmp_path: Path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    Ingestor(case, settings).ingest([folder])
    return case


def _texts(case, query: str) -> set[str]:
    return {hit.text for hit in search(case, query)}


def test_words_find_digits(numbered) -> None:
    assert _texts(numbered, "сорок два") == {REPORTS["digits_ru.txt"]}
    assert _texts(numbered, "forty two") == {REPORTS["digits_ru.txt"], REPORTS["words_en.txt"]}
    assert _texts(numbered, "двісті сімнадцять") == {REPORTS["digits_uk.txt"]}
    assert _texts(numbered, "two hundred seventeen") == {REPORTS["digits_uk.txt"]}


def test_digits_find_words(numbered) -> None:
    assert _texts(numbered, "42") >= {REPORTS["words_en.txt"], REPORTS["digits_ru.txt"]}
    assert REPORTS["words_ru.txt"] in _texts(numbered, "квадрате 61 34")


def test_a_spelled_number_does_not_match_a_longer_one(numbered) -> None:
    assert REPORTS["other.txt"] not in _texts(numbered, "сорок два")


def test_number_forms_are_highlighted(numbered) -> None:
    hit = next(h for h in search(numbered, "forty two") if "42" in h.text)
    assert [hit.text[a:b] for a, b in hit.highlights] == ["42"]


def test_query_shape() -> None:
    assert build_query("сорок два убитых") == '(("сорок"* AND "два"*) OR "42") AND "убитых"*'
    assert build_query("Курск") == '"Курск"*'
