"""Rules for the mentions the statistical NER models do not know: military units, equipment
and groups of people described by nationality ("North Korean troops", «российские военные»).

The rules describe the *shape* of a name (ordinal + modifiers + unit noun + complement, a
single-letter or quoted name next to a unit noun, a type designator such as T-72 or Су-34),
so they find units and systems that were never listed. The only word lists are closed classes:
unit nouns, weapon class nouns, and a handful of long-lived weapon family names that look
like ordinary words (HIMARS, «Ланцет»); they are data, ``text/lexicons/units.*.tsv``,
``equipment.*.tsv`` and ``groups.*.tsv``, and the shapes built around them are here.

Regular expressions over the raw text keep the offsets exact and cost microseconds per
article, which matters because NER is the budget everything else is measured against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from overheard.text import lexicon

# --- shared pieces ---------------------------------------------------------------------------

_QUOTED = r"(?:«[^«»\n]{1,40}»|\"[^\"\n]{1,40}\"|“[^“”\n]{1,40}”|„[^„“\n]{1,40}“)"


def _words(name: str, role: str) -> str:
    return lexicon.alternation(name, role)


def _en_rules() -> dict[str, list[str]]:
    unit_noun = _words("units.en", "noun")
    ordinal = (
        r"(?:\d{1,4}(?:st|nd|rd|th)|First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|"
        r"Tenth|Eleventh|Twelfth)"
    )
    # Modifiers between the ordinal and the unit noun ("810th Separate Guards Naval Infantry
    # Brigade", "58th Combined Arms Army"): capitalised words, or lower-case military adjectives.
    unit_mod = rf"(?:[A-Z][a-z]+|{_words('units.en', 'modifier')})"
    # Words that start sentences or noun phrases and must never be read as a unit's name.
    not_name = rf"(?!{_words('units.en', 'not_name')}\b)"
    named_unit = (
        rf"\b{not_name}(?:[A-Z]|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}})\s+"
        rf"{_words('units.en', 'named_noun')}s?\b"
    )
    equip_class = _words("equipment.en", "class")
    # Weapon families whose names are ordinary words or bare acronyms; years-long, not news of
    # the week. Anything else is caught by shape (designator, or name + class noun).
    families = _words("equipment.en", "family")
    designator = (
        rf"(?!{_words('equipment.en', 'not_designator')}-)(?:[A-Z][A-Za-z]{{0,3}}-\d{{1,3}}"
        r"[A-Z0-9]{0,3}(?:[A-Z][a-z]+)?|M\d{3,4}[A-Z0-9]{0,2})"
    )
    nationality = (
        r"(?:(?:North|South|East|West)\s+)?(?:U\.S\.|US|[A-Z][a-z]+(?:an|ian|ish|ese|i|ic|ch|ern))"
    )
    # "Russian military uniforms": the group noun is a modifier of another noun, not a group.
    not_head = rf"(?!\s+{_words('groups.en', 'not_head')})"
    return {
        "MIL_UNIT": [
            rf"\b{ordinal}(?:\s+{unit_mod}){{0,5}}\s+{unit_noun}\b",
            named_unit,
            r"\bUnit\s+\d{3,6}\b",
        ],
        "GROUP": [
            rf"\b{nationality}(?:\s+{_words('groups.en', 'modifier')})?\s+"
            rf"{_words('groups.en', 'noun')}\b{not_head}",
            # "the North Koreans", "the Russians": a nationality as a plural noun is a group.
            r"(?<=\bthe )(?:(?:North|South)\s+)?[A-Z][a-z]+(?:ans|ians|eans)\b",
        ],
        "EQUIPMENT": [
            # name or designator followed by its class noun: "Shahed drones", "Su-34 fighter jets"
            rf"\b(?:{families}|{designator}|{not_name}[A-Z][a-z]+)\s+{equip_class}\b",
            rf"\b{families}(?:\s+(?:systems?|launchers?))?(?![\w-])",
            rf"\b{designator}\b",
            rf"\b{equip_class}\b",
        ],
    }


def _ru_rules() -> dict[str, list[str]]:
    ordinal = (
        r"(?:\d{1,4}(?:-?(?:й|я|е|го|ой|ая|ий|ый|ое|ые|му|м|ю|х|ых|ей|ом|ого|ої|ій|та|ша|ма|ї|і|"
        r"му))?)"
    )
    adj = (
        r"(?:[А-ЯЁІЇЄа-яёіїє]+(?:ой|ая|ый|ий|ое|ые|ого|ому|ым|ом|ую|ых|ыми|ей|его|ему|ее|ие|"
        r"их|ими|ої|ій|а|у|і|им))"
    )
    unit_noun = _words("units.ru", "noun")
    # Genitive complement after the unit noun: «морской пехоты», «специального назначения».
    complement = (
        rf"(?:\s+[а-яёіїє]+(?:ой|ого|их|ей|ых|ої|ого)\s+{_words('units.ru', 'complement')})"
    )
    # A quoted name, a single capital letter («батальон К», but not the initial in «К. Иванов»),
    # or «имени Х».
    name_after = (
        rf"(?:\s+(?:{_QUOTED}|[А-ЯЁA-Z](?![\w.]\w)|имени\s+[А-ЯЁ][\w-]+(?:\s+[А-ЯЁ][\w-]+)?))"
    )
    equip_class = _words("equipment.ru", "class")
    designator = r"(?:[А-ЯЁA-Z][а-яёa-zА-ЯЁA-Z]{0,3}-\d{1,3}[А-ЯЁа-яёA-Z0-9]{0,3})"
    # Plural nouns for people: the adjective before them must be plural too, so «Сибирского
    # военного округа» (a district) is not read as «военные» (soldiers).
    adj_plural = r"(?:[А-ЯЁІЇЄа-яёіїє]+-)?[А-ЯЁІЇЄа-яёіїє]+(?:ск|цк|ськ|цьк)(?:ие|их|им|ими|і)"
    # Collective singular nouns take a singular adjective: «российская разведка».
    adj_singular = r"(?:[А-ЯЁІЇЄа-яёіїє]+-)?[А-ЯЁІЇЄа-яёіїє]+(?:ск|цк)(?:ая|ой|ую|ей|а|ої|у)"
    return {
        "MIL_UNIT": [
            # «155-я отдельная бригада морской пехоты», «58-й армии», «3-го армейского корпуса»
            rf"(?<![\w-]){ordinal}(?:\s+{adj}){{0,4}}\s+{unit_noun}\b{complement}?{name_after}?",
            # «батальон К», «батальона «Ахмат»», «бригада "Азов"»
            rf"(?<![\w-])(?:{adj}\s+){{0,2}}(?i:{unit_noun})\b{complement}?{name_after}",
            # a capitalised modifier names the unit: «Черноморского флота», «Северный флот»
            rf"(?<![\w-])[А-ЯЁІЇЄ][а-яёіїє]+(?:ого|ий|ый|ой|ая|ому|им|ым|ом)\s+{unit_noun}\b",
        ],
        "GROUP": [
            rf"(?<![\w-]){adj_plural}\s+{_words('groups.ru', 'plural')}(?!\w)",
            rf"(?<![\w-]){adj_singular}\s+{_words('groups.ru', 'collective')}(?!\w)",
        ],
        "EQUIPMENT": [
            rf"(?<![\w-]){equip_class}(?:\s+{designator}|\s+{_QUOTED})",
            rf"(?<![\w-]){_words('equipment.ru', 'family')}(?!\w)",
            rf"(?<![\w-]){designator}(?![\w-])",
            rf"(?<![\w-]){equip_class}(?!\w)",
        ],
    }


@dataclass(frozen=True)
class RuleSpan:
    start: int
    end: int
    label: str
    rule: str


@lexicon.cached
def _rules(lang: str) -> list[tuple[str, list[re.Pattern[str]]]]:
    """(label, compiled patterns) in the order the families are tried."""
    patterns = _ru_rules() if lang in ("ru", "uk") else _en_rules()
    return [
        (label, [re.compile(p) for p in patterns[label]])
        for label in ("MIL_UNIT", "GROUP", "EQUIPMENT")
    ]


def find_rule_spans(text: str, lang: str) -> list[RuleSpan]:
    """Non-overlapping rule matches; earlier rule families and longer matches win."""
    found: list[RuleSpan] = []
    taken: list[tuple[int, int]] = []
    for label, patterns in _rules("ru" if lang in ("ru", "uk") else "en"):
        candidates: list[RuleSpan] = []
        for i, pattern in enumerate(patterns):
            for m in pattern.finditer(text):
                start, end = _trim(text, m.start(), m.end())
                if end > start:
                    candidates.append(RuleSpan(start, end, label, f"{label}.{i}"))
        candidates.sort(key=lambda s: (-(s.end - s.start), s.start))
        for span in candidates:
            if all(span.end <= a or span.start >= b for a, b in taken):
                taken.append((span.start, span.end))
                found.append(span)
    found.sort(key=lambda s: s.start)
    return found


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " \t\n,.;:":
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    # A quote mark that opens the name but whose partner is outside the match is not ours.
    inner = text[start + 1 : end]
    if end > start and text[start] in '«"“' and not any(c in inner for c in '»"”'):
        start += 1
    inner = text[start : end - 1]
    if end > start and text[end - 1] in '»"”' and not any(c in inner for c in '«"“'):
        end -= 1
    return start, end
