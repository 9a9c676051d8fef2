"""SRT and WebVTT renderings of a transcript, one cue per utterance, speaker in front."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol


class Cue(Protocol):
    start: float
    end: float
    speaker: str
    text: str


def _split(seconds: float) -> tuple[int, int, int, int]:
    # Work in whole milliseconds so 59.9996 s rounds to 1:00.000, never to 0:59.1000.
    total_ms = max(0, int(round(seconds * 1000)))
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return hours, minutes, secs, ms


def srt_time(seconds: float) -> str:
    h, m, s, ms = _split(seconds)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def vtt_time(seconds: float) -> str:
    h, m, s, ms = _split(seconds)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _clean(text: str) -> str:
    # A blank line ends a cue in both formats, and "-->" inside text confuses VTT parsers.
    lines = [line.strip() for line in text.replace("-->", "→").splitlines()]
    return "\n".join(line for line in lines if line)


def _times(cue: Cue) -> tuple[float, float]:
    start = max(0.0, cue.start)
    # Players drop zero-length cues; give at least one millisecond.
    return start, max(cue.end, start + 0.001)


def to_srt(cues: Iterable[Cue], render: Callable[[str], str] | None = None) -> str:
    """SubRip text. ``render`` maps each text first (e.g. profanity.mask for publication)."""
    blocks = []
    for index, cue in enumerate(cues, 1):
        start, end = _times(cue)
        text = _clean(render(cue.text) if render else cue.text)
        blocks.append(f"{index}\n{srt_time(start)} --> {srt_time(end)}\n[{cue.speaker}] {text}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: Iterable[Cue], render: Callable[[str], str] | None = None) -> str:
    """WebVTT with voice spans (<v A>), which players show as the speaker name."""
    blocks = ["WEBVTT\n"]
    for cue in cues:
        start, end = _times(cue)
        text = _vtt_escape(_clean(render(cue.text) if render else cue.text))
        speaker = _vtt_escape(cue.speaker)
        blocks.append(f"{vtt_time(start)} --> {vtt_time(end)}\n<v {speaker}>{text}</v>\n")
    return "\n".join(blocks)
