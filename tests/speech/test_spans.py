"""Windows as uncut stretches of the recording (span_windows), and the re-decoding of speech
that a window's decoding skipped. No model: Whisper's answers are scripted here."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from overheard.speech.audio import SAMPLE_RATE, Audio
from overheard.speech.loops import Segment
from overheard.speech.records import TranscriberOptions
from overheard.speech.transcribe import Transcriber
from overheard.speech.vad import Region
from overheard.speech.windows import Turn, Window, make_turns, span_windows, sub_window


def _audio(seconds: float) -> Audio:
    # Sample i holds i, so a window's first sample says where in the recording it starts.
    samples = np.arange(int(seconds * SAMPLE_RATE), dtype=np.float32)
    return Audio(samples, SAMPLE_RATE, 1, "pcm", "wav")


def _turns(regions: list[Region], speakers: str, langs: str) -> list[Turn]:
    turns = make_turns(regions, list(speakers))
    for turn, lang in zip(turns, langs.split(), strict=True):
        turn.lang = lang
    return turns


def test_a_span_keeps_every_pause_as_recorded_and_pads_its_edges() -> None:
    audio = _audio(20)
    turns = _turns([Region(1, 3), Region(4.5, 6), Region(7, 9)], "ABA", "ru ru ru")
    [window] = span_windows(audio, turns, pad=0.3)
    # 0.3 s before the first region to 0.3 s after the last, nothing cut or spliced.
    assert window.samples[0] == pytest.approx(0.7 * SAMPLE_RATE)
    assert window.samples.size == round(8.6 * SAMPLE_RATE)
    assert [p.offset for p in window.pieces] == pytest.approx([0.3, 3.8, 6.3])
    assert window.to_original(4.3) == (pytest.approx(5.0), 1)
    assert window.to_original(0.0) == (pytest.approx(1.0), 0)  # the pad maps to the edge
    assert window.to_original(7.0) == (pytest.approx(7.7), 2)


def test_long_silence_and_language_change_start_new_windows() -> None:
    audio = _audio(60)
    regions = [Region(1, 3), Region(4, 6), Region(14, 16), Region(16.1, 18), Region(18.2, 21)]
    turns = _turns(regions, "ABABA", "ru ru ru en ru")
    windows = span_windows(audio, turns, long_gap=5.0, pad=0.3)
    assert [(w.lang, [p.turn for p in w.pieces]) for w in windows] == [
        ("ru", [0, 1]),  # the 8 s silence ends the first window
        ("ru", [2]),
        ("en", [3]),
        ("ru", [4]),
    ]
    # Padding never reaches into the neighbouring window.
    en = windows[2]
    assert en.samples[0] == pytest.approx(16.0 * SAMPLE_RATE)
    assert en.samples.size == round(2.2 * SAMPLE_RATE)
    # A window may run past 30 s: faster-whisper walks it.
    long = _turns([Region(i * 4.0, i * 4.0 + 3.5) for i in range(12)], "AB" * 6, "ru " * 12)
    [whole] = span_windows(_audio(60), long)
    assert whole.samples.size / SAMPLE_RATE > 45


def test_sub_window_maps_its_pieces_back() -> None:
    audio = _audio(20)
    turns = _turns([Region(1, 3), Region(4.5, 6), Region(7, 9)], "ABA", "ru ru ru")
    [window] = span_windows(audio, turns, pad=0.3)
    part = sub_window(window, window.pieces[1:])
    assert part.samples[0] == pytest.approx(4.2 * SAMPLE_RATE)
    assert part.to_original(0.3) == (pytest.approx(4.5), 1)
    assert part.to_original(3.3) == (pytest.approx(7.5), 2)


def _seg(text: str, start: float, end: float) -> Segment:
    return Segment(start, end, text, -0.3, 0.01, 1.5, tokens=[1, 2, 3])


class _Scripted(Transcriber):
    """Whisper from a script: each call answers the next list of segments (window time)."""

    def __init__(self, answers: list[list[Segment]], **options: Any) -> None:
        self.options = TranscriberOptions(**options)
        self.answers = list(answers)
        self.calls: list[float] = []

    def _run_whisper(
        self, window: Window, task: str, beam_size: int | None = None, retry: bool = False
    ) -> Any:
        self.calls.append(float(window.samples[0]) / SAMPLE_RATE)
        return iter(self.answers.pop(0))


def test_speech_a_window_skipped_is_decoded_on_its_own() -> None:
    # Whisper ended the window after the second turn (a predicted end of text): the third
    # turn, 3 s of speech, would be lost. It is decoded again on its own and kept.
    audio = _audio(30)
    regions = [Region(1, 4), Region(5, 8), Region(12, 15)]
    turns = _turns(regions, "ABA", "ru ru ru")
    [window] = span_windows(audio, turns, pad=0.3)
    fake = _Scripted(
        [
            [_seg("Первый, я Второй.", 0.3, 3.3), _seg("Слушаю.", 4.3, 7.3)],
            [_seg("Двадцать два ноль ноль.", 0.3, 3.0)],
        ]
    )
    kept, dropped = fake._decode_window(window, turns)
    assert [(u.speaker, u.text) for u in kept] == [
        ("A", "Первый, я Второй."),
        ("B", "Слушаю."),
        ("A", "Двадцать два ноль ноль."),
    ]
    assert kept[2].start == pytest.approx(12.0)
    assert fake.calls == pytest.approx([0.7, 11.7])  # the window, then the third turn
    assert not dropped


def test_no_second_decoding_when_every_region_has_words_or_recovery_is_off() -> None:
    audio = _audio(30)
    turns = _turns([Region(1, 4), Region(5, 5.6), Region(9, 12)], "ABA", "ru ru ru")
    [window] = span_windows(audio, turns, pad=0.3)
    script = [[_seg("Первый, я Второй.", 0.3, 3.3), _seg("Слушаю.", 8.3, 11.3)]]
    fake = _Scripted(script)
    fake._decode_window(window, turns)  # region 2 is shorter than recover_min_s (1 s)
    assert len(fake.calls) == 1
    off = _Scripted([[_seg("Первый, я Второй.", 0.3, 3.3)]], recover_min_s=0.0)
    kept, _ = off._decode_window(window, turns)
    assert len(off.calls) == 1 and len(kept) == 1


class _ByLanguage(Transcriber):
    """Whisper from a script keyed by the language a window is decoded in."""

    def __init__(self, logprobs: dict[str, float], **options: Any) -> None:
        self.options = TranscriberOptions(**options)
        self.logprobs = logprobs
        self.calls: list[str] = []

    def _run_whisper(
        self, window: Window, task: str, beam_size: int | None = None, retry: bool = False
    ) -> Any:
        self.calls.append(window.lang)
        return iter([Segment(0.0, 3.0, "text", self.logprobs[window.lang], 0.01, 1.2)])


def _mixed_turns() -> list[Turn]:
    return _turns([Region(1, 6), Region(7, 10), Region(11, 16)], "ABA", "ru en ru")


@pytest.mark.parametrize(
    ("logprobs", "kept"),
    [
        ({"en": -0.45, "ru": -0.9}, "en"),  # a real English turn: clearly better in English
        ({"en": -1.24, "ru": -1.27}, "ru"),  # call_03: the detector's English was noise
    ],
)
def test_a_language_switch_must_decode_clearly_better(
    logprobs: dict[str, float], kept: str
) -> None:
    turns = _mixed_turns()
    fake = _ByLanguage(logprobs)
    fake._confirm_switches(_audio(20), turns)
    assert [t.lang for t in turns] == ["ru", kept, "ru"]
    assert fake.calls == ["en", "ru"]  # only the minority turn is decoded twice
    off = _ByLanguage(logprobs, switch_margin=None)
    turns = _mixed_turns()
    off._confirm_switches(_audio(20), turns)
    assert [t.lang for t in turns] == ["ru", "en", "ru"] and not off.calls
