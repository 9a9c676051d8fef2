"""Ingest files into a case: keep the original, read it, store documents and segments.

Each document is one transaction, so a killed run leaves every document either complete or
absent, and running the same command again finishes the job. Original bytes are written to the
blob store (atomically) before any processing.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from overheard import __version__
from overheard.config import Settings
from overheard.errors import InputError
from overheard.ingest import formats
from overheard.ingest.walk import expand
from overheard.pipeline import text as text_stage
from overheard.pipeline.runs import RunRegistry
from overheard.store.case import Case
from overheard.store.schema import (
    Blob,
    Document,
    IngestFailure,
    Origin,
    Segment,
    Source,
    utcnow,
)

NEW = "new"
PRESENT = "present"  # the same bytes were ingested before
DUPLICATE = "duplicate"  # the same text under another name or format
FAILED = "failed"

FLUSH_EVERY = 200  # originals made durable (one sync) every this many new files

Reader = Callable[[bytes, Path, str | None], Sequence[formats.Record | formats.RecordError]]
READERS: dict[str, Reader] = {
    "text": formats.read_text,
    "html": formats.read_html,
    "json": formats.read_json,
    "jsonl": formats.read_jsonl,
}


@dataclass
class Outcome:
    path: str
    part: int
    status: str
    document_id: int | None = None
    reason: str | None = None


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


def text_fingerprint(text: str) -> str:
    """The same text whatever its line wrapping or trailing spaces."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


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
        self.workers = workers if workers is not None else default_workers()
        self._labels: dict[str, str] = {}
        self.settings = settings
        self.source_name = source
        self.encoding = encoding
        self.runs = RunRegistry()
        self._source_ids: dict[str, int] = {}
        # Paths with unresolved failures: only these need their failures marked resolved.
        with case.reader() as r:
            self._failed_paths = set(
                r.scalars(select(IngestFailure.path).where(IngestFailure.resolved.is_(False)))
            )

    # ----------------------------------------------------------------------------- driving

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
        self._labels = {str(k): v for k, v in (labels or {}).items()}
        report = IngestReport()
        found = list(expand(paths))
        if on_total:
            on_total(len(found))
        job = _ReadJob(self.settings, self.encoding, self.case.blobs.root)
        pool = None
        if self.workers > 1 and sum(1 for f in found if not f.error) >= PARALLEL_FROM:
            pool = ProcessPoolExecutor(
                self.workers, initializer=_init_worker, initargs=(job, self._known_blobs())
            )
            reads = pool.map(_read_in_worker, [f.path for f in found if not f.error], chunksize=4)
        else:
            reads = (job.read(f.path, self._is_known) for f in found if not f.error)
        try:
            for item in found:
                if item.error:
                    outcomes = [self._fail(self._shown(item.path), None, None, item.error)]
                else:
                    outcomes = self._write(next(reads))
                report.outcomes.extend(outcomes)
                if self.case.blobs.unflushed >= FLUSH_EVERY:
                    self.case.blobs.flush()
                if on_file:
                    on_file(item.path, outcomes)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        self.case.blobs.flush()
        with self.case.session() as s:
            self.runs.finish(s)
        return report

    def ingest_file(self, path: Path) -> list[Outcome]:
        job = _ReadJob(self.settings, self.encoding, self.case.blobs.root)
        return self._write(job.read(path, self._is_known))

    def _known_blobs(self) -> frozenset[str]:
        with self.case.reader() as r:
            return frozenset(r.scalars(select(Document.blob_sha256).distinct()))

    def _is_known(self, sha: str) -> bool:
        with self.case.reader() as r:
            return (
                r.scalar(select(Document.id).where(Document.blob_sha256 == sha).limit(1))
                is not None
            )

    # ------------------------------------------------------------------------------ write

    def _shown(self, path: Path) -> str:
        return self._labels.get(str(path), str(path))

    def _write(self, read: FileRead) -> list[Outcome]:
        shown = self._shown(read.path)
        if read.sha is not None:  # its original may be new: make it durable with the next flush
            self.case.blobs.unflushed += 1
        if read.error is not None:
            return [self._fail(shown, None, read.sha, read.error, read.blob_type, read.size)]
        if read.audio is not None or read.known_audio:
            return [self._store_audio(read)]
        outcomes = []
        for rec, prepared in read.records:
            if isinstance(rec, formats.RecordError):
                outcomes.append(
                    self._fail(shown, rec.part, read.sha, rec.reason, read.blob_type, read.size)
                )
            else:
                assert read.sha is not None
                outcomes.append(
                    self._store_text(read.path, read.sha, read.size, read.blob_type, rec, prepared)
                )
        return outcomes

    def _store_text(
        self,
        path: Path,
        sha: str,
        size: int,
        blob_type: str,
        rec: formats.Record,
        prepared: text_stage.PreparedText | None,
    ) -> Outcome:
        shown = self._shown(path)
        fingerprint = text_fingerprint(rec.text)
        with self.case.session() as s:
            existing = s.scalar(
                select(Document.id).where(Document.blob_sha256 == sha, Document.part == rec.part)
            )
            if existing is not None:
                self._add_origin(s, existing, shown, sha)
                self._resolve_failures(s, shown, rec.part)
                return Outcome(shown, rec.part, PRESENT, existing)
            twin = s.scalar(select(Document.id).where(Document.text_sha256 == fingerprint))
            self._ensure_blob(s, sha, size, blob_type)
            if twin is not None:
                self._add_origin(s, twin, shown, sha)
                self._resolve_failures(s, shown, rec.part)
                return Outcome(
                    shown, rec.part, DUPLICATE, twin, "same text as an ingested document"
                )
            if prepared is None:  # read by a worker that knew the file; this record is new
                prepared = text_stage.prepare(rec.text, self.settings.languages)
            versions = text_stage.versions()
            ingest_run = self.runs.run_id(s, "ingest", __version__)
            seg_run = self.runs.run_id(
                s,
                "text-prepare",
                f"{__version__}+" + "+".join(f"{k}={v}" for k, v in versions.items()),
                params={"languages": list(self.settings.languages)},
            )
            # Core statements, not ORM objects: this is the hot path of a bulk ingest.
            conn = s.connection()
            doc_id = conn.execute(
                insert(Document).returning(Document.id),
                {
                    "blob_sha256": sha,
                    "part": rec.part,
                    "kind": "text",
                    "media_type": rec.media_type,
                    "title": rec.title,
                    "published_at": rec.published_at,
                    "published_text": rec.published_text,
                    "source_id": self._source_id(s, rec.source or self.source_name),
                    "url": rec.url,
                    "origin_path": shown,
                    "language": prepared.language,
                    "language_confidence": prepared.confidence,
                    "text": rec.text,
                    "text_sha256": fingerprint,
                    "status": "ready",
                    "meta": rec.meta or None,
                    "run_id": ingest_run,
                    "created_at": utcnow(),
                },
            ).scalar_one()
            if prepared.segments:
                conn.execute(
                    insert(Segment),
                    [
                        {
                            "document_id": doc_id,
                            "idx": i,
                            "start_char": seg.start,
                            "end_char": seg.end,
                            "language": seg.language,
                            "text": rec.text[seg.start : seg.end],
                            "run_id": seg_run,
                        }
                        for i, seg in enumerate(prepared.segments)
                    ],
                )
            conn.execute(
                insert(Origin),
                {"document_id": doc_id, "path": shown, "blob_sha256": sha, "seen_at": utcnow()},
            )
            self._resolve_failures(s, shown, rec.part)
            return Outcome(shown, rec.part, NEW, doc_id)

    # ------------------------------------------------------------------------------ audio

    def _store_audio(self, read: FileRead) -> Outcome:
        shown = self._shown(read.path)
        sha = read.sha
        assert sha is not None
        with self.case.session() as s:
            existing = s.scalar(
                select(Document.id).where(Document.blob_sha256 == sha, Document.part == 0)
            )
            if existing is not None:
                self._add_origin(s, existing, shown, sha)
                self._resolve_failures(s, shown, 0)
                return Outcome(shown, 0, PRESENT, existing)
        info = read.audio
        if info is None:  # known to a worker's snapshot but not in the case: probe it now
            try:
                info = formats.probe_audio(self.case.blobs.path_for(sha))
            except InputError as exc:
                return self._fail(shown, None, sha, str(exc), "application/octet-stream", read.size)
        with self.case.session() as s:
            self._ensure_blob(s, sha, read.size, info.media_type)
            doc = Document(
                blob_sha256=sha,
                part=0,
                kind=info.kind,
                media_type=info.media_type,
                title=read.path.stem,
                origin_path=shown,
                source_id=self._source_id(s, self.source_name),
                duration_s=info.duration_s,
                channels=info.channels,
                sample_rate=info.sample_rate,
                status="awaiting_transcription",
                meta={"codec": info.codec},
                run_id=self.runs.run_id(s, "ingest", __version__),
            )
            s.add(doc)
            s.flush()
            s.add(Origin(document_id=doc.id, path=shown, blob_sha256=sha))
            self._resolve_failures(s, shown, 0)
            return Outcome(shown, 0, NEW, doc.id)

    # ---------------------------------------------------------------------------- helpers

    def _fail(
        self,
        path: str,
        part: int | None,
        sha: str | None,
        reason: str,
        media_type: str | None = None,
        size: int | None = None,
    ) -> Outcome:
        with self.case.session() as s:
            if sha is not None and media_type is not None and size is not None:
                self._ensure_blob(s, sha, size, media_type)
            already = s.scalar(
                select(IngestFailure.id).where(
                    IngestFailure.path == path,
                    IngestFailure.part.is_(None) if part is None else IngestFailure.part == part,
                    IngestFailure.reason == reason,
                    IngestFailure.resolved.is_(False),
                )
            )
            if already is None:
                s.add(IngestFailure(path=path, part=part, blob_sha256=sha, reason=reason))
        self._failed_paths.add(path)
        return Outcome(path, part or 0, FAILED, None, reason)

    def _resolve_failures(self, s: Session, path: str, part: int) -> None:
        if path not in self._failed_paths:
            return
        s.execute(
            update(IngestFailure)
            .where(
                IngestFailure.path == path,
                (IngestFailure.part == part) | IngestFailure.part.is_(None),
                IngestFailure.resolved.is_(False),
            )
            .values(resolved=True)
        )

    @staticmethod
    def _ensure_blob(s: Session, sha: str, size: int, media_type: str) -> None:
        if s.get(Blob, sha) is None:
            s.add(Blob(sha256=sha, size=size, media_type=media_type))
            s.flush()

    @staticmethod
    def _add_origin(s: Session, document_id: int, path: str, sha: str) -> None:
        known = s.scalar(
            select(Origin.id).where(
                Origin.document_id == document_id, Origin.path == path, Origin.blob_sha256 == sha
            )
        )
        if known is None:
            s.add(Origin(document_id=document_id, path=path, blob_sha256=sha))

    def _source_id(self, s: Session, name: str | None) -> int | None:
        if not name:
            return None
        name = re.sub(r"\s+", " ", name).strip()[:500]
        if name in self._source_ids:
            return self._source_ids[name]
        source_id = s.scalar(select(Source.id).where(Source.name == name))
        if source_id is None:
            src = Source(name=name)
            s.add(src)
            s.flush()
            source_id = src.id
        self._source_ids[name] = source_id
        return source_id


