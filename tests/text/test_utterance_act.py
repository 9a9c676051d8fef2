"""A speaker's own line in a call: a statement only when it says something, with its act by
the text rules (question, denial, urging, hedged)."""

from __future__ import annotations

import pytest

from overheard.text.statements.utterance import utterance_act


@pytest.mark.parametrize("text", ["Да,", "Мы,", "Понял, принял.", "Алло!", "Слышу, слышу,", "Yes."])
def test_a_line_that_says_nothing_is_no_statement(text: str) -> None:
    assert utterance_act(text, "ru") is None


@pytest.mark.parametrize(
    ("text", "lang", "act"),
    [
        ("Алло, Серега, слышишь меня?", "ru", "question"),
        ("Это фейк, никто там не стрелял.", "ru", "deny"),
        ("Езжай сам к Петренко, скажешь, что от меня.", "ru", "urge"),
        ("Не стреляй по своим, там наши.", "ru", "urge"),
        ("Передай им, що ми відходимо.", "uk", "urge"),
        ("Tell them we are pulling back now.", "en", "urge"),
        ("Пайки на роту пришли, но нам их не отдают.", "ru", "assert"),
        ("Квадрат 61", "ru", "assert"),  # short, but a figure
        ("We got nothing on Monday.", "en", "assert"),
    ],
)
def test_the_act_of_a_line(text: str, lang: str, act: str) -> None:
    found = utterance_act(text, lang)
    assert found is not None and found.act == act


def test_a_hedged_line() -> None:
    found = utterance_act("Вроде бы пайки пришли вчера вечером.", "ru")
    assert found is not None and found.hedged and found.hedges == ["вроде бы"]
    plain = utterance_act("Пайки пришли вчера вечером.", "ru")
    assert plain is not None and not plain.hedged
