"""Audio to time-coded, speaker-labelled, language-tagged utterances (issue 3).

The pipeline, and why it is shaped this way (numbers in docs/SPEECH.md):

1. decode (audio.py) to 16 kHz; stereo channels kept.
2. VAD (vad.py) per channel when the channels carry different parties, else on the mono mix.
3. diarization (diarize.py) on the VAD regions: channels, or voice embeddings + clustering.
4. turns: consecutive regions of one speaker, at most ~30 s.
5. language ID per turn with Whisper's detector restricted to the allowed languages. The
   encoder runs on the turn's own length rather than a padded 30 s window: CTranslate2 accepts
   shorter inputs and on the intercepts the top language matched at a quarter of the cost.
6. ASR: consecutive turns of one language are packed into windows of at most 30 s of speech and
   each window is decoded once, so silence costs nothing and every window gets its own
   language. The Whisper encoder always costs a full 30 s window, so packing, not batching, is
   what brings the real-time factor down on a CPU.
7. Whisper segments are checked for hallucination (no-speech probability, compression ratio,
   very low log-probability, known silence phrases) and the dropped ones are counted.
8. words are mapped back to original time and split at turn boundaries, so a Whisper segment
   that runs over a speaker change becomes two utterances with the right speakers.
9. optional English rendering with Whisper's translate task, per window, for non-English speech.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from overheard import __version__
from overheard.errors import InputError, NotAvailable
from overheard.speech import diarize as diar
from overheard.speech.audio import SAMPLE_RATE, Audio, AudioSource, FloatArray, load_audio
from overheard.speech.models import INSTALL_HINT, ModelInfo, resolve_model
from overheard.speech.vad import Region, VadSettings, speech_regions

COMPONENT = "overheard.speech.transcribe"
# Bump when a change alters output for the same audio and model: the Run row records it.
PIPELINE_VERSION = "1"
TRANSLATION_BACKEND_PREFIX = "whisper-translate"
DEFAULT_LANGUAGES = ("ru", "uk", "en")

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
# Language ID looks at the first 5 s of a turn, zero-padded to 5 s (see language_probs).
_LID_MAX_S = 5.0
_MAX_TOKENS_PER_S = 12.0

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

ProgressCallback = Callable[[float, float], None]


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
    reason: str  # no_speech | repetition | low_logprob | silence_phrase


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
    speaker_distance: float = diar.DEFAULT_DISTANCE_THRESHOLD
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
    # Language ID below this probability defers to the speaker's (or recording's) language.
    lid_confident: float = 0.6

    def params(self) -> dict[str, Any]:
        data = asdict(self)
        data["model_path"] = str(self.model_path) if self.model_path else None
        data["languages"] = list(self.languages)
        return data


@dataclass
class _Turn:
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
class _Piece:
    """A region placed inside a window: window time [offset, offset+length) maps to original."""

    offset: float
    length: float
    region: Region
    turn: int
    gap_before: float = 0.0


@dataclass
class _Window:
    lang: str
    pieces: list[_Piece]
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


def _device(requested: str) -> tuple[str, str]:
    import ctranslate2

    if requested == "auto":
        requested = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    return requested, ("float16" if requested == "cuda" else "int8")


def _usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _normalise_phrase(text: str) -> str:
    return re.sub(r"[^\w ]+", "", text.lower()).strip()


class Transcriber:
    """Load the models once; call :meth:`transcribe` for each recording."""

    def __init__(self, options: TranscriberOptions | None = None, **overrides: Any) -> None:
        opts = options or TranscriberOptions()
        if overrides:
            opts = replace(opts, **overrides)
        if opts.beam_size < 1:
            raise InputError(f"beam size must be 1 or more, not {opts.beam_size}")
        self.options = opts
        try:
            from faster_whisper import WhisperModel
            from faster_whisper.version import __version__ as fw_version
        except ImportError as exc:
            raise NotAvailable(f"speech recognition needs faster-whisper: {INSTALL_HINT}") from exc
        self.model_info: ModelInfo = resolve_model(opts.model_path)
        device, default_compute = _device(opts.device)
        self.device = device
        self.compute_type = opts.compute_type or default_compute
        try:
            self._model = WhisperModel(
                str(self.model_info.path),
                device=device,
                compute_type=self.compute_type,
                cpu_threads=opts.cpu_threads or _usable_cores(),
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise InputError(f"cannot load ASR model {self.model_info.path}: {exc}") from exc
        if not self._model.model.is_multilingual:
            # An English-only model cannot identify or transcribe anything else.
            self.languages: tuple[str, ...] = ("en",)
        else:
            supported = set(self._model.supported_languages)
            unknown = [lang for lang in opts.languages if lang not in supported]
            if unknown:
                raise InputError(f"languages not known to Whisper: {', '.join(unknown)}")
            self.languages = tuple(opts.languages) or DEFAULT_LANGUAGES
        self._embedder: diar.SpeakerEmbedder | None = None
        self.fw_version = fw_version

    # -- provenance -------------------------------------------------------------------------
    @property
    def version(self) -> str:
        return f"{__version__}+p{PIPELINE_VERSION}+fw{self.fw_version}"

    def provenance(self) -> dict[str, Any]:
        """What a store Run row needs: component, version, model hash, parameters."""
        return {
            "component": COMPONENT,
            "version": self.version,
            "model": self.model_info.name,
            "model_hash": self.model_info.sha256,
            "device": self.device,
            "compute_type": self.compute_type,
            "params": self.options.params(),
        }

    @property
    def translation_backend(self) -> str:
        return f"{TRANSLATION_BACKEND_PREFIX}:{self.model_info.name}@{self.model_info.sha256[:12]}"

    def embedder(self) -> diar.SpeakerEmbedder:
        if self._embedder is None:
            self._embedder = diar.SpeakerEmbedder()
        return self._embedder

    # -- stages -----------------------------------------------------------------------------
    def find_speech(self, audio: Audio) -> tuple[list[Region], bool]:
        """VAD regions; per channel (with leakage removed) when the channels hold two parties."""
        if diar.split_channels(audio):
            regions = [
                r
                for ch, samples in enumerate(audio.channels_16k)
                for r in speech_regions(samples, self.options.vad, channel=ch)
            ]
            regions = diar.drop_leakage(audio, regions)
            regions.sort(key=lambda r: (r.start, r.channel or 0))
            return regions, True
        return speech_regions(audio.samples, self.options.vad), False

    def speakers(self, audio: Audio, regions: list[Region], stereo: bool) -> diar.Diarization:
        if stereo:
            return diar.by_channel(regions)
        if not self.options.diarize or not regions:
            return diar.Diarization(["A"] * len(regions), "single")
        return diar.by_embeddings(audio, regions, self.embedder(), self.options.speaker_distance)

    def language_probs(self, samples: FloatArray) -> dict[str, float]:
        """Whisper's language probabilities for one stretch of speech, renormalised over the
        allowed languages. The audio is zero-padded to 5 s before the log-mel features: on
        the 38 intercept turns this was right for 38, padding to 10 s for 37, features cut to
        the turn's own length for 35; a full 30 s window did worse still (39 of 43 in an
        earlier split) at 6x the encoder cost of 5 s."""
        if len(self.languages) == 1:
            return {self.languages[0]: 1.0}
        model = self._model
        n = int(_LID_MAX_S * SAMPLE_RATE)
        clip = np.zeros(n, dtype=np.float32)
        head = samples[:n]
        clip[: len(head)] = head
        features = model.feature_extractor(clip)[:, : int(_LID_MAX_S * 100)]
        ranked = model.model.detect_language(model.encode(features))[0]
        probs = {tok[2:-2]: p for tok, p in ranked if tok[2:-2] in self.languages}
        total = sum(probs.values())
        if total <= 0:
            return {lang: 1.0 / len(self.languages) for lang in self.languages}
        return {lang: p / total for lang, p in probs.items()}

    def assign_languages(self, audio: Audio, turns: list[_Turn]) -> None:
        """Language per turn; an unsure turn (short, noisy) takes its speaker's language.

        Whisper's detector on a one-second "да" or a noisy burst is close to a coin toss
        between the allowed languages, and a wrong language token makes Whisper translate or
        invent text. A confident turn is never overridden, so a speaker switching language
        keeps both."""
        probs = [self.language_probs(_turn_audio(audio, t)) for t in turns]
        per_speaker: dict[str, dict[str, float]] = {}
        overall: dict[str, float] = {}
        for turn, p in zip(turns, probs, strict=True):
            lang = max(p, key=lambda k: p[k])
            if p[lang] >= self.options.lid_confident:
                for bucket in (per_speaker.setdefault(turn.speaker, {}), overall):
                    bucket[lang] = bucket.get(lang, 0.0) + turn.speech
        for turn, p in zip(turns, probs, strict=True):
            lang = max(p, key=lambda k: p[k])
            if p[lang] < self.options.lid_confident:
                prior = per_speaker.get(turn.speaker) or overall
                if prior:
                    lang = max(prior, key=lambda k: prior[k])
            turn.lang, turn.lang_prob = lang, p.get(lang, 0.0)

    # -- main entry -------------------------------------------------------------------------
    def transcribe(
        self, source: Audio | AudioSource, progress: ProgressCallback | None = None
    ) -> Transcript:
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        audio = source if isinstance(source, Audio) else load_audio(source)
        timings["decode"] = time.perf_counter() - clock

        clock = time.perf_counter()
        regions, stereo = self.find_speech(audio)
        timings["vad"] = time.perf_counter() - clock

        clock = time.perf_counter()
        diarization = self.speakers(audio, regions, stereo)
        timings["diarize"] = time.perf_counter() - clock

        turns = _make_turns(regions, diarization.speakers)
        clock = time.perf_counter()
        self.assign_languages(audio, turns)
        timings["lid"] = time.perf_counter() - clock

        windows = _pack_windows(audio, turns)
        total_speech = sum(w.samples.size for w in windows) / SAMPLE_RATE
        done = 0.0
        if progress:
            progress(0.0, total_speech)
        utterances: list[Utterance] = []
        dropped: list[Dropped] = []
        asr_s = translate_s = 0.0
        for window in windows:
            clock = time.perf_counter()
            kept, rejected = self._decode_window(window, turns)
            asr_s += time.perf_counter() - clock
            if self.options.translate and window.lang != "en" and kept:
                clock = time.perf_counter()
                self._translate_window(window, kept)
                translate_s += time.perf_counter() - clock
            utterances.extend(kept)
            dropped.extend(rejected)
            done += window.samples.size / SAMPLE_RATE
            if progress:
                progress(done, total_speech)
        timings["asr"] = asr_s
        if self.options.translate:
            timings["translate"] = translate_s
        utterances.sort(key=lambda u: (u.start, u.end))

        notes = list(audio.warnings)
        if not regions:
            notes.append("no speech detected: voice activity detection found no speech regions")
        elif not utterances:
            notes.append(
                f"no speech recognised: {len(regions)} speech region(s) gave no text "
                f"({len(dropped)} hallucinated segment(s) dropped)"
            )
        stats = TranscriptStats(
            duration=audio.duration,
            speech_seconds=round(sum(r.duration for r in regions), 3),
            regions=len(regions),
            windows=len(windows),
            hallucinations_dropped=len(dropped),
            dropped=dropped,
            stage_seconds={k: round(v, 4) for k, v in timings.items()},
            diarization=diarization.method,
        )
        audio_info = {
            "name": audio.name,
            "duration": round(audio.duration, 3),
            "channels": audio.channels,
            "original_sample_rate": audio.original_sample_rate,
            "codec": audio.codec,
            "container": audio.container,
            "skipped_packets": audio.skipped_packets,
        }
        return Transcript(
            utterances,
            stats,
            self.provenance(),
            audio_info,
            notes,
            self.options.translate,
            self.translation_backend if self.options.translate else None,
        )

    # -- ASR ----------------------------------------------------------------------------------
    def _run_whisper(
        self, window: _Window, task: str, beam_size: int | None = None
    ) -> Iterator[Any]:
        opts = self.options
        seconds = window.samples.size / SAMPLE_RATE
        segments, _info = self._model.transcribe(
            window.samples,
            language=window.lang,
            task=task,
            beam_size=beam_size or opts.beam_size,
            # A looping decoder runs to Whisper's 448-token limit (19 s for one window at
            # beam 1 here). Real speech stays under ~10 tokens a second even in Russian, where
            # a word is 3-4 tokens, so cap generation in proportion to the window's length.
            # 220 leaves room for the 224-token previous-text prompt within the 448 limit.
            max_new_tokens=min(220, int(_MAX_TOKENS_PER_S * seconds) + 16),
            vad_filter=False,  # our VAD already ran; faster-whisper's defaults lose phone speech
            word_timestamps=opts.word_timestamps and task == "transcribe",
            condition_on_previous_text=opts.condition_on_previous_text,
            # None: we apply (and count) the no-speech check ourselves instead of faster-whisper
            # silently skipping the window.
            no_speech_threshold=None,
            log_prob_threshold=opts.logprob_threshold,
            compression_ratio_threshold=opts.compression_ratio_threshold,
            temperature=[0.0, 0.2, 0.4, 0.6, 0.8, 1.0] if opts.temperature_fallback else [0.0],
        )
        return iter(segments)

    def _reject_reason(self, seg: Any) -> str | None:
        opts = self.options
        text = seg.text.strip()
        if not text:
            return "empty"
        if (
            seg.no_speech_prob > opts.no_speech_threshold
            and seg.avg_logprob < opts.logprob_threshold
        ):
            return "no_speech"
        if seg.compression_ratio > opts.compression_ratio_threshold or _repeats(text):
            return "repetition"
        if seg.avg_logprob < opts.min_logprob:
            return "low_logprob"
        norm = _normalise_phrase(text)
        if any(norm.startswith(p) for p in _SILENCE_PHRASES) and len(norm) < 60:
            return "silence_phrase"
        return None

    def _decode_window(
        self, window: _Window, turns: list[_Turn]
    ) -> tuple[list[Utterance], list[Dropped]]:
        segments = list(self._run_whisper(window, "transcribe"))
        retry = self.options.retry_beam_size
        if retry > self.options.beam_size and any(
            self._reject_reason(seg) == "repetition" for seg in segments
        ):
            # Greedy/narrow beams occasionally lock into a loop and lose the whole window; a
            # wider beam on just that window recovers it at a fraction of always using it.
            segments = list(self._run_whisper(window, "transcribe", beam_size=retry))
        kept: list[Utterance] = []
        rejected: list[Dropped] = []
        for seg in segments:
            reason = self._reject_reason(seg)
            if reason is not None:
                start, _ = window.to_original(seg.start)
                end, _ = window.to_original(seg.end)
                if reason != "empty":
                    rejected.append(Dropped(start, end, seg.text.strip(), reason))
                continue
            kept.extend(self._split_by_turn(seg, window, turns))
        return kept, rejected

    def _split_by_turn(self, seg: Any, window: _Window, turns: list[_Turn]) -> list[Utterance]:
        """One Whisper segment -> one utterance per turn its words fall in."""
        groups: list[tuple[int, list[Word]]] = []
        if seg.words:
            for w in seg.words:
                start, turn_idx = window.to_original((w.start + w.end) / 2)
                w_start, _ = window.to_original(w.start)
                w_end, _ = window.to_original(w.end)
                word = Word(
                    round(w_start, 3),
                    round(max(w_end, w_start), 3),
                    w.word,
                    round(w.probability, 4),
                )
                if groups and groups[-1][0] == turn_idx:
                    groups[-1][1].append(word)
                else:
                    groups.append((turn_idx, [word]))
        else:
            _, turn_idx = window.to_original((seg.start + seg.end) / 2)
            groups.append((turn_idx, []))
        out = []
        for turn_idx, words in groups:
            turn = turns[turn_idx]
            if words:
                text = "".join(w.word for w in words).strip()
                start, end = words[0].start, words[-1].end
            else:
                text = seg.text.strip()
                start, _ = window.to_original(seg.start)
                end, _ = window.to_original(seg.end)
            if not text:
                continue
            out.append(
                Utterance(
                    start=round(start, 3),
                    end=round(max(end, start), 3),
                    speaker=turn.speaker,
                    lang=turn.lang,
                    lang_prob=round(turn.lang_prob, 4),
                    text=text,
                    avg_logprob=round(float(seg.avg_logprob), 4),
                    no_speech_prob=round(float(seg.no_speech_prob), 4),
                    compression_ratio=round(float(seg.compression_ratio), 3),
                    words=words,
                    channel=turn.channel,
                )
            )
        return out

    def _translate_window(self, window: _Window, utterances: list[Utterance]) -> None:
        """Whisper's translate task on the same window; each English segment goes to the
        utterance it overlaps most in time."""
        parts: dict[int, list[str]] = {}
        for seg in self._run_whisper(window, "translate"):
            if self._reject_reason(seg) is not None:
                continue
            start, _ = window.to_original(seg.start)
            end, _ = window.to_original(seg.end)
            best, overlap = -1, -1.0
            for i, utt in enumerate(utterances):
                ov = min(end, utt.end) - max(start, utt.start)
                if ov > overlap:
                    best, overlap = i, ov
            if best >= 0:
                parts.setdefault(best, []).append(seg.text.strip())
        for i, texts in parts.items():
            utterances[i].translation_en = " ".join(texts)


def _repeats(text: str, times: int = 4) -> bool:
    """A word or two-word phrase repeated ``times`` times in a row: Whisper's looping."""
    words = _normalise_phrase(text).split()
    for size in (1, 2, 3):
        for i in range(0, max(0, len(words) - size * times + 1)):
            unit = words[i : i + size]
            if all(words[i + k * size : i + (k + 1) * size] == unit for k in range(times)):
                return True
    return False


def _make_turns(regions: list[Region], speakers: list[str]) -> list[_Turn]:
    turns: list[_Turn] = []
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
            turns.append(_Turn(speaker, region.channel, [region]))
    return turns


def _region_audio(audio: Audio, region: Region) -> FloatArray:
    return audio.slice(region.start, region.end, region.channel)


def _turn_audio(audio: Audio, turn: _Turn) -> FloatArray:
    return np.concatenate([_region_audio(audio, r) for r in turn.regions])


def _pack_windows(audio: Audio, turns: list[_Turn]) -> list[_Window]:
    """Consecutive same-language turns into windows of at most ~29 s of audio."""
    windows: list[_Window] = []
    gap = np.zeros(int(_GAP_S * SAMPLE_RATE), dtype=np.float32)
    current: _Window | None = None
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
                current = _Window(turn.lang, [], np.zeros(0, dtype=np.float32))
                gap_len = 0.0
            elif chunks:
                assert last is not None
                chunks.append(audio.slice(last.end, region.start, region.channel) if keep else gap)
                length += gap_len
            current.pieces.append(_Piece(length, dur, region, t_idx, gap_len))
            chunks.append(piece_audio)
            length += dur
            last = region
    close()
    return windows
