"""Reading files in worker processes, in input order, for the single writer to store.

Reading, parsing, language ID and sentence splitting are the slow part of ingesting text, and
they touch no database, so a process pool does them; a handful of files are read in-process
instead, since a pool costs more to start than they take. Workers die with their parent (the
stage runner's ``die_with_parent``), so an ingest killed with kill -9 leaves no readers behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from overheard.ingest.read import FileRead, ReadJob
from overheard.pipeline.pool import die_with_parent

PARALLEL_FROM = 16  # fewer files than this are read in-process: a pool costs ~0.3 s to start


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else (os.cpu_count() or 1), 4))  # fmt: skip


@contextmanager
def reads(
    job: ReadJob,
    paths: list[Path],
    workers: int,
    known_blobs: Callable[[], frozenset[str]],
    is_known: Callable[[str], bool],
) -> Iterator[Iterator[FileRead]]:
    """The reads of ``paths``, lazily and in order: from ``workers`` processes when there are
    enough files to pay for a pool, else in this process. Workers see the originals known when
    the pool starts (``known_blobs``); in-process reads ask ``is_known`` as they go. Leaving the
    block stops the pool, cancelling reads not yet started."""
    if workers <= 1 or len(paths) < PARALLEL_FROM:
        yield (job.read(path, is_known) for path in paths)
        return
    pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(job, known_blobs()))
    try:
        yield pool.map(_read_in_worker, paths, chunksize=4)
    finally:
        pool.shutdown(cancel_futures=True)


_worker_job: ReadJob | None = None
_worker_known: frozenset[str] = frozenset()


def _init_worker(job: ReadJob, known: frozenset[str]) -> None:
    global _worker_job, _worker_known
    _worker_job, _worker_known = job, known
    die_with_parent()


def _read_in_worker(path: Path) -> FileRead:
    assert _worker_job is not None
    return _worker_job.read(path, _worker_known.__contains__)
