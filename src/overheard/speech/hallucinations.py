"""Whisper segments that are not speech: the checks that drop them, and why each one exists.

Each check names a way Whisper invents text: on silence (high no-speech probability with low
confidence), in a decoding loop (high compression ratio or a short unit repeated), at very low
log-probability, or as a subtitle credit from its training data. The thresholds live in
:class:`~overheard.speech.records.TranscriberOptions`; docs/SPEECH.md has the numbers.
"""

from __future__ import annotations

import re
from typing import Any

from overheard.speech.records import TranscriberOptions

# Phrases Whisper is known to produce on silence or music (subtitle credits from its training
# data). A segment consisting of only one of them is dropped as a hallucination.
_SILENCE_PHRASES = (
    "продолжение следует",
    "субтитры сделал",
    "субтитры создавал",
    "редактор субтитров",
    "спасибо за просмотр",
    "дякую за перегляд",
    "thank you for watching",
    "thanks for watching",
    "please subscribe",
)


def reject_reason(seg: Any, opts: TranscriberOptions) -> str | None:
    """Why a faster-whisper segment is not kept (empty | no_speech | repetition | low_logprob |
    silence_phrase), or None to keep it."""
    text = seg.text.strip()
    if not text:
        return "empty"
    if seg.no_speech_prob > opts.no_speech_threshold and seg.avg_logprob < opts.logprob_threshold:
        return "no_speech"
    if seg.compression_ratio > opts.compression_ratio_threshold or _repeats(text):
        return "repetition"
    if seg.avg_logprob < opts.min_logprob:
        return "low_logprob"
    norm = _normalise_phrase(text)
    if any(norm.startswith(p) for p in _SILENCE_PHRASES) and len(norm) < 60:
        return "silence_phrase"
    return None


def _normalise_phrase(text: str) -> str:
    return re.sub(r"[^\w ]+", "", text.lower()).strip()


def _repeats(text: str, times: int = 4) -> bool:
    """A unit of one to three words repeated ``times`` times in a row: Whisper's looping."""
    words = _normalise_phrase(text).split()
    for size in (1, 2, 3):
        for i in range(0, max(0, len(words) - size * times + 1)):
            unit = words[i : i + size]
            if all(words[i + k * size : i + (k + 1) * size] == unit for k in range(times)):
                return True
    return False
