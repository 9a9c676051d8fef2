"""The single writer: each file's reads become documents, origins and failures in the case.

Only this process writes to the database, one transaction per document, so a killed run leaves
every document either complete or absent, and running the same command again finishes the job.
The same bytes again are PRESENT (one more origin), the same text under another name or format
is a DUPLICATE (an origin of the first document), and a file that cannot be read is FAILED with
its reason, until a later ingest of the same path succeeds and resolves it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from overheard import __version__
from overheard.config import Settings
from overheard.errors import InputError
from overheard.ingest import formats
from overheard.ingest.read import FileRead, MediaRead
from overheard.pipeline import text as text_stage
from overheard.pipeline.runs import RunRegistry
from overheard.store.case import Case
from overheard.store.schema import (
    Blob,
    Document,
    DocumentStatus,
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

# Another ingest on the same PostgreSQL case stored the same row between this transaction's
# look and its insert this many times in a row: give up (it never happened in the tests).
RETRIES = 5
T = TypeVar("T")


@dataclass
class Outcome:
    """What became of one record of one file (``part`` 0 for a whole file)."""

    path: str
    part: int
    status: str
    document_id: int | None = None
    reason: str | None = None


def text_fingerprint(text: str) -> str:
    """The same text whatever its line wrapping or trailing spaces."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class Writer:
    """Stores what the read phase found, in this process. ``labels`` names files where their
    path is not what a user knows them by (an upload's temporary file: its original name)."""

    def __init__(self, case: Case, settings: Settings, source: str | None = None) -> None:
        self.case = case
        self.settings = settings
        self.source_name = source
        self.labels: dict[str, str] = {}
        self.runs = RunRegistry()
        self._source_ids: dict[str, int] = {}
        # Paths with unresolved failures: only these need their failures marked resolved.
        with case.reader() as r:
            self._failed_paths = set(
                r.scalars(select(IngestFailure.path).where(IngestFailure.resolved.is_(False)))
            )

    def finish(self) -> None:
        """Close the runs this writer opened."""
        with self.case.session() as s:
            self.runs.finish(s)

    def shown(self, path: Path) -> str:
        """The path as the user knows it."""
        return self.labels.get(str(path), str(path))

    def write(self, read: FileRead) -> list[Outcome]:
        """Store one file's read: a recording, each record of a text, or its failure."""
        shown = self.shown(read.path)
        if read.sha is not None:  # its original may be new: make it durable with the next flush
            self.case.blobs.unflushed += 1
        if read.error is not None:
            return [self.fail(shown, None, read.sha, read.error, read.blob_type, read.size)]
        if read.audio is not None or read.known_audio:
            return [self._store_audio(read)]
        outcomes: list[Outcome] = []
        for rec, prepared in read.records:
            if isinstance(rec, formats.RecordError):
                outcomes.append(
                    self.fail(shown, rec.part, read.sha, rec.reason, read.blob_type, read.size)
                )
            else:
                assert read.sha is not None
                outcomes.append(
                    self._store_text(read.path, read.sha, read.size, read.blob_type, rec, prepared)
                )
        for media in read.media:
            if media.sha is not None:
                self.case.blobs.unflushed += 1
            outcomes.append(self._store_media(read, media))
        return outcomes

    def _again_on_conflict(self, store: Callable[[], T]) -> T:
        """Run one document's transaction, and run it again when the database refuses a row
        that another process committed meanwhile (the same file, text, item, original,
        source or path: each is unique in the database). On PostgreSQL several ingests write
        one case at once, and each looks before it inserts in its own snapshot; the second
        insert of a row waits for the first's commit and fails, and the second attempt finds
        it (PRESENT, DUPLICATE). On SQLite writers take turns and never get here. Ids this
        writer cached from the failed transaction are forgotten with it."""
        for attempt in range(RETRIES):
            sources, runs = dict(self._source_ids), self.runs.snapshot()
            try:
                return store()
            except IntegrityError:
                self._source_ids = sources
                self.runs.restore(runs)
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _store_text(
        self,
        path: Path,
        sha: str,
        size: int,
        blob_type: str,
        rec: formats.Record,
        prepared: text_stage.PreparedText | None,
    ) -> Outcome:
        return self._again_on_conflict(
            lambda: self._store_text_once(path, sha, size, blob_type, rec, prepared)
        )

    def _store_text_once(
        self,
        path: Path,
        sha: str,
        size: int,
        blob_type: str,
        rec: formats.Record,
        prepared: text_stage.PreparedText | None,
    ) -> Outcome:
        shown = self.shown(path)
        fingerprint = text_fingerprint(rec.text)
        with self.case.session() as s:
            existing = s.scalar(
                select(Document.id).where(Document.blob_sha256 == sha, Document.part == rec.part)
            )
            if existing is None and rec.external_id is not None:
                # The same item in another file: a newer export of the channel, the feed again.
                existing = s.scalar(
                    select(Document.id).where(Document.external_id == rec.external_id)
                )
            if existing is not None:
                self._ensure_blob(s, sha, size, blob_type)
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
                    "status": DocumentStatus.READY.value,
                    "meta": rec.meta or None,
                    "external_id": rec.external_id,
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

    def _store_audio(self, read: FileRead) -> Outcome:
        assert read.sha is not None
        sha = read.sha
        return self._again_on_conflict(
            lambda: self._store_recording(
                self.shown(read.path), None, sha, read.size, read.audio, title=read.path.stem
            )
        )

    def _store_media(self, read: FileRead, item: MediaRead) -> Outcome:
        """A recording a file refers to or holds. One beside the file (a channel export's voice
        note) is known by its own path; one inside it (a WARC's audio) by the file's and its
        record number."""
        media = item.media
        if media.path is not None:
            shown, part = self.shown(media.path), None
        else:
            shown, part = self.shown(read.path), media.part
        if item.error is not None or item.sha is None:
            reason = item.error or "not read"
            if media.path is not None and media.meta.get("telegram"):
                tg = media.meta["telegram"]
                reason = f"message {tg.get('message_id')} of {tg.get('chat')}: {reason}"
            blob_type = "application/octet-stream" if item.sha else None
            return self.fail(shown, part, item.sha, reason, blob_type, item.size)
        sha = item.sha
        return self._again_on_conflict(
            lambda: self._store_recording(
                shown,
                part,
                sha,
                item.size,
                item.audio,
                title=media.title or (media.path.stem if media.path else None),
                published_at=media.published_at,
                published_text=media.published_text,
                source=media.source,
                url=media.url,
                meta=media.meta,
                parent=media.parent,
            )
        )

    def _store_recording(
        self,
        shown: str,
        part: int | None,
        sha: str,
        size: int,
        info: formats.AudioInfo | None,
        *,
        title: str | None,
        published_at: datetime | None = None,
        published_text: str | None = None,
        source: str | None = None,
        url: str | None = None,
        meta: dict[str, Any] | None = None,
        parent: str | None = None,
    ) -> Outcome:
        """A recording, with its item's metadata; ``parent`` is the external id of the
        document it belongs to (a voice note's message), which the two then name."""
        with self.case.session() as s:
            existing = s.scalar(
                select(Document.id).where(Document.blob_sha256 == sha, Document.part == 0)
            )
            if existing is not None:
                self._add_origin(s, existing, shown, sha)
                self._resolve_failures(s, shown, part or 0)
                return Outcome(shown, part or 0, PRESENT, existing)
        if info is None:  # known to a worker's snapshot but not in the case: probe it now
            try:
                info = formats.probe_audio(self.case.blobs.path_for(sha))
            except InputError as exc:
                return self.fail(shown, part, sha, str(exc), "application/octet-stream", size)
        with self.case.session() as s:
            self._ensure_blob(s, sha, size, info.media_type)
            parent_doc = (
                s.scalar(select(Document).where(Document.external_id == parent))
                if parent is not None
                else None
            )
            doc = Document(
                blob_sha256=sha,
                part=0,
                kind=info.kind,
                media_type=info.media_type,
                title=title,
                published_at=published_at,
                published_text=published_text,
                origin_path=shown,
                source_id=self._source_id(s, source or self.source_name),
                url=url,
                duration_s=info.duration_s,
                channels=info.channels,
                sample_rate=info.sample_rate,
                status=DocumentStatus.AWAITING_TRANSCRIPTION.value,
                meta={
                    "codec": info.codec,
                    **(meta or {}),
                    **({"parent_document": parent_doc.id} if parent_doc else {}),
                },
                run_id=self.runs.run_id(s, "ingest", __version__),
            )
            s.add(doc)
            s.flush()
            if parent_doc is not None:  # a JSON column: assigned anew, not changed in place
                known = list((parent_doc.meta or {}).get("recordings") or [])
                parent_doc.meta = {**(parent_doc.meta or {}), "recordings": [*known, doc.id]}
            s.add(Origin(document_id=doc.id, path=shown, blob_sha256=sha))
            self._resolve_failures(s, shown, part or 0)
            return Outcome(shown, part or 0, NEW, doc.id)

    def fail(
        self,
        path: str,
        part: int | None,
        sha: str | None,
        reason: str,
        media_type: str | None = None,
        size: int | None = None,
    ) -> Outcome:
        """Record why ``path`` (one ``part`` of it, or all) could not be ingested, once per
        reason until resolved; its original is kept when there is one."""
        self._again_on_conflict(lambda: self._fail_once(path, part, sha, reason, media_type, size))
        self._failed_paths.add(path)
        return Outcome(path, part or 0, FAILED, None, reason)

    def _fail_once(
        self,
        path: str,
        part: int | None,
        sha: str | None,
        reason: str,
        media_type: str | None,
        size: int | None,
    ) -> None:
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
