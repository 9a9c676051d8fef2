"""The loop guard: loops found in decoded words, normal repetition left alone, and the window's
re-decoding keeping the candidate that does not loop. No model: segments are made here."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from overheard.speech.audio import SAMPLE_RATE
from overheard.speech.loops import (
    Loop,
    Segment,
    cut_loop,
    cycling_digits,
    find_loop,
    loops,
    normalise_words,
    score,
)
from overheard.speech.records import TranscriberOptions
from overheard.speech.transcribe import Transcriber
from overheard.speech.vad import Region
from overheard.speech.windows import Piece, Turn, Window, split_window


def seg(text: str, logprob: float = -0.3, start: float = 0.0, end: float = 5.0) -> Segment:
    return Segment(start, end, text, logprob, 0.01, 1.5, tokens=list(range(len(text.split()))))


# The issue's case: «квадрат шестьдесят один тридцать четыре» read back, decoded as a cycle.
ISSUE = "квадрат 60 1 3 4 1 3 4 1 3 4 1 3 1 3 1 3 1 3"


@pytest.mark.parametrize(
    "text",
    [
        ISSUE,
        "квадрат 60 1 3 4, 1 3 4, 1 3 4",  # a 3-word unit three times
        "1 3 1 3 1 3",  # a 2-word unit three times
        "приём приём приём приём приём",  # one word five times
        "так точно так точно так точно так точно",
        "по улитке семь по улитке семь по улитке семь по улитке семь",
    ],
)
def test_loops_are_found(text: str) -> None:
    assert find_loop(normalise_words(text.split())) is not None
    assert loops([seg(text)])


@pytest.mark.parametrize(
    "text",
    [
        "да, да, да, понял",  # said three times: people do
        "Приём, приём, приём. Как слышно?",
        "one two three four",
        "раз, два, раз, два, проверка связи",
        "квадрат 61 34 по улитке 7, повторяю, квадрат 61 34 по улитке 7",  # read back once
        "частота 145 500, повторяю 145 500",
        "",
    ],
)
def test_normal_repetition_is_not_a_loop(text: str) -> None:
    assert find_loop(normalise_words(text.split())) is None
    assert not loops([seg(text)])


def test_loop_position_and_tokens() -> None:
    # Works on any comparable tokens, e.g. Whisper token ids.
    assert find_loop([7, 1, 3, 4, 1, 3, 4, 1, 3, 4, 9]) == Loop(1, 3, 3)
    assert find_loop(["a", "b"]) is None


def test_cycling_digits_inside_one_word() -> None:
    assert cycling_digits("134134134134")
    assert cycling_digits("1111111111,")
    assert not cycling_digits("145500")  # a frequency
    assert not cycling_digits("1234567890")
    assert loops([seg("квадрат 6134134134134")])


def test_score_prefers_the_candidate_that_does_not_loop() -> None:
    # The loop has the better raw log-probability (Whisper is confident in its own loop).
    looping = [seg(ISSUE, logprob=-0.2)]
    clean = [seg("квадрат 61 34 по улитке 7", logprob=-0.6), seg("понял, 61 34", logprob=-0.5)]
    assert score(clean) > score(looping)
    assert score([]) == float("-inf")
    assert score([seg("да, да, да", -0.4)]) == pytest.approx(-0.4)


def test_cut_loop_keeps_two_occurrences_and_the_words_after() -> None:
    out = cut_loop(seg("квадрат 60 1 3 4 1 3 4 1 3 4 1 3 4 конец"))
    assert out is not None
    kept, cut = out
    assert kept.text == "квадрат 60 1 3 4 1 3 4 конец"
    assert cut == "1 3 4 1 3 4"
    assert kept.compression_ratio < 2.4
    assert cut_loop(seg("да, да, да")) is None


def _window(pieces: int, seconds: float = 12.0) -> Window:
    samples = np.full(int(seconds * SAMPLE_RATE), 0.1, dtype=np.float32)
    length = seconds / pieces
    parts = [
        Piece(i * length, length, Region(100 + i * length, 100 + (i + 1) * length), i)
        for i in range(pieces)
    ]
    return Window("ru", parts, samples)


def test_split_window_maps_times_back() -> None:
    halves = split_window(_window(4))
    assert halves is not None
    first, second = halves
    assert [p.turn for p in first.pieces] == [0, 1]
    assert [p.turn for p in second.pieces] == [2, 3]
    assert second.to_original(0.5) == (106.5, 2)
    assert first.samples.size + second.samples.size == 12 * SAMPLE_RATE
    one = split_window(_window(1))
    assert one is not None
    a, b = one
    assert a.pieces[0].region.end == b.pieces[0].region.start
    assert b.to_original(0.0)[0] == pytest.approx(a.pieces[0].region.end)
    assert split_window(_window(1, seconds=1.0)) is None


class _Scripted(Transcriber):
    """A Transcriber whose Whisper answers from a script: the first call loops."""

    def __init__(self, answers: dict[str, list[Segment]]) -> None:
        self.options = TranscriberOptions()
        self.answers = answers
        self.calls: list[tuple[float, int | None, bool]] = []

    def _run_whisper(
        self, window: Window, task: str, beam_size: int | None = None, retry: bool = False
    ) -> Any:
        seconds = window.samples.size / SAMPLE_RATE
        self.calls.append((seconds, beam_size, retry))
        if not retry:
            return iter(self.answers["first"])
        key = "whole" if seconds > 10 else "half"
        return iter(self.answers[key])


def test_redecode_keeps_the_non_looping_candidate() -> None:
    window = _window(4)
    turns = [Turn("A", None, [p.region], "ru", 0.9) for p in window.pieces]
    fake = _Scripted(
        {
            "first": [seg(ISSUE, logprob=-0.15, end=12.0)],
            "whole": [seg("квадрат 60 1 3 4 1 3 4 1 3 4", logprob=-0.3, end=12.0)],
            "half": [seg("квадрат 61 34 по улитке 7", logprob=-0.5, end=6.0)],
        }
    )
    kept, dropped = fake._decode_window(window, turns)
    assert [u.text for u in kept] == ["квадрат 61 34 по улитке 7"] * 2
    assert kept[1].start >= 106.0  # the second half maps back to its own time
    assert not dropped
    assert fake.calls[0] == (12.0, None, False)
    assert {c[1] for c in fake.calls[1:]} == {5} and all(c[2] for c in fake.calls[1:])


def test_a_window_that_does_not_loop_is_decoded_once() -> None:
    window = _window(2)
    turns = [Turn("A", None, [p.region], "ru", 0.9) for p in window.pieces]
    fake = _Scripted({"first": [seg("да, да, да, понял, квадрат 61 34", end=11.0)]})
    kept, _ = fake._decode_window(window, turns)
    assert len(fake.calls) == 1
    assert kept[0].text == "да, да, да, понял, квадрат 61 34"


def test_a_loop_in_every_candidate_is_cut_not_lost() -> None:
    window = _window(1, seconds=1.5)  # too short to halve
    turns = [Turn("A", None, [p.region], "ru", 0.9) for p in window.pieces]
    looping = [seg("квадрат 60 1 3 4 1 3 4 1 3 4 1 3 4", end=1.5)]
    fake = _Scripted({"first": looping, "whole": looping, "half": looping})
    kept, dropped = fake._decode_window(window, turns)
    assert [u.text for u in kept] == ["квадрат 60 1 3 4 1 3 4"]
    assert [(d.text, d.reason) for d in dropped] == [("1 3 4 1 3 4", "loop")]
