"""Web archives: WARC files (``.warc``, ``.warc.gz``) and WACZ packages (``.wacz``: WARCs in a
ZIP, as Bellingcat's auto-archiver and Browsertrix make them).

Each archived page (an HTML response or resource) becomes a document of its main text, as an
HTML file does; each archived audio or video becomes a recording. Both keep the archived URL
as their url and the capture (``WARC-Date``, ``WARC-Record-ID``) in ``meta["archive"]``: a
capture time says when the page was seen, not when it was published. The n-th record of the
archive (counting every record, in order; across a WACZ's WARCs) is the document's part.

Pages without article text (redirects, frames, scripts' shells), requests, metadata, revisits
and every other type of response are passed over. A record that cannot be read is a failure
of its own: reading goes on from the next record the archive holds.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from overheard.errors import InputError
from overheard.ingest import formats
from overheard.ingest.formats import Media, Record, RecordError

_HTML = {"text/html", "application/xhtml+xml"}
_MEDIA_EXTENSIONS = formats.AUDIO_EXTENSIONS | formats.VIDEO_EXTENSIONS
_GZIP = b"\x1f\x8b\x08"


def read_warc(
    data: bytes, path: Path, encoding: str | None = None
) -> list[Record | RecordError | Media]:
    if not data:
        raise InputError("empty file (0 bytes)")
    if not data.startswith((b"WARC/", _GZIP[:2])):
        what = formats.describe_magic(data[:16])
        raise InputError(
            "not a WARC file: it starts with neither a WARC/1.x header nor gzip"
            + (f" (the bytes look like {what})" if what else "")
        )
    out = list(_read(data, path.name, 0))
    if not out:
        raise InputError("no archived pages with text, and no archived audio or video")
    return out


def read_wacz(
    data: bytes, path: Path, encoding: str | None = None
) -> list[Record | RecordError | Media]:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError("not a WACZ file: not a ZIP archive (or a damaged one)") from None
    names = sorted(
        n for n in package.namelist()
        if n.startswith("archive/") and n.lower().endswith((".warc", ".warc.gz"))
    )  # fmt: skip
    if not names:
        raise InputError("not a WACZ file: no WARC files under archive/")
    out: list[Record | RecordError | Media] = []
    part = 0
    for name in names:
        try:
            warc = package.read(name)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            part += 1
            out.append(RecordError(part, f"{name}: cannot be read from the package ({exc})"))
            continue
        for item in _read(warc, name, part):
            out.append(item)
            part = max(part, item.part)
    if not out:
        raise InputError("no archived pages with text, and no archived audio or video")
    return out


def _read(data: bytes, name: str, first: int) -> Iterator[Record | RecordError | Media]:
    """The pages and recordings of one WARC, numbered on from ``first``."""
    n = first
    for record in _records(data):
        n += 1
        if isinstance(record, _Unreadable):
            yield RecordError(n, f"{name}: {record.reason}")
            continue
        item = _item(record, n, name)
        if item is not None:
            yield item


class _Unreadable:
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _records(data: bytes) -> Iterator[Any]:
    """Every record, as warcio reads it; a record it cannot read is an ``_Unreadable`` and
    reading starts again at the next record's first bytes (a gzip member's header in a
    .warc.gz, a ``WARC/1.`` line in a .warc)."""
    from warcio.archiveiterator import ArchiveIterator

    gz = data.startswith(_GZIP[:2])
    pos = 0
    reported = False  # one failure per damaged stretch, however many restarts it takes
    while pos < len(data):
        iterator = ArchiveIterator(io.BytesIO(data[pos:]))
        try:
            for record in iterator:
                reported = False
                yield record
            return
        except Exception as exc:  # noqa: BLE001 - warcio, zlib and gzip raise many types
            # The first byte of the record being read (get_record_offset() would read on).
            at = pos + iterator.offset
            if not reported:
                yield _Unreadable(f"the record at byte {at} is damaged: {_reason(exc)}")
                reported = True
            pos = _next_start(data, at + 1, gz)


def _next_start(data: bytes, start: int, gz: bool) -> int:
    if gz:
        found = data.find(_GZIP, start)
    else:
        found = data.find(b"\nWARC/1.", start - 1)
        found = found + 1 if found != -1 else -1
    return len(data) if found == -1 else found


def _reason(exc: BaseException) -> str:
    """The error in a line, without the binary a damaged record quotes ("first line: ...")."""
    text = " ".join(str(exc).split())
    if "first line:" in text:
        quoted = text.split("first line:", 1)[1].strip()
        shown = repr(quoted[:40]) if quoted.isprintable() and quoted.isascii() else "binary data"
        text = text.split("first line:", 1)[0] + f"it starts with {shown}"
    return text[:200] or type(exc).__name__


def _item(record: Any, n: int, name: str) -> Record | Media | RecordError | None:
    """One archived page's text, or one archived recording; None for anything else."""
    kind = record.rec_type
    if kind not in ("response", "resource"):
        return None
    headers = record.rec_headers
    uri = headers.get_header("WARC-Target-URI") or ""
    if kind == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return None
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = headers.get_header("Content-Type") or ""
    mime = content_type.split(";")[0].strip().lower()
    suffix = PurePosixPath(unquote(urlsplit(uri).path)).suffix.lower()
    is_page = mime in _HTML
    is_media = mime.startswith(("audio/", "video/")) or (
        mime in ("", "application/octet-stream", "binary/octet-stream")
        and suffix in _MEDIA_EXTENSIONS
    )
    if not (is_page or is_media):
        return None
    try:
        payload = record.content_stream().read()
    except Exception as exc:  # noqa: BLE001 - a damaged payload: chunking, gzip, brotli
        return RecordError(
            n, f"{name}: record {n} ({uri}): cannot read its content: {_reason(exc)}"
        )
    missing = getattr(record.raw_stream, "limit", 0)
    if isinstance(missing, int) and missing > 0:  # the archive ends inside the record
        return RecordError(
            n,
            f"{name}: record {n} ({uri}) is cut short ({missing} of {record.length} bytes "
            "missing); not kept",
        )
    archive = {
        k: v
        for k, v in {
            "archived_url": uri or None,
            "captured_at": headers.get_header("WARC-Date"),
            "record_id": headers.get_header("WARC-Record-ID"),
            "warc": name,
            "content_type": content_type or None,
        }.items()
        if v
    }
    if is_media:
        if not payload:
            return None
        title = PurePosixPath(unquote(urlsplit(uri).path)).name or uri or None
        return Media(part=n, data=payload, title=title, url=uri or None,
                     source=urlsplit(uri).hostname, meta={"archive": archive})  # fmt: skip
    try:
        page = formats.read_html(payload, Path(PurePosixPath(urlsplit(uri).path).name or "page"))
    except InputError:
        return None  # no article text: a frame, a redirect page, a script's shell
    rec = page[0]
    rec.part = n
    rec.url = uri or rec.url
    rec.source = rec.source or urlsplit(uri).hostname
    rec.meta = {"archive": archive}
    return rec