def _human(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


# ------------------------------------------------------------------------------ read phase


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else (os.cpu_count() or 1), 4))  # fmt: skip


PARALLEL_FROM = 16  # fewer files than this are read in-process: a pool costs ~0.3 s to start


@dataclass
class FileRead:
    """What the read phase learnt about one file: its stored original and its records, each
    already language-tagged and split into sentences (unless the file was known)."""

    path: Path
    sha: str | None = None
    size: int = 0
    blob_type: str = "application/octet-stream"
    error: str | None = None
    records: list[tuple[formats.Record | formats.RecordError, text_stage.PreparedText | None]] = (
        field(default_factory=list)
    )
    audio: formats.AudioInfo | None = None
    known_audio: bool = False


@dataclass
class _ReadJob:
    settings: Settings
    encoding: str | None
    blob_root: Path

    def read(self, path: Path, is_known: Callable[[str], bool]) -> FileRead:
        """Check, store and parse one file. Safe in a worker process: the blob store's writes
        are atomic and idempotent, and nothing here touches the database."""
        from overheard.store.blobs import BlobStore

        blobs = BlobStore(self.blob_root)
        result = FileRead(path)
        try:
            size = path.stat().st_size
            result.size = size
            if size == 0:
                raise InputError("empty file (0 bytes)")
            if size > self.settings.max_file_bytes:
                raise InputError(
                    f"file is {_human(size)}, over the {_human(self.settings.max_file_bytes)} limit "
                    "(raise it with --max-size or OVERHEARD_MAX_FILE_SIZE)"
                )
            with path.open("rb") as handle:
                head = handle.read(64)
            kind = formats.sniff(path, head)
            if kind in ("audio", "video"):
                result.sha, result.size = blobs.put_file(path)
                if is_known(result.sha):
                    result.known_audio = True
                    return result
                try:
                    result.audio = formats.probe_audio(blobs.path_for(result.sha))
                except InputError as exc:
                    result.error = str(exc)
                return result
            data = path.read_bytes()
            result.sha = blobs.put(data)
            result.blob_type = BLOB_TYPES.get(kind, "text/plain")
            try:
                records: list[formats.Record | formats.RecordError] = list(
                    READERS[kind](data, path, self.encoding)
                )
            except InputError as exc:
                result.error = str(exc)
                return result
            known = is_known(result.sha)
            for rec in records:
                prepared = None
                if isinstance(rec, formats.Record) and not known:
                    prepared = text_stage.prepare(rec.text, self.settings.languages)
                result.records.append((rec, prepared))
        except InputError as exc:
            result.error = str(exc)
        except PermissionError:
            result.error = "permission denied"
        except IsADirectoryError:
            result.error = "is a folder, not a file"
        except OSError as exc:
            result.error = f"cannot read: {exc.strerror or exc}"
        return result


BLOB_TYPES = {"html": "text/html", "json": "application/json", "jsonl": "application/x-ndjson"}

_worker_job: _ReadJob | None = None
_worker_known: frozenset[str] = frozenset()


def _init_worker(job: _ReadJob, known: frozenset[str]) -> None:
    global _worker_job, _worker_known
    _worker_job, _worker_known = job, known
    _die_with_parent()


def _die_with_parent() -> None:
    """A worker must not outlive an ingest that was killed (kill -9 gives the pool no chance
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


def _read_in_worker(path: Path) -> FileRead:
    assert _worker_job is not None
    return _worker_job.read(path, _worker_known.__contains__)
