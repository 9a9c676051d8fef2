"""Workers on a Ray cluster for a stage (``overheard process --executor ray``): the same job as
``pool.py``'s processes, on as many machines as the cluster has.

Each worker is an actor that builds the stage once and loads its models once, then computes
batch after batch (``compute_batch``): documents go out as tasks, and their results come back
to the runner, which writes each document in its own transaction, alone (one writer). Nothing
is written by a worker, so a killed driver leaves only whole documents, and the next run
finds the rest pending; a killed worker is restarted by Ray and its batch tried again.

Workers read what ``Stage.read`` gave them; a stage whose input names a file (a recording's
original) needs the originals at the same path on every machine (a shared ``--blobs``
folder), as it needs the case's lexicon folder for its version.

Ray is an optional extra (``pip install 'overheard[ray]'``). Without ``address`` a local Ray
is started in this process with ``workers`` CPUs and stopped with it.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Future
from typing import Any

from overheard.errors import NotAvailable
from overheard.pipeline.stage import Stage, StageConfig

# Tried again on a restarted worker this many times before its documents fail.
TASK_RETRIES = 2


def available() -> str | None:
    """None when Ray can be used here, else why not."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return "the Ray executor needs the ray extra: pip install 'overheard[ray]'"
    return None


def connect(address: str | None, workers: int) -> None:
    """Join the cluster at ``address`` (or start a local one with ``workers`` CPUs) unless
    this process already has."""
    why = available()
    if why:
        raise NotAvailable(why)
    import ray

    if ray.is_initialized():
        return
    # Local workers import the stage by its module path, as spawned processes do: they get
    # this process's import path (a stage from a plug-in or a test's folder).
    env = {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"  # one BLAS thread a worker, as in pool.py
    options: dict[str, Any] = {
        "runtime_env": {"env_vars": env},
        "logging_level": "ERROR",
        "log_to_driver": False,
        "configure_logging": False,
    }
    if address:
        ray.init(address=address, **options)
    else:
        ray.init(num_cpus=workers, include_dashboard=False, **options)


def cluster_cpus() -> int:
    import ray

    return max(1, int(ray.cluster_resources().get("CPU", 1)))


class _StageWorker:
    """One worker: the stage built and set up once (the actor's lifetime)."""

    def __init__(self, target: str, config: StageConfig, blocks: tuple[str, ...]) -> None:
        from overheard.pipeline import pool

        pool._init_worker(target, config, blocks)

    def compute(self, items: list[Any]) -> list[Any]:
        from overheard.pipeline import pool

        return pool.compute_batch(items)


class RayExecutor:
    """Batches to ``workers`` actors in turn, each answered as a ``Future`` (what the
    runner's pooled loop expects of ``concurrent.futures``)."""

    def __init__(self, stage: Stage, workers: int) -> None:
        import ray

        target = f"{type(stage).__module__}:{type(stage).__qualname__}"
        actor = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=TASK_RETRIES)(_StageWorker)
        blocks = tuple(type(stage).worker_blocks)
        self._actors: list[Any] = [
            actor.remote(target, stage.config, blocks) for _ in range(workers)
        ]
        self._turn = 0

    def submit(self, _fn: Any, items: list[Any]) -> Future[list[Any]]:
        worker = self._actors[self._turn % len(self._actors)]
        self._turn += 1
        future: Future[list[Any]] = worker.compute.remote(items).future()
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        import ray

        for worker in self._actors:
            ray.kill(worker)
        self._actors = []


def worker_errors() -> tuple[type[BaseException], ...]:
    """What a batch's future raises when its worker died for good."""
    try:
        from ray.exceptions import RayActorError, WorkerCrashedError
    except ImportError:
        return ()
    return (RayActorError, WorkerCrashedError)
