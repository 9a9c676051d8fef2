"""Who said what: direct quotes and reported speech, with speaker, cue, act, content, hedges.

English uses the spaCy dependency parse that NER already paid for (:mod:`.english`): a speech
verb (or "according to") gives the cue, its subject the speaker, its clausal complement or
object the content. Russian and Ukrainian have no parser in the budget (natasha's syntax model
costs as much as its NER), so they use the shape of reporting sentences instead
(:mod:`.russian`): «X заявил, что …», «по словам X, …», «…», — сказал X», «X: «…»». In both,
quotations are found first and a cue whose content falls on a quotation makes that statement
direct; a quotation with no cue of its own continues the nearest speaker before it
(:mod:`.quotes`). Pronoun speakers resolve to the nearest earlier speaker or mention that fits
(:mod:`.attribution`). The word lists are data: ``text/lexicons/speech_*``, ``hedges.*``,
``pronouns.*``.
"""

from __future__ import annotations

from typing import Any

from overheard.text.statements.attribution import extract_statements
from overheard.text.statements.quotes import Quote, find_quotes

__all__ = ["EN_CUES", "Quote", "extract_statements", "find_quotes"]


def __getattr__(name: str) -> Any:
    # EN_CUES (speech verb lemma → act) is read from the lexicons when asked for, so that it
    # follows lexicon.configure(); prefer lexicon.en_parse_lemmas() for the parse's needs.
    if name == "EN_CUES":
        from overheard.text.statements.english import cues

        return cues()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
