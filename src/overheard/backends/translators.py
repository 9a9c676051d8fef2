"""Translators: a piece of text (or a stretch of a recording) in, its rendering out.

Every back-end is something the user runs or has on disk; overheard never ships or fetches a
model. Each answers ``translate(pieces)`` with one rendering per piece, in order, or raises
``BackendDown`` (unreachable: nothing is stored, the stage stays pending) or ``BackendError``
(an answer that is not a translation).

- ``openai``: any server speaking OpenAI's chat-completions API (llama.cpp's server, vLLM,
  Ollama, a hosted API), with a strict translation prompt, temperature 0.
- ``libretranslate``: a LibreTranslate server (``/translate``, batches of texts).
- ``ctranslate2``: an OPUS-MT or NLLB model converted with ``ct2-transformers-converter``, with
  its SentencePiece model(s) in the same folder (needs the ``translate`` extra).
- ``whisper``: Whisper's translate task on the audio of each utterance (speech only, into
  English only): the one translator that ships with overheard.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from overheard.backends.http import BackendError, post_json
from overheard.backends.settings import BackendSettings
from overheard.errors import NotAvailable

LANGUAGE_NAMES = {
    "ru": "Russian", "uk": "Ukrainian", "en": "English", "ko": "Korean", "be": "Belarusian",
    "de": "German", "fr": "French", "pl": "Polish", "es": "Spanish",
}  # fmt: skip


@dataclass(frozen=True)
class Piece:
    """One thing to translate: a sentence or an utterance (its text; for speech back-ends also
    where it is in the recording)."""

    segment_id: int
    text: str
    language: str | None
    start_s: float | None = None
    end_s: float | None = None
    channel: int | None = None


class Translator(ABC):
    """One back-end, configured. ``backend`` and ``model`` are stored with every rendering."""

    backend: str
    speech_only = False

    def __init__(self, settings: BackendSettings) -> None:
        self.settings = settings
        self.target = settings.target

    @property
    def model(self) -> str:
        return self.settings.model or "-"

    def describe(self) -> str:
        return self.settings.describe()

    def unavailable(self) -> str | None:
        """Why this back-end cannot run as configured (a missing URL or folder), or None."""
        return None

    def load(self) -> None:  # noqa: B027 - only local models have anything to load
        """Load a local model (once per process)."""

    @abstractmethod
    def translate(self, pieces: Sequence[Piece], recording: str | None = None) -> list[str]:
        """One rendering in ``self.target`` per piece, in order."""


def folder_identity(folder: Path, weights: str) -> str:
    """A local model folder as a model id: its name and its weights' size and time, an
    identity that changes with the weights without hashing gigabytes."""
    try:
        stat = (folder / weights).stat()
    except OSError:
        return folder.name or "-"
    return f"{folder.name}@{stat.st_size}-{int(stat.st_mtime)}"


def language_name(code: str | None) -> str:
    if not code:
        return "the source language"
    return LANGUAGE_NAMES.get(code, code)


# ---------------------------------------------------------------------------- openai

SYSTEM_PROMPT = (
    "You are a translation engine for an archive of evidence. Translate the user's message "
    "from {source} into {target}. Answer with the translation only: no notes, no quotation "
    "marks, no explanations, nothing added or left out. Keep names, call signs, numbers and "
    "military terms as they are meant; render swearing and slang faithfully, uncensored. If "
    "the message is already in {target}, repeat it unchanged."
)
_THINKING = re.compile(r"<think>.*?</think>", re.DOTALL)


class OpenAITranslator(Translator):
    backend = "openai"

    def unavailable(self) -> str | None:
        if not self.settings.url:
            return "the openai translator needs a server URL (OVERHEARD_TRANSLATOR_URL)"
        if not self.settings.model:
            return "the openai translator needs a model name (OVERHEARD_TRANSLATOR_MODEL)"
        return None

    def translate(self, pieces: Sequence[Piece], recording: str | None = None) -> list[str]:
        if len(pieces) <= 1 or self.settings.concurrency <= 1:
            return [self._one(p) for p in pieces]
        with ThreadPoolExecutor(max_workers=min(self.settings.concurrency, len(pieces))) as ex:
            return list(ex.map(self._one, pieces))

    def _one(self, piece: Piece) -> str:
        url = chat_url(self.settings.url or "")
        answer = post_json(
            url,
            {
                "model": self.settings.model,
                "temperature": 0,
                "messages": [
                    {
                        "role": "system",
                        "content": SYSTEM_PROMPT.format(
                            source=language_name(piece.language),
                            target=language_name(self.target),
                        ),
                    },
                    {"role": "user", "content": piece.text},
                ],
            },
            headers=auth(self.settings.key),
            timeout=self.settings.timeout,
            retries=self.settings.retries,
            what="the translation server",
        )
        text = chat_content(answer, url)
        text = _THINKING.sub("", text).strip()
        if not text:
            raise BackendError(f"the translation server at {url} answered with an empty text")
        return text


def chat_url(base: str) -> str:
    base = base.rstrip("/")
    return base if base.endswith("/chat/completions") else base + "/chat/completions"


def auth(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}


def chat_content(answer: Any, url: str) -> str:
    """The first choice's message text of a chat-completions answer, or a clear error."""
    try:
        content = answer["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise BackendError(
            f"the server at {url} did not answer like an OpenAI chat-completions API: "
            f"{str(answer)[:160]}"
        ) from exc
    if not isinstance(content, str):
        raise BackendError(f"the server at {url} answered with no text: {str(answer)[:160]}")
    return content


