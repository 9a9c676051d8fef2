"""Whole names out of the pieces the NER found: a body and the country it belongs to are one
name («МИД» + «Беларуси», "Russia" + "'s Defence Ministry", "General Staff" + " of the " +
"Armed Forces of Ukraine"), and so are a place and the region word after it ("Kursk" +
" region", «Бєлгородської» + « області»).

The NER models cut these names at the country (natasha reads «Министерство обороны» and
«Российской Федерации» as two names); left cut, «МИД России» and «МИД Беларуси» would both be
a bare «МИД», one entity. Joining them before the entities are keyed gives each body its
country. The joined mention replaces its parts, except a country, which stays a mention of
its own nested inside the body's name; statements, events and place resolutions that pointed
at a replaced part point at the whole. A country the NER read inside one name («Міноборони
Росії», "the General Staff of the Armed Forces of Ukraine") is nested the same way
(``nest_countries``), so the country's page lists the document.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from overheard.link import aliases, places
from overheard.text import lexicon, morph
from overheard.text.records import EntityRef, Mention, PlaceResolution, Span

_ORG_LABELS = ("ORG", "GROUP", "PERSON", "NORP", "LOC")
_CYRILLIC_GAP = re.compile(r"[ \t]+")
_OF_GAP = re.compile(r"[ \t]+of[ \t]+(?:the[ \t]+)?")
_POSSESSIVE_GAP = re.compile(r"['’]s[ \t]+")
_CYRILLIC_REGION = re.compile(r"[ \t]+(област[ьиіейюя]\w*|oblast)\b", re.IGNORECASE)
_MAX_ALIAS_WORDS = 5


@lexicon.cached
def _region_after() -> re.Pattern[str]:
    suffixes = "|".join(re.escape(w) for w in lexicon.words("region_words.en", "suffix"))
    return re.compile(rf"[ \t]+({suffixes})\b", re.IGNORECASE)


def _is_body(m: Mention, lang: str) -> bool:
    return m.label in _ORG_LABELS and aliases.org_key(m.normal or m.text, lang) is not None


def _is_country(m: Mention, lang: str) -> bool:
    return m.label in ("GPE", "LOC", "PERSON") and (
        places.country_of_name(m.normal or m.text, lang) is not None
    )


def _joins(text: str, a: Mention, b: Mention, lang: str) -> bool:
    """Whether mention ``b``, right after ``a``, completes ``a``'s name."""
    gap = text[a.end : b.start]
    if morph.is_cyrillic(a.text) and _CYRILLIC_GAP.fullmatch(gap):
        # «МИД Беларуси», «Главное управление разведки Минобороны Украины»
        return _is_body(a, lang) and (_is_country(b, lang) or _is_body(b, lang))
    if _OF_GAP.fullmatch(gap):
        return _is_body(a, lang) and (_is_country(b, lang) or _is_body(b, lang))
    if _POSSESSIVE_GAP.fullmatch(gap):
        return _is_country(a, lang) and _is_body(b, lang)
    return False


def _alias_after(text: str, m: Mention, lang: str) -> int | None:
    """Where a body named after a country's possessive ends ("Ukraine's navy"), if one is."""
    gap = _POSSESSIVE_GAP.match(text, m.end)
    if gap is None or not _is_country(m, lang):
        return None
    following = list(re.finditer(r"[^\W_]+(?:-[^\W_]+)*", text[gap.end() : gap.end() + 80]))
    for n in range(min(_MAX_ALIAS_WORDS, len(following)), 0, -1):
        end = gap.end() + following[n - 1].end()
        if "\n" not in text[gap.end() : end] and aliases.names_a_body(text[gap.end() : end], lang):
            return end
    return None


