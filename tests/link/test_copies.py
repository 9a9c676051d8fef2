"""Copies of a report (``overheard.link.copies``), on texts written here: a light rewrite is a
copy, another report of the same event is not, nor is a rewrite with a changed figure; a
translation is a copy (when the embeddings are installed); the earliest published is the
original."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from overheard.link import copies
from overheard.link.copies import Text
from overheard.text.sentences import split

pytest.importorskip("datasketch", reason="copy detection needs the text extra (datasketch)")

ORIGINAL = """RIGA, June 1 (Harbour Wire) - A fire broke out overnight at a grain terminal in the Latvian port of Ventspils, the port authority said on Sunday.

The authority said 14 workers had been evacuated and two firefighters were treated for smoke inhalation. The cause of the fire was not yet known, a spokeswoman said.

"The blaze was contained by four in the morning and the terminal will reopen on Tuesday," port director Aivars Kalnins told reporters.

The terminal handles about 3 million tonnes of grain a year, most of it bound for North Africa. Police have opened an investigation.

Ventspils lies on the Baltic coast about 180 km west of Riga."""

REWRITE = """A fire broke out overnight at a grain terminal in the Latvian port of Ventspils, the port authority said on Sunday, Harbour Wire reported.

The authority said 14 workers were evacuated and two firefighters were treated for smoke inhalation. The cause of the fire is not yet known.

"The blaze was contained by four in the morning and the terminal will reopen on Tuesday," port director Aivars Kalnins told reporters.

The terminal handles about 3 million tonnes of grain a year. Latvia is a member of NATO and the European Union."""

CHANGED_FIGURE = REWRITE.replace("14 workers", "40 workers")

SAME_STORY = """Latvian police said on Monday they were treating a weekend fire at a Ventspils grain terminal as possible arson, after investigators found traces of fuel near the conveyor belts.

Port director Aivars Kalnins said the terminal would reopen on Tuesday as planned and that no grain shipments had been cancelled.

Two firefighters who were treated for smoke inhalation have been discharged from hospital, the port authority said.

Officials did not say who might have started the fire. The terminal, one of the largest on the Baltic coast, ships grain mostly to North Africa."""

TRANSLATION = """РИГА, 1 июня (Harbour Wire) — Ночью на зерновом терминале в латвийском порту Вентспилс произошёл пожар, сообщило в воскресенье управление порта.

По данным управления, были эвакуированы 14 работников, ещё двум пожарным оказали помощь из-за отравления дымом. Причина пожара пока неизвестна, сообщила пресс-секретарь.

«Возгорание локализовали к четырём часам утра, терминал возобновит работу во вторник», — сказал журналистам директор порта Айварс Калныньш.

Терминал переваливает около 3 млн тонн зерна в год, большая часть которого идёт в Северную Африку. Полиция начала расследование.

Вентспилс расположен на балтийском побережье примерно в 180 км к западу от Риги."""

SAME_STORY_RU = """Вентспилс: пожар на зерновом терминале.

Местные жители ночью видели зарево над портом, в соцсетях выкладывали видео с дымом. По словам очевидцев, пожарные машины стояли у терминала до самого утра.

Официальных комментариев о причинах пока нет, но в порту уже говорят о поджоге.

