"""Quotations: finding them in every style, and attaching them to the statements they carry.

A cue whose content falls on a quotation makes its statement direct; a quotation with no cue
of its own takes a cue just before or after it, then (English) the verb the parser hung it on,
then the previous speaker goes on talking.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from overheard.text.records import Statement
from overheard.text.statements.draft import bounds, draft, overlaps, span

_QUOTE_PAIRS = [
    ("“", "”"),
    ("«", "»"),
    ("„", "“"),
    ('"', '"'),
]


@dataclass(frozen=True)
class Quote:
    start: int  # at the opening mark
    end: int  # after the closing mark

    def words(self, text: str) -> int:
        return len(text[self.start : self.end].split())

    def is_speech(self, text: str) -> bool:
        """Long enough to be speech, or closed by its own punctuation (“We are ready,”);
        otherwise a scare quote or a name ("the so-called “K Battalion”")."""
        return self.words(text) >= 4 or (self.words(text) >= 2 and text[self.end - 2] in ",!?")


def find_quotes(text: str) -> list[Quote]:
    """Outermost quotations, marks included; nested «„…“» counts once; no paragraph breaks."""
    found: list[Quote] = []
    for opening, closing in _QUOTE_PAIRS:
        i = 0
        while True:
            start = text.find(opening, i)
            if start < 0:
                break
            depth, j = 0, start + 1
            end = -1
            while j < len(text):
                ch = text[j]
                if ch == "\n" and text[j : j + 2] == "\n\n":
                    break
                if opening != closing and ch == opening:
                    depth += 1
                elif ch == closing:
                    if depth == 0:
                        end = j + 1
                        break
                    depth -= 1
                j += 1
            if end < 0:
                i = start + 1
                continue
            found.append(Quote(start, end))
            i = end
    # Single quotes only where they cannot be apostrophes: ‘ after a space, ’ before a non-letter.
    for m in re.finditer(r"(?<![\w])‘([^‘’\n]|’(?=\w))+’(?!\w)", text):
        found.append(Quote(m.start(), m.end()))
    found.sort(key=lambda q: (q.start, -q.end))
    outer: list[Quote] = []
    for q in found:
        if outer and q.start < outer[-1].end:
            continue
        outer.append(q)
    return outer


def _attribution_follows(text: str, q: Quote, d: Statement) -> bool:
    """“…,” he said / «…», — сказал он: the cue after a quotation attributes it, unless the
    quotation closed a sentence and the cue opens a new statement of its own."""
    if d.cue is None or (
        d.content.start > d.cue.end and not overlaps(bounds(d.content), (q.start, q.end))
    ):
        return False
    closing = text[q.end - 2] if q.end - q.start >= 2 else ""
    gap = text[q.end : d.cue.start]
    following = text[q.end : d.cue.end].strip(" ,—–-")
    return closing not in ".…" or bool(following[:1].islower()) or "—" in gap


def attach_quotes(
    text: str,
    drafts: list[Statement],
    quotes: list[Quote],
    by_parse: Callable[[Quote], Statement | None] | None = None,
) -> list[Statement]:
    """Make the drafts whose content is a quotation direct, and give every other quotation
    that reads as speech a statement; ``by_parse`` attributes one through the parse."""
    # Speech reported inside a quotation ("They told us …") belongs to the quoted speaker.
    long_quotes = [q for q in quotes if q.is_speech(text)]
    drafts = [
        d for d in drafts if not (d.cue and any(q.start < d.cue.start < q.end for q in long_quotes))
    ]
    used: set[Quote] = set()
    for d in drafts:
        for q in quotes:
            if overlaps(bounds(d.content), (q.start, q.end)) and q.is_speech(text):
                covered = d.content.start >= q.start - 2 and d.content.end <= q.end + 2
                if covered or (
                    d.content.start - 2 <= q.start <= d.content.start + 2
                    and q.end - q.start >= 0.6 * (d.content.end - d.content.start)
                ):
                    d.content = span(text, q.start, q.end)
                    d.direct = True
                    used.add(q)
                    break
    # A quotation with no cue of its own: a cue just before it (", “…”") or just after it
    # ("“…,” he said") in the same paragraph, else the previous speaker goes on talking.
    for q in quotes:
        if q in used or not q.is_speech(text):
            continue
        # 'said he has had “areas of significant disagreement” with Trump but …': a quotation
        # inside reported content is part of what was said there, not a statement of its own.
        if any(d.content.start < q.start and q.end <= d.content.end + 1 for d in drafts):
            continue
        nearest = None
        for d in drafts:
            if d.cue is None or d.direct:
                continue
            gap_before = q.start - d.cue.end
            gap_after = d.cue.start - q.end
            if (
                0 <= gap_before <= 60
                and "\n" not in text[d.cue.end : q.start]
                and d.content.start >= d.cue.end
                and d.content.start <= q.end
            ):
                nearest = d
            elif (
                0 <= gap_after <= 30
                and "\n" not in text[q.end : d.cue.start]
                and _attribution_follows(text, q, d)
            ):
                nearest = d
        if nearest is not None:
            nearest.content = span(text, q.start, q.end)
            nearest.direct = True
            continue
        parsed = by_parse(q) if by_parse is not None else None
        if parsed is not None:
            drafts.append(parsed)
            continue
        before = [d for d in drafts if d.cue and d.cue.end <= q.start and d.speaker]
        prev = max(before, key=lambda d: d.cue.end if d.cue else -1) if before else None
        if prev is not None and _continues(text, prev, q):
            # “…,” said X. “…”: one attribution split around its cue; both parts share it.
            assert prev.cue is not None
            cue = bounds(prev.cue)
            drafts.append(draft(text, prev.speaker, cue, prev.act, (q.start, q.end), True, 0.6))
            continue
        speaker = prev.speaker if prev else None
        drafts.append(
            draft(text, speaker, None, "assert", (q.start, q.end), True, 0.5 if speaker else 0.3)
        )
    return drafts


def _continues(text: str, prev: Statement, q: Quote) -> bool:
    """Does quotation ``q`` go on with ``prev``'s quotation across the attribution between
    them (“…,” said X, the head of Y. “…”), in the same paragraph?"""
    if prev.cue is None or not prev.direct or prev.content.end > prev.cue.start:
        return False
    gap = text[prev.cue.end : q.start]
    return len(gap) <= 150 and "\n" not in gap and not any(m in gap for m in '“”"«»')


def balance_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the closing mark of a quotation the content opens but does not close."""
    for opening, closing in (("“", "”"), ("«", "»"), ("„", "“")):
        chunk = text[start:end]
        if chunk.count(opening) > chunk.count(closing):
            j = text.find(closing, end, end + 3)
            if j >= 0:
                end = j + 1
    return start, end
