"""A key per entity name that is the same in Cyrillic and Latin script and across the usual
spellings, so that «Зеленский», "Zelensky" and "Zelenskyy" meet in one entity, and so do
«батальон К» and "K Battalion", «58-я армия» and "58th Army".

Keys are deliberately coarse within a type (a person is surname + first initial; a unit is its
kind + designator): the cost is an occasional merge of two namesakes, which the entity page
shows with every name and mention, against the far commoner failure of one person split into
five entities by transliteration.
"""

from __future__ import annotations

import re

# Russian and Ukrainian letters to Latin, close to the BGN/PCGN and Ukrainian national systems;
# what matters is that both sides reach the same skeleton, not the exact romanisation.
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip
# Latin spelling variants folded to one skeleton (longest first).
_FOLDS = [
    ("shch", "s"), ("kh", "h"), ("zh", "z"), ("ts", "c"), ("tz", "c"), ("ch", "c"), ("sh", "s"),
    ("yu", "u"), ("iu", "u"), ("ya", "a"), ("ia", "a"), ("ye", "e"), ("ie", "e"), ("yo", "o"),
    ("dj", "dz"), ("w", "v"), ("x", "ks"), ("j", "i"), ("y", "i"), ("g", "h"),
]  # fmt: skip
# Ukrainian г is h, Russian г is g: "Kharkiv"/"Харьков", "Hlib"/"Глеб". Folding g into h makes
# both meet; ё/е, и/ы/і all end as i or e below.
_ENDINGS = re.compile(r"(?:ii|ei|oi|i)$")

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


def transliterate(text: str) -> str:
    return "".join(_TRANSLIT.get(ch, _TRANSLIT.get(ch.lower(), ch)) for ch in text)


def skeleton(word: str) -> str:
    """One word in a script- and spelling-independent form: 'zelensk' for every Zelensky."""
    s = transliterate(word.lower())
    s = re.sub(r"[^a-z0-9]", "", s)
    for a, b in _FOLDS:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)  # double letters: Zelenskyy, Lavrov/Lavroff
    if len(s) > 4:
        s = _ENDINGS.sub("", s)  # -ий/-ый/-iy/-yy/-y endings
    return s


def _words(name: str) -> list[str]:
    return [w for w in re.findall(r"[^\W_]+", name) if w]


def person_key(name: str) -> str:
    words = _words(name)
    if not words:
        return ""
    if len(words) >= 3 and all(len(w) <= 4 for w in words):
        # Korean and Chinese names put the family name first ("Kim Jong Un", "Kim Jong-un"):
        # the whole name is the key.
        return "".join(skeleton(w) for w in words)
    surname = skeleton(words[-1])
    initial = skeleton(words[0])[:1] if len(words) > 1 else ""
    return f"{initial} {surname}".strip()


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
            designator = skeleton(transliterate(letter.group(1)))
        elif quoted:
            designator = skeleton(quoted.group(1))
        else:
            return None
    return f"unit:{kind}:{designator}"


def entity_key(entity_type: str, name: str, geonames_id: str | None = None) -> str:
    """The key under which entities of one type are merged across documents and scripts."""
    if geonames_id:
        return f"geonames:{geonames_id}"
    if entity_type == "PERSON":
        key = person_key(name)
    elif entity_type == "MIL_UNIT":
        key = unit_key(name) or " ".join(skeleton(w) for w in _words(name))
    else:
        key = " ".join(skeleton(w) for w in _words(name))
    return f"{entity_type}:{key}"
