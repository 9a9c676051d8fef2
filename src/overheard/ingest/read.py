"""Reading one file: its bytes become a stored original, parsed records and prepared text.

This is the half of ingest that can run in a worker process (see pool.py): the blob store's
writes are atomic and idempotent, and nothing here touches the database. Whatever goes wrong
with a file becomes its ``error``, one line a user can read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from overheard.config import Settings
from overheard.errors import InputError
from overheard.ingest import archives, feeds, formats
from overheard.pipeline import text as text_stage

if TYPE_CHECKING:
    from overheard.store.blobs import BlobStore

Item = formats.Record | formats.RecordError | formats.Media
Reader = Callable[[bytes, Path, str | None], Sequence[Item]]
READERS: dict[str, Reader] = {
    "text": formats.read_text,
    "html": formats.read_html,
    "json": formats.read_json,
    "jsonl": formats.read_jsonl,
    "feed": feeds.read_feed,
    "warc": archives.read_warc,
    "wacz": archives.read_wacz,
}

BLOB_TYPES = {"html": "text/html", "json": "application/json", "jsonl": "application/x-ndjson",
              "feed": "application/xml", "warc": "application/warc",
              "wacz": "application/wacz+zip"}  # fmt: skip


@dataclass
class MediaRead:
    """A recording a file refers to or holds, stored and checked: its original's sha256, and
    what it holds (``audio``), or why it cannot be read (``error``)."""

    media: formats.Media
    sha: str | None = None
    size: int = 0
    audio: formats.AudioInfo | None = None
    known: bool = False
    error: str | None = None


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
    # Recordings the file refers to or holds (a channel export's voice notes), after its records.
    media: list[MediaRead] = field(default_factory=list)


@dataclass
class ReadJob:
    """How to read: the settings, the encoding asked for and where originals are stored.
    Picklable, so a worker process gets its own copy."""

    settings: Settings
    encoding: str | None
    blob_root: Path

    def read(self, path: Path, is_known: Callable[[str], bool]) -> FileRead:
        """Check, store and parse one file. ``is_known`` says whether an original's sha256 is
        already a document: its text then need not be prepared again."""
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
                items = list(READERS[kind](data, path, self.encoding))
            except InputError as exc:
                result.error = str(exc)
                return result
            known = is_known(result.sha)
            for item in items:
                if isinstance(item, formats.Media):
                    result.media.append(self._read_media(item, blobs, is_known))
                    continue
                rec, prepared = item, None
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

    def _read_media(
        self, media: formats.Media, blobs: BlobStore, is_known: Callable[[str], bool]
    ) -> MediaRead:
        """Store and check one recording, as a loose audio file is: fully decoded now."""
        result = MediaRead(media)
        try:
            if media.path is not None:
                size = media.path.stat().st_size
                if size > self.settings.max_file_bytes:
                    raise InputError(
                        f"file is {_human(size)}, over the "
                        f"{_human(self.settings.max_file_bytes)} limit"
                    )
                result.sha, result.size = blobs.put_file(media.path)
            else:
                assert media.data is not None
                result.sha, result.size = blobs.put(media.data), len(media.data)
            if is_known(result.sha):
                result.known = True
            else:
                result.audio = formats.probe_audio(blobs.path_for(result.sha))
        except InputError as exc:
            result.error = str(exc)
        except FileNotFoundError:
            result.error = "missing: the file is not in the export folder"
        except PermissionError:
            result.error = "permission denied"
        except OSError as exc:
            result.error = f"cannot read: {exc.strerror or exc}"
        return result


def _human(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"