def _region_end(text: str, m: Mention, lang: str) -> int | None:
    """Where a place name followed by a region word ends ("Kursk region"), if the gazetteer
    knows the longer name."""
    if m.label not in ("GPE", "LOC"):
        return None
    pattern = _CYRILLIC_REGION if morph.is_cyrillic(m.text) else _region_after()
    found = pattern.match(text, m.end)
    if found is None:
        return None
    name = text[m.start : found.end()]
    if any(c.feature in ("admin1", "admin2") for c in places.candidates(name, lang)):
        return found.end()
    return None


def join_names(result: Any) -> None:
    """Join the pieces of names in a ``TextAnalysis`` in place (see the module's docstring)."""
    text, lang, old = result.text, result.lang, result.mentions
    if not old:
        return
    groups: list[tuple[list[int], int, str]] = []  # parts, end, label
    i = 0
    while i < len(old):
        parts, end, label = [i], old[i].end, old[i].label
        while parts[-1] + 1 < len(old) and _joins(text, old[parts[-1]], old[parts[-1] + 1], lang):
            parts.append(parts[-1] + 1)
            end, label = old[parts[-1]].end, "ORG"
        if len(parts) == 1:
            extended = _alias_after(text, old[i], lang)
            if extended is not None:
                end, label = extended, "ORG"
            else:
                extended = _region_end(text, old[i], lang)
                end = extended if extended is not None else end
        groups.append((parts, end, label))
        i = parts[-1] + 1
    if all(len(p) == 1 and end == old[p[0]].end for p, end, _ in groups):
        return
    _rebuild(result, groups)


def _rebuild(result: Any, groups: list[tuple[list[int], int, str]]) -> None:
    old, text = result.mentions, result.text
    new_index: dict[int, int] = {}
    spans: dict[tuple[int, int], Span] = {}
    mentions: list[Mention] = []
    joined: dict[int, str] = {}  # new index → the joined name, for its entity
    for parts, end, label in groups:
        first = old[parts[0]]
        if len(parts) == 1 and end == first.end:
            new_index[parts[0]] = len(mentions)
            mentions.append(first)
            continue
        surface = text[first.start : end]
        # The head in its normal form and the rest as written: a genitive complement is
        # already what the name's normal form has («Министерство обороны Российской Федерации»).
        normal = (first.normal or first.text) + text[first.end : end]
        if not morph.is_cyrillic(surface):
            normal = surface
        whole = Span(first.start, end, surface)
        # A country inside a body's name stays a mention of the country too, nested ("Russia"
        # in "Russia's Defence Ministry"); the body's own words are the whole name's.
        nested = [p for p in parts if label == "ORG" and _is_country(old[p], result.lang)]
        for p in parts:
            new_index[p] = len(mentions)
            if p not in nested:
                spans[(old[p].start, old[p].end)] = whole
        joined[len(mentions)] = normal
        mentions.append(replace(first, end=end, text=surface, normal=normal, label=label,
                                entity=None))  # fmt: skip
        for p in nested:
            new_index[p] = len(mentions)
            mentions.append(old[p])
    refs: list[EntityRef] = []
    ref_index: dict[int, int] = {}
    for r, ref in enumerate(result.entities):
        kept = sorted({new_index[i] for i in ref.mentions if new_index[i] not in joined})
        if kept:
            ref_index[r] = len(refs)
            refs.append(replace(ref, mentions=kept))
    for n, m in enumerate(mentions):
        if n not in joined:
            m.entity = ref_index.get(m.entity) if m.entity is not None else None
    by_name: dict[str, int] = {}
    for n, name in joined.items():
        if name not in by_name:
            by_name[name] = len(refs)
            refs.append(EntityRef(mentions[n].label, name, [name], []))
        refs[by_name[name]].mentions.append(n)
        mentions[n].entity = by_name[name]
    # Each old entity's index now: kept, or the joined name its mentions went into.
    moved: dict[int, int | None] = dict(ref_index)
    for r, ref in enumerate(result.entities):
        if r not in moved:
            ends = [mentions[new_index[i]].entity for i in ref.mentions]
            moved[r] = next((e for e in ends if e is not None), None)
    result.mentions, result.entities = mentions, refs
    result.places = _places(result.places, new_index, joined, mentions, result.lang)
    for st in result.statements:
        if st.speaker is not None:
            st.speaker = spans.get((st.speaker.start, st.speaker.end), st.speaker)
        # The speaker's entity by its new index: "Governor Viktor Lagutin of the Kursk region"
        # (no mention at its span, so ``_repoint_speakers`` cannot find it) kept the old one,
        # which named another entity once the list was rebuilt.
        if st.speaker_entity is not None:
            st.speaker_entity = moved.get(st.speaker_entity)
    for ev in result.events:
        for role in ("actor", "recipient", "place"):
            span = getattr(ev, role)
            if span is not None:
                setattr(ev, role, spans.get((span.start, span.end), span))


