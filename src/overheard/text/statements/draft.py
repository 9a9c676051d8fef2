"""What the attribution modules share: a statement in the making, built from offsets.

The cue finders (English, Russian/Ukrainian, quotations) fill in speaker, cue, act, content,
direct and confidence; :mod:`.attribution` then resolves the speaker's entity and antecedent
and collects the hedges.
"""

from __future__ import annotations

from overheard.text import lexicon
from overheard.text.records import Span, Statement


def span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def draft(
    text: str,
    speaker: tuple[int, int] | Span | None,
    cue: tuple[int, int] | None,
    act: str,
    content: tuple[int, int],
    direct: bool,
    confidence: float,
) -> Statement:
    if isinstance(speaker, tuple):
        speaker = span(text, *speaker)
    return Statement(
        speaker=speaker,
        speaker_entity=None,
        speaker_antecedent=None,
        cue=span(text, *cue) if cue else None,
        act=act,
        content=span(text, *content),
        direct=direct,
        hedged=False,
        hedges=[],
        confidence=confidence,
    )


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def bounds(s: Span) -> tuple[int, int]:
    return s.start, s.end


def lexicon_lang(lang: str) -> str:
    """Ukrainian runs on the Russian lexicons (which carry the Ukrainian forms too)."""
    return "ru" if lang in ("ru", "uk") else "en"


def fold(text: str) -> str:
    """ё written е (same length, so offsets hold): the lexicons spell е for both."""
    return text.replace("ё", "е").replace("Ё", "Е")


@lexicon.cached
def anaphors(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """(pronouns, determiners) that point back at what was said before («это», "these"):
    ``claim_anaphors``, for ``lang`` as the lexicons read it (``lexicon_lang``)."""
    rows = [r for r in lexicon.table("claim_anaphors") if r["lang"] == lexicon_lang(lang)]
    return (
        frozenset(r["word"] for r in rows if r["role"] == "pronoun"),
        frozenset(r["word"] for r in rows if r["role"] == "determiner"),
    )
