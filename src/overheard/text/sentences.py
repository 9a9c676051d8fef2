"""Sentence segmentation with exact character offsets into the document text.

razdel (a maintained rule-based splitter) does the work for every language: it is fast (about
0.5 ms for a 4,000-character article) and right on Russian and Ukrainian. On English it splits
after abbreviations ("Gen. Petraeus", "Jan. 5"), which we repair by merging; the merge rules are
measured against pysbd on real news in ``overheard bench ingest`` (pysbd itself is 40x slower).
Paragraph breaks always end a sentence, so headlines without a full stop stay on their own.

No sentence is longer than ``MAX_SENTENCE_CHARS``: a longer run of text with no boundary (a
50 MB file on one line without a full stop, a table flattened into one "sentence") is cut at
the last "; " or ", " in the second half of each window, else at the last space, else where
the window ends. One segment of 50 MB had made every search that matched it run for minutes
(its highlight is computed over the whole segment) and analysis fail on it whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import razdel

COMPONENT = "razdel+overheard-merge"
VERSION = "2"  # 2: sentences cut at MAX_SENTENCE_CHARS

# Long for a sentence in any of the languages (the longest in the samples and the claims corpus
# are under 1,200 characters), short enough that a search's highlight and the analysis of one
# segment stay cheap.
MAX_SENTENCE_CHARS = 2000

_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[-•*]\s)")
# A short line with no closing punctuation (a headline, a dateline, "А: Алло") ends a sentence
# at its line break; longer lines are taken as hard-wrapped prose and left to razdel.
_SHORT_LINE = re.compile(r"(?m)^[^\n]{1,100}?(?<![.!?…:;,»\"”\-–—])[ \t]*\n(?=\s*\S)")
_SHORT_LINE_WORDS = 10

# Abbreviations after which an English sentence almost never ends.
_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "cpl", "pvt",
    "adm", "cmdr", "brig", "sen", "rep", "gov", "pres", "rev", "st", "mt", "ft", "vs", "jr",
    "sr", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "approx", "dept",
}  # fmt: skip
# Words that commonly start a sentence: after "U.S." or "p.m." they mean a real boundary.
_STARTERS = {
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "in", "on", "at", "but",
    "and", "this", "that", "these", "those", "his", "her", "their", "its", "there", "as",
    "after", "before", "when", "while", "if", "meanwhile", "however", "some", "many", "one",
    "officials", "according", "what", "who", "why", "how", "so", "yet", "since", "for",
}  # fmt: skip
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.){2,}$")


# razdel keeps "on Feb. 13. During the trip" together (it reads "13." as a list number). A day
# after a month name, or any number before a word that starts sentences, ends the sentence.
_NUMBER_END = re.compile(r"(?<=\d)\.\s+(?=([A-Z][a-z]+))")
_MONTH_DAY = re.compile(
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|"
    r"June|July|August|September|October|November|December)\.? \d{1,2}$"
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    cuts = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    for m in _SHORT_LINE.finditer(text):
        line = m.group(0)
        if len(line.split()) <= _SHORT_LINE_WORDS:
            cuts.append((m.end() - 1, m.end()))
    pos = 0
    for start, end in sorted(cuts):
        if start < pos:
            continue
        yield pos, start
        pos = end
    yield pos, len(text)


def _english_continues(previous: str, following: str) -> bool:
    """Should a razdel boundary between ``previous`` and ``following`` be undone (English)?"""
    nxt = following.lstrip()
    if not nxt:
        return False
    first_word = re.match(r"[\w']+", nxt)
    if nxt[0].islower() or nxt[0].isdigit() and previous.rstrip().endswith(tuple(_month_abbrs())):
        return True
    match = _LAST_WORD.search(previous.rstrip())
    if not match:
        return False
    word = match.group(1)
    bare = word.rstrip(".").lower()
    if bare in _TITLES:
        return True
    if len(word) == 1 and word.isupper():  # an initial: "John F. Kennedy"
        return True
    if _INITIALISM.match(word + "."):  # U.S., D.C., p.m.: a boundary only before a starter word
        return first_word is None or first_word.group(0).lower() not in _STARTERS
    return False


def _split_after_numbers(text: str, start: int, end: int) -> list[list[int]]:
    pieces, cut = [], start
    for m in _NUMBER_END.finditer(text, start, end):
        before = text[cut : m.start()]
        if _MONTH_DAY.search(before) or m.group(1).lower() in _STARTERS:
            pieces.append([cut, m.start() + 1])
            cut = m.end()
    pieces.append([cut, end])
    return pieces


def _month_abbrs() -> tuple[str, ...]:
    return ("Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.",
            "Nov.", "Dec.", "No.")  # fmt: skip


def _capped(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most MAX_SENTENCE_CHARS, cut at a clause or word
    boundary in the second half of each window where there is one."""
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        half = start + MAX_SENTENCE_CHARS // 2
        cut = max(text.rfind("; ", half, limit), text.rfind(", ", half, limit))
        if cut >= 0:
            cut += 1  # the punctuation stays with the first piece
        else:
            cut = max(text.rfind(" ", half, limit), text.rfind("\n", half, limit))
            if cut < 0:
                cut = limit
        yield start, cut
        start = cut
    yield start, end


