"""Entities: model mentions plus unit, equipment and group rules, in English and Russian."""

from __future__ import annotations

import pytest

from overheard.text.entities import extract_mentions, link_mentions
from overheard.text.units import find_rule_spans

EN = (
    "The 58th Combined Arms Army and the 810th Separate Guards Naval Infantry Brigade took "
    "the village. Officials said the K Battalion, part of the Storm Corps, used Lancet drones "
    "and T-72B3 tanks, while HIMARS struck depots. North Korean troops arrived. President "
    "Volodymyr Zelensky spoke with South Korea's leader; Zelensky said more was needed."
)
RU = (
    "Командир 155-й отдельной бригады морской пехоты заявил, что бойцы батальона К. прибыли "
    "в Ростов-на-Дону. Министр обороны России Сергей Шойгу встретился с командованием "
    "58-й армии. «Ланцеты» и беспилотник «Орлан» работали по позициям. Шойгу добавил, что "
    "российские военные и северокорейских солдат перебросили под Курск."
)


def _labels(text: str, lang: str) -> dict[str, str]:
    return {m.text: m.label for m in extract_mentions(text, lang)}


def test_every_span_is_its_text() -> None:
    for text, lang in ((EN, "en"), (RU, "ru")):
        for m in extract_mentions(text, lang):
            assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    ("surface", "label"),
    [
        ("58th Combined Arms Army", "MIL_UNIT"),
        ("810th Separate Guards Naval Infantry Brigade", "MIL_UNIT"),
        ("K Battalion", "MIL_UNIT"),
        ("Storm Corps", "MIL_UNIT"),
        ("Lancet drones", "EQUIPMENT"),
        ("T-72B3 tanks", "EQUIPMENT"),
        ("HIMARS", "EQUIPMENT"),
        ("North Korean troops", "GROUP"),
        ("Volodymyr Zelensky", "PERSON"),
        ("South Korea", "GPE"),  # without the possessive 's
    ],
)
def test_english_mentions(surface: str, label: str) -> None:
    assert _labels(EN, "en").get(surface) == label


@pytest.mark.parametrize(
    ("surface", "label", "normal"),
    [
        (
            "155-й отдельной бригады морской пехоты",
            "MIL_UNIT",
            "155-я отдельная бригада морской пехоты",
        ),
        ("батальона К", "MIL_UNIT", "батальон К"),
        ("58-й армии", "MIL_UNIT", "58-я армия"),
        ("Ростов-на-Дону", "GPE", "Ростов-на-Дону"),
        ("Сергей Шойгу", "PERSON", "Сергей Шойгу"),
        ("Ланцеты", "EQUIPMENT", "Ланцеты"),
        ("беспилотник «Орлан»", "EQUIPMENT", "беспилотник «Орлан»"),
        ("российские военные", "GROUP", "российские военные"),
        ("северокорейских солдат", "GROUP", "северокорейские солдаты"),
    ],
)
def test_russian_mentions(surface: str, label: str, normal: str) -> None:
    found = {m.text: m for m in extract_mentions(RU, "ru")}
    assert surface in found
    assert found[surface].label == label
    assert found[surface].normal == normal


def test_unit_letter_is_not_a_person() -> None:
    labels = _labels(RU, "ru")
    assert "К." not in labels and labels.get("батальона К") == "MIL_UNIT"


def test_russian_normal_form_of_inflected_city() -> None:
    text = "Колонна вышла из Ростова-на-Дону утром."
    found = [m for m in extract_mentions(text, "ru") if m.label in ("GPE", "LOC")]
    assert [m.normal for m in found] == ["Ростов-на-Дону"]


def test_surname_links_to_full_name() -> None:
    for text, lang, full in ((EN, "en", "Volodymyr Zelensky"), (RU, "ru", "Сергей Шойгу")):
        mentions = extract_mentions(text, lang)
        entities = link_mentions(mentions)
        person = next(e for e in entities if e.name == full)
        assert len(person.mentions) == 2
        assert all(mentions[i].entity == entities.index(person) for i in person.mentions)


def test_rules_generalise_to_unseen_units() -> None:
    text = "Части 37-й гвардейской мотострелковой бригады и полка «Север» отошли."
    spans = {text[s.start : s.end]: s.label for s in find_rule_spans(text, "ru")}
    assert spans.get("37-й гвардейской мотострелковой бригады") == "MIL_UNIT"
    assert spans.get("полка «Север»") == "MIL_UNIT"
    en = "Soldiers of the 3rd Separate Assault Brigade and the Azov Regiment held Su-25 jets."
    spans = {en[s.start : s.end]: s.label for s in find_rule_spans(en, "en")}
    assert spans.get("3rd Separate Assault Brigade") == "MIL_UNIT"
    assert spans.get("Azov Regiment") == "MIL_UNIT"
    assert spans.get("Su-25 jets") == "EQUIPMENT"


def test_nationality_modifier_is_not_a_group() -> None:
    text = "Men in Russian military uniforms were seen."
    assert not [s for s in find_rule_spans(text, "en") if s.label == "GROUP"]


def test_ukrainian_best_effort() -> None:
    text = (
        "Бійці 47-ї окремої механізованої бригади заявили, що російські військові відступили. "
        "Окупанти обстріляли Харків."
    )
    labels = _labels(text, "uk")
    assert labels.get("47-ї окремої механізованої бригади") == "MIL_UNIT"
    assert labels.get("російські військові") == "GROUP"
    assert labels.get("Харків") == "GPE"


def test_a_place_after_a_settlement_noun_and_of():
    """ "the town of Lgov", "the port of Chornomorsk": the small English model read Lgov as a
    person; the gazetteer knows it. "The minister of Defence" stays what it was."""
    from overheard.text.entities import extract_mentions, parse_en

    for text, name in [
        ("Three employees of a fuel depot in the town of Lgov were killed.", "Lgov"),
        ("The ship was sailing from the port of Chornomorsk to Egypt.", "Chornomorsk"),
    ]:
        found = {m.text: m.label for m in extract_mentions(text, "en", parse_en(text))}
        assert found.get(name) == "GPE", found
    text = "The minister of Defence spoke."
    assert "GPE" not in {m.label for m in extract_mentions(text, "en", parse_en(text))}