# ---------------------------------------------------------------------------- libretranslate


class LibreTranslator(Translator):
    backend = "libretranslate"
    batch = 32

    @property
    def model(self) -> str:
        return self.settings.model or "libretranslate"

    def unavailable(self) -> str | None:
        if not self.settings.url:
            return "the libretranslate translator needs a server URL (OVERHEARD_TRANSLATOR_URL)"
        return None

    def translate(self, pieces: Sequence[Piece], recording: str | None = None) -> list[str]:
        url = (self.settings.url or "").rstrip("/")
        url = url if url.endswith("/translate") else url + "/translate"
        out: dict[int, str] = {}
        by_language: dict[str, list[int]] = {}
        for i, piece in enumerate(pieces):
            by_language.setdefault(piece.language or "auto", []).append(i)
        for language, indexes in by_language.items():
            for lo in range(0, len(indexes), self.batch):
                chunk = indexes[lo : lo + self.batch]
                payload: dict[str, Any] = {
                    "q": [pieces[i].text for i in chunk],
                    "source": language,
                    "target": self.target,
                    "format": "text",
                }
                if self.settings.key:
                    payload["api_key"] = self.settings.key
                answer = post_json(
                    url, payload, timeout=self.settings.timeout, retries=self.settings.retries,
                    what="the LibreTranslate server",
                )  # fmt: skip
                texts = answer.get("translatedText") if isinstance(answer, dict) else None
                if isinstance(texts, str) and len(chunk) == 1:
                    texts = [texts]
                if not (
                    isinstance(texts, list)
                    and len(texts) == len(chunk)
                    and all(isinstance(t, str) and t.strip() for t in texts)
                ):
                    raise BackendError(
                        f"the LibreTranslate server at {url} did not answer with "
                        f"{len(chunk)} translation(s): {str(answer)[:160]}"
                    )
                for i, text in zip(chunk, texts, strict=True):
                    out[i] = text.strip()
        return [out[i] for i in range(len(pieces))]


# ---------------------------------------------------------------------------- ctranslate2

NLLB_CODES = {
    "ru": "rus_Cyrl", "uk": "ukr_Cyrl", "en": "eng_Latn", "ko": "kor_Hang", "be": "bel_Cyrl",
    "de": "deu_Latn", "fr": "fra_Latn", "pl": "pol_Latn", "es": "spa_Latn",
}  # fmt: skip


