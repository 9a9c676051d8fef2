"""Evaluations say SKIPPED, and return that state, when their data is not there."""

from __future__ import annotations

from pathlib import Path

import pytest

from overheard.eval import text as text_eval


def test_every_text_eval_skips_without_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = text_eval.run(tmp_path)
    assert set(result) == set(text_eval.PARTS)
    assert all(part["skipped"] for part in result.values())
    assert capsys.readouterr().out.count("SKIPPED") == len(text_eval.PARTS)
