"""The bundled samples' places reach the map: typed as places and resolved to a point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from overheard.text.analyze import analyze

_POSTS = Path(__file__).resolve().parents[2] / "samples" / "reports" / "channel-posts.jsonl"


def _post(number: int) -> str:
    for line in _POSTS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] == f"post-{number}":
            return str(row["text"])
    raise KeyError(number)


@pytest.mark.parametrize(
    ("post", "lang", "surface", "country"),
    [
        (101, "en", "Sumy", "UA"),
        (101, "en", "Kharkiv", "UA"),
        # natasha reads «Суджи» as a person; the dictionary knows it only as a place.
        (102, "ru", "Суджи", "RU"),
    ],
)
def test_sample_places_are_places_with_a_point(
    post: int, lang: str, surface: str, country: str
) -> None:
    result = analyze(_post(post), lang)
    labels = {m.text: m.label for m in result.mentions}
    assert labels[surface] in ("GPE", "LOC")
    place = next(p for p in result.places if p.text == surface)
    assert place.best is not None and place.best.country == country
    assert place.best.geonameid > 0 and place.best.latitude != 0.0
