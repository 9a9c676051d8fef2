"""The publication rendering: swearing masked by the speech room's profanity filter.

The workbench does not mask anything itself. When ``overheard.speech.profanity`` is importable
its ``mask`` function renders the publication view; when it is not, the switch is shown
disabled with the reason, never imitated.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

PROFANITY_MODULE = "overheard.speech.profanity"

MaskFunction = Callable[..., str]


class Masker:
    def __init__(self, function: MaskFunction | None, reason: str | None = None) -> None:
        self.function = function
        self.reason = reason
        self._takes_language = False
        if function is not None:
            try:
                params = inspect.signature(function).parameters
            except (TypeError, ValueError):
                params = {}  # type: ignore[assignment]
            self._takes_language = "language" in params or any(
                p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
            )

    @property
    def available(self) -> bool:
        return self.function is not None

    def __call__(self, text: str, language: str | None = None) -> str:
        if self.function is None:
            raise RuntimeError(self.reason or "no profanity filter")
        if self._takes_language:
            return self.function(text, language=language)
        return self.function(text)


def load_masker() -> Masker:
    try:
        module = importlib.import_module(PROFANITY_MODULE)
    except ImportError as exc:
        return Masker(
            None,
            f"The publication rendering needs the profanity filter ({PROFANITY_MODULE}), "
            f"which is not installed in this build ({exc.msg}). Only the verbatim record is shown.",
        )
    function = getattr(module, "mask", None)
    if not callable(function):
        return Masker(None, f"{PROFANITY_MODULE} has no mask() function; cannot mask swearing.")
    return Masker(function)
