"""Named mentions and their per-document entities.

English mentions come from spaCy (en_core_web_sm), Russian and Ukrainian from natasha; the
rules in ``units`` add military units, equipment and groups, and win over an overlapping
model span (natasha reads «батальона К.» as a person, spaCy calls "K Battalion" an ORG).
Each mention then joins one entity per document by its normal form, with a person's bare
surname joining the fuller name that appears in the same document.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from overheard.text import models
from overheard.text.normalize import normal_en, normal_ru
from overheard.text.records import EntityRef, Mention
from overheard.text.units import find_rule_spans

_SPACY_LABELS = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "NORP",
}
_NATASHA_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}
_RULE_CONFIDENCE = {"MIL_UNIT": 0.85, "EQUIPMENT": 0.75, "GROUP": 0.7}


def _trim_en(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a possessive ('s, ’s, ') and a leading article that spaCy keeps inside the span."""
    span = text[start:end]
    m = re.search(r"(?:['’]s|(?<=s)['’])$", span)
    if m:
        end = start + m.start()
    m = re.match(r"(?:the|The)\s+", text[start:end])
    if m and end - start > m.end():
        start += m.end()
    return start, end


_BREAK = re.compile(r"\n[ \t]*\n")


def _one_paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """A model's span cut at a paragraph break and trimmed of spaces: no name runs from a
    title into the text below it (natasha: «Т. Лисовской\n\nВ», spaCy: "Nordic Maritime
    Risk\n\n")."""
    cut = _BREAK.search(text, start, end)
    if cut is not None:
        end = cut.start()
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def parse_en(text: str) -> Any:
    """The spaCy Doc (entities, tags, and the parse where statements and events look; see
    ``english_parse``): made once, shared with statements and events."""
    from overheard.text.english_parse import parse

    return parse(text)


def _model_mentions_en(text: str, doc: Any | None = None) -> list[Mention]:
    doc = doc if doc is not None else parse_en(text)
    out = []
    for ent in doc.ents:
        label = _SPACY_LABELS.get(ent.label_)
        if label is None:
            continue
        start, end = _trim_en(text, *_one_paragraph(text, ent.start_char, ent.end_char))
        if end <= start:
            continue
        surface = text[start:end]
        if label == "ORG" and _REGION_NAME.search(surface) and _known_region(surface):
            label = "GPE"  # the small model calls "Donetsk Oblast" an organisation
        elif label in ("PERSON", "ORG") and _big_place_en(ent, surface):
            label = "GPE"  # "the Sumy and Kharkiv regions", "officials in Sumy"
        out.append(Mention(start, end, surface, label, normal_en(surface), "spacy", 0.8))
    return _gazetteer_places_en(text, doc, out)


def _big_place_en(ent: Any, surface: str) -> bool:
    """A one-word "person" or "organisation" that the gazetteer knows as a country, a region
    or a city of 100,000 or more is a place, unless it is the subject of a verb ("Jackson
    said" stays a person)."""
    from overheard.text.places import gazetteer

    if len(ent) != 1 or ent.root.dep_ in ("nsubj", "nsubjpass"):
        return False
    return any(
        e.feature in ("country", "admin1") or (e.feature == "city" and e.population >= 100_000)
        for e in gazetteer().lookup(surface)
    )


_REGION_NAME = re.compile(r"\s(?:Oblast|Province|Region|Governorate|Prefecture|County)$")


def _known_region(surface: str) -> bool:
    from overheard.text.places import gazetteer

    return any(e.feature in ("admin1", "admin2") for e in gazetteer().lookup(surface))


_RU_LOCATIVE = re.compile(r"(?<!\w)(?:в|во|на|под|из|у|з|із|до|біля|під|по)\s+$", re.IGNORECASE)
_LOCATIVE = {"in", "near", "at", "outside", "around", "from", "into", "towards", "toward"}
# "the town of Lgov", "the port of Chornomorsk": "of" after a settlement noun is locative too.
_SETTLEMENTS = {"town", "city", "village", "port", "settlement", "hamlet", "township"}


def _locatives(doc: Any) -> list[int]:
    """Indices of the tokens in ``_LOCATIVE`` (and of an "of" after a settlement noun), found
    on the Doc's arrays: making a Token for every word of every text costs more than the rest
    of this rule."""
    from spacy.attrs import LOWER

    if not len(doc):
        return []
    hashes = [doc.vocab.strings.add(word) for word in sorted(_LOCATIVE)]
    lower = doc.to_array([LOWER]).reshape(-1)
    found = np.isin(lower, hashes)
    settlement = np.isin(lower, [doc.vocab.strings.add(word) for word in sorted(_SETTLEMENTS)])
    found[1:] |= (lower[1:] == doc.vocab.strings.add("of")) & settlement[:-1]
    return np.flatnonzero(found).tolist()


