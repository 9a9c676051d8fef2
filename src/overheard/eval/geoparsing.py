"""Place resolution against GeoWebNews (GWN) and LGL, given the gold toponym spans.

Every gold toponym becomes a GPE mention and goes through ``places.resolve_places`` exactly as
in the product, with the article's other toponyms as context; those with a GeoNames id (GWN:
those with one; LGL: all with a gaztag id) are scored. The row "scored only" gives only those
(the protocol before 2026-12-08, when toponyms without an id were no context). Reported: exact GeoNames-id accuracy and accuracy within
161 km (100 miles) of the gold coordinates, over all scored toponyms (no answer counts as
wrong), and how many names the gazetteer knew at all. GWN's non-locational toponyms are
skipped. The anchors (Mordecai 3) were measured on held-out subsets, not these whole files.

End to end, the product's own English mentions (``entities.extract_mentions``: spaCy plus the
gazetteer rule) are resolved the same way and matched to the gold spans by overlap: detection
precision/recall over all locational gold toponyms, then resolution accuracy on the matched
ones with a GeoNames id, and over every gold toponym with an id (a miss counts as wrong).

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
            if (t.findtext("nonLocational") or "").strip() == "Yes":
                continue
            tops.append(
                {
                    "start": int(t.findtext("start") or 0),
                    "end": int(t.findtext("end") or 0),
                    "id": int(gid) if gid.isdigit() else None,
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
            gid = (tag.get("geonameid") or "") if tag is not None else ""
            tops.append(
                {
                    "start": int(t.findtext("start") or 0),
                    "end": int(t.findtext("end") or 0),
                    "id": int(gid) if gid.isdigit() else None,
                    "lat": _float(tag.find("lat")) if tag is not None else None,
                    "lon": _float(tag.find("lon")) if tag is not None else None,
                }
            )
        out.append((text, tops))
        if limit is not None and len(out) >= limit:
            break
    return out


def score(
    articles: list[tuple[str, list[dict[str, Any]]]],
    min_population: int = 5000,
    all_context: bool = True,
) -> dict[str, Any]:
    from overheard.text.places import resolve_places
    from overheard.text.records import Mention

    n = exact = near = known = 0
    started = time.perf_counter()
    for text, all_tops in articles:
        # Every gold toponym is given (and is context for the others); those with a GeoNames
        # id are scored ("Georgia" in LGL's "Georgia Bureau of Investigation" has none).
        given = all_tops if all_context else [t for t in all_tops if t["id"] is not None]
        mentions = [
            Mention(
                t["start"],
                t["end"],
                text[t["start"] : t["end"]],
                "GPE",
                text[t["start"] : t["end"]],
                "gold",
            )
            for t in given
        ]
        resolved = resolve_places(text, mentions, min_population)
        for top, res in zip(given, resolved, strict=True):
            if top["id"] is None:
                continue
            n += 1
            if res.best is None:
                continue
            known += 1
            right_id, right_place = _correct(res.best, top)
            exact += right_id
            near += right_place
    return {
        "toponyms": n,
        "known_to_gazetteer": known,
        "exact": round(exact / n, 4) if n else 0.0,
        "within_161km": round(near / n, 4) if n else 0.0,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _correct(best: Any, top: dict[str, Any]) -> tuple[bool, bool]:
    """(the same GeoNames id, within 161 km of the gold point or the same id)."""
    same = best.geonameid == top["id"]
    near = (
        top["lat"] is not None
        and top["lon"] is not None
        and (best.latitude, best.longitude) != (0.0, 0.0)
        and _km(best.latitude, best.longitude, top["lat"], top["lon"]) <= 161
    )
    return same, same or near


def _match(predicted: list[tuple[int, int]], gold: list[tuple[int, int]]) -> dict[int, int]:
    """Predicted index → gold index, one to one, by the largest character overlap."""
    pairs = sorted(
        (
            (-(min(pe, ge) - max(ps, gs)), i, j)
            for i, (ps, pe) in enumerate(predicted)
            for j, (gs, ge) in enumerate(gold)
            if ps < ge and gs < pe
        ),
    )
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in pairs:
        if i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out


def score_end_to_end(articles: list[tuple[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    """The product's own English mentions (spaCy + gazetteer rule) and resolution, as
    ``analyze`` runs them: detection precision/recall of GPE/LOC mentions against the gold
    toponym spans (any overlap, one to one), then resolution accuracy on the matched ones
    that have a GeoNames id, and over all gold toponyms with an id (end to end)."""
    from overheard.text.entities import extract_mentions, parse_en
    from overheard.text.places import resolve_places

    predicted_n = gold_n = matched = 0
    scored = exact = near = with_id = 0
    started = time.perf_counter()
    for text, tops in articles:
        mentions = extract_mentions(text, "en", parse_en(text))
        resolved = resolve_places(text, mentions)
        spans = [(mentions[r.mention].start, mentions[r.mention].end) for r in resolved]
        pairs = _match(spans, [(t["start"], t["end"]) for t in tops])
        predicted_n += len(spans)
        gold_n += len(tops)
        matched += len(pairs)
        with_id += sum(t["id"] is not None for t in tops)
        for i, j in pairs.items():
            top = tops[j]
            if top["id"] is None:
                continue
            scored += 1
            best = resolved[i].best
            if best is not None:
                right_id, right_place = _correct(best, top)
                exact += right_id
                near += right_place

    def share(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    return {
        "gold_toponyms": gold_n,
        "predicted": predicted_n,
        "precision": share(matched, predicted_n),
        "recall": share(matched, gold_n),
        "recall_with_id": share(scored, with_id),
        "matched_with_id": scored,
        "exact_matched": share(exact, scored),
        "within_161km_matched": share(near, scored),
        "exact_all": share(exact, with_id),
        "within_161km_all": share(near, with_id),
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
        # As before 2026-12: only the toponyms with an id given, so only they are context.
        for population, all_context in ((5000, True), (5000, False), (1000, True)):
            res = score(articles, population, all_context)
            suffix = "" if all_context else ",scored-only"
            result["corpora"][f"{name}@{population}{suffix}"] = res
            anchor = f"{ANCHOR[name][0]:.3f} / {ANCHOR[name][1]:.3f}"
            rows.append(
                [
                    name,
                    population,
                    "all gold" if all_context else "scored only",
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
        "given",
        "toponyms",
        "in gazetteer",
        "exact id",
        "within 161 km",
        "anchor exact / 161 km",
    ]
    print_table("geoparsing, gold toponyms given", header, rows)
    rows = []
    for name, file, loader in (("GWN", "GWN.xml", load_gwn), ("LGL", "lgl.xml", load_lgl)):
        if not (folder / file).exists():
            continue
        res = score_end_to_end(loader(folder / file, limit))
        result["corpora"][f"{name}@end-to-end"] = res
        rows.append(
            [
                name,
                res["gold_toponyms"],
                res["predicted"],
                res["precision"],
                res["recall"],
                res["recall_with_id"],
                res["matched_with_id"],
                res["exact_matched"],
                res["within_161km_matched"],
                res["exact_all"],
                res["within_161km_all"],
            ]
        )
    header = [
        "corpus",
        "gold",
        "predicted",
        "P",
        "R",
        "R (w/ id)",
        "matched w/ id",
        "exact (matched)",
        "161 km (matched)",
        "exact (all)",
        "161 km (all)",
    ]
    print_table("geoparsing, end to end (product NER + resolution, cities ≥ 5000)", header, rows)
    return result


if __name__ == "__main__":
    main(run, "GeoNames resolution accuracy on GeoWebNews and LGL")
