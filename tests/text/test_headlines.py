"""A record's headline, held apart from its body (a JSON record's ``title``, a page's or a
feed item's title), is read with the text: the people and bodies it names are mentions, it
states nothing, and the body's dateline, byline and first sentence are found below it. Every
text here is written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from overheard.ingest.formats import headed
from overheard.text.analyze import analyze
from overheard.text.sentences import opening, title_line


@pytest.mark.parametrize(
    "title, body, expected",
    [
        ("Governor denies strike", "The governor said…", "Governor denies strike\n\nThe governor said…"),
        ("  Two   spaces\n", "Body.", "Two spaces\n\nBody."),
        (None, "Body.", "Body."),
        ("", "Body.", "Body."),
        # The body already opens with its headline (a text file's first line, a page's h1).
        ("Governor denies strike", "Governor denies strike\n\nThe governor said…", None),
        # A page's title is its headline and the site.
        ("Governor denies strike | Test Wire", "Governor denies strike\nThe governor…", None),
    ],
)  # fmt: skip
def test_a_headline_opens_the_text_once(title, body, expected):
    assert headed(body, title) == (body if expected is None else expected)


def test_a_question_headline_is_a_title_above_a_blank_line():
    text = "A battalion or a few hundred contract soldiers?\n\nBody text here."
    assert title_line(text) == (0, len("A battalion or a few hundred contract soldiers?"))
    assert opening(text) == text.index("Body")
    # Prose that asks, with the next line running on, is no title.
    assert title_line("Who fired first?\nNobody knows, the governor said.") is None


def test_the_headline_names_the_speaker_of_a_first_person_statement():
    text = headed(
        "Уважаемые жители Курской области! В ночь на 12 марта противник атаковал Тестовск. "
        "Погибших нет, пострадавших нет.",
        "Заявление губернатора Курской области Виктора Тестова",
    )
    result = analyze(text, "ru")
    named = [m for m in result.mentions if m.text == "Виктора Тестова"]
    assert named and named[0].label == "PERSON"
    assert not any(s.content.start < text.index("\n") for s in result.statements)


def test_the_dateline_and_byline_below_a_headline():
    wire = headed(
        "KYIV, March 12 (Test Wire) - Ukraine's army said on Wednesday that its drones hit a "
        "fuel depot.",
        "Drones hit depot, army says",
    )
    result = analyze(wire, "en")
    kyiv = [m for m in result.mentions if m.text == "KYIV"]
    assert kyiv and kyiv[0].label == "GPE"
    assert not any(s.own_voice for s in result.statements)  # a wire report, not a post

    column = headed(
        "By Helena Brandt, head of analysis, Nordic Test Risk\n\nI estimate that the ship "
        "was hit by a missile.",
        "The damage points to a missile?",
    )
    result = analyze(column, "en", source="Nordic Test Risk")
    author = [m for m in result.mentions if m.text == "Helena Brandt"]
    assert author and author[0].label == "PERSON"
    said = [s for s in result.statements if s.own_voice]
    assert said and all(result.entities[s.speaker_entity].name == "Helena Brandt" for s in said)


def test_a_json_records_title_is_stored_above_its_text(case, settings, tmp_path: Path):
    from sqlalchemy import select

    from overheard.ingest.ingest import Ingestor
    from overheard.store.schema import Document

    corpus = tmp_path / "posts.jsonl"
    record = {"title": "Ministry denies strike", "text": "The ministry denied the strike."}
    corpus.write_text(json.dumps(record), "utf-8")
    Ingestor(case, settings, workers=1).ingest([corpus])
    with case.reader() as s:
        doc = s.scalars(select(Document)).one()
    assert (doc.title, doc.text) == (
        "Ministry denies strike",
        "Ministry denies strike\n\nThe ministry denied the strike.",
    )


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Комментарий официального представителя МИД Беларуси Т. Лисовской\n\nВ связи с "
         "вопросами СМИ сообщаем следующее.", "ru"),
        ("By Helena Brandt, head of analysis, Nordic Test Risk\n\nPhotographs of the ship "
         "show a hole above the waterline.", "en"),
    ],
)  # fmt: skip
def test_no_name_runs_across_a_paragraph_break(text, lang):
    from overheard.text.entities import extract_mentions, parse_en

    mentions = extract_mentions(text, lang, parse_en(text) if lang == "en" else None)
    assert mentions
    for m in mentions:
        assert "\n\n" not in m.text and m.text == m.text.strip(), m