def _gazetteer_places_en(text: str, doc: Any, found: list[Mention]) -> list[Mention]:
    """Place names the small English model misses or calls a person ("in Donetsk", "officials
    in Kyiv"): a proper noun after a locative preposition that the gazetteer knows."""
    from overheard.text.places import gazetteer

    gaz = gazetteer()
    taken = {i for m in found if m.label != "PERSON" for i in range(m.start, m.end)}
    out = [m for m in found]
    for i in _locatives(doc):
        if i + 1 >= len(doc):
            continue
        first = doc[i + 1]
        if first.lower_ == "the" and first.i + 1 < len(doc):
            first = doc[first.i + 1]
        if first.pos_ != "PROPN" or first.idx in taken:
            continue
        last = first
        while (
            last.i + 1 < len(doc)
            and doc[last.i + 1].pos_ == "PROPN"
            and doc[last.i + 1].whitespace_ is not None
            and last.i - first.i < 3
        ):
            last = doc[last.i + 1]
        start, end = first.idx, last.idx + len(last.text)
        surface = text[start:end]
        if not gaz.lookup(surface):
            continue
        out = [m for m in out if not (m.start < end and start < m.end)]
        out.append(Mention(start, end, surface, "GPE", surface, "gazetteer", 0.6))
    out.sort(key=lambda m: m.start)
    return out


def natasha_spans(text: str) -> list[tuple[int, int, str]]:
    """natasha's raw NER spans (start, stop, PER/LOC/ORG): the baseline the eval compares to."""
    return natasha_spans_many([text])[0]


