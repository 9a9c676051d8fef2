"""Decoding loops, found in the words Whisper wrote, and how a window's candidates are ranked.

A loop is Whisper repeating its own last few tokens instead of listening: on a dictated grid
square («квадрат шестьдесят один тридцать четыре», read back) base wrote "квадрат 60 1 3 4 1 3
4 1 3 4 1 3 1 3 1 3 …" to the token cap, so the rest of the window was never decoded. The
compression ratio of such a segment stayed under 2.4 (short, varied digits) and the old check
wanted one unit four times in a row, so it passed.

The rule here (docs/SPEECH.md): a unit of one word repeated 4 times in a row, or of 2-4 words
repeated 3 times, or one digit string whose digits cycle (``134134134``). People do repeat
themselves («да, да, да», «приём, приём, приём», "one two three four" counted once) and those
stay under the thresholds. A loop is not dropped on sight: the window is decoded again
(see ``Transcriber._decode_window``) and the candidate with the best average log-probability,
less a penalty for the share of its words that loop, is kept; what still loops in the winner
is cut to its first two occurrences, and the cut words are recorded as dropped.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(r"\w+", re.UNICODE)
# (unit length in words, repeats in a row that make a loop)
_RULES = ((1, 4), (2, 3), (3, 3), (4, 3))
# A digit string this long made of a 1-4 digit cycle is a loop ("1341341341"), not a number.
_MIN_CYCLING_DIGITS = 9
# Repeats of a loop's unit kept when the loop is cut: the speaker may have said it twice.
_KEEP_REPEATS = 2
# Score penalty for a candidate whose every word is inside a loop (scaled by the share).
LOOP_PENALTY = 2.0


@dataclass(frozen=True)
class Loop:
    """Words ``start`` .. ``end`` (exclusive) are one unit of ``size`` words repeated."""

    start: int
    size: int
    repeats: int

    @property
    def end(self) -> int:
        return self.start + self.size * self.repeats


def normalise_words(words: Sequence[str]) -> list[str]:
    """One comparable token per word: lower case, ё->е, punctuation dropped ("1," == "1")."""
    return ["".join(_TOKEN.findall(w.lower().replace("ё", "е"))) for w in words]


def find_loop(tokens: Sequence[Any]) -> Loop | None:
    """The loop covering the most tokens in ``tokens`` (words, or any comparable tokens), or
    None. Empty tokens (punctuation alone) never start a unit."""
    best: Loop | None = None
    n = len(tokens)
    for size, needed in _RULES:
        i = 0
        while i + size * needed <= n:
            unit = list(tokens[i : i + size])
            if not all(str(t) for t in unit):
                i += 1
                continue
            reps = 1
            while list(tokens[i + reps * size : i + (reps + 1) * size]) == unit:
                reps += 1
            if reps >= needed:
                found = Loop(i, size, reps)
                if best is None or found.size * found.repeats > best.size * best.repeats:
                    best = found
                i += size * reps
            else:
                i += 1
    return best


def cycling_digits(token: str) -> bool:
    """A digit string made of one 1-4 digit unit repeated (``134134134``, maybe after up to 4
    other digits): a loop inside a single word, which the word-level rule cannot see."""
    digits = re.sub(r"\D", "", token)
    if len(digits) < _MIN_CYCLING_DIGITS or len(digits) != len(token.strip(" ,.")):
        return False
    # The cycle may follow a real number's first digits ("6" then "134134134").
    for lead in range(0, 5):
        tail = digits[lead:]
        if len(tail) < _MIN_CYCLING_DIGITS:
            break
        for period in range(1, 5):
            if (tail[:period] * (len(tail) // period + 1))[: len(tail)] == tail:
                return True
    return False


def segment_words(seg: Any) -> list[str]:
    """A Whisper segment's words: its word timestamps when it has them, else its text."""
    if getattr(seg, "words", None):
        return [w.word for w in seg.words]
    return str(seg.text).split()


def looping_words(seg: Any) -> int:
    """How many of a segment's words are inside a loop (0 when it does not loop)."""
    words = segment_words(seg)
    loop = find_loop(normalise_words(words))
    count = loop.size * loop.repeats if loop else 0
    return count + sum(1 for w in words if cycling_digits(w))


def loops(segments: Sequence[Any]) -> bool:
    return any(looping_words(seg) for seg in segments)


def score(segments: Sequence[Any]) -> float:
    """Rank of one decoding of a window: average log-probability per token over its segments,
    less ``LOOP_PENALTY`` times the share of its words that loop. A candidate with no text at
    all ranks last: an empty window is how a loop's rest-of-call loss looks from outside."""
    tokens = sum(max(1, len(getattr(s, "tokens", ()) or ())) for s in segments)
    words = sum(len(segment_words(s)) for s in segments)
    if not segments or not words:
        return float("-inf")
    logprob = (
        sum(float(s.avg_logprob) * max(1, len(getattr(s, "tokens", ()) or ())) for s in segments)
        / tokens
    )
    looped = sum(looping_words(s) for s in segments)
    return logprob - LOOP_PENALTY * looped / words


def cut_loop(seg: Any) -> tuple[Any, str] | None:
    """The segment with its loop cut after ``_KEEP_REPEATS`` occurrences of the unit, and the
    cut text; None when it does not loop. Word times are kept for the words that stay."""
    words = segment_words(seg)
    loop = find_loop(normalise_words(words))
    if loop is None:
        return None
    keep_to = loop.start + loop.size * _KEEP_REPEATS
    kept, cut = words[:keep_to] + words[loop.end :], words[keep_to : loop.end]
    text = "".join(kept) if getattr(seg, "words", None) else " ".join(kept)
    fields = {k: getattr(seg, k) for k in ("start", "end", "avg_logprob", "no_speech_prob")}
    # Whisper's own measure (text bytes over their zlib size), for the text that is left.
    data = text.strip().encode("utf-8")
    fields["compression_ratio"] = len(data) / len(zlib.compress(data)) if data else 0.0
    fields["tokens"] = getattr(seg, "tokens", None)
    fields["words"] = (
        list(seg.words[:keep_to]) + list(seg.words[loop.end :])
        if getattr(seg, "words", None)
        else None
    )
    if fields["words"]:
        fields["end"] = max(fields["start"], fields["words"][-1].end)
    cut_text = ("".join(cut) if getattr(seg, "words", None) else " ".join(cut)).strip()
    return Segment(text=text, **fields), cut_text


@dataclass
class Segment:
    """The fields of a faster-whisper segment the pipeline reads (for a segment we rebuilt)."""

    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    tokens: Any = None
    words: Any = None
