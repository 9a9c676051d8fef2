"""A key per entity name that is the same in Cyrillic and Latin script, across the usual
spellings and across Russian and Ukrainian case forms, so that «Зеленский», «Зеленського»,
"Zelensky" and "Zelenskyy" meet in one entity, and so do «батальон К» and "K Battalion",
«58-я армия» and "58th Army", «Минобороны России» and "Russia's Defence Ministry".

Keys are deliberately coarse within a type (a person is first initial + surname, the surname
in the person's gender; a unit is its kind + designator): the cost is an occasional merge
of two namesakes, which the entity page shows with every name and mention and an analyst can
split, against the far commoner failure of one person split into five entities by
transliteration. Words are put in their dictionary form first (``text.morph``), then
romanised (anyascii: every script, including Latin with diacritics, "Zielińska") and folded to
a spelling skeleton. Organisations named in the alias lexicon key by what they are and the
country they belong to (``link.aliases``); places key by their gazetteer id
(``link.places``).
"""

from __future__ import annotations

import re

from overheard.text import morph

# Latin spelling variants folded to one skeleton (longest first): the romanisation systems
# and the press disagree on exactly these (Zelenskyy/Zelensky/Zelenskiy, Kharkiv/Harkiv,
# Homel/Gomel: Ukrainian г is h, Russian г is g).
_FOLDS = [
    ("shch", "s"), ("kh", "h"), ("zh", "z"), ("dj", "dz"), ("ts", "c"), ("tz", "c"), ("ch", "c"),
    ("sh", "s"), ("yu", "u"), ("iu", "u"), ("ju", "u"), ("ya", "a"), ("ia", "a"), ("ja", "a"),
    ("ye", "e"), ("ie", "e"), ("je", "e"), ("yo", "o"), ("jo", "o"), ("yi", "i"), ("w", "v"),
    ("x", "ks"), ("j", "i"), ("y", "i"), ("g", "h"),
]  # fmt: skip
_ENDINGS = re.compile(r"(?:ii|ei|oi|i)$")
# A surname's feminine ending, dropped where a surname alone cannot say whose it is
# («Пескова» is his in the genitive, hers in the nominative).
_FEMININE = re.compile(r"(?<=sk)a$|(?<=ck)a$|(?<=[oe]v)a$|(?<=in)a$")
# Ukrainian Олександр/Олексій and Russian Александр/Алексей, English Oleksandr/Alexander.
_INITIAL_FOLDS = [("oleks", "aleks"), ("olek", "alek")]

UNIT_KINDS = {
    "battalion": ("батальон", "battalion", "bn"),
    "brigade": ("бригад", "brigade", "bde"),
    "regiment": ("полк", "regiment"),
    "division": ("дивизи", "дивізі", "division"),
    "army": ("арми", "армі", "army"),
    "corps": ("корпус", "corps"),
    "company": ("рота", "роты", "роте", "роту", "company"),
    "detachment": ("отряд", "загін", "detachment"),
    "group": ("группировк", "угруповання", "group"),
}
_PLACE_TYPES = ("GPE", "LOC")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def transliterate(text: str) -> str:
    """Latin letters for any script (anyascii), e.g. «Щёкино» → 'Shchekino'."""
    from anyascii import anyascii

    return anyascii(text)


def skeleton(word: str) -> str:
    """One word in a script- and spelling-independent form: 'zelensk' for every Zelensky."""
    s = transliterate(word.lower()).lower()
    s = re.sub(r"[^a-z0-9]", "", s)
    for a, b in _FOLDS:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)  # double letters: Zelenskyy, Lavrov/Lavroff
    if len(s) > 4:
        s = _ENDINGS.sub("", s)  # -ий/-ый/-ій/-iy/-yy/-y endings
    return s


def words(name: str) -> list[str]:
    """A name's words; a possessive ("Ukraine's") is not part of its word."""
    return _WORD.findall(re.sub(r"['’]s\b", "", name))


def _gender(first: str, lang: str | None) -> str | None:
    """A first name's grammatical gender where the dictionary knows the name («Ирина»)."""
    return next(
        (p.tag.gender for p in morph.parses(first, lang) if "Name" in p.tag.grammemes), None
    )


def surname(word: str, lang: str | None = None, gender: str | None = None) -> str:
    """The skeleton of a surname in any case form: «Лагутина» (his), «Лагутину», "Lagutin" →
    'lahutin'; «Лисовской», «Лисовська», "Lisovskaya" → 'lisovska' (hers). ``gender`` (the
    first name's) picks the reading where the form alone leaves it open; without it an open
    form reads as a man's («Пескова» after «по словам»)."""
    found = morph.parses(word, lang)
    readings = [p for p in found if "Surn" in p.tag.grammemes] or [
        p for p in found if p.tag.POS == "ADJF"
    ]
    if not readings:
        return skeleton(word)
    if gender not in ("masc", "femn"):
        gender = "femn" if {p.tag.gender for p in readings} == {"femn"} else "masc"
    reading = next((p for p in readings if p.tag.gender == gender), readings[0])
    if reading.tag.gender == "femn":
        form = reading.inflect({"nomn", "femn"})
        return skeleton(form.word if form is not None else word)
    return skeleton(reading.normal_form)


