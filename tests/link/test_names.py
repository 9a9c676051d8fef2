from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from overheard.link.names import entity_key, skeleton, transliterate

SAME = [
    ("PERSON", ["Volodymyr Zelensky", "Владимир Зеленский", "Володимир Зеленський",
                "Volodymyr Zelenskyy", "Volodymyr Zelenskiy"]),
    ("PERSON", ["Dmitry Peskov", "Дмитрий Песков", "Dmitriy Peskov"]),
    ("PERSON", ["Sergei Shoigu", "Сергей Шойгу", "Sergey Shoygu"]),
    ("PERSON", ["Kim Jong Un", "Kim Jong-un"]),
    ("MIL_UNIT", ["батальон К", "K Battalion", "батальона «К»", "the K battalion"]),
    ("MIL_UNIT", ["58-я армия", "58th Army", "58-й армии"]),
    ("MIL_UNIT", ["155-я отдельная бригада морской пехоты", "155th Naval Infantry Brigade",
                  "155-й бригады"]),
    ("GPE", ["Курск", "Kursk"]),
    ("GPE", ["Суджа", "Sudzha"]),
]  # fmt: skip
DIFFERENT = [
    ("PERSON", "Dmitry Peskov", "Dmitry Medvedev"),
    ("PERSON", "Volodymyr Zelensky", "Vladimir Putin"),
    ("MIL_UNIT", "58-я армия", "58-я бригада"),
    ("MIL_UNIT", "K Battalion", "L Battalion"),
    ("GPE", "Курск", "Курахово"),
]


@pytest.mark.parametrize(("kind", "names"), SAME)
def test_same_entity_across_scripts_and_spellings(kind, names):
    keys = {entity_key(kind, n) for n in names}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(("kind", "a", "b"), DIFFERENT)
def test_different_entities_stay_apart(kind, a, b):
    assert entity_key(kind, a) != entity_key(kind, b)


def test_geonames_id_wins():
    assert entity_key("GPE", "Харьков", "706483") == entity_key("GPE", "Kharkiv", "706483")


def test_types_never_merge():
    assert entity_key("PERSON", "Kursk") != entity_key("GPE", "Kursk")


def test_a_spelling_the_gazetteer_lacks_still_folds():
    # "Sudja" is no GeoNames name: its key is its skeleton, which the spellings share.
    assert skeleton("Sudja") == skeleton("Sudzha") == skeleton("Суджа")


@given(st.text(max_size=40))
def test_keys_are_total(name):
    for kind in ("PERSON", "MIL_UNIT", "ORG", "GPE"):
        key = entity_key(kind, name)
        assert key.split(":", 1)[0] in (kind, "ORG", "PLACE", "geonames", "place"), key
    assert skeleton(name) == skeleton(name)
    assert all(ord(c) < 0x400 for c in transliterate("Щука ёж Їжак"))
