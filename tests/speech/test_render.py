from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from overheard.speech import profanity
from overheard.speech.subtitles import srt_time, to_srt, to_vtt, vtt_time


@dataclass
class _Cue:
    start: float
    end: float
    speaker: str
    text: str


def test_masks_ru_uk_en() -> None:
    assert profanity.mask("Такой, блять, приоритет.") == "Такой, бл***, приоритет."
    assert profanity.mask("What the fuck") == "What the f***"
    assert "су**" in profanity.mask("сука")
    assert profanity.mask("Ти йобаний") == "Ти йо*****"


def test_allow_list() -> None:
    text = "Корабля нет, употреблять нельзя, оскорблять тоже, рубля нет, assess the class."
    assert profanity.mask(text) == text
    assert profanity.find_profanity(text) == []


_PIECES = list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяfuckshit ,.!\n") + ["блять", " сука ", " fuck "]


@given(st.lists(st.sampled_from(_PIECES), max_size=80).map("".join))
def test_mask_keeps_length_and_other_characters(text: str) -> None:
    masked = profanity.mask(text)
    assert len(masked) == len(text)
    hits = profanity.find_profanity(text)
    inside = {i for h in hits for i in range(h.start, h.end)}
    for i, (a, b) in enumerate(zip(text, masked, strict=True)):
        if i not in inside:
            assert a == b
    for h in hits:
        assert masked[h.start] == text[h.start] and masked[h.end - 1] in "*" + text[h.end - 1]


@given(st.floats(min_value=0, max_value=200_000, allow_nan=False))
def test_timestamp_formats(seconds: float) -> None:
    s, v = srt_time(seconds), vtt_time(seconds)
    assert re.fullmatch(r"\d{2,}:[0-5]\d:[0-5]\d,\d{3}", s)
    assert v == s.replace(",", ".")
    h, m, rest = s.split(":")
    sec, ms = rest.split(",")
    total = int(h) * 3600 + int(m) * 60 + int(sec) + int(ms) / 1000
    assert abs(total - seconds) <= 0.0005 + 1e-9


def test_srt_and_vtt() -> None:
    cues = [_Cue(0.5, 2.25, "A", "Привет, блять"), _Cue(3, 3, "B", "a <b> & --> c")]
    srt = to_srt(cues, profanity.mask)
    assert srt.startswith("1\n00:00:00,500 --> 00:00:02,250\n[A] Привет, бл***\n")
    assert "2\n00:00:03,000 --> 00:00:03,001\n[B]" in srt
    vtt = to_vtt(cues)
    assert vtt.startswith("WEBVTT\n")
    assert "<v A>Привет, блять</v>" in vtt
    assert "&lt;b&gt; &amp; → c" in vtt