def neutral(surname_skeleton: str) -> str:
    """A surname's skeleton without its feminine ending: 'lisovska' → 'lisovsk'."""
    return _FEMININE.sub("", surname_skeleton)


def first_initial(word: str) -> str:
    s = skeleton(word)
    for a, b in _INITIAL_FOLDS:
        if s.startswith(a):
            s = b + s[len(a) :]
    return s[:1]


def person_key(name: str, lang: str | None = None) -> str:
    """'initial surname' (the surname in the person's gender); a surname alone keys without
    its gender ('peskov' for «Пескова», which may be his or hers), and the analysis writer
    joins it to the one person of the case with that surname (``link.merges.resolve``)."""
    parts = words(name)
    if not parts:
        return ""
    syllables = re.findall(r"[^\W_]+", name)
    if len(syllables) >= 3 and all(len(w) <= 4 for w in syllables) and not morph.is_cyrillic(name):
        # Korean and Chinese names put the family name first ("Kim Jong Un", "Kim Jong-un"):
        # the whole name is the key.
        return "".join(skeleton(w) for w in syllables)
    if len(parts) == 1:
        return neutral(surname(parts[0], lang))
    last = surname(parts[-1], lang, _gender(parts[0], lang))
    return f"{first_initial(parts[0])} {last}"


def unit_key(name: str) -> str | None:
    """'unit:<kind>:<designator>' when the name says both, else None."""
    lowered = name.lower()
    kind = next((k for k, forms in UNIT_KINDS.items() if any(f in lowered for f in forms)), None)
    if kind is None:
        return None
    number = re.search(r"\d+", name)
    if number:
        designator = number.group(0)
    else:
        letter = re.search(r"(?:^|\s)[«\"“]?([A-ZА-ЯЁІЇЄ])[»\"”]?(?:\s|$|\.)", name)
        quoted = re.search(r"[«\"“]([^»\"”]+)[»\"”]", name)
        if letter:
            designator = skeleton(letter.group(1))
        elif quoted:
            designator = skeleton(quoted.group(1))
        else:
            return None
    return f"unit:{kind}:{designator}"


def word_key(name: str, lang: str | None = None) -> str:
    """Any other name: the skeletons of its words' dictionary forms, in order."""
    return " ".join(skeleton(morph.lemma(w, lang)) for w in words(name))


def known_key(entity_type: str, name: str, lang: str | None = None) -> str | None:
    """The key the alias lexicon or the gazetteer gives a name, where either knows it: a
    "person" «Міноборони Росії» keys as the ministry, a "person" «України» as the country."""
    from overheard.link import aliases, places

    whole = entity_type in (*_PLACE_TYPES, "PERSON")
    key = aliases.org_key(name, lang, whole=whole)
    # natasha's "people" that are places are common; spaCy's English ones are rarer than the
    # surnames that are also towns ("Austin said").
    if key is None and entity_type not in _PLACE_TYPES:
        if entity_type != "PERSON" or morph.is_cyrillic(name):
            key = places.misread_place(name, lang)
    if key is None and entity_type in _PLACE_TYPES:
        key = places.place_key(name, lang)
    return key


def entity_key(
    entity_type: str, name: str, geonames_id: str | None = None, lang: str | None = None
) -> str:
    """The key under which entities of one type are merged across documents and scripts.
    ``lang`` (ru or uk) says which dictionary reads a Cyrillic word its letters leave open.

    The alias lexicon and the gazetteer overrule the NER's type where they know the name
    (``known_key``)."""
    if geonames_id:
        return f"geonames:{geonames_id}"
    if entity_type == "MIL_UNIT":
        return f"MIL_UNIT:{unit_key(name) or word_key(name, lang)}"
    if entity_type == "EQUIPMENT":
        return f"EQUIPMENT:{word_key(name, lang)}"
    return known_key(entity_type, name, lang) or words_key(entity_type, name, lang)


def words_key(entity_type: str, name: str, lang: str | None = None) -> str:
    """The key of a name neither the alias lexicon nor the gazetteer knows: from its words."""
    if entity_type in _PLACE_TYPES:
        return f"PLACE:{word_key(name, lang)}"
    if entity_type == "PERSON":
        return f"PERSON:{person_key(name, lang)}"
    return f"{entity_type}:{word_key(name, lang)}"