def _places(
    resolutions: list[PlaceResolution],
    new_index: dict[int, int],
    joined: dict[int, str],
    mentions: list[Mention],
    lang: str,
) -> list[PlaceResolution]:
    """Place resolutions on the new indices; a place joined into a body is no place, and a
    place that grew a region word is resolved again as that region."""
    out = []
    for p in resolutions:
        n = new_index[p.mention]
        if n not in joined:
            out.append(replace(p, mention=n))
        elif mentions[n].label in ("GPE", "LOC"):
            found = places.candidates(mentions[n].text, lang)
            out.append(replace(p, mention=n, text=mentions[n].text,
                               best=found[0] if found else None, candidates=found[:10]))  # fmt: skip
    return out


_NAME_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_BODY_LABELS = ("ORG", "MIL_UNIT")


def nest_countries(result: Any) -> None:
    """A country named inside a body's single mention becomes a mention of its own, nested in
    the body's and linked to the document's entity for that country (a new one if none)."""
    text, lang = result.text, result.lang
    taken = {(m.start, m.end) for m in result.mentions}
    countries: dict[str, int] | None = None  # ISO code → the document's entity, read once
    for body in list(result.mentions):
        if body.label not in _BODY_LABELS:
            continue
        found = _country_in(text, body, lang)
        if found is None or found[:2] in taken:
            continue
        start, end, iso = found
        taken.add((start, end))
        surface = text[start:end]
        if countries is None:
            countries = {}
            for i, r in enumerate(result.entities):
                named = places.country_of_name(r.name, lang) if r.type in ("GPE", "LOC") else None
                if named is not None:
                    countries.setdefault(named, i)
        if iso not in countries:
            known = places.country(iso)
            name = known[1] if known else surface
            countries[iso] = len(result.entities)
            result.entities.append(
                EntityRef("GPE", name, [name], [], {"geonames": str(known[0])} if known else {})
            )
        ref = result.entities[countries[iso]]
        ref.mentions.append(len(result.mentions))
        if surface not in ref.names:
            ref.names.append(surface)
        normal = " ".join(morph.nominative(_NAME_WORD.findall(surface), lang)).title()
        result.mentions.append(
            Mention(start, end, surface, "GPE", normal if morph.is_cyrillic(surface) else surface,
                    "nested", body.confidence, countries[iso])
        )  # fmt: skip


def _country_in(text: str, body: Mention, lang: str) -> tuple[int, int, str] | None:
    """(start, end, ISO code) of the first country named by one or two words of a body's
    name, short of the whole name."""
    found = list(_NAME_WORD.finditer(text, body.start, body.end))
    for size in (2, 1):
        for i in range(len(found) - size + 1):
            start, end = found[i].start(), found[i + size - 1].end()
            if (start, end) == (body.start, body.end) or "\n" in text[start:end]:
                continue
            surface = re.sub(r"['’]s$", "", text[start:end])
            if not surface[:1].isupper():
                continue
            iso = places.country_of_name(surface, lang)
            if iso is not None:
                return start, start + len(surface), iso
    return None