def split(text: str, language: str | None = None) -> list[Span]:
    """Sentences of ``text`` as spans; ``text[s.start:s.end]`` is the sentence, stripped."""
    spans: list[Span] = []
    english = language == "en"
    for p_start, p_end in _paragraphs(text):
        paragraph = text[p_start:p_end]
        pieces = [(p_start + s.start, p_start + s.stop) for s in razdel.sentenize(paragraph)]
        merged: list[list[int]] = []
        for start, end in pieces:
            if (
                english
                and merged
                and _english_continues(text[merged[-1][0] : merged[-1][1]], text[start:end])
            ):
                merged[-1][1] = end
            else:
                merged.append([start, end])
        if english:
            merged = [
                piece for start, end in merged for piece in _split_after_numbers(text, start, end)
            ]
        for start, end in (piece for whole in merged for piece in _capped(text, *whole)):
            chunk = text[start:end]
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            if end - trail > start + lead:
                spans.append(Span(start + lead, end - trail))
    return spans


# ------------------------------------------------------------------ titles and header lines

# A first or last line of at most this many words with no closing punctuation is a header, a
# byline or a signature, not prose.
LINE_WORDS = 20
# What ends a line as prose: a full stop, a question, a closing quote or bracket.
CLOSING = ".!?…»\"”)'’"
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LINE_WORD = re.compile(r"[^\W_][\w'’-]*")
# Words a hard-wrapped line of prose may end on, which a heading does not.
_CONTINUES = frozenset(
    "a an the of on in at to for from by with and or but that which who as is are was were "
    "be been has have had will would said says told и в на с по о об к от за из что как "
    "і у та з до про що як".split()
)


def is_mark(ch: str) -> bool:
    """Emoji, pictographs, bullets and the joiners between them: decoration, not words."""
    return unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn", "Co") or ch in "•·▪►|"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the spaces, decoration and leading dashes around it."""
    while start < end and (text[start].isspace() or is_mark(text[start]) or text[start] in "-–—"):
        start += 1
    while end > start and (text[end - 1].isspace() or is_mark(text[end - 1])):
        end -= 1
    return start, end


def word_count(text: str) -> int:
    return len(_LINE_WORD.findall(text))


def closed(text: str) -> bool:
    """Does the line end as prose does (a full stop, a question, a closing quote)?"""
    start, end = trim(text, 0, len(text))
    return end > start and text[end - 1] in CLOSING


def title_line(text: str) -> tuple[int, int] | None:
    """The span of a text's title: its first line, when a line break follows it and it reads
    as a heading rather than prose (no closing punctuation, at most ``LINE_WORDS`` words, not
    ending on a word that continues a sentence, like a hard-wrapped line's "said on"); a
    line with a blank line below it is a title unless it ends as a sentence that states
    something, with a full stop or an exclamation ("Drones hit depot, army says" and "A
    battalion or a few hundred soldiers?" are titles; «Сбили 27 дронов!» is not). A title
    states nothing ("Intercepted calls suggest confusion over …" is the outlet's headline, not
    a statement) and is no part of the first sentence (``statements``, ``english_parse``), nor
    of a report's opening (``dates.dateline``). Ingest puts a record's separate headline there
    (``ingest.formats.headed``)."""
    stripped = len(text) - len(text.lstrip())
    end = text.find("\n", stripped)
    if end < 0 or not text[end:].strip():
        return None
    line = text[stripped:end]
    if not line.strip() or word_count(line) > LINE_WORDS:
        return None
    a, b = trim(line, 0, len(line))
    if PARAGRAPH_BREAK.match(text, end):  # a line of its own: "Drones hit depot, army says"
        return trim(text, stripped, end) if line[a:b][-1:] not in ".…!" else None
    last = _LINE_WORD.findall(line)
    if closed(line) or not last or last[-1].casefold() in _CONTINUES:
        return None
    return trim(text, stripped, end)


def opening(text: str) -> int:
    """Where a text's body begins: after its title line, if it has one (``title_line``)."""
    title = title_line(text)
    return len(text) - len(text[title[1] :].lstrip()) if title is not None else 0
