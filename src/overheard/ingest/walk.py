"""Expand the paths a user gives into the files to ingest, reporting what cannot be read.

Folders are walked recursively in a stable (sorted) order; symbolic links are followed, but a
link that leads back into a folder already being walked is reported as a loop and skipped.
Hidden files and folders (``.git``, ``.DS_Store``) are skipped. A Telegram export folder is its
``result.json`` alone: the media beside it are read with the messages that refer to them. A
``file://`` URL names a local file; any other URL is refused (overheard reads nothing from the
network).
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from overheard.ingest.telegram import EXPORT_FILE, is_export_folder

# A URL, as pathlib keeps it ("http://x" becomes "http:/x"); two letters at least, so that a
# Windows drive ("C:/") is a path.
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+:/")


@dataclass(frozen=True)
class Found:
    path: Path
    error: str | None = None  # set when the path cannot be used, with the reason


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT:
        return "no such file or folder"
    if exc.errno == errno.EACCES or exc.errno == errno.EPERM:
        return "permission denied"
    return exc.strerror or str(exc)


def _unstatable(path: Path, exc: OSError, is_link: bool) -> Found:
    """A path that cannot be looked at: a dangling link says so, anything else says why."""
    if is_link and exc.errno == errno.ENOENT:
        return Found(path, "broken symbolic link (its target does not exist)")
    return Found(path, _reason(exc))


def expand(paths: list[Path]) -> Iterator[Found]:
    for path in paths:
        text = str(path)
        if _URL.match(text) and not os.path.lexists(path):
            if not text.startswith("file:"):
                yield Found(path, "a URL: overheard reads no network; save it and ingest the file")
                continue
            path = Path(url2pathname(urlsplit(text).path))
        try:
            st = path.stat()
        except OSError as exc:
            yield _unstatable(path, exc, path.is_symlink())
            continue
        if os.path.isdir(path):
            yield from _walk(path, {(st.st_dev, st.st_ino)})
        elif os.path.isfile(path):
            yield Found(path)
        else:
            yield Found(path, "not a regular file (a device, socket or pipe)")


def _walk(folder: Path, ancestors: set[tuple[int, int]]) -> Iterator[Found]:
    if is_export_folder(folder):
        yield Found(folder / EXPORT_FILE)
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Found(folder, f"cannot list folder: {_reason(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            st = entry.stat(follow_symlinks=True)
        except OSError as exc:
            yield _unstatable(path, exc, entry.is_symlink())
            continue
        key = (st.st_dev, st.st_ino)
        if entry.is_dir(follow_symlinks=True):
            if key in ancestors:
                yield Found(path, "symbolic link loop (links back to a folder above it); skipped")
                continue
            yield from _walk(path, ancestors | {key})
        elif entry.is_file(follow_symlinks=True):
            yield Found(path)
        else:
            yield Found(path, "not a regular file (a device, socket or pipe)")
