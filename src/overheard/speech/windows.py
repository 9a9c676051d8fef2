"""How speech regions become what Whisper decodes: turns, then windows.

A turn is consecutive regions of one speaker (language ID runs per turn). Consecutive turns of
one language are packed into windows of at most ~29 s, because the Whisper encoder always costs
a full 30 s window: packing, not batching, is what brings the real-time factor down on a CPU.
A window remembers where each piece came from, so window times map back to the original.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from overheard.speech.audio import SAMPLE_RATE, Audio, FloatArray
from overheard.speech.vad import Region

# A window holds at most this much audio; Whisper's encoder sees 30 s at a time.
_WINDOW_S = 29.0
# Silence put between packed regions so Whisper sees a pause where the original had one.
_GAP_S = 0.3
# Pauses up to this long are kept as they were (audio included): cutting every pause between
# VAD regions cost ~10 WER points on the intercepts (clipped word edges, no breathing room);
# only long silences are worth cutting.
_KEEP_GAP_S = 2.0
# Regions of one speaker closer than this join one turn (sentences of one speaker are 0.35-0.6 s
# apart in the intercepts, real calls similar).
_TURN_GAP_S = 1.5
_TURN_MAX_S = 29.0
# span_windows: a silence longer than this ends a window (not worth decoding, and where Whisper
# invents text); shorter pauses stay in, as they were recorded.
LONG_GAP_S = 5.0
# Recorded audio kept before a window's first and after its last speech region. 1.0 s brought
# back a first word Silero started late on (call_04 «Слушай») but scored worse than 0.3 s on 6
# of 10 generated calls (docs/EVAL.md, issue 11).
_PAD_S = 0.3


@dataclass
class Turn:
    """Consecutive regions of one speaker: the unit of language ID."""

    speaker: str
    channel: int | None
    regions: list[Region]
    lang: str = ""
    lang_prob: float = 0.0

    @property
    def start(self) -> float:
        return self.regions[0].start

    @property
    def end(self) -> float:
        return self.regions[-1].end

    @property
    def speech(self) -> float:
        return sum(r.duration for r in self.regions)


@dataclass
class Piece:
    """A region placed inside a window: window time [offset, offset+length) maps to original."""

    offset: float
    length: float
    region: Region
    turn: int
    gap_before: float = 0.0


@dataclass
class Window:
    """Audio for one Whisper call, in one language, and where each piece of it came from."""

    lang: str
    pieces: list[Piece]
    samples: FloatArray

    def to_original(self, t: float) -> tuple[float, int]:
        """Original time and turn index of a window time (clamped into the nearest piece)."""
        best = self.pieces[0]
        for piece in self.pieces:
            if t >= piece.offset - piece.gap_before / 2:
                best = piece
            else:
                break
        local = min(max(t - best.offset, 0.0), best.length)
        return best.region.start + local, best.turn


def split_window(window: Window) -> tuple[Window, Window] | None:
    """The window as two shorter ones, cut at the piece boundary nearest its middle, or inside
    its only piece at the quietest 50 ms of the middle third. A window whose decoding loops
    is decoded again in halves: a loop then costs at most half the window, never the rest of
    it. None when the window is too short to halve (under 2 s)."""
    total = window.samples.size / SAMPLE_RATE
    if total < 2.0:
        return None
    if len(window.pieces) > 1:
        cut = min(window.pieces[1:], key=lambda p: abs(p.offset - total / 2))
        at = cut.offset - cut.gap_before
        first = [p for p in window.pieces if p.offset < cut.offset]
        second = [
            Piece(
                p.offset - cut.offset, p.length, p.region, p.turn, 0.0 if p is cut else p.gap_before
            )
            for p in window.pieces
            if p.offset >= cut.offset
        ]
        a, b = int(at * SAMPLE_RATE), int(cut.offset * SAMPLE_RATE)
        return (
            Window(window.lang, first, window.samples[:a]),
            Window(window.lang, second, window.samples[b:]),
        )
    piece = window.pieces[0]
    frame = int(0.05 * SAMPLE_RATE)
    lo, hi = window.samples.size // 3, 2 * window.samples.size // 3
    energies = [
        float(np.sum(window.samples[i : i + frame] ** 2)) for i in range(lo, hi - frame, frame)
    ]
    at = (
        lo + frame * int(np.argmin(energies)) + frame // 2 if energies else window.samples.size // 2
    )
    t = at / SAMPLE_RATE
    region = piece.region
    left = Region(region.start, region.start + t - piece.offset, region.channel)
    right = Region(left.end, region.end, region.channel)
    return (
        Window(window.lang, [Piece(0.0, left.duration, left, piece.turn)], window.samples[:at]),
        Window(window.lang, [Piece(0.0, right.duration, right, piece.turn)], window.samples[at:]),
    )


def sub_window(window: Window, pieces: list[Piece], pad: float = _PAD_S) -> Window:
    """The part of ``window`` holding ``pieces`` (consecutive pieces of it) and ``pad`` seconds
    of its audio either side, as a window of its own."""
    start = max(0.0, pieces[0].offset - min(pad, pieces[0].gap_before or pad))
    end = min(window.samples.size / SAMPLE_RATE, pieces[-1].offset + pieces[-1].length + pad)
    moved = [
        Piece(p.offset - start, p.length, p.region, p.turn, p.gap_before if i else 0.0)
        for i, p in enumerate(pieces)
    ]
    samples = window.samples[int(round(start * SAMPLE_RATE)) : int(round(end * SAMPLE_RATE))]
    return Window(window.lang, moved, samples)


def make_turns(regions: list[Region], speakers: list[str]) -> list[Turn]:
    turns: list[Turn] = []
    for region, speaker in zip(regions, speakers, strict=True):
        last = turns[-1] if turns else None
        if (
            last is not None
            and last.speaker == speaker
            and region.start - last.end < _TURN_GAP_S
            and region.end - last.start <= _TURN_MAX_S
        ):
            last.regions.append(region)
        else:
            turns.append(Turn(speaker, region.channel, [region]))
    return turns


def _region_audio(audio: Audio, region: Region) -> FloatArray:
    return audio.slice(region.start, region.end, region.channel)


def turn_audio(audio: Audio, turn: Turn) -> FloatArray:
    return np.concatenate([_region_audio(audio, r) for r in turn.regions])


def span_windows(
    audio: Audio, turns: list[Turn], long_gap: float = LONG_GAP_S, pad: float = _PAD_S
) -> list[Window]:
    """Stretches of the original recording, uncut, for Whisper to decode the way it decodes a
    whole clip: a window runs from its first speech region to its last (everything between
    kept, pauses and all) and breaks only where the language or the channel changes or a
    silence is longer than ``long_gap``. faster-whisper walks a window longer than 30 s itself,
    passing each 30 s its previous text, as on a whole clip.

    Why not pack speech tightly (``pack_windows``): on generated calls, windows spliced from
    VAD regions decoded worse than Whisper on the whole clip (docs/EVAL.md, issue 11): a
    spliced-in silence made Whisper end a window early and drop its last turn, and word edges
    clipped by VAD came out wrong. Here VAD only decides where long silence can be skipped.
    ``pad`` seconds of the recording before the first and after the last region are included
    (never reaching into the neighbouring window) so a word's edge is never cut."""
    windows: list[Window] = []
    # (language, channel, [(region, turn index)]) for each window to be
    runs: list[tuple[str, int | None, list[tuple[Region, int]]]] = []
    last: Region | None = None
    for t_idx, turn in enumerate(turns):
        for region in turn.regions:
            if (
                runs
                and last is not None
                and runs[-1][0] == turn.lang
                and runs[-1][1] == region.channel
                and 0.0 <= region.start - last.end <= long_gap
            ):
                runs[-1][2].append((region, t_idx))
            else:
                runs.append((turn.lang, region.channel, [(region, t_idx)]))
            last = region
    for i, (lang, channel, members) in enumerate(runs):
        first, end = members[0][0], members[-1][0]
        lower = runs[i - 1][2][-1][0].end if i > 0 and runs[i - 1][1] == channel else 0.0
        following = runs[i + 1] if i + 1 < len(runs) else None
        upper = (
            following[2][0][0].start
            if following is not None and following[1] == channel
            else audio.duration
        )
        start_s = min(max(lower, first.start - pad, 0.0), first.start)
        end_s = max(min(upper, end.end + pad, audio.duration), end.end)
        pieces: list[Piece] = []
        prev_end = start_s
        for region, t_idx in members:
            gap = region.start - prev_end if pieces else 0.0
            pieces.append(Piece(region.start - start_s, region.duration, region, t_idx, gap))
            prev_end = region.end
        windows.append(Window(lang, pieces, audio.slice(start_s, end_s, channel)))
    return windows


