"""What a file is and what it says: text, HTML, JSON records, or audio/video.

The extension says what a file claims to be; the bytes decide. A text file named ``.wav`` or a
PDF named ``.txt`` is refused with a reason that names what the bytes look like.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from overheard.errors import InputError

TEXT_EXTENSIONS = {".txt", ".text", ".md", ".markdown"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
JSON_EXTENSIONS = {".json"}
JSONL_EXTENSIONS = {".jsonl", ".ndjson"}
AUDIO_EXTENSIONS = {".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".amr",
                    ".wma"}  # fmt: skip
VIDEO_EXTENSIONS = {".mp4", ".mkv", ".mov", ".avi", ".webm", ".3gp"}
FEED_EXTENSIONS = {".rss", ".atom", ".xml"}
WARC_SUFFIXES = (".warc", ".warc.gz")
WACZ_EXTENSIONS = {".wacz"}

# Magic numbers of formats people mistake for text or audio, for a useful refusal.
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"SQLite format 3", "an SQLite database"),
    (b"RIFF", "audio or video (RIFF)"),
    (b"OggS", "Ogg audio"),
    (b"fLaC", "FLAC audio"),
    (b"ID3", "MP3 audio"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM video"),
    (b"#!AMR", "AMR audio"),
]


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


@dataclass
class Record:
    """One document's worth of text read from a file (a whole file, or one JSON record)."""

    part: int
    text: str
    media_type: str
    title: str | None = None
    published_text: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # The item's identity where it was published ("telegram:CHAT/MESSAGE"): documents.external_id.
    external_id: str | None = None


@dataclass
class Media:
    """A recording a file refers to or holds: a channel export's voice note (``path``, a file
    beside it) or audio archived in a WARC (``data``). It becomes a recording of its own, with
    the metadata of the item it belongs to; ``parent`` is that item's ``external_id`` where it
    has one, so the recording names the document of its message."""

    part: int
    path: Path | None = None
    data: bytes | None = None
    title: str | None = None
    published_text: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    parent: str | None = None


@dataclass
class RecordError:
    part: int
    reason: str


@dataclass
class AudioInfo:
    kind: str  # audio | video
    media_type: str
    codec: str
    duration_s: float
    channels: int
    sample_rate: int


def kind_for(path: Path) -> str:
    ext = path.suffix.lower()
    if path.name.lower().endswith(WARC_SUFFIXES):
        return "warc"
    if ext in WACZ_EXTENSIONS:
        return "wacz"
    if ext in FEED_EXTENSIONS:
        return "feed"
    if ext in TEXT_EXTENSIONS:
        return "text"
    if ext in HTML_EXTENSIONS:
        return "html"
    if ext in JSON_EXTENSIONS:
        return "json"
    if ext in JSONL_EXTENSIONS:
        return "jsonl"
    if ext in AUDIO_EXTENSIONS:
        return "audio"
    if ext in VIDEO_EXTENSIONS:
        return "video"
    return "unknown"


def describe_magic(head: bytes) -> str | None:
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head[4:8] == b"ftyp":
        return "MP4/M4A audio or video"
    if head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "MP3 audio"
    return None


def sniff(path: Path, head: bytes) -> str:
    """The kind to read ``path`` as: its extension's, or a guess from the bytes when unknown."""
    kind = kind_for(path)
    if kind != "unknown":
        return kind
    magic = describe_magic(head)
    if magic and ("audio" in magic or "video" in magic):
        return "audio"
    if b"\x00" not in head:
        lowered = head.lstrip()[:200].lower()
        if lowered.startswith((b"<!doctype html", b"<html")):
            return "html"
        return "text"
    raise InputError(
        f"unsupported file type{' (' + magic + ')' if magic else ''}: "
        "overheard reads .txt .md .html .json .jsonl, feeds (.rss .atom .xml), web archives "
        "(.warc .warc.gz .wacz) and audio/video files"
    )


# --------------------------------------------------------------------------------------- text


