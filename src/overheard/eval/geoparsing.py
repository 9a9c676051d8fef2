"""Place resolution against GeoWebNews (GWN) and LGL, given the gold toponym spans.

Every gold toponym with a GeoNames id (GWN: those with one; LGL: all with a gaztag) becomes a
GPE mention and goes through ``places.resolve_places`` exactly as in the product, with the
article's other toponyms as context. Reported: exact GeoNames-id accuracy and accuracy within
161 km (100 miles) of the gold coordinates, over all scored toponyms (no answer counts as
wrong), and how many names the gazetteer knew at all. GWN's non-locational toponyms are
skipped. The anchors (Mordecai 3) were measured on held-out subsets, not these whole files.

    python -m overheard.eval.geoparsing [--data DIR] [--limit N]
"""

from __future__ import annotations

import math
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from overheard.eval.scoring import main, print_table, skipped

ANCHOR = {"GWN": (0.901, 0.941), "LGL": (0.794, 0.827)}


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _float(node: ET.Element | None) -> float | None:
    try:
        return float(node.text) if node is not None and node.text else None
    except ValueError:
        return None


def load_gwn(path: Path, limit: int | None) -> list[tuple[str, list[dict[str, Any]]]]:
    out = []
    for article in ET.parse(path).getroot().iter("article"):
        text = article.findtext("text") or ""
        tops = []
        for t in article.iter("toponym"):
            gid = (t.findtext("geonamesID") or "").strip()
            if not gid or (t.findtext("nonLocational") or "").strip() == "Yes":
                continue
            tops.append(
                {
                    "start": int(t.findtext("start") or 0),
                    "end": int(t.findtext("end") or 0),
                    "id": int(gid),
                    "lat": _float(t.find("latitude")),
                    "lon": _float(t.find("longitude")),
                }
            )
        out.append((text, tops))
        if limit is not None and len(out) >= limit:
            break
    return out


def load_lgl(path: Path, limit: int | None) -> list[tuple[str, list[dict[str, Any]]]]:
    out = []
    for article in ET.parse(path).getroot().iter("article"):
        text = article.findtext("text") or ""
        tops = []
        for t in article.iter("toponym"):
            tag = t.find("gaztag")
            if tag is None or not tag.get("geonameid"):
                continue
            tops.append(
                {
                    "start": int(t.findtext("start") or 0),
                    "end": int(t.findtext("end") or 0),
                    "id": int(tag.get("geonameid") or 0),
                    "lat": _float(tag.find("lat")),
                    "lon": _float(tag.find("lon")),
                }
            )
        out.append((text, tops))
        if limit is not None and len(out) >= limit:
            break
    return out


def score(
    articles: list[tuple[str, list[dict[str, Any]]]], min_population: int = 5000
) -> dict[str, Any]:
    from overheard.text.places import resolve_places
    from overheard.text.records import Mention

    n = exact = near = known = 0
    started = time.perf_counter()
    for text, tops in articles:
        mentions = [
            Mention(
                t["start"],
                t["end"],
                text[t["start"] : t["end"]],
                "GPE",
                text[t["start"] : t["end"]],
                "gold",
            )
            for t in tops
        ]
        resolved = resolve_places(text, mentions, min_population)
        for top, res in zip(tops, resolved, strict=True):
            n += 1
            best = res.best
            if best is None:
                continue
            known += 1
            exact += best.geonameid == top["id"]
            if (
                top["lat"] is not None
                and top["lon"] is not None
                and (best.latitude, best.longitude) != (0.0, 0.0)
                and _km(best.latitude, best.longitude, top["lat"], top["lon"]) <= 161
            ):
                near += 1
            elif best.geonameid == top["id"]:
                near += 1
    return {
        "toponyms": n,
        "known_to_gazetteer": known,
        "exact": round(exact / n, 4) if n else 0.0,
        "within_161km": round(near / n, 4) if n else 0.0,
        "seconds": round(time.perf_counter() - started, 1),
    }


def run(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    folder = data_dir / "geoparsing"
    if not folder.is_dir():
        return skipped("geoparsing", folder)
    result: dict[str, Any] = {"dataset": "geoparsing", "corpora": {}}
    rows = []
    for name, file, loader in (("GWN", "GWN.xml", load_gwn), ("LGL", "lgl.xml", load_lgl)):
        if not (folder / file).exists():
            result["corpora"][name] = skipped(f"geoparsing/{name}", folder / file)
            continue
        articles = loader(folder / file, limit)
        for population in (5000, 1000):
            res = score(articles, population)
            result["corpora"][f"{name}@{population}"] = res
            anchor = f"{ANCHOR[name][0]:.3f} / {ANCHOR[name][1]:.3f}"
            rows.append(
                [
                    name,
                    population,
                    res["toponyms"],
                    res["known_to_gazetteer"],
                    res["exact"],
                    res["within_161km"],
                    anchor,
                ]
            )
    header = [
        "corpus",
        "min pop.",
        "toponyms",
        "in gazetteer",
        "exact id",
        "within 161 km",
        "anchor exact / 161 km",
    ]
    print_table("geoparsing, gold toponyms given", header, rows)
    return result


if __name__ == "__main__":
    main(run, "GeoNames resolution accuracy on GeoWebNews and LGL")
