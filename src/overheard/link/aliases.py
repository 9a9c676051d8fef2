"""Organisations named across scripts by what they are and whose they are: «Минобороны России»,
«Міноборони Росії», "Russia's Defence Ministry" and "the Russian Ministry of Defence" all key
as ``ORG:defence-ministry@RU``; «Кремль» and "the Kremlin" as ``ORG:kremlin@RU``.

The vocabulary is data, ``text/lexicons/entity_aliases.tsv`` (a case extends it in its own
``lexicons/`` folder). A name is read word by word in dictionary form; its head is the alias
that says what the body is, and the country comes from a country's name anywhere in it (the
gazetteer's, in any script and case), a word such as "Russian" or «ЗСУ», or the alias itself
(«ГУР» is Ukraine's). Where the head is: in Russian and Ukrainian the first alias
(«Главное управление разведки Минобороны Украины» is intelligence, not the ministry); in
English the last one before any "of", after any possessive ("UN Security Council", "Ukraine's
Defence Ministry", "the Main Intelligence Directorate of the Defence Ministry").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from overheard.link import places
from overheard.link.names import words
from overheard.text import lexicon, morph

TABLE = "entity_aliases"
_GLUE = frozenset({"of", "the", "and", "for"})
_ENTITY = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*)?(?:@[A-Z]{2})?")


@dataclass(frozen=True)
class Alias:
    words: tuple[str, ...]
    body: str  # "" for a word that only says a country
    country: str | None


def _lemmas(parts: list[str], lang: str | None) -> list[str]:
    """Each word's dictionary form, read in the language the whole name's letters say."""
    lang = morph.language(" ".join(parts), lang)
    return [morph.lemma(w, lang) for w in parts]


@lexicon.cached
def _aliases() -> dict[str, list[Alias]]:
    """Aliases by their first word's lemma, longest first."""
    index: dict[str, list[Alias]] = {}
    for row in lexicon.table(TABLE):
        entity = row["entity"]
        if not _ENTITY.fullmatch(entity) or entity in ("", "@"):
            raise lexicon.LexiconError(
                f"{TABLE}: entity {entity!r} of {row['name']!r} is not like "
                "'defence-ministry', 'kremlin@RU' or '@RU'"
            )
        body, _, country = entity.partition("@")
        parts = words(row["name"])
        # A name whose letters do not say Russian or Ukrainian is read in both («Генштаб»).
        langs = {morph.language(row["name"], lang) for lang in ("ru", "uk")}
        for lemmas in {tuple(_lemmas(parts, lang)) for lang in langs}:
            if lemmas:
                index.setdefault(lemmas[0], []).append(Alias(lemmas, body, country or None))
    for found in index.values():
        found.sort(key=lambda a: -len(a.words))
    return index


def _match(lemmas: list[str], i: int) -> Alias | None:
    for alias in _aliases().get(lemmas[i], ()):
        if tuple(lemmas[i : i + len(alias.words)]) == alias.words:
            return alias
    return None


def names_a_body(phrase: str, lang: str | None = None) -> bool:
    """Whether the phrase is, word for word, an alias of a body ("navy", «Генштаб»)."""
    lemmas = _lemmas(words(phrase), lang)
    alias = _match(lemmas, 0) if lemmas else None
    return alias is not None and bool(alias.body) and len(alias.words) == len(lemmas)


def _head_span(name: str, parts: list[str]) -> tuple[int, int]:
    """The words among which an English name's head is: after its last possessive, before
    its first "of". Cyrillic names: all of them."""
    if morph.is_cyrillic(name):
        return 0, len(parts)
    start = 0
    possessive = list(re.finditer(r"['’]s\b", name))
    if possessive:
        start = len(words(name[: possessive[-1].end()]))
    lowered = [w.lower() for w in parts]
    end = lowered.index("of", start) if "of" in lowered[start:] else len(parts)
    return start, end


def org_key(name: str, lang: str | None = None, whole: bool = False) -> str | None:
    """'ORG:body' or 'ORG:body@XX' where the alias lexicon knows what the name is, else None.
    ``whole``: only where aliases and country names make up the whole name (for a name the
    NER took for a person or a place, which a stray alias word must not turn into a body)."""
    parts = words(name)
    if not parts:
        return None
    lemmas = _lemmas(parts, lang)
    found: list[tuple[int, Alias]] = []
    covered: set[int] = set()
    i = 0
    while i < len(lemmas):
        alias = _match(lemmas, i)
        if alias is None:
            i += 1
            continue
        found.append((i, alias))
        covered.update(range(i, i + len(alias.words)))
        i += len(alias.words)
    bodies = [(i, a) for i, a in found if a.body]
    if not bodies:
        return None
    start, end = _head_span(name, parts)
    within = [(i, a) for i, a in bodies if start <= i < end]
    if not within:
        head = bodies[0][1]
    elif morph.is_cyrillic(name):
        head = within[0][1]
    else:
        head = within[-1][1]
    # Words no alias covers: a country's name («России», "Ukraine"), or else the name is more
    # than a body and its country (a person's, a place's name when ``whole``).
    rest = [
        parts[i] for i in range(len(parts)) if i not in covered and parts[i].lower() not in _GLUE
    ]
    countries = [c for w in rest if (c := places.country_of_name(w, lang)) is not None]
    if whole and len(countries) != len(rest):
        return None
    if not countries and len(rest) > 1:
        countries = [c for c in [places.country_of_name(" ".join(rest), lang)] if c]
    country = (
        head.country
        or next((a.country for _, a in found if not a.body), None)
        or next(iter(countries), None)
        or next((a.country for _, a in found if a.country), None)
    )
    return f"ORG:{head.body}@{country}" if country else f"ORG:{head.body}"


def body(key: str) -> str | None:
    """The body of an alias key without its country ('ORG:foreign-ministry'), or None."""
    if not key.startswith("ORG:") or "@" not in key:
        return None
    return key.split("@", 1)[0]
