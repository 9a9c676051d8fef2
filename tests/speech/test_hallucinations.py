"""The hallucination checks on stand-ins for faster-whisper segments (no model needed)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from overheard.speech.hallucinations import reject_reason
from overheard.speech.records import TranscriberOptions


def _seg(text: str, no_speech: float = 0.1, logprob: float = -0.3, ratio: float = 1.2):
    return SimpleNamespace(
        text=text, no_speech_prob=no_speech, avg_logprob=logprob, compression_ratio=ratio
    )


@pytest.mark.parametrize(
    ("seg", "reason"),
    [
        (_seg("Запиши время и частоту."), None),
        (_seg("   "), "empty"),
        (_seg("Да.", no_speech=0.9, logprob=-1.2), "no_speech"),
        (_seg("Да.", no_speech=0.9, logprob=-0.5), None),  # sure of its words: kept
        (_seg("text", ratio=2.6), "repetition"),
        (_seg("так точно так точно так точно так точно"), "repetition"),
        (_seg("Приём.", logprob=-1.7), "low_logprob"),
        (_seg("Продолжение следует..."), "silence_phrase"),
        (_seg("Thanks for watching!"), "silence_phrase"),
    ],
)
def test_reject_reason(seg, reason) -> None:
    assert reject_reason(seg, TranscriberOptions()) == reason
