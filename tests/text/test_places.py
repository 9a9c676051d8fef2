"""Regions, counties and state abbreviations resolve to a place with coordinates."""

from __future__ import annotations

import pytest

from overheard.text.analyze import analyze
from overheard.text.places import gazetteer, resolve_places
from overheard.text.records import Mention, PlaceCandidate


@pytest.mark.parametrize(
    ("name", "country", "lat", "lon"),
    [
        ("Харьковская область", "UA", 49.5, 36.5),
        ("Харківська область", "UA", 49.5, 36.5),
        ("Donetsk Oblast", "UA", 48.0, 37.8),
        ("Kharkiv region", "UA", 49.5, 36.5),
        ("Texas", "US", 31.0, -99.0),
        ("Ky.", "US", 37.5, -85.0),
        ("Dagestan", "RU", 42.5, 47.0),
    ],
)
def test_regions_have_coordinates(name: str, country: str, lat: float, lon: float) -> None:
    best = gazetteer().resolve(name)[0]
    assert best.feature == "admin1" and best.country == country
    assert abs(best.latitude - lat) < 2.5 and abs(best.longitude - lon) < 2.5


def test_bare_name_stays_the_town() -> None:
    # The region is only "Donetsk Oblast/Region"; "Donetsk" alone is the city.
    assert gazetteer().resolve("Donetsk")[0].feature == "city"


def test_county_prefers_the_named_state() -> None:
    text = "Deputies in Madison County, Ala., closed two roads after the storm."
    places = {p.text: p for p in analyze(text, "en").places}
    county = places["Madison County"].best
    assert county is not None and county.feature == "admin2" and county.country == "US"
    assert 34 < county.latitude < 36 and -88 < county.longitude < -85


def test_regions_in_sentences() -> None:
    en = analyze("Shelling hit villages in Donetsk Oblast, and a refinery in Texas closed.", "en")
    found = {p.text: p.best for p in en.places}
    assert found["Donetsk Oblast"] is not None and found["Donetsk Oblast"].country == "UA"
    assert found["Texas"] is not None and found["Texas"].latitude != 0.0
    # A region without a GeoNames id here is no external id on the entity.
    assert all(int(e.external_ids.get("geonames", "1")) > 0 for e in en.entities)
    ru = analyze("Обстрелы продолжаются в Харьковской области, сообщил губернатор.", "ru")
    region = next(p.best for p in ru.places if p.text == "Харьковской области")
    assert region is not None and region.feature == "admin1" and region.country == "UA"


def test_end_to_end_match_is_one_to_one_by_overlap() -> None:
    from overheard.eval.geoparsing import _match

    # "New York City" overlaps both gold "New York" and "City"; it takes the larger overlap.
    predicted = [(0, 13), (20, 25), (40, 44)]
    gold = [(0, 8), (9, 13), (18, 25)]
    assert _match(predicted, gold) == {0: 0, 1: 2}


def test_end_to_end_scores_an_article() -> None:
    from overheard.eval.geoparsing import score_end_to_end

    text = "Flooding closed roads in Texas and in Kharkiv on Monday."
    gold = [
        {"start": 25, "end": 30, "id": 4736286, "lat": 31.25, "lon": -99.25},
        {"start": 38, "end": 45, "id": 706483, "lat": 50.0, "lon": 36.25},
    ]
    res = score_end_to_end([(text, gold)])
    assert res["recall"] == 1.0 and res["precision"] == 1.0
    assert res["within_161km_all"] == 1.0 and res["exact_all"] == 1.0


def _resolve(text: str, names: list[str], label: str = "GPE") -> dict[str, PlaceCandidate]:
    """Each name's first occurrence as a mention, resolved with the others as context."""
    mentions = []
    for name in names:
        start = text.index(name)
        mentions.append(Mention(start, start + len(name), name, label, name, "test"))
    return {p.text: p.best for p in resolve_places(text, mentions) if p.best is not None}


def test_a_country_is_its_own_feature_not_its_capital() -> None:
    country = gazetteer().resolve("United States")[0]
    capital = next(c for c in gazetteer().resolve("Washington") if c.feature == "city")
    assert country.feature == "country" and country.geonameid == 6252001
    assert capital.geonameid != country.geonameid
    # The country's own point (the middle of the country), not Washington's.
    assert abs(country.latitude - 39.8) < 3 and abs(country.longitude + 98.6) < 3
    ukraine = gazetteer().resolve("Ukraine")[0]
    kyiv = gazetteer().resolve("Kyiv")[0]
    assert ukraine.feature == "country" and kyiv.feature == "city"
    assert (ukraine.latitude, ukraine.longitude) != (kyiv.latitude, kyiv.longitude)


def test_a_region_is_pinned_inside_itself_not_at_its_towns_mean() -> None:
    # Queensland's towns crowd its south-east coast; its own point is far inland.
    queensland = gazetteer().resolve("Queensland")[0]
    assert queensland.feature == "admin1" and queensland.country == "AU"
    assert -24 < queensland.latitude < -17 and 140 < queensland.longitude < 149


def test_demonyms_resolve_to_their_place() -> None:
    text = "A Turkish policeman and two Russians were hurt; European monitors and a Scottish MP saw it."
    found = _resolve(text, ["Turkish", "Russians", "European", "Scottish"])
    assert found["Turkish"].feature == "country" and found["Turkish"].geonameid == 298795
    assert found["Russians"].geonameid == 2017370
    assert found["European"].feature == "continent"
    assert found["Scottish"].feature == "admin1" and found["Scottish"].country == "GB"
    # A demonym is not a place name for the NER rules that ask ``lookup``.
    assert gazetteer().lookup("Turkish") == []


