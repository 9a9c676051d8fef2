"""Masking must not hit ordinary words of news and of military calls."""

from __future__ import annotations

import pytest

from overheard.speech.profanity import is_profane, mask

INNOCENT = [
    "командир", "Командир", "командира", "команда", "скомандовал", "Кэмандир", "мандат",
    "дебаты", "колебаться", "расслабляться", "усугубляет", "неблагоприятных", "Раймонда",
    "Корабля", "употреблять", "оскорбление", "хлеба", "страхуй", "sex", "Scunthorpe",
]  # fmt: skip
PROFANE = ["сука", "нахуй", "блять", "блядь", "пиздец", "ёбаный", "йобаний", "fucking", "shit"]


@pytest.mark.parametrize("word", INNOCENT)
def test_innocent_words_stay(word):
    assert not is_profane(word)
    assert mask(word) == word


@pytest.mark.parametrize("word", PROFANE)
def test_swearing_is_masked(word):
    assert is_profane(word)
    masked = mask(word)
    assert len(masked) == len(word) and "*" in masked


def test_a_call_keeps_its_commander():
    line = "Командир сказал: нахуй такую помощь, сука."
    assert mask(line) == "Командир сказал: на*** такую помощь, су**."
