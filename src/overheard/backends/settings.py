"""Which back-end, where, with what model: an option, else the environment, else the case's
settings (``overheard config set translator openai``), else none.

    OVERHEARD_TRANSLATOR        whisper | openai | libretranslate | ctranslate2
    OVERHEARD_TRANSLATOR_URL    the server's base URL (openai: …/v1; libretranslate: …/)
    OVERHEARD_TRANSLATOR_MODEL  the model name (openai) or model folder (ctranslate2)
    OVERHEARD_TRANSLATOR_KEY    an API key, if the server wants one
    OVERHEARD_TRANSLATOR_TARGET the language to translate into (default en)
    OVERHEARD_TRANSLATOR_TIMEOUT seconds to wait for one answer (default 60; 3 tries)
    OVERHEARD_ENTAIL, OVERHEARD_ENTAIL_URL, OVERHEARD_ENTAIL_MODEL, OVERHEARD_ENTAIL_KEY
                                the same for entailment (openai | onnx)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from overheard.errors import OverheardError

TRANSLATORS = ("whisper", "openai", "libretranslate", "ctranslate2")
ENTAILERS = ("openai", "onnx")
# Whisper base renders speech in English when nothing else is configured: the one translator
# that ships with overheard (speech only).
DEFAULT_TRANSLATOR = "whisper"


@dataclass(frozen=True)
class BackendSettings:
    """One back-end's settings. Picklable: it travels to stage worker processes."""

    kind: str
    url: str | None = None
    model: str | None = None
    key: str | None = None
    target: str = "en"
    timeout: float = 60.0
    retries: int = 2
    concurrency: int = 4

    def describe(self) -> str:
        """The back-end as people read it (no key): ``openai (llama3.1 at http://…/v1)``."""
        where = [x for x in (self.model, f"at {self.url}" if self.url else None) if x]
        return f"{self.kind} ({' '.join(where)})" if where else self.kind


def translator_settings(
    options: Mapping[str, str | None] | None = None,
    case_values: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> BackendSettings:
    """The translator to use; Whisper (speech only) when none is configured."""
    found = _resolve("translator", "OVERHEARD_TRANSLATOR", options, case_values, env)
    kind = found.pop("kind") or DEFAULT_TRANSLATOR
    if kind not in TRANSLATORS:
        raise OverheardError(f"unknown translator {kind!r} (translators: {', '.join(TRANSLATORS)})")
    return BackendSettings(
        kind=kind, url=found["url"], model=found["model"], key=found["key"],
        target=(found["target"] or "en").lower(), timeout=_timeout(found["timeout"]),
    )  # fmt: skip


def entail_settings(
    options: Mapping[str, str | None] | None = None,
    case_values: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> BackendSettings | None:
    """The entailment back-end, or None: stances then come from the rules alone."""
    found = _resolve("entail", "OVERHEARD_ENTAIL", options, case_values, env)
    kind = found.pop("kind")
    if not kind:
        return None
    if kind not in ENTAILERS:
        raise OverheardError(f"unknown entailment back-end {kind!r} ({', '.join(ENTAILERS)})")
    return BackendSettings(
        kind=kind, url=found["url"], model=found["model"], key=found["key"],
        timeout=_timeout(found["timeout"]),
    )  # fmt: skip


def _timeout(value: str | None) -> float:
    if not value:
        return 60.0
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise OverheardError(f"a back-end timeout is a number of seconds above 0, not {value!r}")
    return seconds


def _resolve(
    name: str,
    env_prefix: str,
    options: Mapping[str, str | None] | None,
    case_values: Mapping[str, str] | None,
    env: Mapping[str, str] | None,
) -> dict[str, str | None]:
    options = options or {}
    case_values = case_values or {}
    env = os.environ if env is None else env
    out: dict[str, str | None] = {}
    for part, suffix in (("kind", ""), ("url", "URL"), ("model", "MODEL"), ("key", "KEY"),
                         ("target", "TARGET"), ("timeout", "TIMEOUT")):  # fmt: skip
        key = name if part == "kind" else f"{name}.{part}"
        env_name = env_prefix + (f"_{suffix}" if suffix else "")
        value = options.get(key) or env.get(env_name) or case_values.get(key)
        out[part] = value.strip() if value and value.strip() else None
    if out["kind"]:
        out["kind"] = out["kind"].lower()
    return out