def test_abbreviations_are_matched_as_written() -> None:
    text = "Officials in the U.S., the UK, the DRC, NSW and B.C. said so."
    found = _resolve(text, ["U.S.", "UK", "DRC", "NSW", "B.C."])
    assert found["U.S."].geonameid == 6252001
    assert found["UK"].country == "GB" and found["UK"].feature == "country"
    assert found["DRC"].country == "CD"
    assert found["NSW"].feature == "admin1" and found["NSW"].country == "AU"
    assert found["B.C."].feature == "admin1" and found["B.C."].country == "CA"
    # Case counts: "eu" and "drc" are not abbreviations of places.
    assert all(e.feature != "continent" for e in gazetteer().lookup("eu"))
    assert gazetteer().lookup("drc") == []


def test_places_outside_the_tables() -> None:
    text = "Ships left the Black Sea for the Middle East; Darfur and the Dnieper were quiet."
    found = _resolve(text, ["Black Sea", "Middle East", "Darfur"])
    assert found["Black Sea"].feature == "sea"
    assert found["Middle East"].feature == "region"
    assert found["Darfur"].feature == "region" and found["Darfur"].country == "SD"
    # Russian names too: the same entry, so the two link across scripts.
    assert gazetteer().resolve("Чёрное море")[0].geonameid == found["Black Sea"].geonameid
    # Not a GPE for the Russian NER's LOC/GPE split.
    assert not gazetteer().is_political("Черное море")


def test_dateline_and_county_pull_namesakes() -> None:
    # Without context the biggest Columbia and Adair County win; the dateline puts both in
    # Kentucky (Columbia, Ky. is below the main table's size: a village reading).
    text = "COLUMBIA, Ky. — Police are investigating an Adair County shooting that left one dead."
    found = _resolve(text, ["COLUMBIA", "Adair County"])
    columbia, adair = found["COLUMBIA"], found["Adair County"]
    assert columbia.country == "US" and 36.8 < columbia.latitude < 37.4
    assert -85.6 < columbia.longitude < -85.0
    assert adair.feature == "admin2" and 36.8 < adair.latitude < 37.4
    alone = _resolve("An Adair County shooting left one dead.", ["Adair County"])
    assert not 36.8 < alone["Adair County"].latitude < 37.4


def test_other_places_pull_a_namesake_to_their_country() -> None:
    text = "VICTORIA — Ferries between Victoria and Vancouver and Nanaimo resumed, B.C. said."
    found = _resolve(text, ["VICTORIA", "Vancouver", "Nanaimo", "B.C."])
    assert found["VICTORIA"].country == "CA" and found["VICTORIA"].longitude < -120
    assert _resolve("VICTORIA — the harbour reopened.", ["VICTORIA"])["VICTORIA"].country != "CA"


def test_town_region_and_official_names() -> None:
    found = _resolve(
        "Talks in Washington, D.C. and the Republic of Armenia.",
        ["Washington, D.C.", "Republic of Armenia"],
    )
    assert found["Washington, D.C."].feature == "city" and found["Washington, D.C."].country == "US"
    assert found["Republic of Armenia"].feature == "country"
    assert found["Republic of Armenia"].country == "AM"


def test_every_country_and_us_state_answer_has_a_geonames_id() -> None:
    for name in ("France", "Ukraine", "Texas", "Kentucky", "Russians", "Turkish", "U.S."):
        best = _resolve(name, [name])[name]
        assert best.geonameid > 0, name


def test_short_forms_of_unknown_names() -> None:
    text = "Deputies from Gwinnett and St. Paris met in Adair Co. on Monday."
    found = _resolve(text, ["Gwinnett", "St. Paris", "Adair Co."])
    assert found["Gwinnett"].feature == "admin2" and found["Gwinnett"].country == "US"
    assert found["St. Paris"].country == "US"  # Saint Paris, Ohio: a village reading
    assert found["Adair Co."].feature == "admin2"


def test_unknown_names_resolve_to_the_place_they_name() -> None:
    names = [
        "Colorado State University",
        "Dubai World Cup",
        "University of Alberta",
        "Walker County Sheriff's Office",
    ]
    found = _resolve("; ".join(names) + ".", names)
    assert found["Colorado State University"].feature == "admin1"
    assert found["Dubai World Cup"].country == "AE"
    assert found["University of Alberta"].country == "CA"
    surrey = _resolve("Rain in West Surrey and Guildford.", ["West Surrey", "Guildford"])
    assert surrey["West Surrey"].country == "GB"
    assert found["Walker County Sheriff's Office"].feature == "admin2"
    # A qualifier needs a sizeable place after it; natural features are not facilities.
    assert gazetteer().within_name("West Side") == []
    assert gazetteer().within_name("Pearl Harbor") == []


def test_parishes_are_counties() -> None:
    found = _resolve("Deputies in Rapides Parish made an arrest.", ["Rapides Parish"])
    assert found["Rapides Parish"].feature == "admin2" and found["Rapides Parish"].country == "US"
    assert 30.5 < found["Rapides Parish"].latitude < 32


def test_names_in_a_list_of_counties_are_counties() -> None:
    text = "Voters in Eastland and Callahan counties and in Georgia counties went to the polls."
    found = _resolve(text, ["Eastland", "Callahan", "Georgia"])
    assert found["Eastland"].feature == "admin2" and found["Callahan"].feature == "admin2"
    assert found["Georgia"].feature != "admin2"  # a state before "counties" stays the state
    assert 31 < found["Callahan"].latitude < 33.5  # Callahan County, Texas