def natasha_spans_many(texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
    """natasha's NER spans for each text, the texts run in batches. slovnet pads a batch to its
    longest text, so texts of similar length share one (4.2 s one at a time, 3.7 s sorted,
    5.8 s in their own order on 200 Collection5 articles). natasha's ``Doc.tag_ner`` calls the
    same tagger on the whole text; its sentence and token segmentation is not needed here."""
    tagger = models.natasha_ru().ner
    order = sorted((i for i, t in enumerate(texts) if t.strip()), key=lambda i: len(texts[i]))
    out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    for i, markup in zip(order, tagger.map([texts[i] for i in order]), strict=True):
        out[i] = [(s.start, s.stop, s.type) for s in markup.spans]
    return out


@lru_cache(maxsize=65536)
def _normal_ru(surface: str, label: str) -> str:
    """``normal_ru`` with the dictionary, remembered: a name recurs within and across texts,
    and its dictionary look-ups cost more than natasha's tagging of it."""
    return normal_ru(surface, label, models.natasha_ru().morph_vocab)


def clear_memos() -> None:
    _normal_ru.cache_clear()


def _model_mentions_ru(
    text: str, lang: str = "ru", spans: list[tuple[int, int, str]] | None = None
) -> list[Mention]:
    out = []
    for start, end, tag in natasha_spans(text) if spans is None else spans:
        label = _NATASHA_LABELS.get(tag)
        start, end = _one_paragraph(text, start, end)
        if label is None or end <= start:
            continue
        surface = text[start:end]
        normal = _normal_ru(surface, label)
        if label == "LOC":
            from overheard.text.places import gazetteer

            if gazetteer().is_political(normal):
                label = "GPE"
        # natasha reads some city names as people (Ukrainian «Харків» especially): a one-word
        # "person" after a locative preposition that the gazetteer knows is a place.
        if label == "PERSON" and " " not in surface:
            from overheard.text.places import gazetteer

            known = gazetteer().lookup(surface) or gazetteer().lookup(normal)
            # After «в/из/під…» any known place; elsewhere only a country or a big city, so
            # a surname that is also a village's name stays a person.
            # (Ukrainian only: on Russian news this cost natasha's PER score more than it won.)
            if known and (
                _RU_LOCATIVE.search(text[:start])
                or _place_only(surface, lang)
                or (
                    lang == "uk"
                    and any(e.feature == "country" or e.population >= 100_000 for e in known)
                )
            ):
                label = "GPE"
        out.append(Mention(start, end, surface, label, normal, "natasha", 0.8))
    return out


def _place_only(word: str, lang: str) -> bool:
    """The dictionary reads the word only as a place name (Geox), never as a first name,
    surname or patronymic: «обстрелы Суджи» is the town wherever it stands."""
    from overheard.text import morph

    found = morph.parses(word, lang)
    return any("Geox" in p.tag.grammemes for p in found) and not any(
        morph.PERSON_TAGS & set(p.tag.grammemes) for p in found
    )


def extract_mentions(
    text: str,
    lang: str,
    doc: Any | None = None,
    *,
    ner_spans: list[tuple[int, int, str]] | None = None,
) -> list[Mention]:
    """Typed mentions in text order, non-overlapping; offsets index ``text``.

    ``doc`` is an English spaCy Doc of ``text`` when the caller already has one, ``ner_spans``
    natasha's spans of a Russian or Ukrainian ``text`` (``natasha_spans_many``).
    """
    if lang in ("ru", "uk"):
        model = _model_mentions_ru(text, lang, ner_spans)
        if lang == "uk":
            from overheard.text import ukrainian

            model = ukrainian.refine(text, model, _normal_ru)
    else:
        model = _model_mentions_en(text, doc)
    rules = []
    for span in find_rule_spans(text, lang):
        surface = text[span.start : span.end]
        # The morphology dictionary is Russian: Ukrainian unit names keep their surface form.
        normal = _normal_ru(surface, span.label) if lang == "ru" else normal_en(surface)
        rules.append(
            Mention(
                span.start,
                span.end,
                surface,
                span.label,
                normal,
                "rules",
                _RULE_CONFIDENCE[span.label],
            )
        )
    kept = list(rules)
    for m in model:
        overlapping = [i for i, r in enumerate(rules) if r.start < m.end and m.start < r.end]
        # Equipment never overrides a longer name around it: "drones" in an ORG's name,
        # «Искандер» in «Искандер Галимов», «ТГК-8» in an energy company's name.
        yields = all(
            rules[i].label == "EQUIPMENT"
            and m.start <= rules[i].start
            and rules[i].end <= m.end
            and (m.end - m.start) > (rules[i].end - rules[i].start)
            for i in overlapping
        )
        if overlapping and not yields:
            continue
        kept = [k for k in kept if not any(k is rules[i] for i in overlapping)]
        kept.append(m)
    if lang == "uk":
        # Not on Russian: natasha finds these there, and Collection5 marks «МИД России» as
        # an ORG and a place, so joining the country cost ORG .917 → .871 and LOC .973 → .938.
        kept = _organisations(text, kept)
        from overheard.text import ukrainian

        kept = ukrainian.cued_places(text, kept, _normal_ru)
        kept.extend(ukrainian.places(text, kept, _normal_ru))
        kept.extend(ukrainian.abbreviations(text, kept, _normal_ru))
        kept.extend(ukrainian.first_names(text, kept, _normal_ru))
        kept.extend(ukrainian.surnames(text, kept, _normal_ru))
        kept = ukrainian.joined_people(text, kept, _normal_ru)
    kept.sort(key=lambda m: m.start)
    return kept


def _organisations(text: str, kept: list[Mention]) -> list[Mention]:
    """Institutions of ``lexicons/organisations.tsv`` («Міноборони Росії», «Генштаб ЗСУ»):
    each replaces the model mentions it overlaps («Міноборони Росії» read as a person),
    except a longer model ORG around it, and never a rule mention (units, equipment)."""
    from overheard.text.organisations import find_organisations, joined, ukrainian_organisations

    # The spans are joined, so each is decided against the mentions as they came; a mention
    # is looked up by its start (texts run to hundreds of thousands of characters).
    kept = sorted(kept, key=lambda k: k.start)
    starts = [k.start for k in kept]
    longest = max((k.end - k.start for k in kept), default=0)
    dropped: set[int] = set()
    added: list[Mention] = []
    for start, end in joined(find_organisations(text) + ukrainian_organisations(text)):
        lo = bisect.bisect_left(starts, start - longest)
        hi = bisect.bisect_left(starts, end)
        overlapping = [i for i in range(lo, hi) if start < kept[i].end]
        if any(
            kept[i].source not in ("natasha", "gazetteer")
            or (kept[i].label == "ORG" and kept[i].start <= start and end <= kept[i].end)
            for i in overlapping
        ):
            continue
        dropped.update(overlapping)
        surface = text[start:end]
        added.append(Mention(start, end, surface, "ORG", _normal_ru(surface, "ORG"), "rules", 0.8))
    return [k for i, k in enumerate(kept) if i not in dropped] + added


def _key(normal: str) -> str:
    return re.sub(r"[^\w]+", " ", normal.casefold().replace("ё", "е")).strip()


_FAMILY = {"GPE": "PLACE", "LOC": "PLACE"}


def link_mentions(mentions: list[Mention]) -> list[EntityRef]:
    """Group mentions into one entity per (type family, normal form); sets ``Mention.entity``."""
    entities: list[EntityRef] = []
    by_key: dict[tuple[str, str], int] = {}
    # Longer names first, so a later bare surname can join its full name.
    order = sorted(range(len(mentions)), key=lambda i: -len(mentions[i].normal))
    for i in order:
        m = mentions[i]
        family = _FAMILY.get(m.label, m.label)
        key = _key(m.normal)
        if not key:
            continue
        index = by_key.get((family, key))
        if index is None and m.label == "PERSON" and " " not in key:
            for (fam, other), idx in by_key.items():
                if fam == "PERSON" and other.split()[-1] == key:
                    index = idx
                    break
        if index is None:
            index = len(entities)
            entities.append(EntityRef(type=m.label, name=m.normal, names=[], mentions=[]))
            by_key[(family, key)] = index
        entity = entities[index]
        entity.mentions.append(i)
        if m.normal not in entity.names:
            entity.names.append(m.normal)
        m.entity = index
    for entity in entities:
        entity.mentions.sort()
        entity.type = Counter(mentions[i].label for i in entity.mentions).most_common(1)[0][0]
    return entities
