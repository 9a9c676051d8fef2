"""What a transcription returns and how it is asked for: typed records, not dicts.

An :class:`Utterance` is one speaker, one language and one stretch of time; a
:class:`Transcript` holds them with the stats, notes and provenance of the run, and renders
itself as store rows (``segment_rows``, ``run_row``) and as the ``--json`` document.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from overheard.speech.diarize import DEFAULT_DISTANCE_THRESHOLD
from overheard.speech.vad import VadSettings

DEFAULT_LANGUAGES = ("ru", "uk", "en")


class Word(NamedTuple):
    start: float
    end: float
    word: str
    prob: float


@dataclass
class Utterance:
    """One speaker, one language, a stretch of time and what was said (verbatim)."""

    start: float
    end: float
    speaker: str
    lang: str
    lang_prob: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    words: list[Word] = field(default_factory=list)
    translation_en: str | None = None
    channel: int | None = None

    @property
    def confidence(self) -> float:
        """exp(avg log-probability): the per-token probability the model gave its own text."""
        return float(np.exp(self.avg_logprob))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["words"] = [list(w) for w in self.words]
        data["confidence"] = round(self.confidence, 4)
        return data


@dataclass
class Dropped:
    """A Whisper segment rejected as hallucination, kept for the record (not as text)."""

    start: float
    end: float
    text: str
    reason: str  # no_speech | repetition | low_logprob | silence_phrase | loop (a cut loop)


@dataclass
class TranscriptStats:
    duration: float
    speech_seconds: float
    regions: int
    windows: int
    hallucinations_dropped: int
    dropped: list[Dropped]
    stage_seconds: dict[str, float]
    diarization: str

    @property
    def rtf(self) -> float:
        total = sum(self.stage_seconds.values())
        return total / self.duration if self.duration else 0.0


@dataclass
class Transcript:
    utterances: list[Utterance]
    stats: TranscriptStats
    provenance: dict[str, Any]
    audio: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    translated: bool = False
    translation_backend: str | None = None

    @property
    def speakers(self) -> list[str]:
        return sorted({u.speaker for u in self.utterances})

    @property
    def languages(self) -> list[str]:
        return sorted({u.lang for u in self.utterances})

    @property
    def text(self) -> str:
        return " ".join(u.text for u in self.utterances)

    def segment_rows(self) -> list[dict[str, Any]]:
        """Rows shaped like store.schema Segment (+ its Translation rows), in time order."""
        rows = []
        for idx, u in enumerate(self.utterances):
            translations = []
            if u.translation_en is not None:
                translations.append(
                    {
                        "language": "en",
                        "text": u.translation_en,
                        "backend": self.translation_backend,
                        "machine": True,
                    }
                )
            rows.append(
                {
                    "idx": idx,
                    "start_s": u.start,
                    "end_s": u.end,
                    "speaker": u.speaker,
                    "language": u.lang,
                    "text": u.text,
                    "confidence": round(u.confidence, 4),
                    "meta": {
                        "lang_prob": u.lang_prob,
                        "avg_logprob": u.avg_logprob,
                        "no_speech_prob": u.no_speech_prob,
                        "compression_ratio": u.compression_ratio,
                        "words": [list(w) for w in u.words],
                        "channel": u.channel,
                    },
                    "translations": translations,
                }
            )
        return rows

    def run_row(self) -> dict[str, Any]:
        """store.schema Run fields for the run that made these segments."""
        p = self.provenance
        return {
            "component": p["component"],
            "version": p["version"],
            "model_hash": p["model_hash"],
            "params": {
                **p["params"],
                "model": p["model"],
                "device": p["device"],
                "compute_type": p["compute_type"],
            },
        }

    def as_dict(self) -> dict[str, Any]:
        stats = asdict(self.stats)
        stats["rtf"] = round(self.stats.rtf, 4)
        segments = [u.as_dict() for u in self.utterances]
        for seg in segments:
            if seg["translation_en"] is not None:
                seg["translation"] = {
                    "language": "en",
                    "text": seg["translation_en"],
                    "backend": self.translation_backend,
                    "machine": True,
                }
        return {
            "segments": segments,
            "speakers": self.speakers,
            "languages": self.languages,
            "audio": self.audio,
            "stats": stats,
            "notes": self.notes,
            "provenance": self.provenance,
        }


@dataclass(frozen=True)
class TranscriberOptions:
    model_path: str | Path | None = None
    beam_size: int = 3  # 1: RU WER 54 %, 3: 40.6 %, 5: 41.6 % on the intercepts (docs/SPEECH.md)
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str | None = None  # None: int8 on CPU, float16 on GPU
    # 0: one thread per core this process may use. CTranslate2's own default is 4 threads,
    # which on a 2-core laptop oversubscribes the cores and spins.
    cpu_threads: int = 0
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    vad: VadSettings = field(default_factory=VadSettings)
    diarize: bool = True
    speaker_distance: float = DEFAULT_DISTANCE_THRESHOLD
    translate: bool = False
    word_timestamps: bool = True
    condition_on_previous_text: bool = True
    # Hallucination checks, applied per Whisper segment (Whisper's own defaults for the first).
    no_speech_threshold: float = 0.6
    logprob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    # Below this the text is almost surely invented, whatever no_speech_prob says.
    min_logprob: float = -1.6
    # Re-decoding at higher temperatures when a segment looks bad cost 3-4 s per short window
    # on the intercepts and gave invented text; off by default, the checks above drop instead.
    temperature_fallback: bool = False
    # A window whose decoding loops (repetition) is decoded again with this beam size.
    retry_beam_size: int = 5
    # A window whose words loop (loops.py) is decoded again whole and in halves, best kept.
    # False: only the old check (compression ratio / a unit 4 times) and one retry at the beam.
    loop_guard: bool = True
    # How speech becomes Whisper windows: "spans" decodes stretches of the recording uncut,
    # breaking only at a language change or a silence over ``long_gap_s`` (windows.span_windows);
    # "packed" splices VAD regions into windows of at most 29 s (windows.pack_windows).
    windows: str = "spans"
    long_gap_s: float = 5.0
    # A speech region of at least ``recover_min_s`` that no kept word falls in is decoded again
    # on its own: Whisper sometimes ends a window early and skips its last turn.
    recover_min_s: float = 1.0
    # A turn in another language than the recording's main one must decode better in it by
    # this much average log-probability, or it is decoded in the main language (None: trust
    # the detector).
    switch_margin: float | None = 0.2
    # Language ID below this probability defers to the speaker's (or recording's) language.
    lid_confident: float = 0.6

    def params(self) -> dict[str, Any]:
        data = asdict(self)
        data["model_path"] = str(self.model_path) if self.model_path else None
        data["languages"] = list(self.languages)
        return data