Напомним, Вентспилс — один из крупнейших портов Латвии, через него идёт экспорт зерна и нефтепродуктов."""


def _text(body: str, lang: str, vectors: bool = False) -> Text:
    sentences = tuple(body[s.start : s.end] for s in split(body, lang))
    if not vectors:
        return Text(sentences, lang)
    from overheard.embed import embed_passages

    return Text(sentences, lang, embed_passages(sentences))


def _needs_embeddings() -> None:
    embed = pytest.importorskip("overheard.embed", reason="no embeddings module")
    if embed.unavailable():
        pytest.skip(f"translated copies need the embeddings: {embed.unavailable()}")


def test_a_light_rewrite_is_a_copy():
    verdict = copies.compare(_text(ORIGINAL, "en"), _text(REWRITE, "en"))
    assert verdict.copy and verdict.kind == "near"
    assert 0.5 < verdict.score <= 1.0


def test_another_report_of_the_same_event_is_not():
    verdict = copies.compare(_text(ORIGINAL, "en"), _text(SAME_STORY, "en"))
    assert not verdict.copy
    assert verdict.detail["containment"] < 0.2


def test_a_changed_figure_is_another_report():
    verdict = copies.compare(_text(ORIGINAL, "en"), _text(CHANGED_FIGURE, "en"))
    assert not verdict.copy
    assert verdict.reason == "figures differ: 14 vs 40"


def test_one_source_does_not_copy_itself():
    a, b = _text(ORIGINAL, "en"), _text(REWRITE, "en")
    same = copies.compare(Text(a.sentences, "en", source=3), Text(b.sentences, "en", source=3))
    assert not same.copy and same.reason == "same source"
    assert copies.compare(Text(a.sentences, "en", source=3), Text(b.sentences, "en", source=4)).copy


def test_figures_leave_out_days_of_dates_and_read_thousands():
    assert copies.figures("On March 28 and 29, 1,500 troops crossed") == {"1500"}
    assert copies.figures("у ніч на 28 і 29 березня пройшли 4 ешелони") == {"4"}
    assert copies.figures("12 марта погибли 12 военных, 1 500 эвакуированы") == {"12", "1500"}
    assert copies.words("Ёлка, ЁЖ!") == ["елка", "еж"]


def test_a_translation_is_a_copy():
    _needs_embeddings()
    original = _text(ORIGINAL, "en", vectors=True)
    verdict = copies.compare(original, _text(TRANSLATION, "ru", vectors=True))
    assert verdict.copy and verdict.kind == "translation"
    # The rewrite's translation is a copy too; a report of the same event in Russian is not.
    assert copies.compare(_text(REWRITE, "en", vectors=True), _text(TRANSLATION, "ru", True)).copy
    assert not copies.compare(original, _text(SAME_STORY_RU, "ru", vectors=True)).copy
    assert not copies.compare(_text(SAME_STORY, "en", True), _text(TRANSLATION, "ru", True)).copy


def test_a_translation_with_a_changed_figure_is_not():
    _needs_embeddings()
    verdict = copies.compare(
        _text(CHANGED_FIGURE, "en", vectors=True), _text(TRANSLATION, "ru", vectors=True)
    )
    assert not verdict.copy and verdict.reason == "figures differ: 40 vs 14"


def test_without_embeddings_languages_are_not_compared():
    verdict = copies.compare(_text(ORIGINAL, "en"), _text(TRANSLATION, "ru"))
    assert not verdict.copy and verdict.reason == "no embeddings"


def test_the_index_finds_the_rewrite_among_few_candidates():
    index = copies.CopyIndex()
    index.add(1, copies.sketch(ORIGINAL), "en", None)
    index.add(2, copies.sketch(SAME_STORY), "en", None)
    # Unrelated reports (each its own words) are not candidates: no pairwise pass over a case.
    rng = np.random.default_rng(0)
    vocabulary = [f"w{i}" for i in range(3000)]
    for doc_id in range(3, 203):
        index.add(doc_id, copies.sketch(" ".join(rng.choice(vocabulary, 150))), "en", None)
    candidates = index.near(copies.sketch(REWRITE))
    assert 1 in candidates and len(candidates) <= 3
    index.remove(1)
    assert 1 not in index.near(copies.sketch(REWRITE))
    assert 1 not in index and 2 in index


def test_the_index_finds_neighbours_in_other_languages_only():
    index = copies.CopyIndex()
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(100, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for i, v in enumerate(vectors):  # more than the first allocation: the matrix grows
        index.add(i, copies.sketch(f"text number {i}"), "ru" if i % 2 else "en", v)
    assert index.across(vectors[3], "en", k=1) == [3]
    assert 3 not in index.across(vectors[3], "ru", k=5)
    index.remove(3)
    assert 3 not in index.across(vectors[3], "en", k=5)


def test_the_earliest_published_is_the_original():
    march = datetime(2025, 3, 12, 7, 15)
    assert copies.original([(5, march), (2, datetime(2025, 3, 12, 10, 5)), (9, None)]) == 5
    assert copies.original([(5, march), (4, march)]) == 4
    assert copies.original([(7, None), (3, None)]) == 3
    assert copies.pairs([["a", "b", "c"], ["d"]]) == {("a", "b"), ("a", "c"), ("b", "c")}
