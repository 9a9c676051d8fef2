"""What a speaker's own utterance in a call does: the act of a transcript line, by the rules
that give text statements theirs, or None when it says nothing a record should hold.

A call is a string of short turns: «Алло», «Да», «Понял, принял», «Мы,». Each used to become
an assertion by its speaker, so a board of who-said-what filled with "Speaker A asserts «Да»".
An utterance is a statement only when it can state something — at least three words, or a
figure (``link.claims.is_proposition``: "квадрат 61" is one) — and then its act is:

- ``question``: it ends with a question mark;
- ``deny``: it dismisses something as untrue («это фейк», «неправда», "that's a lie":
  ``speech_dismissals.*``);
- ``urge``: it opens with an imperative («Езжай сам», «Передай им», «Не стреляй»: pymorphy3's
  imperative mood, ru/uk; "Tell them", "Get out": the English parse's bare verb first);
- ``assert`` otherwise;

hedged where it holds a hedge ("maybe", «вроде», «кажется»: ``hedges.*``), as in text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from overheard.text.statements.attribution import hedges_pattern
from overheard.text.statements.dismissal import dismisses
from overheard.text.statements.draft import fold, lexicon_lang

_WORDS = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_FIGURE = re.compile(r"\d")


@dataclass(frozen=True)
class UtteranceAct:
    act: str
    hedged: bool = False
    hedges: list[str] = field(default_factory=list)


def says_something(text: str) -> bool:
    """At least three words, or a figure: «Да», «Мы,», «Понял, принял» say nothing to record."""
    return len(_WORDS.findall(text)) >= 3 or bool(_FIGURE.search(text))


def utterance_act(text: str, lang: str) -> UtteranceAct | None:
    """The act of a speaker's own utterance, or None when it is no statement."""
    text = text.strip()
    if not says_something(text):
        return None
    found = [m.group(1) for m in hedges_pattern(lexicon_lang(lang)).finditer(fold(text))]
    hedges = list(dict.fromkeys(h.casefold() for h in found))
    if text.endswith("?"):
        act = "question"
    elif dismisses(text, lang):
        act = "deny"
    elif _imperative_first(text, lang):
        act = "urge"
    else:
        act = "assert"
    return UtteranceAct(act, bool(hedges), hedges)


_EN_IMPERATIVES = frozenset(
    "tell get go come send move hold stop wait bring take give keep let listen look report "
    "check pull leave stay call fire retreat advance".split()
)


def _imperative_first(text: str, lang: str) -> bool:
    """Whether the first word (after a negating «не»/"don't") is a verb in the imperative."""
    words = _WORDS.findall(text)
    if not words:
        return False
    first = words[0].casefold()
    if lang in ("ru", "uk"):
        from overheard.text import morph

        if first in ("не", "ні") and len(words) > 1:
            first = words[1].casefold()
        best = morph.parses(first, lang)[:1]
        return bool(best) and "impr" in best[0].tag
    if first in ("don't", "do") and len(words) > 1:
        first = words[1].casefold()
    return first in _EN_IMPERATIVES
