"""Dictionary forms of Russian and Ukrainian name words (pymorphy3 with its ru and uk
dictionaries), so that «Пескова», «Віктора Лагутіна» and «Курской областью» reach the same key
as their nominative forms.

Names are short and their grammar simple: each word is looked up alone, and a phrase is put in
the nominative by inflecting every noun and the adjectives that agree with the noun after them
(«Курской области» → «курская область», «Российской Федерации» → «российская федерация»), which
is what a gazetteer or an alias list is written in. Both analysers load lazily, once per
process (about 0.5 s and 15 MB each).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RU_ONLY = re.compile(r"[ыэёъЫЭЁЪ]")
_CYRILLIC = re.compile(r"[а-яёіїєґА-ЯЁІЇЄҐ]")
_PATRONYMIC = re.compile(r"(?:ович|евич|овна|евна|ична|івна|ївна)$", re.IGNORECASE)
PERSON_TAGS = frozenset({"Name", "Surn", "Patr"})


@cache
def analyzer(lang: str) -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


def language(word: str, default: str | None = None) -> str:
    """'uk' or 'ru' for a Cyrillic word: its letters where they tell, else ``default``."""
    if _UK_ONLY.search(word):
        return "uk"
    if _RU_ONLY.search(word):
        return "ru"
    return default if default in ("ru", "uk") else "ru"


def is_cyrillic(word: str) -> bool:
    return bool(_CYRILLIC.search(word))


def parses(word: str, lang: str | None = None) -> list[Any]:
    """pymorphy3's readings of a Cyrillic word, best first (none for other scripts)."""
    if not is_cyrillic(word):
        return []
    return list(analyzer(language(word, lang)).parse(word))


def lemma(word: str, lang: str | None = None) -> str:
    """The dictionary form of one word, lower case; other scripts lower-cased as they are."""
    found = parses(word, lang)
    return found[0].normal_form if found else word.lower()


def _agrees(parse: Any, head: Any | None) -> bool:
    if head is None:
        return True
    tag, want = parse.tag, head.tag
    if tag.number != want.number:
        return False
    return tag.number == "plur" or tag.gender == want.gender


def nominative(words: list[str], lang: str | None = None) -> list[str]:
    """The words of a name in the nominative, lower case: nouns alone, and adjectives in the
    gender and number of the noun that follows them. Words pymorphy3 cannot place are kept."""
    readings = [parses(w, lang) for w in words]
    out = []
    for i, (word, found) in enumerate(zip(words, readings, strict=True)):
        if not found:
            out.append(word.lower())
            continue
        head = next((r[0] for r in readings[i + 1 :] if r and r[0].tag.POS == "NOUN"), None)
        choice = found[0]
        if choice.tag.POS in ("ADJF", "PRTF"):
            choice = next(
                (p for p in found if p.tag.POS == choice.tag.POS and _agrees(p, head)), choice
            )
        form = choice.inflect({"nomn"}) if choice.tag.case not in (None, "nomn") else None
        out.append((form.word if form is not None else word).lower())
    return out


def place_lemmas(word: str, lang: str | None = None) -> list[str]:
    """The dictionary forms under which a single-word "person" could be a place name: its
    noun readings that are not first names, surnames or patronymics (the gazetteer decides)."""
    return [
        p.normal_form
        for p in parses(word, lang)
        if p.tag.POS == "NOUN" and not (PERSON_TAGS & set(p.tag.grammemes))
    ]


def has_geo_reading(word: str, lang: str | None = None) -> bool:
    """The Russian dictionary marks place names (Geox): «Льговом», «Черноморске»."""
    return any("Geox" in p.tag.grammemes for p in parses(word, lang))


def is_patronymic(word: str, lang: str | None = None) -> bool:
    """«Петрович», «Ивановна», «Петрівна» (the Ukrainian dictionary tags some as surnames)."""
    return any("Patr" in p.tag.grammemes for p in parses(word, lang)) or bool(
        _PATRONYMIC.search(word)
    )
