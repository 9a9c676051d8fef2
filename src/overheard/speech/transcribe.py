"""Audio to time-coded, speaker-labelled, language-tagged utterances (issue 3).

This module runs the pipeline; each stage lives where its name says. The pipeline, and why it
is shaped this way (numbers in docs/SPEECH.md):

1. decode (audio.py) to 16 kHz; stereo channels kept.
2. VAD (vad.py) per channel when the channels carry different parties, else on the mono mix.
3. diarization (diarize.py) on the VAD regions: channels, or voice embeddings + clustering.
4. turns (windows.py): consecutive regions of one speaker, at most ~29 s.
5. language ID per turn with Whisper's detector restricted to the allowed languages, on the
   turn's first 5 s zero-padded to 5 s (see ``Transcriber.language_probs``).
6. ASR: consecutive turns of one language are packed into windows (windows.py) of at most 29 s
   and each window is decoded once, so silence costs nothing and every window gets its own
   language.
7. Whisper segments are checked for hallucination (hallucinations.py: no-speech probability,
   compression ratio, very low log-probability, known silence phrases) and the dropped ones
   are counted.
8. words are mapped back to original time and split at turn boundaries, so a Whisper segment
   that runs over a speaker change becomes two utterances with the right speakers.
9. optional English rendering with Whisper's translate task, per window, for non-English speech.

What comes back is typed (records.py): a Transcript of Utterances.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from overheard import __version__
from overheard.errors import InputError, NotAvailable
from overheard.speech import diarize as diar
from overheard.speech.audio import SAMPLE_RATE, Audio, AudioSource, FloatArray, load_audio
from overheard.speech.hallucinations import reject_reason
from overheard.speech.loops import cut_loop, loops
from overheard.speech.loops import score as loop_score
from overheard.speech.models import INSTALL_HINT, ModelInfo, resolve_model
from overheard.speech.records import (
    DEFAULT_LANGUAGES,
    Dropped,
    TranscriberOptions,
    Transcript,
    TranscriptStats,
    Utterance,
    Word,
)
from overheard.speech.vad import Region, speech_regions
from overheard.speech.windows import (
    Piece,
    Turn,
    Window,
    make_turns,
    pack_windows,
    span_windows,
    split_window,
    sub_window,
    turn_audio,
)

# The typed records live in records.py; these stay importable from here as the public surface.
__all__ = ["ProgressCallback", "Transcriber", "TranscriberOptions", "Transcript"]

COMPONENT = "overheard.speech.transcribe"
# Bump when a change alters output for the same audio and model: the Run row records it.
PIPELINE_VERSION = "3"  # 2: loop guard (loops.py); 3: uncut spans, recovery, switch check
TRANSLATION_BACKEND_PREFIX = "whisper-translate"

# Language ID looks at the first 5 s of a turn, zero-padded to 5 s (see language_probs).
_LID_MAX_S = 5.0
_MAX_TOKENS_PER_S = 12.0

ProgressCallback = Callable[[float, float], None]


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


def _mean_logprob(segments: Iterator[Any]) -> float:
    """Average log-probability of decoded text, weighted by segment length (-inf for none)."""
    total = weight = 0.0
    for seg in segments:
        if seg.text.strip():
            length = max(seg.end - seg.start, 0.1)
            total += seg.avg_logprob * length
            weight += length
    return total / weight if weight else float("-inf")


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

    def assign_languages(self, audio: Audio, turns: list[Turn]) -> None:
        """Language per turn; an unsure turn (short, noisy) takes its speaker's language.

        Whisper's detector on a one-second "да" or a noisy burst is close to a coin toss
        between the allowed languages, and a wrong language token makes Whisper translate or
        invent text. A confident turn is never overridden, so a speaker switching language
        keeps both."""
        probs = [self.language_probs(turn_audio(audio, t)) for t in turns]
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
        self._confirm_switches(audio, turns)

    def _confirm_switches(self, audio: Audio, turns: list[Turn]) -> None:
        """A turn in another language than the recording's main one keeps it only if Whisper
        decodes it in that language with a clearly better average log-probability.

        The detector, even confident, misnames noisy radio turns: on call_03 a Russian turn
        came out as English at 0.8 and was then decoded as an invented English sentence
        (log-probability -1.24 in English, -1.27 in Russian). Real English turns inside
        Russian calls won by 0.37-0.56. A turn that loses goes back to the main language and
        so into the main language's window, with its context."""
        spoken: dict[str, float] = {}
        for turn in turns:
            spoken[turn.lang] = spoken.get(turn.lang, 0.0) + turn.speech
        if len(spoken) < 2 or self.options.switch_margin is None:
            return
        main = max(spoken, key=lambda k: spoken[k])
        for turn in turns:
            if turn.lang == main:
                continue
            [window] = span_windows(audio, [turn], long_gap=float("inf"))
            own = _mean_logprob(self._run_whisper(window, "transcribe"))
            other = _mean_logprob(self._run_whisper(replace(window, lang=main), "transcribe"))
            if own < other + self.options.switch_margin:
                turn.lang = main

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

        turns = make_turns(regions, diarization.speakers)
        clock = time.perf_counter()
        self.assign_languages(audio, turns)
        timings["lid"] = time.perf_counter() - clock

        if self.options.windows == "packed":
            windows = pack_windows(audio, turns)
        else:
            windows = span_windows(audio, turns, self.options.long_gap_s)
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
        self,
        window: Window,
        task: str,
        beam_size: int | None = None,
        retry: bool = False,
    ) -> Iterator[Any]:
        """One Whisper call on one window. ``retry``: the window looped, so decode it without
        the previous text as prompt (a loop feeds on it) and with temperature fallback."""
        opts = self.options
        # faster-whisper applies the cap to each 30 s it decodes, not to the whole window.
        seconds = min(window.samples.size / SAMPLE_RATE, 30.0)
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
            condition_on_previous_text=opts.condition_on_previous_text and not retry,
            # None: we apply (and count) the no-speech check ourselves instead of faster-whisper
            # silently skipping the window.
            no_speech_threshold=None,
            log_prob_threshold=opts.logprob_threshold,
            compression_ratio_threshold=opts.compression_ratio_threshold,
            temperature=(
                [0.0, 0.2, 0.4, 0.6, 0.8, 1.0] if opts.temperature_fallback or retry else [0.0]
            ),
        )
        return iter(segments)

    def _decode_window(
        self, window: Window, turns: list[Turn]
    ) -> tuple[list[Utterance], list[Dropped]]:
        kept, rejected = self._keep(self._decode_with_loop_guard(window), turns)
        missed = self._uncovered(window, kept)
        for run in missed:
            more, less = self._keep(self._decode_with_loop_guard(sub_window(window, run)), turns)
            kept.extend(more)
            rejected.extend(less)
        return kept, rejected

    def _keep(
        self, pieces: list[tuple[Window, list[Any]]], turns: list[Turn]
    ) -> tuple[list[Utterance], list[Dropped]]:
        """Decoded segments to utterances, less those the checks reject (recorded as dropped)."""
        kept: list[Utterance] = []
        rejected: list[Dropped] = []
        for part, segments in pieces:
            for seg in segments:
                cut = cut_loop(seg) if self.options.loop_guard else None
                if cut is not None:
                    seg, cut_text = cut
                    start, _ = part.to_original(seg.end)
                    rejected.append(Dropped(start, start, cut_text, "loop"))
                reason = reject_reason(seg, self.options)
                if reason is not None:
                    start, _ = part.to_original(seg.start)
                    end, _ = part.to_original(seg.end)
                    if reason != "empty":
                        rejected.append(Dropped(start, end, seg.text.strip(), reason))
                    continue
                kept.extend(self._split_by_turn(seg, part, turns))
        return kept, rejected

    def _uncovered(self, window: Window, kept: list[Utterance]) -> list[list[Piece]]:
        """Runs of consecutive speech regions of ``window`` that no kept word falls in, each
        holding at least ``recover_min_s`` of speech. Whisper can end a window early (a
        predicted end of text) and the rest of it is then never decoded; plain Whisper on a
        whole clip loses the same way, by chance elsewhere."""
        if self.options.recover_min_s <= 0:
            return []
        # Word midpoints; an utterance without word times covers its whole span.
        spans = [((w.start + w.end) / 2, (w.start + w.end) / 2) for u in kept for w in u.words] + [
            (u.start, u.end) for u in kept if not u.words
        ]
        runs: list[list[Piece]] = [[]]
        for piece in window.pieces:
            region = piece.region
            if any(start <= region.end and end >= region.start for start, end in spans):
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(piece)
        return [
            run for run in runs if run and sum(p.length for p in run) >= self.options.recover_min_s
        ]

    def _decode_with_loop_guard(self, window: Window) -> list[tuple[Window, list[Any]]]:
        """Decode a window; if its text loops (loops.py), decode it again and keep the best.

        Candidates after a loop: the window at ``retry_beam_size`` without the previous text
        and with temperature fallback, and the window cut in two halves decoded the same way
        (a loop then costs at most half of it). The winner has the best average
        log-probability less a penalty for looping words (``loops.score``)."""
        first = list(self._run_whisper(window, "transcribe"))
        repetition = any(reject_reason(s, self.options) == "repetition" for s in first)
        if not self.options.loop_guard:
            if repetition and self.options.retry_beam_size > self.options.beam_size:
                retry = self.options.retry_beam_size
                return [(window, list(self._run_whisper(window, "transcribe", retry)))]
            return [(window, first)]
        if not (repetition or loops(first)):
            return [(window, first)]
        beam = max(self.options.retry_beam_size, self.options.beam_size)
        candidates = [[(window, first)]]
        candidates.append([(window, list(self._run_whisper(window, "transcribe", beam, True)))])
        halves = split_window(window)
        if halves is not None:
            candidates.append(
                [(half, list(self._run_whisper(half, "transcribe", beam, True))) for half in halves]
            )
        return max(candidates, key=lambda c: loop_score([s for _, segs in c for s in segs]))

    def _split_by_turn(self, seg: Any, window: Window, turns: list[Turn]) -> list[Utterance]:
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

    def _translate_window(self, window: Window, utterances: list[Utterance]) -> None:
        """Whisper's translate task on the same window; each English segment goes to the
        utterance it overlaps most in time."""
        parts: dict[int, list[str]] = {}
        for seg in self._run_whisper(window, "translate"):
            if reject_reason(seg, self.options) is not None:
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
