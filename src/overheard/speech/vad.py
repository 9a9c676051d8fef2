"""Voice activity detection with the Silero VAD v6 model that faster-whisper bundles (ONNX).

faster-whisper's default options (threshold 0.5, 2 s minimum silence) kept only 22-69 % of the
speech in the phone-codec intercepts: AMR-NB and band-limiting push Silero's speech probability
down. The defaults below were chosen on ../shared/data/intercepts (docs/SPEECH.md has the sweep):
threshold 0.2 keeps 89-100 % of reference speech (mean 95.6 %) while pure static (call_08)
still gives no region; 100 ms minimum silence splits turns at the 0.3-1.0 s gaps between
speakers, so few regions mix two voices (3 of 64), which diarization needs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from overheard.errors import NotAvailable
from overheard.speech.audio import SAMPLE_RATE, FloatArray


@dataclass(frozen=True)
class VadSettings:
    threshold: float = 0.2
    min_silence_ms: int = 100
    speech_pad_ms: int = 200
    # Key-up clicks and squelch bursts on radio are 50-200 ms; no word is shorter than that.
    min_speech_ms: int = 250
    max_region_s: float = 20.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Region:
    """A stretch of speech in seconds; ``channel`` is the source channel for split stereo."""

    start: float
    end: float
    channel: int | None = None

    @property
    def duration(self) -> float:
        return self.end - self.start


def speech_regions(
    samples: FloatArray, settings: VadSettings | None = None, channel: int | None = None
) -> list[Region]:
    """Speech regions of a 16 kHz signal, in time order."""
    try:
        from faster_whisper.vad import VadOptions, get_speech_timestamps
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise NotAvailable(
            "voice activity detection needs faster-whisper: pip install 'overheard[speech]'"
        ) from exc
    settings = settings or VadSettings()
    if len(samples) == 0 or not np.any(samples):
        return []
    options = VadOptions(
        threshold=settings.threshold,
        min_speech_duration_ms=settings.min_speech_ms,
        min_silence_duration_ms=settings.min_silence_ms,
        speech_pad_ms=settings.speech_pad_ms,
        max_speech_duration_s=settings.max_region_s,
    )
    stamps = get_speech_timestamps(samples, options, sampling_rate=SAMPLE_RATE)
    return [
        Region(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE, channel)
        for s in stamps
        if s["end"] > s["start"]
    ]


def total_seconds(regions: list[Region]) -> float:
    """Speech time covered, counting overlaps between channels once per channel."""
    return float(sum(r.duration for r in regions))
