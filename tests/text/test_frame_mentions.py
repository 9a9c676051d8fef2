"""Names in a text's frame (dateline, transcript labels, the source's own name and handle) and
Ukrainian country names: mentions the NER models miss. Every text here is written for these
tests."""

from __future__ import annotations

import pytest

pytest.importorskip("overheard.text.analyze", reason="text extra not installed")

from overheard.text.analyze import analyze  # noqa: E402
from overheard.text.entities import extract_mentions  # noqa: E402
from overheard.text.statements.voice import frame_mentions  # noqa: E402

BRIEFING = (
    "Daily briefing by Colonel Taras Melnyk, spokesman for the army. Excerpt.\n\n"
    "MELNYK: Good morning. Our drone units struck a fuel depot overnight.\n\n"
    "QUESTION (Baltic Wire): Can you confirm the casualties?\n\n"
    "MELNYK: We have confirmed information about twelve soldiers killed there.\n"
)


def _framed(text: str, lang: str = "en", source: str | None = None) -> list[tuple[str, str, str]]:
    return [(m.text, m.label, m.normal) for m in frame_mentions(text, lang, [], source)]


def test_the_places_of_a_wire_dateline():
    found = _framed("KYIV/MOSCOW, March 12 (Baltic Wire) - A drone unit said on Wednesday ...")
    assert ("KYIV", "GPE", "Kyiv") in found and ("MOSCOW", "GPE", "Moscow") in found
    # An all-caps opening that is no place is left alone.
    assert not _framed("BREAKING, March 12 (Baltic Wire) - A drone unit said ...")


def test_transcript_labels_are_people_and_join_the_full_name():
    found = _framed(BRIEFING)
    assert found.count(("MELNYK", "PERSON", "Melnyk")) == 2
    assert not any(text.startswith("QUESTION") for text, _, _ in found)
    result = analyze(BRIEFING, "en")
    labels = [m for m in result.mentions if m.text == "MELNYK"]
    full = next(m for m in result.mentions if m.text == "Taras Melnyk")
    assert labels and all(m.entity == full.entity for m in labels)
    # A text with one label is not a transcript: "Source: ..." is a caption.
    assert not _framed("Source: Baltic Wire reporting from the region over the weekend.")


def test_the_sources_name_and_handle_are_one_entity():
    text = (
        "Пишите нам, анонимность гарантируем. «Курск не спит» — с вами с 2022 года. @kursk_ne_spit"
    )
    found = _framed(text, "ru", "Курск не спит (@kursk_ne_spit)")
    assert ("Курск не спит", "ORG", "Курск не спит") in found
    assert ("@kursk_ne_spit", "ORG", "Курск не спит") in found
    result = analyze(text, "ru", source="Курск не спит (@kursk_ne_spit)")
    entities = {m.entity for m in result.mentions if m.source == "frame"}
    assert len(entities) == 1
    # No source, nothing of it.
    assert not _framed(text, "ru", None)


def test_a_frame_mention_never_overlaps_the_models():
    text = "KYIV, March 12 (Baltic Wire) - Troops left the town."
    model = extract_mentions(text, "en")
    framed = frame_mentions(text, "en", model, "Baltic Wire")
    for m in framed:
        assert text[m.start : m.end] == m.text
        assert not any(o.start < m.end and m.start < o.end for o in model)


def test_ukrainian_country_names_natasha_misses():
    text = "Слава Україні! Росія знову атакувала, а судно йшло до Єгипту."
    found = {(m.text, m.normal) for m in extract_mentions(text, "uk") if m.label == "GPE"}
    # Their normal form is the gazetteer's name of the country (the Ukrainian path,
    # text/ukrainian.py): one key with the Russian and English mentions.
    assert {("Україні", "Ukraine"), ("Росія", "Russia"), ("Єгипту", "Egypt")} <= found
    # Not in Russian texts (natasha finds them there), and not a capitalised common word.
    assert not [m for m in extract_mentions("Далі буде.", "uk") if m.label == "GPE"]
