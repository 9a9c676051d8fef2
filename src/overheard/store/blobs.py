"""Content-addressed storage of original bytes: ``originals/ab/abcdef…`` by sha256.

Writes are atomic (temporary file, then rename), so a killed process leaves either the whole
original or nothing. A temporary file is named for the process writing it
(``.incoming-PID-…``), and only a leftover whose process is gone is ever removed by anyone
else: an ``overheard list`` opening the case while an ingest writes must not delete that
ingest's half-written original. Stored files are made read-only: derived data is rebuilt from them, never
the other way round.

Durability against a power cut is batched: an fsync per file costs ~8 ms, more than reading,
splitting and indexing an article together, so ``flush()`` syncs the file system once per batch
(the ingest runner calls it every few hundred files and at the end). A blob that a power cut
truncates is caught: ``put`` rewrites a stored file whose size is wrong, and ``verify`` checks
the hash.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import tempfile
import time
from pathlib import Path

_TEMP = re.compile(r"\.incoming-(\d+)(?:@(\w*))?-")
# Named with the host too: machines of a team's case may share one originals folder (--blobs),
# where another machine's writer's pid says nothing about whether it is still writing.
_HOST = re.sub(r"\W", "_", socket.gethostname())
_LEGACY_AGE_S = 24 * 3600  # an older version's temp file (no pid), or another host's: when stale


def _temp_prefix() -> str:
    return f".incoming-{os.getpid()}@{_HOST}-"


def _writer_gone(path: Path) -> bool:
    match = _TEMP.match(path.name)
    if match is None or (match.group(2) is not None and match.group(2) != _HOST):
        try:
            return time.time() - path.stat().st_mtime > _LEGACY_AGE_S
        except OSError:
            return False
    pid = int(match.group(1))
    if pid == os.getpid():
        return False  # ours: removed by the write that made it, if it fails
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, someone else's
    return False


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    def __init__(self, root: Path, durable: bool = False) -> None:
        self.root = root
        self.durable = durable  # fsync every file (slow) instead of batched flush()
        self.unflushed = 0

    def flush(self) -> None:
        """Make every blob written so far durable (one sync for the whole batch)."""
        if self.unflushed:
            os.sync()
            self.unflushed = 0

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Store ``data`` (no-op when already there) and return its sha256."""
        digest = sha256 or sha256_bytes(data)
        target = self.path_for(digest)
        if target.is_file() and target.stat().st_size == len(data):
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=_temp_prefix())
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if self.durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.chmod(tmp_name, 0o444)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        self._written(target.parent)
        return digest

    def put_file(self, source: Path, chunk: int = 1 << 20) -> tuple[str, int]:
        """Stream a (possibly large) file into the store; returns (sha256, size)."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=_temp_prefix())
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                while block := src.read(chunk):
                    digest.update(block)
                    out.write(block)
                    size += len(block)
                if self.durable:
                    out.flush()
                    os.fsync(out.fileno())
            sha = digest.hexdigest()
            target = self.path_for(sha)
            if target.is_file() and target.stat().st_size == size:
                Path(tmp_name).unlink()
                return sha, size
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp_name, 0o444)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        self._written(target.parent)
        return sha, size

    def _written(self, folder: Path) -> None:
        if self.durable:
            _fsync_dir(folder)
        else:
            self.unflushed += 1

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def verify(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        return path.is_file() and sha256_bytes(path.read_bytes()) == sha256

    def clean_incomplete(self) -> int:
        """Remove temporary files whose writer was killed (its process is gone); a writer that
        is still running keeps its own. Returns how many were removed."""
        removed = 0
        if self.root.is_dir():
            for leftover in [*self.root.glob(".incoming-*"), *self.root.glob("*/.incoming-*")]:
                if _writer_gone(leftover):
                    leftover.unlink(missing_ok=True)
                    removed += 1
        return removed


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