class CTranslate2Translator(Translator):
    """An OPUS-MT folder (``model.bin``, ``source.spm``, ``target.spm``) or an NLLB folder
    (``model.bin``, ``sentencepiece.bpe.model``), as ``ct2-transformers-converter`` writes them
    (copy the SentencePiece files in with ``--copy_files``)."""

    backend = "ctranslate2"
    batch = 16

    def __init__(self, settings: BackendSettings) -> None:
        super().__init__(settings)
        self._model: Any = None
        self._source: Any = None
        self._target: Any = None

    @property
    def folder(self) -> Path:
        return Path(self.settings.model or "").expanduser()

    @property
    def model(self) -> str:
        return folder_identity(self.folder, "model.bin")

    @property
    def nllb(self) -> bool:
        return (self.folder / "sentencepiece.bpe.model").exists()

    def unavailable(self) -> str | None:
        if not self.settings.model:
            return "the ctranslate2 translator needs a model folder (OVERHEARD_TRANSLATOR_MODEL)"
        if not (self.folder / "model.bin").exists():
            return f"not a CTranslate2 model folder (no model.bin): {self.folder}"
        if not self.nllb and not (self.folder / "source.spm").exists():
            return (
                f"no SentencePiece model in {self.folder} (source.spm/target.spm for OPUS-MT, "
                "sentencepiece.bpe.model for NLLB; convert with --copy_files)"
            )
        try:
            import ctranslate2  # noqa: F401
            import sentencepiece  # noqa: F401
        except ImportError as exc:
            return f"the ctranslate2 translator needs the translate extra: {exc}"
        return None

    def load(self) -> None:
        if self._model is not None:
            return
        reason = self.unavailable()
        if reason:
            raise NotAvailable(reason)
        import ctranslate2
        import sentencepiece

        self._model = ctranslate2.Translator(str(self.folder), device="cpu")
        if self.nllb:
            self._source = self._target = sentencepiece.SentencePieceProcessor(
                model_file=str(self.folder / "sentencepiece.bpe.model")
            )
        else:
            self._source = sentencepiece.SentencePieceProcessor(
                model_file=str(self.folder / "source.spm")
            )
            target = self.folder / "target.spm"
            self._target = sentencepiece.SentencePieceProcessor(
                model_file=str(target if target.exists() else self.folder / "source.spm")
            )

    def translate(self, pieces: Sequence[Piece], recording: str | None = None) -> list[str]:
        self.load()
        out: list[str] = []
        for lo in range(0, len(pieces), self.batch):
            chunk = pieces[lo : lo + self.batch]
            sources = []
            prefix = None
            for p in chunk:
                tokens = self._source.encode(p.text, out_type=str)
                if self.nllb:
                    code = NLLB_CODES.get(p.language or "", "rus_Cyrl")
                    tokens = [code, *tokens]
                sources.append([*tokens, "</s>"])
            if self.nllb:
                prefix = [[NLLB_CODES.get(self.target, "eng_Latn")]] * len(chunk)
            results = self._model.translate_batch(
                sources, target_prefix=prefix, beam_size=4, max_decoding_length=512
            )
            for result in results:
                tokens = [t for t in result.hypotheses[0] if t not in ("</s>", "<s>")]
                if self.nllb and tokens and tokens[0] in NLLB_CODES.values():
                    tokens = tokens[1:]
                out.append(self._target.decode(tokens).strip())
        return out


# ---------------------------------------------------------------------------- whisper


