"""Ingest files into a case: keep the original, read it, store documents and segments.

The runner: paths are expanded (walk.py), each file is read, in worker processes when there are
many (read.py, pool.py), and what was read is stored by this process alone, one transaction per
document, in input order (write.py). Original bytes are written to the blob store (atomically)
before any processing and made durable in batches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from overheard.config import Settings
from overheard.ingest import pool
from overheard.ingest.read import ReadJob
from overheard.ingest.walk import expand
from overheard.ingest.write import DUPLICATE, FAILED, NEW, PRESENT, Outcome, Writer
from overheard.store.case import Case
from overheard.store.schema import Document

__all__ = ["DUPLICATE", "FAILED", "NEW", "PRESENT", "IngestReport", "Ingestor", "Outcome"]

FLUSH_EVERY = 200  # originals made durable (one sync) every this many new files


@dataclass
class IngestReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in (NEW, PRESENT, DUPLICATE, FAILED)}


class Ingestor:
    def __init__(
        self,
        case: Case,
        settings: Settings,
        *,
        source: str | None = None,
        encoding: str | None = None,
        workers: int | None = None,
    ) -> None:
        self.case = case
        self.workers = workers if workers is not None else pool.default_workers()
        self.settings = settings
        self.source_name = source
        self.encoding = encoding
        self.writer = Writer(case, settings, source)

    def ingest(
        self,
        paths: list[Path],
        on_file: Callable[[Path, list[Outcome]], None] | None = None,
        on_total: Callable[[int], None] | None = None,
        labels: dict[Path, str] | None = None,
    ) -> IngestReport:
        """Ingest every file under ``paths``. Reading, parsing, language ID and sentence
        splitting run in ``workers`` processes; each document is then written by this process
        in its own transaction, in input order. ``labels`` names files where their path is not
        what a user knows them by (an upload's temporary file: its original name)."""
        writer = self.writer
        writer.labels = {str(k): v for k, v in (labels or {}).items()}
        report = IngestReport()
        found = list(expand(paths))
        if on_total:
            on_total(len(found))
        readable = [f.path for f in found if not f.error]
        with pool.reads(
            self._job(), readable, self.workers, self._known_blobs, self._is_known
        ) as reads:
            for item in found:
                if item.error:
                    outcomes = [writer.fail(writer.shown(item.path), None, None, item.error)]
                else:
                    outcomes = writer.write(next(reads))
                report.outcomes.extend(outcomes)
                if self.case.blobs.unflushed >= FLUSH_EVERY:
                    self.case.blobs.flush()
                if on_file:
                    on_file(item.path, outcomes)
        self.case.blobs.flush()
        writer.finish()
        return report

    def ingest_file(self, path: Path) -> list[Outcome]:
        return self.writer.write(self._job().read(path, self._is_known))

    def _job(self) -> ReadJob:
        return ReadJob(self.settings, self.encoding, self.case.blobs.root)

    def _known_blobs(self) -> frozenset[str]:
        with self.case.reader() as r:
            return frozenset(r.scalars(select(Document.blob_sha256).distinct()))

    def _is_known(self, sha: str) -> bool:
        with self.case.reader() as r:
            return (
                r.scalar(select(Document.id).where(Document.blob_sha256 == sha).limit(1))
                is not None
            )
