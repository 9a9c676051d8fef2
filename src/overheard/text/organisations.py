"""Institutions named by the heads in ``lexicons/organisations.tsv`` (Russian and Ukrainian):
«Міноборони Росії», «Генштаб ЗСУ», «ВМС ЗСУ», «МИД России», «Верховної Ради».

natasha's Russian model reads some of these as people in Ukrainian («Міноборони Росії») and
misses bare abbreviations. A name of the list matches by dictionary forms (pymorphy3 ru and uk),
so every case form counts; it must start with a capital letter; a country or another listed
name right after it joins the span.
"""

from __future__ import annotations

import re
from functools import lru_cache

from overheard.text import lexicon, morph

_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")


@lru_cache(maxsize=65536)
def _keys(word: str) -> frozenset[str]:
    """Every form a word of the text may match a listed word by."""
    lower = word.lower().replace("ё", "е")
    if not morph.is_cyrillic(word) or (word.isupper() and len(word) > 1):
        return frozenset({lower})
    return frozenset({lower, morph.lemma(word, "uk"), morph.lemma(word, "ru")}) - {""}


@lexicon.cached
def _names() -> dict[str, list[tuple[str, ...]]]:
    """Listed names as tuples of word keys, by their first word's surface prefix, longest
    first."""
    by_prefix: dict[str, list[tuple[str, ...]]] = {}
    for row in lexicon.table("organisations"):
        words = _WORD.findall(row["name"])
        if not words:
            continue
        key = tuple(
            w.lower()
            if w.isupper() and len(w) > 1
            else morph.lemma(w, row["lang"]).replace("ё", "е")
            for w in words
        )
        bucket = by_prefix.setdefault(words[0][:3].lower().replace("ё", "е"), [])
        if key not in bucket:
            bucket.append(key)
    for bucket in by_prefix.values():
        bucket.sort(key=len, reverse=True)
    return by_prefix


def _is_country(word: str) -> bool:
    from overheard.text.places import gazetteer

    gaz = gazetteer()
    for name in dict.fromkeys(
        (word, morph.lemma(word, "uk").capitalize(), morph.lemma(word, "ru").capitalize())
    ):
        if any(e.feature == "country" for e in gaz.lookup(name)):
            return True
    return False


def find_organisations(text: str) -> list[tuple[int, int]]:
    """(start, end) of each listed institution in ``text``, with its country or listed
    complement attached, in text order, non-overlapping."""
    names = _names()
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]

    def match_at(i: int) -> int:
        """How many words a listed name starting at word i covers (0: none)."""
        word = words[i][2]
        candidates = names.get(word[:3].lower().replace("ё", "е"))
        if not candidates:
            return 0
        for key in candidates:
            if i + len(key) > len(words):
                continue
            if all(
                key[k] in _keys(words[i + k][2])
                and (k == 0 or text[words[i + k - 1][1] : words[i + k][0]].strip() == "")
                for k in range(len(key))
            ):
                return len(key)
        return 0

    out: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        n = match_at(i) if words[i][2][0].isupper() else 0
        if not n:
            i += 1
            continue
        start, j = words[i][0], i + n
        while j < len(words) and text[words[j - 1][1] : words[j][0]].strip() == "":
            more = match_at(j) if words[j][2][0].isupper() else 0
            if more:
                j += more
            elif words[j][2][0].isupper() and _is_country(words[j][2]):
                j += 1
            else:
                break
        out.append((start, words[j - 1][1]))
        i = j
    return out