class WhisperTranslator(Translator):
    """Whisper's translate task over the audio of each utterance: English only, speech only.
    The model is the transcription's (``--asr-model`` or the packaged Whisper base)."""

    backend = "whisper"
    speech_only = True

    def __init__(self, settings: BackendSettings, asr_model: str | None = None) -> None:
        super().__init__(settings)
        self.asr_model = asr_model or settings.model
        self._model: Any = None

    @property
    def model(self) -> str:
        """Named without joining or hashing it (listing the stages must not read 145 MB):
        the packaged model by its known hash, a local folder by its name and weights."""
        chosen = self.asr_model or os.environ.get("OVERHEARD_ASR_MODEL")
        if chosen:
            return folder_identity(Path(chosen).expanduser(), "model.bin")
        from overheard.speech.models import DEFAULT_MODEL_NAME, DEFAULT_MODEL_SHA256

        return f"{DEFAULT_MODEL_NAME}@{DEFAULT_MODEL_SHA256[:12]}"

    def unavailable(self) -> str | None:
        if self.target != "en":
            return f"Whisper translates into English only, not {self.target!r}"
        try:
            import faster_whisper  # noqa: F401
        except ImportError as exc:
            return f"the whisper translator needs the speech extra: {exc}"
        return None

    def load(self) -> None:
        if self._model is not None:
            return
        from faster_whisper import WhisperModel

        from overheard.speech.models import resolve_model

        info = resolve_model(self.asr_model)
        self._model = WhisperModel(str(info.path), device="cpu", compute_type="int8")

    def translate(self, pieces: Sequence[Piece], recording: str | None = None) -> list[str]:
        """Utterances next to each other (same language and channel, together under Whisper's
        30 s window) are decoded as one stretch, and each English segment goes to the
        utterance it overlaps most: a window per utterance would cost a full encoder pass
        for every "Да"."""
        if recording is None:
            raise BackendError("Whisper translates speech only: this is not a recording")
        self.load()
        from overheard.speech.audio import load_audio

        audio = load_audio(recording)
        parts: dict[int, list[str]] = {}
        for chunk in stretches(pieces):
            first, last = chunk[0], chunk[-1]
            start = max(0.0, (first.start_s or 0.0) - 0.1)
            end = min(audio.duration, (last.end_s or audio.duration) + 0.1)
            channel = first.channel if first.channel is not None and audio.channels_16k else None
            segments, _ = self._model.transcribe(
                audio.slice(start, end, channel), language=first.language, task="translate",
                beam_size=1, vad_filter=False, condition_on_previous_text=False,
                word_timestamps=len(chunk) > 1,
                # Greedy only: faster-whisper's default falls back to sampling at higher
                # temperatures, unseeded, so one call rendered differently run to run.
                temperature=0.0,
            )  # fmt: skip
            for seg in segments:
                # A segment that spans two utterances is split between them at its words'
                # times (the translate task's word times are rough, but within a stretch).
                words = seg.words or [seg]
                for word in words:
                    middle = start + (word.start + word.end) / 2
                    owner = min(chunk, key=lambda p: _distance(middle, p))
                    text = word.word if seg.words else seg.text
                    parts.setdefault(owner.segment_id, []).append(text)
        return ["".join(parts.get(p.segment_id, [])).strip() for p in pieces]


def _distance(t: float, piece: Piece) -> float:
    """How far a time is from an utterance (0 inside it)."""
    lo, hi = piece.start_s or 0.0, piece.end_s or 0.0
    return max(lo - t, t - hi, 0.0)


def stretches(pieces: Sequence[Piece], longest_s: float = 28.0) -> list[list[Piece]]:
    """Consecutive utterances in one language and channel whose span fits one window."""
    out: list[list[Piece]] = []
    for p in sorted(pieces, key=lambda p: p.start_s or 0.0):
        if out:
            last = out[-1]
            same = last[0].language == p.language and last[0].channel == p.channel
            if same and (p.end_s or 0.0) - (last[0].start_s or 0.0) <= longest_s:
                last.append(p)
                continue
        out.append([p])
    return out


def build(settings: BackendSettings, asr_model: str | None = None) -> Translator:
    if settings.kind == "whisper":
        return WhisperTranslator(settings, asr_model)
    classes: dict[str, type[Translator]] = {
        "openai": OpenAITranslator,
        "libretranslate": LibreTranslator,
        "ctranslate2": CTranslate2Translator,
    }
    return classes[settings.kind](settings)
