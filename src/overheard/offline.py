"""Nothing leaves the machine: the libraries overheard loads are told so before they load.

Called once when the ``overheard`` package is imported (every command, the workbench and the
spawned workers import it before any model library):

- Hugging Face libraries: offline, no telemetry (``HF_HUB_OFFLINE`` and friends). Models come
  from packages or a folder the user names, never from a download at run time.
- onnxruntime (voice detection, the onnx entailment back-end): from 1.2x on Linux it creates a
  device id and queues a ``ProcessInfo`` event (OS, CPU, memory, hashed device id) for upload
  in ``~/.cache/Microsoft/DeveloperTools/.onnxruntime/`` *while it is imported*, before
  ``disable_telemetry_events()`` can be called, and its ``ORT_TELEMETRY_DISABLED`` did not
  stop that event until a later release. Its only switch that does is the CI detection it
  runs at that moment, so overheard imports onnxruntime with a CI marker set for the duration
  of the import (and nowhere else), then calls ``disable_telemetry_events()``.
- OpenTelemetry (FastAPI's native tracing, should a provider be configured in the user's
  environment): ``OTEL_SDK_DISABLED``; the workbench also switches FastAPI's off itself.

What overheard writes, and where: docs/PRIVACY.md.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

# Forced, not defaulted: an environment that says otherwise for other tools must not make
# overheard reach the network.
ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "DO_NOT_TRACK": "1",
    "OTEL_SDK_DISABLED": "true",
    "FASTAPI_OTEL_AUTO_CONFIGURE": "false",
}

# onnxruntime's CI detection (any of these set: no telemetry provider, no device id, no queue).
_ORT_CI_MARKER = "TF_BUILD"


def seal() -> None:
    """Set the environment and guard onnxruntime's import; idempotent."""
    os.environ.update(ENVIRONMENT)
    if "onnxruntime" in sys.modules:  # imported before overheard: its event is already queued
        _disable_onnxruntime_telemetry(sys.modules["onnxruntime"])
        return
    if not any(isinstance(f, _QuietOnnxruntime) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietOnnxruntime())


def _disable_onnxruntime_telemetry(module: ModuleType) -> None:
    disable = getattr(module, "disable_telemetry_events", None)
    if disable is not None:
        disable()


class _QuietOnnxruntime:
    """Finds onnxruntime as usual and imports it with telemetry suppressed. (A finder and a
    loader need only these methods: importing ``importlib.abc`` for their base classes took a
    tenth of a plain command's start.)"""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "onnxruntime":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _QuietLoader(spec.loader)
        return spec


class _QuietLoader:
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        saved = os.environ.get(_ORT_CI_MARKER)
        os.environ[_ORT_CI_MARKER] = "True"
        try:
            self.loader.exec_module(module)
        finally:
            if saved is None:
                os.environ.pop(_ORT_CI_MARKER, None)
            else:
                os.environ[_ORT_CI_MARKER] = saved
        _disable_onnxruntime_telemetry(module)

    def __getattr__(self, name: str) -> Any:  # resources, is_package, get_code...
        return getattr(self.loader, name)
