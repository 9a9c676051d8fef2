"""Regions, counties and state abbreviations resolve to a place with coordinates."""

from __future__ import annotations

import pytest

from overheard.text.analyze import analyze
from overheard.text.places import gazetteer


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