def decode_text(data: bytes, encoding: str | None = None) -> str:
    """Bytes to text: UTF-8 (or a BOM's encoding, or the one the user names), strictly."""
    if not data:
        raise InputError("empty file (0 bytes)")
    if encoding is None:
        magic = describe_magic(data[:16])
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            what = magic or "binary data"
            raise InputError(f"not a text file: the bytes look like {what} (NUL bytes found)")
        if magic and "text" not in magic:
            raise InputError(f"not a text file: the bytes look like {magic}")
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid {encoding} at byte {exc.start}") from None
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"invalid UTF-16 at byte {exc.start}") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                f"invalid UTF-8 at byte {exc.start} (line {line}); "
                "re-save the file as UTF-8 or pass --encoding (e.g. cp1251, koi8-r)"
            ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise InputError("not a text file: it contains NUL characters")
    controls = len(_CONTROL.findall(text, 0, 8192))
    if controls > max(8, len(text[:8192]) // 50):
        raise InputError("not a text file: too many control characters (binary data?)")
    if not text.strip():
        raise InputError("no text: the file holds only whitespace")
    return text


def read_text(data: bytes, path: Path, encoding: str | None = None) -> list[Record]:
    text = decode_text(data, encoding)
    media = "text/markdown" if path.suffix.lower() in {".md", ".markdown"} else "text/plain"
    title = _first_line_title(text)
    return [Record(part=0, text=text, media_type=media, title=title)]


def headed(text: str, title: str | None) -> str:
    """The text a document is analysed as: its headline, a blank line, then its body, where
    the record holds the headline apart (a JSON record's ``title``, a page's or a feed item's
    title) and the body does not already open with it. A headline names people, bodies and
    places the body may not ("Заявление губернатора … Виктора Лагутина" above a first-person
    statement); the analysis reads a first line like this as a title, which states nothing
    (``text.statements.voice.title_line``)."""
    head = " ".join((title or "").split())
    if not head:
        return text
    first = " ".join(text.lstrip().split("\n", 1)[0].split()).casefold()
    folded = head.casefold()
    # A page's title is often its headline plus the site ("Headline | Site", "Headline -
    # Site"): a body that opens with the headline already has it.
    if first and (folded.startswith(first) or first.startswith(folded)):
        return text
    return f"{head}\n\n{text.lstrip()}"


def _first_line_title(text: str) -> str | None:
    first = text.lstrip().split("\n", 1)[0].strip().lstrip("#").strip()
    if 0 < len(first) <= 200 and len(text.strip()) > len(first):
        return first
    return None


# --------------------------------------------------------------------------------------- html


def read_html(data: bytes, path: Path, encoding: str | None = None) -> list[Record]:
    import trafilatura

    markup = decode_text(data, encoding) if encoding else _decode_html(data)
    extracted = trafilatura.bare_extraction(
        markup, with_metadata=True, include_comments=False, favor_precision=True
    )
    text = (getattr(extracted, "text", None) or "").strip() if extracted is not None else ""
    if not text:
        raise InputError("no article text found in the HTML (only navigation, scripts or markup)")
    published = getattr(extracted, "date", None)
    title = getattr(extracted, "title", None)
    return [
        Record(
            part=0,
            text=headed(text, title),
            media_type="text/html",
            title=title,
            published_text=published,
            published_at=parse_date(published),
            source=getattr(extracted, "sitename", None),
            url=getattr(extracted, "url", None),
        )
    ]


def _decode_html(data: bytes) -> str:
    if not data.strip():
        raise InputError("empty file (0 bytes)" if not data else "no text: only whitespace")
    if b"\x00" in data[:8192]:
        raise InputError("not an HTML file: binary data (NUL bytes found)")
    declared = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", data[:4096], re.I)
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return decode_text(data)


# --------------------------------------------------------------------------------------- json

_TEXT_KEYS = ("text", "body", "content")
_DATE_KEYS = ("published", "date", "published_at", "datetime")


def _record_from(obj: Any, part: int) -> Record | RecordError:
    if not isinstance(obj, dict):
        return RecordError(part, f"expected a JSON object, got {type(obj).__name__}")
    text = next((obj[k] for k in _TEXT_KEYS if isinstance(obj.get(k), str)), None)
    if text is None:
        return RecordError(part, "no 'text' field (a string) in the record")
    text = text.replace("\r\n", "\n")
    if not text.strip():
        return RecordError(part, "the record's text is empty")
    published = next((obj[k] for k in _DATE_KEYS if obj.get(k)), None)
    source = obj.get("source")
    if isinstance(source, dict):
        source = source.get("name")
    meta = {
        k: v
        for k, v in obj.items()
        if k not in (*_TEXT_KEYS, *_DATE_KEYS, "title", "source", "url")
    }
    title = obj.get("title") if isinstance(obj.get("title"), str) else None
    return Record(
        part=part,
        text=headed(text, title),
        media_type="application/json",
        title=title,
        published_text=str(published) if published is not None else None,
        published_at=parse_date(published),
        source=str(source) if source else None,
        url=obj.get("url") if isinstance(obj.get("url"), str) else None,
        meta=meta,
    )


def read_json(
    data: bytes, path: Path, encoding: str | None = None
) -> list[Record | RecordError | Media]:
    from overheard.ingest import telegram

    text = decode_text(data, encoding)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        if telegram.looks_like_export(data[:4096]):
            return telegram.read_truncated(text, path, exc)
        raise InputError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    if telegram.is_export(parsed):
        return telegram.read_export(parsed, path)
    if isinstance(parsed, dict) and not any(isinstance(parsed.get(k), str) for k in _TEXT_KEYS):
        for key in ("records", "items", "documents", "articles"):
            if isinstance(parsed.get(key), list):
                parsed = parsed[key]
                break
    if isinstance(parsed, list):
        if not parsed:
            raise InputError("the JSON array is empty: no records")
        records: list[Record | RecordError | Media] = [
            _record_from(obj, i + 1) for i, obj in enumerate(parsed)
        ]
        return records
    result = _record_from(parsed, 0)
    if isinstance(result, RecordError):
        raise InputError(result.reason)
    return [result]


def read_jsonl(data: bytes, path: Path, encoding: str | None = None) -> list[Record | RecordError]:
    text = decode_text(data, encoding)
    out: list[Record | RecordError] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append(
                RecordError(lineno, f"line {lineno}: invalid JSON ({exc.msg}, column {exc.colno})")
            )
            continue
        rec = _record_from(obj, lineno)
        if isinstance(rec, RecordError):
            rec.reason = f"line {lineno}: {rec.reason}"
        out.append(rec)
    if not out:
        raise InputError("no JSON lines in the file")
    return out


def parse_date(value: Any) -> datetime | None:
    """An ISO-like date from a record, as aware UTC; None when absent or not understood."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    from dateutil import parser as date_parser

    try:
        parsed = date_parser.isoparse(value.strip())
    except (ValueError, OverflowError):
        try:
            parsed = date_parser.parse(value.strip())
        except (ValueError, OverflowError, date_parser.ParserError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# -------------------------------------------------------------------------------------- audio


def probe_audio(path: Path) -> AudioInfo:
    """Open and fully decode an audio/video file's first audio track, so a truncated or damaged
    file is refused now and not when someone finally listens to it."""
    import av

    with path.open("rb") as handle:
        head = handle.read(64)
    if not head:
        raise InputError("empty file (0 bytes)")
    magic = describe_magic(head)
    looks_text = b"\x00" not in head and _mostly_printable(head)
    if looks_text and not magic:
        start = head.decode("utf-8", "replace").strip().splitlines()[0][:40] if head.strip() else ""
        raise InputError(f"not audio: the file holds text (starts with {start!r})")
    if magic and "audio" not in magic and "video" not in magic:
        raise InputError(f"not audio: the bytes look like {magic}")
    try:
        container = av.open(str(path), mode="r")
    except av.error.InvalidDataError:
        raise InputError("not audio: no known audio/video format could read it") from None
    except (av.error.FFmpegError, EOFError) as exc:
        raise InputError(f"cannot read audio: truncated or damaged ({_av_reason(exc)})") from None
    try:
        video = bool(container.streams.video)
        if not container.streams.audio:
            raise InputError("no audio track in the file" + (" (video only)" if video else ""))
        stream = container.streams.audio[0]
        codec = stream.codec_context.name
        rate = stream.codec_context.sample_rate or stream.rate or 0
        channels = stream.codec_context.channels or 0
        samples = 0
        try:
            for frame in container.decode(stream):
                samples += frame.samples
                rate = frame.sample_rate or rate
                channels = len(frame.layout.channels) or channels
        except (av.error.FFmpegError, EOFError) as exc:
            raise InputError(
                f"cannot decode audio: truncated or damaged ({_av_reason(exc)})"
            ) from None
        if samples == 0 or rate == 0:
            raise InputError("no audio samples: a zero-length or damaged recording")
        fmt = container.format.name.split(",")[0]
    finally:
        container.close()
    kind = "video" if video else "audio"
    return AudioInfo(
        kind=kind,
        media_type=f"{kind}/{_MEDIA_SUBTYPE.get(fmt, fmt)}",
        codec=codec,
        duration_s=round(samples / rate, 3),
        channels=channels,
        sample_rate=rate,
    )


_MEDIA_SUBTYPE = {"wav": "wav", "mp3": "mpeg", "ogg": "ogg", "flac": "flac", "mov": "mp4",
                  "matroska": "x-matroska", "aac": "aac", "amr": "amr"}  # fmt: skip


def _mostly_printable(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head[:-3].decode("utf-8", "ignore") if len(head) > 3 else ""
        if not text:
            return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return printable >= 0.95 * max(1, len(text))


def _av_reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "unexpected end of file"
    message = getattr(exc, "strerror", None) or str(exc)
    return message.split(":")[0].strip() if message else type(exc).__name__
