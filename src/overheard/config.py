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
