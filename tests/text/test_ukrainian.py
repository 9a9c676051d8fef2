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


def test_companies_in_quotes_with_their_legal_form_or_kind_are_organisations() -> None:
    text = (
        "Підряд отримало ТОВ «Кузь», а фірма «Профіт» програла. Пізніше «Профіт» оскаржив "
        "рішення. Фірмі належить частка «Укрінстраху»."
    )
    found = _labels(text)
    assert found.get("ТОВ «Кузь»") == "ORG"
    assert [m.label for m in extract_mentions(text, "uk") if m.text == "Профіт"] == ["ORG"] * 2
    assert found.get("Укрінстраху") == "ORG"
    # a quotation is no name
    assert "Іди до біса" not in _labels("А Майка йому: «Іди до біса». Отак.")


def test_institutions_by_their_head_noun_keep_their_complement() -> None:
    found = _labels(
        "Депутати Рівненської обласної ради звернулися до Вищого господарського суду України. "
        "Тоді від Партії регіонів висунули голову Київради, а Мінприроди мовчить."
    )
    assert found.get("Рівненської обласної ради") == "ORG"
    assert found.get("Вищого господарського суду України") == "ORG"
    assert found.get("Партії регіонів") == "ORG"
    assert found.get("Київради") == "ORG"
    assert found.get("Мінприроди") == "ORG"
    assert "України" not in found  # inside the court's name, not a place of its own


def test_common_abbreviations_are_no_organisations() -> None:
    found = _labels("Як повідомляють ЗМІ, фірма сплатила ПДВ і зареєструвала ФОП.")
    for word in ("ЗМІ", "ПДВ", "ФОП"):
        assert word not in found


def test_streets_settlements_and_regions_are_places() -> None:
    found = _labels(
        "Офіс на вул. Михайла Гришка, 4 у с. Нова Дофіновка Одеської області. Фірма "
        "ремонтуватиме вул. Горького, Якубовського, Соборна. На Донбасі і в Криму тихо."
    )
    assert found.get("вул. Михайла Гришка, 4") == "LOC"
    assert found.get("Нова Дофіновка") == "GPE"
    assert found.get("Одеської області") == "GPE"
    assert found.get("Якубовського") == "LOC"
    assert found.get("Донбасі") == "GPE"
    assert found.get("Криму") in ("GPE", "LOC")
    assert "PERSON" not in found.values()


def test_a_towns_name_before_a_surname_is_a_first_name() -> None:
    found = _labels("Про це повідомив голова КМДА Володимир Бондаренко у Лондоні.")
    assert found.get("Володимир Бондаренко") == "PERSON"
    assert found.get("Лондоні") == "GPE"  # a surname's reading (Лондон) does not hide London


def test_a_common_word_opening_a_sentence_is_no_name_and_a_surname_alone_is() -> None:
    text = "Люди, стійте! Дмитро Корнієць вийшов на волю. Корнієць працював у банку."
    found = [(m.text, m.label) for m in extract_mentions(text, "uk")]
    assert ("Люди", "PERSON") not in found
    assert ("Корнієць", "PERSON") in found


def test_a_region_named_by_its_town_is_a_place() -> None:
    """«Курщина», «Львівщина»: the region of a town, in any case form, is a place (it joins
    the region's entity through the claims' place key)."""
    for text, word in [
        ("Ця нафтобаза заправляла угруповання на Курщині: пальне йшло до фронту.", "Курщині"),
        ("Обстріли Харківщини тривали всю ніч, повідомила адміністрація.", "Харківщини"),
    ]:
        mentions = extract_mentions(text, "uk")
        assert any(m.text == word and m.label in ("GPE", "LOC") for m in mentions), mentions


def test_a_name_reading_inside_a_sentence_is_a_person() -> None:
    # pymorphy3's uk dictionary lists «Романом» as the novel first and the name second, and
    # «Даманська» as a surname only: inside a sentence either reading makes a person.
    found = _labels("Увечері ми з Романом і Оленою зайшли до сусідки, і Даманська налила чаю.")
    assert found.get("Романом") == "PERSON"
    assert found.get("Оленою") == "PERSON"
    assert found.get("Даманська") == "PERSON"
    # a capitalised adjective that is also a surname's form stays no person
    assert _labels("Сніг випав у Полтавській і Сумській областях.").get("Полтавській") != ("PERSON")


def test_a_name_opening_a_sentence_is_the_person_the_text_names_elsewhere() -> None:
    found = [
        (m.text, m.label)
        for m in extract_mentions("Роман прийшов пізно. Потім ми пішли з Романом у кіно.", "uk")
    ]
    assert ("Роман", "PERSON") in found
    assert ("Романом", "PERSON") in found
    assert "Роман" not in _labels("Роман у двох томах вийшов торік. Автор його переписав.")


def test_a_first_name_opening_a_sentence_with_its_verb_is_a_person() -> None:
    # the verb agrees with the name: past tense in its gender, or present in the 3rd person
    found = _labels("Вечоріло. Марина швидко купила хліб. Сава довго мовчав.")
    assert found.get("Марина") == "PERSON"
    assert found.get("Сава") == "PERSON"
    assert "Марина" not in _labels("Марина, де ти?")  # no verb: no evidence
    # a surname the dictionary lacks; a surname that is also a common word is no evidence
    assert _labels("Вечоріло. Шмідтке обережно визирнув у вікно.").get("Шмідтке") == "PERSON"
    assert "Вітер" not in _labels("Вітер плутався між деревами.")


def test_a_first_name_beside_a_surname_is_one_person() -> None:
    found = _labels("Лист підписала Ірина Плевнік, а передала його Христина.")
    assert found.get("Ірина Плевнік") == "PERSON"
    assert "Плевнік" not in found
    assert found.get("Христина") == "PERSON"
