"""Denials without a denial verb: words that dismiss what they are said of as untrue
("a fabrication", «выдумкой», «цинічною брехнею», "zero evidence"), and the verbs that put
such a label on something ("called the reports a fake", «назвал выдумкой», «расцениваем как
вброс»). The words are data: ``speech_dismissals.*`` and ``speech_labels.*``.
"""

from __future__ import annotations

import re

from overheard.text import lexicon
from overheard.text.statements.draft import fold, lexicon_lang


def _whole_words(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{'|'.join(patterns)})(?![\w-])", re.IGNORECASE)


USES = frozenset({"label", "word"})


@lexicon.cached
def dismissal_pattern(lang: str, labels_only: bool = False) -> re.Pattern[str]:
    """Dismissal words of a language (ru and uk share one table), or only those that name
    the thing said untrue ("a fake", «выдумка»); match it on ``fold(text)``."""
    name = f"speech_dismissals.{lexicon_lang(lang)}"
    patterns = []
    for row in lexicon.table(name):
        if row["use"] not in USES:
            raise lexicon.LexiconError(f"{name}: unknown use {row['use']!r} (label or word)")
        if row["use"] == "label" or not labels_only:
            patterns.append(fold(row["pattern"]))
    return _whole_words(patterns)


@lexicon.cached
def label_pattern_ru() -> re.Pattern[str]:
    """Russian and Ukrainian labelling verbs; match it on ``fold(text)``."""
    return _whole_words(lexicon.words("speech_labels.ru"))


@lexicon.cached
def label_lemmas_en() -> frozenset[str]:
    return frozenset(lexicon.words("speech_labels.en"))


def dismisses(text: str, lang: str, labels_only: bool = False) -> bool:
    """Does ``text`` call something untrue (with a word that names it so: ``labels_only``)?"""
    return dismissal_pattern(lang, labels_only).search(fold(text)) is not None
