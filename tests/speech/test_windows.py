"""Turns and windows without a model: packing, pauses kept or cut, times mapped back."""

from __future__ import annotations

import numpy as np
import pytest

from overheard.speech.audio import SAMPLE_RATE, Audio
from overheard.speech.vad import Region
from overheard.speech.windows import make_turns, pack_windows


def _audio(seconds: float) -> Audio:
    samples = np.arange(int(seconds * SAMPLE_RATE), dtype=np.float32)
    return Audio(samples, SAMPLE_RATE, 1, "pcm", "wav")


def test_turns_join_one_speaker_and_split_at_a_change() -> None:
    regions = [Region(0, 1), Region(1.5, 2), Region(2.2, 3), Region(10, 11)]
    turns = make_turns(regions, ["A", "A", "B", "B"])
    assert [(t.speaker, t.start, t.end) for t in turns] == [
        ("A", 0, 2),
        ("B", 2.2, 3),
        ("B", 10, 11),
    ]


def test_short_pause_is_kept_and_long_silence_cut() -> None:
    turns = make_turns([Region(0, 1), Region(2, 3), Region(13, 14)], ["A", "A", "B"])
    for t in turns:
        t.lang = "ru"
    [window] = pack_windows(_audio(15), turns)
    # 1 s of speech, the 1 s pause as it was, 1 s, a 10 s silence cut to 0.3 s, 1 s.
    assert window.samples.size == round(4.3 * SAMPLE_RATE)
    assert window.to_original(1.4) == (pytest.approx(1.0), 0)  # a kept pause: nearest edge
    assert window.to_original(2.5) == (pytest.approx(2.5), 0)
    assert window.to_original(3.5) == (pytest.approx(13.2), 1)


def test_language_change_and_length_start_new_windows() -> None:
    regions = [Region(i * 10.0, i * 10.0 + 9.0) for i in range(5)]
    turns = make_turns(regions, ["A", "B", "A", "B", "A"])
    for t, lang in zip(turns, ["ru", "ru", "ru", "uk", "uk"], strict=True):
        t.lang = lang
    windows = pack_windows(_audio(50), turns)
    assert [(w.lang, len(w.pieces)) for w in windows] == [("ru", 3), ("uk", 2)]
    assert all(w.samples.size <= 29 * SAMPLE_RATE for w in windows)
