"""Ukrainian names: natasha's Russian model repaired with pymorphy3's uk dictionary and the
gazetteer (text/ukrainian.py), and the institutions of lexicons/organisations.tsv."""

from __future__ import annotations

from overheard.text.entities import extract_mentions
from overheard.text.organisations import find_organisations


def _labels(text: str, lang: str = "uk") -> dict[str, str]:
    return {m.text: m.label for m in extract_mentions(text, lang)}


def test_a_country_in_an_oblique_case_is_not_part_of_a_name() -> None:
    found = _labels("Прем'єр-міністр Великобританії Терези Мей прибула до Києва.")
    assert found.get("Великобританії") == "GPE"
    assert found.get("Терези Мей") == "PERSON"
    assert found.get("Києва") == "GPE"
    found = _labels("Делегації Німеччини та Португалії підписали угоду.")
    assert found.get("Німеччини") in ("GPE", "LOC")
    assert found.get("Португалії") in ("GPE", "LOC")
    assert "PERSON" not in found.values()


def test_institutions_with_their_country_are_organisations() -> None:
    text = "У Міноборони Росії заявили, що Генштаб ЗСУ та ВМС ЗСУ готують наступ."
    found = _labels(text)
    assert found.get("Міноборони Росії") == "ORG"
    assert found.get("Генштаб ЗСУ") == "ORG"
    assert found.get("ВМС ЗСУ") == "ORG"
    assert "PERSON" not in found.values()


def test_institutions_match_in_any_case_form_and_need_a_capital() -> None:
    text = "Депутати Верховної Ради звернулися до Генерального штабу; генеральний штаб мовчить."
    spans = [text[a:b] for a, b in find_organisations(text)]
    assert spans == ["Верховної Ради", "Генерального штабу"]
    ru = "В МИД России и Минобороны РФ это опровергли."
    assert [ru[a:b] for a, b in find_organisations(ru)] == ["МИД России", "Минобороны РФ"]


def test_function_words_at_a_sentence_start_are_never_names() -> None:
    found = _labels("Тим часом Він повернувся додому. Потім Вона поїхала до Львова.")
    for word in ("Тим", "Тим часом", "Він", "Потім", "Вона"):
        assert word not in found, (word, found)
    assert found.get("Львова") == "GPE"


def test_ukrainian_first_names_natasha_misses_are_people() -> None:
    found = _labels("Вчора Андрій Шевчук і Ілія зустрілися на Майдані.")
    assert found.get("Андрій Шевчук") == "PERSON"
    assert found.get("Ілія") == "PERSON"


def test_russian_mentions_keep_natasha_names() -> None:
    found = _labels("Министр обороны России Сергей Шойгу прибыл в Курск.", "ru")
    assert found.get("Сергей Шойгу") == "PERSON"
    assert found.get("Курск") in ("GPE", "LOC")
