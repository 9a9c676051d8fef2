"""Numbers as digits and as words, both ways, ru/uk/en (text/numbers.py)."""

from __future__ import annotations

import pytest

from overheard.text.numbers import (
    alternatives,
    read_numbers,
    search_alternatives,
    spell,
    word_value,
)


@pytest.mark.parametrize(
    ("value", "ru", "uk", "en"),
    [
        (0, "ноль", "нуль", "zero"),
        (7, "семь", "сім", "seven"),
        (42, "сорок два", "сорок два", "forty two"),
        (145, "сто сорок пять", "сто сорок п'ять", "one hundred forty five"),
        (217, "двести семнадцать", "двісті сімнадцять", "two hundred seventeen"),
        (2500, "две тысячи пятьсот", "дві тисячі п'ятсот", "two thousand five hundred"),
        (11000, "одиннадцать тысяч", "одинадцять тисяч", "eleven thousand"),
    ],
)
def test_spell_and_read_back(value: int, ru: str, uk: str, en: str) -> None:
    assert (spell(value, "ru"), spell(value, "uk"), spell(value, "en")) == (ru, uk, en)
    for text in (ru, uk, en):
        words = text.split()
        assert read_numbers(words) == [(0, len(words), value)]


def test_dictated_figures_are_separate_numbers() -> None:
    words = "квадрат шестьдесят один тридцать четыре по улитке семь".split()
    assert [v for _, _, v in read_numbers(words)] == [61, 34, 7]
    assert [v for _, _, v in read_numbers("сто сорок пять пятьсот".split())] == [145, 500]
    assert [v for _, _, v in read_numbers("два три".split())] == [2, 3]


def test_inflected_forms_from_the_claims_table() -> None:
    # number_words.tsv (shared with claim linking) brings the case forms.
    assert word_value("двух") == 2
    assert word_value("трьох") == 3
    assert word_value("п’ять") == 5
    assert word_value("квадрат") is None


def test_alternatives_both_ways() -> None:
    assert list(alternatives("Сорок два человека")) == [("Сорок два", ["42"])]
    assert list(alternatives("forty-two men")) == [("forty two", ["42"])]
    assert list(alternatives("сорок дві особи")) == [("сорок дві", ["42"])]
    assert list(alternatives("у 42 бійців")) == [("42", ["forty two", "сорок два"])]
    assert list(alternatives("no numbers here")) == []


def test_search_alternatives_are_search_tokens() -> None:
    out = search_alternatives(["частота", "145"])
    assert out[1][0] == 2
    assert ["сто", "сорок", "п", "ять"] in out[1][1]  # split at the apostrophe, as FTS does
    assert search_alternatives(["сорок", "два"]) == {0: (2, [["42"]])}


def test_digits_of_other_scripts_are_no_numbers_to_spell() -> None:
    from overheard.text.numbers import alternatives, search_alternatives

    # str.isdigit() holds for these, int() refuses them: a query must not crash on them.
    assert set(search_alternatives(["²", "٣", "42"])) == {2}
    assert [form for form, _ in alternatives("в ² и 42 и ٣")] == ["42"]