def pack_windows(audio: Audio, turns: list[Turn]) -> list[Window]:
    """Consecutive same-language turns into windows of at most ~29 s of audio, speech packed
    tightly (long silences cut to 0.3 s). Kept to measure against ``span_windows``."""
    windows: list[Window] = []
    gap = np.zeros(int(_GAP_S * SAMPLE_RATE), dtype=np.float32)
    current: Window | None = None
    chunks: list[FloatArray] = []
    length = 0.0

    def close() -> None:
        nonlocal current, chunks, length
        if current is not None and current.pieces:
            current.samples = np.concatenate(chunks).astype(np.float32)
            windows.append(current)
        current, chunks, length = None, [], 0.0

    last: Region | None = None
    for t_idx, turn in enumerate(turns):
        for region in turn.regions:
            piece_audio = _region_audio(audio, region)
            dur = len(piece_audio) / SAMPLE_RATE
            pause = region.start - last.end if last is not None else _GAP_S
            keep = (
                last is not None and 0.0 <= pause <= _KEEP_GAP_S and region.channel == last.channel
            )
            gap_len = pause if keep else _GAP_S
            if current is not None and (
                current.lang != turn.lang or length + gap_len + dur > _WINDOW_S
            ):
                close()
            if current is None:
                current = Window(turn.lang, [], np.zeros(0, dtype=np.float32))
                gap_len = 0.0
            elif chunks:
                assert last is not None
                chunks.append(audio.slice(last.end, region.start, region.channel) if keep else gap)
                length += gap_len
            current.pieces.append(Piece(length, dur, region, t_idx, gap_len))
            chunks.append(piece_audio)
            length += dur
            last = region
    close()
    return windows
