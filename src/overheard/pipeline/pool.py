"""Worker processes for a stage: each builds the stage once, loads its models once, and then
computes batch after batch. Workers are spawned (not forked: a parent that has already
started threads in torch or OpenMP can deadlock a forked child), hold themselves to one
BLAS/OpenMP thread (two workers with a thread pool each ran twice as slow as one process on
two cores), and die with their parent, so a killed command leaves no orphans.

This module imports nothing heavy: the worker sets its thread limits before any numerical
library is loaded.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from importlib import import_module
from typing import Any

from overheard.errors import NotAvailable
from overheard.pipeline.stage import Progress, Stage, StageConfig, StageFailure

_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

_stage: Stage | None = None


def start(stage: Stage, workers: int) -> ProcessPoolExecutor:
    """Workers that each build this stage (by its class's import path) and load its models."""
    target = f"{type(stage).__module__}:{type(stage).__qualname__}"
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(target, stage.config, type(stage).worker_blocks),
    )


def _init_worker(target: str, config: StageConfig, blocks: Sequence[str] = ()) -> None:
    global _stage
    for name in _THREAD_VARIABLES:
        os.environ[name] = "1"
    for name in blocks:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type] # then importing it raises ImportError
    die_with_parent()
    module, _, attr = target.partition(":")
    _stage = getattr(import_module(module), attr)(config)
    _stage.setup()


def compute_batch(items: Sequence[Any]) -> list[Any]:
    """Runs in a worker: the stage's results for one batch (failures as StageFailure)."""
    assert _stage is not None, "worker not initialised"
    return compute_isolated(_stage, items)


def compute_isolated(
    stage: Stage, items: Sequence[Any], progress: Progress | None = None
) -> list[Any]:
    """The batch at once; if it raises, item by item, so one odd document fails alone."""
    try:
        return list(stage.compute(items, progress))
    except NotAvailable:
        raise  # a back-end that is down: the stage stops, no document is failed for it
    except Exception:  # noqa: BLE001 - a bug on one document must not stop the others
        pass
    results: list[Any] = []
    for item in items:
        try:
            results.extend(stage.compute([item], progress))
        except NotAvailable:
            raise
        except Exception as exc:  # noqa: BLE001
            results.append(StageFailure(f"{type(exc).__name__}: {exc}"))
    return results


def die_with_parent() -> None:
    """A worker must not outlive a command that was killed (kill -9 gives the pool no chance
    to stop it): ask Linux to kill it with its parent, or watch for the parent to go."""
    import signal
    import threading
    import time

    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0 and os.getppid() == parent:
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="overheard-parent-watch").start()
