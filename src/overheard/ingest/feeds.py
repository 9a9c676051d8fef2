"""RSS and Atom feeds saved as files: one document per item.

An item's text is its full content (``content:encoded``, Atom ``content``) where it has one,
else its summary (``description``); either is HTML more often than not, and its text is
extracted as an article's is. The item's title, link, date and author are kept, the feed's
title is its source, and ``feed:FEED#ITEM`` (the feed's link and the item's guid) is its
identity (``documents.external_id``), so the same feed saved again later adds only new items.

Feeds are parsed from bytes only: feedparser fetches nothing when given no URL.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from overheard.errors import InputError
from overheard.ingest.formats import Media, Record, RecordError, headed, parse_date

_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


def read_feed(
    data: bytes, path: Path, encoding: str | None = None
) -> list[Record | RecordError | Media]:
    import feedparser

    if not data.strip():
        raise InputError("empty file (0 bytes)" if not data else "no text: only whitespace")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("not a feed: binary data (NUL bytes found)")
    if encoding:
        # feedparser reads the encoding the XML declares; a user's --encoding overrides it.
        try:
            data = data.decode(encoding).encode("utf-8")
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the feed as {encoding}: {exc}") from None
        data = re.sub(rb"""(<\?xml[^>]*encoding=["'])[^"']+""", rb"\1utf-8", data, count=1)
    parsed = feedparser.parse(data)
    broken = _broken(parsed)
    entries = list(parsed.entries)
    if not parsed.version and not entries:
        if broken:
            raise InputError(f"not an RSS or Atom feed: the XML is broken ({broken})")
        raise InputError("not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> root)")
    feed = parsed.feed
    feed_title = _clean(feed.get("title")) or None
    feed_id = feed.get("link") or feed.get("id") or feed_title or path.name
    # Where the XML breaks inside an item, that item is cut short: it is not kept as if whole.
    closed = len(re.findall(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", data))
    out: list[Record | RecordError | Media] = []
    for n, entry in enumerate(entries, start=1):
        if broken and n > closed:
            out.append(RecordError(n, f"item {n} is cut short by the broken XML; not kept"))
            continue
        out.append(_item(entry, n, feed_title, feed_id, feed.get("link")))
    if broken:
        out.append(
            RecordError(
                len(entries) + 1,
                f"the feed's XML is broken ({broken}): {min(closed, len(entries))} item(s) "
                "read before it; any after it are lost",
            )
        )
    elif not entries:
        raise InputError("the feed has no items")
    return out


def _item(
    entry: Any, n: int, feed_title: str | None, feed_id: str, feed_link: str | None
) -> Record | RecordError:
    title = _clean(entry.get("title")) or None
    body, html = _body(entry)
    text = html_text(body) if html else body.replace("\r\n", "\n").strip()
    if not text.strip():
        what = f" ({title})" if title else ""
        return RecordError(n, f"item {n}{what} has no text (no content or description)")
    published_text = entry.get("published") or entry.get("updated")
    published_at = _when(entry.get("published_parsed") or entry.get("updated_parsed"))
    if published_at is None:
        published_at = parse_date(published_text)
    item_id = entry.get("id") or entry.get("link")
    meta: dict[str, Any] = {
        "feed": {
            k: v
            for k, v in {
                "title": feed_title,
                "link": feed_link,
                "item_id": item_id,
                "author": entry.get("author"),
                "tags": [t.get("term") for t in entry.get("tags") or [] if t.get("term")] or None,
                "text_from": "content" if entry.get("content") else "summary",
            }.items()
            if v is not None
        }
    }
    return Record(
        part=n,
        text=headed(text, title),
        media_type="application/rss+xml",
        title=title,
        published_text=str(published_text)[:200] if published_text else None,
        published_at=published_at,
        source=feed_title,
        url=entry.get("link"),
        meta=meta,
        external_id=f"feed:{feed_id}#{item_id}"[:500] if item_id else None,
    )


def _body(entry: Any) -> tuple[str, bool]:
    """The item's fullest text and whether it is HTML: its content, else its summary."""
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        best = max(contents, key=lambda c: len(c.get("value") or ""))
        value, kind = best.get("value") or "", best.get("type") or ""
    else:
        detail = entry.get("summary_detail") or {}
        value, kind = entry.get("summary") or "", detail.get("type") or "text/html"
    # RSS descriptions are declared HTML whatever they hold; only markup makes them so.
    return value, "html" in kind and bool(_TAG.search(value))


def html_text(fragment: str) -> str:
    """An item's HTML as text: its article text where trafilatura finds one, else all its text,
    a line per block."""
    import trafilatura

    text = trafilatura.extract(
        f"<html><body><article>{fragment}</article></body></html>",
        favor_recall=True,
        include_comments=False,
        include_tables=True,
    )
    if text and text.strip():
        return text.strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises ParserError and others on markup it cannot read
        return _TAG.sub(" ", fragment).strip()
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote"):
        block.tail = "\n" + (block.tail or "")
    return "\n".join(" ".join(line.split()) for line in root.text_content().split("\n")).strip()


def _broken(parsed: Any) -> str | None:
    """Why feedparser found the XML broken, in a line; None when it is well formed (a wrong
    declared encoding it recovered from is no break)."""
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    name = type(exc).__name__
    if name in ("CharacterEncodingOverride", "NonXMLContentType"):
        return None
    message = re.sub(r"^<unknown>:(\d+):(\d+):", r"line \1, column \2:", str(exc)).strip()
    return message or name


def _when(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _clean(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""
