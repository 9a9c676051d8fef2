"""Entailment: does a statement's content support, contradict or not address a proposition?

The claim board asks this only where a back-end is configured, to refine the stance the rules
gave (act, negation); the board line records which back-end decided (``stance_source``).

- ``openai``: an OpenAI-compatible chat-completions server, asked for one word.
- ``onnx``: a local NLI cross-encoder exported to ONNX (a folder with ``model.onnx``,
  ``tokenizer.json`` and ``config.json`` whose ``id2label`` names entailment, neutral and
  contradiction), run with onnxruntime.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from enum import StrEnum
from pathlib import Path
from typing import Any

from overheard.backends.http import BackendError, post_json
from overheard.backends.settings import BackendSettings
from overheard.backends.translators import auth, chat_content, chat_url, folder_identity
from overheard.errors import NotAvailable


class Relation(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    UNRELATED = "unrelated"


class Entailer(ABC):
    backend: str

    def __init__(self, settings: BackendSettings) -> None:
        self.settings = settings

    @property
    def model(self) -> str:
        return self.settings.model or "-"

    @property
    def source(self) -> str:
        """What a board line records as its stance's source: ``entail:openai:MODEL``."""
        return f"entail:{self.backend}:{self.model}"[:100]

    def unavailable(self) -> str | None:
        return None

    @abstractmethod
    def relation(self, premise: str, hypothesis: str) -> Relation:
        """How ``premise`` (what a statement says) stands to ``hypothesis`` (a proposition)."""


PROMPT = (
    "You judge textual entailment for an archive of evidence. Given a STATEMENT and a "
    "PROPOSITION (possibly in different languages), answer with exactly one word: SUPPORTS if "
    "the statement asserts the proposition is true, CONTRADICTS if it asserts the proposition "
    "is false or states something incompatible with it, UNRELATED otherwise."
)
_WORD = re.compile(r"\b(SUPPORTS?|CONTRADICTS?|UNRELATED|ENTAILMENT|CONTRADICTION|NEUTRAL)\b", re.I)


class OpenAIEntailer(Entailer):
    backend = "openai"

    def unavailable(self) -> str | None:
        if not self.settings.url:
            return "the openai entailment back-end needs a server URL (OVERHEARD_ENTAIL_URL)"
        if not self.settings.model:
            return "the openai entailment back-end needs a model name (OVERHEARD_ENTAIL_MODEL)"
        return None

    def relation(self, premise: str, hypothesis: str) -> Relation:
        url = chat_url(self.settings.url or "")
        answer = post_json(
            url,
            {
                "model": self.settings.model,
                "temperature": 0,
                "max_tokens": 8,
                "messages": [
                    {"role": "system", "content": PROMPT},
                    {
                        "role": "user",
                        "content": f"STATEMENT: {premise}\nPROPOSITION: {hypothesis}",
                    },
                ],
            },
            headers=auth(self.settings.key),
            timeout=self.settings.timeout,
            retries=self.settings.retries,
            what="the entailment server",
        )
        return parse_relation(chat_content(answer, url), url)


def parse_relation(text: str, where: str) -> Relation:
    found = _WORD.search(text)
    if not found:
        raise BackendError(f"the entailment server at {where} gave no verdict: {text[:80]!r}")
    word = found.group(1).upper()
    if word.startswith("SUPPORT") or word == "ENTAILMENT":
        return Relation.SUPPORTS
    if word.startswith("CONTRADICT"):
        return Relation.CONTRADICTS
    return Relation.UNRELATED


class OnnxEntailer(Entailer):
    backend = "onnx"

    def __init__(self, settings: BackendSettings) -> None:
        super().__init__(settings)
        self._session: Any = None
        self._tokenizer: Any = None
        self._labels: dict[int, Relation] = {}

    @property
    def folder(self) -> Path:
        return Path(self.settings.model or "").expanduser()

    @property
    def model(self) -> str:
        return folder_identity(self.folder, "model.onnx")

    def unavailable(self) -> str | None:
        if not self.settings.model:
            return "the onnx entailment back-end needs a model folder (OVERHEARD_ENTAIL_MODEL)"
        for name in ("model.onnx", "tokenizer.json", "config.json"):
            if not (self.folder / name).exists():
                return f"not an ONNX NLI model folder (no {name}): {self.folder}"
        try:
            import onnxruntime  # noqa: F401
            import tokenizers  # noqa: F401
        except ImportError as exc:
            return f"the onnx entailment back-end needs onnxruntime and tokenizers: {exc}"
        return None

    def _load(self) -> None:
        if self._session is not None:
            return
        reason = self.unavailable()
        if reason:
            raise NotAvailable(reason)
        import onnxruntime
        from tokenizers import Tokenizer

        config = json.loads((self.folder / "config.json").read_text(encoding="utf-8"))
        for index, label in (config.get("id2label") or {}).items():
            name = str(label).lower()
            relation = (
                Relation.SUPPORTS if name.startswith("entail")
                else Relation.CONTRADICTS if name.startswith("contradict")
                else Relation.UNRELATED
            )  # fmt: skip
            self._labels[int(index)] = relation
        if set(self._labels.values()) != set(Relation):
            raise NotAvailable(
                f"{self.folder}/config.json: id2label must name entailment, neutral and "
                f"contradiction (found {config.get('id2label')})"
            )
        self._tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(512)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(self.folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def relation(self, premise: str, hypothesis: str) -> Relation:
        import numpy as np

        self._load()
        encoding = self._tokenizer.encode(premise, hypothesis)
        feeds = {}
        for spec in self._session.get_inputs():
            values = {
                "input_ids": encoding.ids,
                "attention_mask": encoding.attention_mask,
                "token_type_ids": encoding.type_ids,
            }.get(spec.name)
            if values is not None:
                feeds[spec.name] = np.array([values], dtype=np.int64)
        logits = self._session.run(None, feeds)[0][0]
        return self._labels[int(np.argmax(logits))]


def build(settings: BackendSettings) -> Entailer:
    classes: dict[str, type[Entailer]] = {"openai": OpenAIEntailer, "onnx": OnnxEntailer}
    return classes[settings.kind](settings)
