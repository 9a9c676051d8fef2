from __future__ import annotations

from pathlib import Path

import pytest

from overheard.config import Settings
from overheard.store import Case

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


@pytest.fixture
def case(tmp_path: Path) -> Case:
    c = Case.open(tmp_path / "case")
    yield c
    c.close()


@pytest.fixture
def settings() -> Settings:
    return Settings(languages=("ru", "uk", "en", "ko"))


@pytest.fixture
def samples() -> Path:
    return SAMPLES
