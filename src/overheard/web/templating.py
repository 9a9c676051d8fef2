"""Jinja helpers for the pages: times, dates, links that keep filters, safe outbound URLs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment
from markupsafe import Markup

from overheard.records import number
from overheard.visible import visible

SAFE_SCHEMES = ("http", "https")

ACT_VERBS = {
    "assert": "asserts",
    "deny": "denies",
    "allege": "alleges",
    "warn": "warns",
    "urge": "urges",
    "condemn": "condemns",
    "concern": "voices concern",
    "threaten": "threatens",
    "promise": "promises",
    "consider": "considers",
    "question": "questions",
    "complain": "complains",
}


def clock(seconds: float | None) -> str:
    """12.34 -> "0:12.3"; 3725 -> "1:02:05.0"."""
    if seconds is None:
        return ""
    minutes, secs = divmod(float(seconds), 60)
    hours, minutes = divmod(int(minutes), 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:04.1f}"
    return f"{minutes}:{secs:04.1f}"


def day(iso: str | None) -> str:
    """The date part of an ISO timestamp, as analysts write it."""
    return iso[:10] if iso else ""


def moment(iso: str | None) -> str:
    """A publication time as analysts write it: the date, and the time of day (UTC) where the
    source gave one ("2025-03-06 09:05"); cutting every time to its date hid which of two
    same-day statements came first."""
    if not iso:
        return ""
    date, _, rest = iso.partition("T")
    clock = rest[:5]
    if not clock or clock == "00:00" and rest[5:8] in ("", ":00"):
        return date
    return f"{date} {clock}"


def filename(path: str | None) -> str:
    """The last part of a path: an untitled document is named by its file, not by the
    absolute path it was ingested from (that stays in its "seen as")."""
    if not path:
        return ""
    return path.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1] or path


def outbound(url: str | None) -> str | None:
    """A URL that is safe to put in ``href``: http(s) only. A ``javascript:`` or ``data:`` link
    in a hostile report comes back as None and is shown as text, never as a link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in SAFE_SCHEMES else None


def with_params(params: dict[str, Any], **changes: Any) -> str:
    """A query string from the current filters with some changed (None removes one)."""
    merged = {k: v for k, v in params.items() if v not in (None, "")}
    for key, value in changes.items():
        if value in (None, ""):
            merged.pop(key, None)
        else:
            merged[key] = value
    return ("?" + urlencode(merged)) if merged else "?"


def act_verb(act: str | None) -> str:
    return ACT_VERBS.get(act or "", act or "")


def shown(value: Any) -> Any:
    """Every value a template prints (Jinja's ``finalize``): a string's control characters and
    bidi controls made visible (``overheard.visible``), so a file named
    ``evil\u202etxt.exe`` reads as it is, not as "evilexe.txt", and an escape sequence in a
    report is seen, not acted on. Markup the code built itself passes as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value, multiline=True)
    return value


def install(env: Environment) -> None:
    env.finalize = shown
    env.filters["clock"] = clock
    env.filters["day"] = day
    env.filters["moment"] = moment
    env.filters["filename"] = filename
    env.filters["outbound"] = outbound
    env.filters["number"] = number
    env.filters["act_verb"] = act_verb
    env.globals["with_params"] = with_params
    env.globals["snippet"] = snippet
    env.filters["pairs"] = pairs
    env.filters["pairs_self"] = pairs_self


def snippet(text: str, highlights: list[list[int]], width: int = 260) -> list[tuple[str, bool]]:
    """A search hit's text cut to ``width`` around its first match: (text, is_match) pieces."""
    lo, hi = 0, len(text)
    if len(text) > width and highlights:
        lo = max(0, min(highlights[0][0] - width // 3, len(text) - width))
        hi = min(len(text), lo + width)
    out: list[tuple[str, bool]] = [("…", False)] if lo > 0 else []
    pos = lo
    for start, end in highlights:
        if end <= lo or start >= hi or start < pos:
            continue
        out.append((text[pos:start], False))
        out.append((text[start : min(end, hi)], True))
        pos = min(end, hi)
    out.append((text[pos:hi], False))
    if hi < len(text):
        out.append(("…", False))
    return [piece for piece in out if piece[0]]


def pairs(items: list[dict[str, Any]], value_key: str, text_key: str) -> list[tuple[Any, Any]]:
    """Options for a <select> from a list of records."""
    return [(item[value_key], item[text_key]) for item in items]


def pairs_self(items: list[str]) -> list[tuple[str, str]]:
    return [(item, item) for item in items]
