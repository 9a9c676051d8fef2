"""A document's text cut into pieces for the page: mentions, statement parts and event
triggers marked.

Annotations are character spans that may nest or overlap (a mention inside a quoted content
span). The text is cut at every span boundary; each piece carries the classes of every span
covering it, and links to the innermost mention's entity. Pieces are plain data: the template
escapes every piece of text, so hostile content can only ever be shown, not run.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from overheard.records import number

_CLASS_SAFE = re.compile(r"[^A-Za-z0-9_-]")
SPEAKER_COLOURS = 8  # speaker classes spk-0 … spk-7 in app.css


@dataclass
class Span:
    start: int
    end: int
    classes: tuple[str, ...]
    anchor: str | None = None
    entity: int | None = None  # the entity a mention links to
    title: str = ""
    mention: bool = False
    segment: int | None = None  # in a transcript, offsets are into this utterance's text


@dataclass
class Piece:
    text: str
    classes: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    entity: int | None = None
    title: str = ""


@dataclass
class Row:
    """One line of the reading view: a sentence or an utterance and its translations."""

    segment: dict[str, Any]
    pieces: list[Piece]
    translations: list[dict[str, Any]]
    speaker_class: str | None = None
    paragraph_break: bool = False  # a blank line separated it from the previous sentence
    masked: bool = False
    other_language: bool = False  # in another language than most of the document


def css_class(value: str) -> str:
    return _CLASS_SAFE.sub("_", value)[:40]


def spans_for(
    mentions: list[dict[str, Any]],
    statements: list[dict[str, Any]],
    events: list[dict[str, Any]],
) -> list[Span]:
    """Spans of every mention, statement part and event trigger (records as the page's JSON
    twin has them)."""
    out: list[Span] = []
    for m in mentions:
        ev = m["evidence"]
        if ev["end_char"] <= ev["start_char"]:
            continue
        label = m["label"] or "MENTION"
        title = label + (f" · {m['normal']}" if m["normal"] and m["normal"] != m["text"] else "")
        if m["source"]:
            title += f" · found by {m['source']}"
        out.append(
            Span(
                ev["start_char"],
                ev["end_char"],
                ("mention", f"m-{css_class(label)}"),
                anchor=f"mention-{number(m['id'])}",
                entity=number(m["entity_id"]),
                title=title,
                mention=True,
                segment=number(ev["segment_id"]),
            )
        )
    for st in statements:
        ev = st["evidence"]
        sid = number(st["id"])
        hedge = " (hedged: " + ", ".join(st["hedges"]) + ")" if st["hedged"] else ""
        title = f"statement {sid}: {st['act']}{hedge}"
        first = True
        for part in ("speaker_span", "cue_span", "content_span", "antecedent_span"):
            span = ev[part]
            if not span or span[1] <= span[0]:
                continue
            classes: tuple[str, ...] = (f"st-{part.removesuffix('_span')}",)
            if part == "content_span" and st["hedged"]:
                classes += ("hedged",)
            out.append(
                Span(
                    span[0],
                    span[1],
                    classes,
                    anchor=f"statement-{sid}" if first else None,
                    title=f"{title}: who “{st['speaker']['text']}” is"
                    if part == "antecedent_span"
                    else title,
                    segment=number(ev["segment_id"]),
                )
            )
            first = False
    for e in events:
        span = e["evidence"]["trigger_span"]
        if not span or span[1] <= span[0]:
            continue
        out.append(
            Span(
                span[0],
                span[1],
                ("trigger",),
                anchor=f"trigger-{number(e['id'])}",
                title=f"event {number(e['id'])}: {e['event_type']}",
                segment=number(e["evidence"]["segment_id"]),
            )
        )
    return out


def cut(text: str, spans: list[Span], base: int = 0) -> list[Piece]:
    """``text`` (which starts at document offset ``base``) cut at every span boundary."""
    end_all = base + len(text)
    inside = [s for s in spans if s.start < end_all and s.end > base]
    if not inside:
        return [Piece(text)] if text else []
    bounds = {base, end_all}
    for s in inside:
        bounds.add(max(s.start, base))
        bounds.add(min(s.end, end_all))
    edges = sorted(bounds)
    pieces: list[Piece] = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        if hi <= lo:
            continue
        covering = [s for s in inside if s.start <= lo and s.end >= hi]
        piece = Piece(text[lo - base : hi - base])
        for s in covering:
            piece.classes.extend(c for c in s.classes if c not in piece.classes)
            if s.anchor and max(s.start, base) == lo:
                piece.anchors.append(s.anchor)
        mentions = [s for s in covering if s.mention]
        if mentions:
            innermost = min(mentions, key=lambda s: s.end - s.start)
            piece.entity = innermost.entity
        piece.title = " | ".join(dict.fromkeys(s.title for s in covering if s.title))
        pieces.append(piece)
    return pieces


def rows(page: dict[str, Any]) -> list[Row]:
    """The reading view of a document page (the dict of ``queries.document``)."""
    doc = page["document"]
    segments = page["segments"]
    spans = spans_for(page["mentions"], page["statements"], page["events"])
    publication = page["rendering"] == "publication"
    speakers = {s["label"]: i for i, s in enumerate(page["speakers"])}
    text = doc["text"]
    out: list[Row] = []
    if not segments:
        if text:
            shown = doc.get("masked_text", text) if publication else text
            pseudo = {"id": None, "text": text, "speaker": None, "language": doc["language"],
                      "evidence": {"start_char": 0, "end_char": len(text), "start_s": None, "end_s": None}}  # fmt: skip
            out.append(_row(pseudo, shown, text, spans, 0, None, publication))
        return out
    previous_end: int | None = None
    languages = Counter(seg["language"] for seg in segments if seg["language"])
    usual = doc["language"] or (languages.most_common(1)[0][0] if languages else None)
    for seg in segments:
        ev = seg["evidence"]
        shown = seg.get("masked_text", seg["text"]) if publication else seg["text"]
        spk = seg["speaker"]
        spk_class = f"spk-{speakers[spk] % SPEAKER_COLOURS}" if spk in speakers else None
        if ev["start_char"] is not None and text is not None and ev["end_char"] <= len(text):
            row = _row(
                seg,
                shown,
                text[ev["start_char"] : ev["end_char"]],
                spans,
                ev["start_char"],
                spk_class,
                publication,
            )
            if previous_end is not None:
                row.paragraph_break = "\n\n" in text[previous_end : ev["start_char"]] or (
                    "\n" in text[previous_end : ev["start_char"]] and doc["kind"] == "text"
                )
            previous_end = ev["end_char"]
        else:
            # An utterance: offsets, if any, are into the utterance's own text.
            seg_id = number(seg["id"])
            own = [s for s in spans if s.segment == seg_id]
            row = _row(seg, shown, seg["text"], own, 0, spk_class, publication)
        row.other_language = bool(seg["language"] and usual and seg["language"] != usual)
        out.append(row)
    return out


def _row(
    seg: dict[str, Any],
    shown: str,
    original: str,
    spans: list[Span],
    base: int,
    spk_class: str | None,
    publication: bool,
) -> Row:
    masked = publication and shown != original
    if masked and len(shown) != len(original):
        # Masking changed the length: the offsets no longer fit, so show the masked words plain.
        pieces = [Piece(shown)]
    else:
        pieces = cut(shown, spans, base)
    return Row(seg, pieces, seg.get("translations", []), spk_class, masked=masked)
