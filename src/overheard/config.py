"""Settings: command-line options override environment variables, which override defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CASE = "overheard-case"
DEFAULT_LANGUAGES = ("ru", "uk", "en", "ko")
DEFAULT_MAX_FILE_BYTES = 2 * 1024**3  # 2 GiB: a long recording fits, a disk image does not


def parse_size(value: str) -> int:
    """'500M', '2G', '1048576' -> bytes."""
    text = value.strip().upper().removesuffix("B").removesuffix("I")
    units = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def parse_languages(value: str | None) -> tuple[str, ...]:
    if not value:
        return DEFAULT_LANGUAGES
    langs = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    return langs or DEFAULT_LANGUAGES


@dataclass(frozen=True)
class Settings:
    case_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("OVERHEARD_CASE", DEFAULT_CASE))
    )
    languages: tuple[str, ...] = field(
        default_factory=lambda: parse_languages(os.environ.get("OVERHEARD_LANGUAGES"))
    )
    max_file_bytes: int = field(
        default_factory=lambda: parse_size(
            os.environ.get("OVERHEARD_MAX_FILE_SIZE", str(DEFAULT_MAX_FILE_BYTES))
        )
    )


CASE_CONFIG_FILE = "config.json"
# What `overheard config set` accepts: the key, and what it means.
CASE_CONFIG_KEYS = {
    "translator": "translation back-end: whisper, openai, libretranslate or ctranslate2",
    "translator.url": "the translation server's base URL (openai, libretranslate)",
    "translator.model": "the model name (openai) or model folder (ctranslate2)",
    "translator.key": "an API key for the translation server (better: OVERHEARD_TRANSLATOR_KEY)",
    "translator.target": "the language to translate into (default: en)",
    "entail": "entailment back-end for claim stances: openai or onnx",
    "entail.url": "the entailment server's base URL (openai)",
    "entail.model": "the model name (openai) or model folder (onnx)",
    "entail.key": "an API key for the entailment server (better: OVERHEARD_ENTAIL_KEY)",
}


class CaseConfig:
    """A case's own settings (CASE/config.json), below options and the environment:
    ``overheard config set translator openai``."""

    def __init__(self, case_dir: Path) -> None:
        self.path = case_dir / CASE_CONFIG_FILE

    def values(self) -> dict[str, str]:
        import json

        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            from overheard.errors import CaseError

            raise CaseError(f"cannot read the case's settings {self.path}: {exc}") from exc
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, key: str) -> str | None:
        return self.values().get(key)

    def set(self, key: str, value: str | None) -> None:
        """Set (or, with None, remove) one key; written to a temporary file, then renamed."""
        import json
        import os

        if key not in CASE_CONFIG_KEYS:
            from overheard.errors import OverheardError

            known = ", ".join(CASE_CONFIG_KEYS)
            raise OverheardError(f"no setting named {key!r} (settings: {known})")
        values = self.values()
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(values, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)
