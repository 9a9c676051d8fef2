"""Russian NER against Collection5 (ne5) and the factRuEval devset, in nerus JSONL.

Exact-span F1 per type (PER, LOC, ORG) with the gold mapped as natasha's own evaluation does:
GEOPOLIT→LOC, MEDIA→ORG; factRuEval objects: Person→PER, Org→ORG, Location and LocOrg→LOC,
each object spanning its name parts (descriptors such as «мэрии» left out); an object typed
both ORG and LOC on the same span counts once, as LOC. Our types fold the same way
(PERSON→PER, GPE/LOC→LOC); unit, equipment and group mentions have no gold here, so they are
not scored, but they do replace natasha spans they overlap, and that cost is measured.
natasha alone runs in the same process as the anchor.

    python -m overheard.eval.ner_ru [--data DIR] [--limit N]
"""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

from overheard.eval.scoring import PRF, add_exact, main, print_table, skipped

TYPES = ("PER", "LOC", "ORG")
ANCHOR = {"ne5": {"PER": 0.974, "LOC": 0.974, "ORG": 0.918}}
_NE5 = {"PER": "PER", "LOC": "LOC", "GEOPOLIT": "LOC", "ORG": "ORG", "MEDIA": "ORG"}
_FACTRU = {"Person": "PER", "Org": "ORG", "Location": "LOC", "LocOrg": "LOC"}
_OURS = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "ORG": "ORG"}
FILES = {"ne5": "ne5.raw.jsonl.gz", "factru": "factru.raw.devset-only.jsonl.gz"}


def _gold(source: dict[str, Any]) -> set[tuple[int, int, str]]:
    if "spans" in source:
        return {
            (s["start"], s["stop"], _NE5[s["type"]]) for s in source["spans"] if s["type"] in _NE5
        }
    by_span: dict[tuple[int, int], str] = {}
    for obj in source["objects"]:
        kind = _FACTRU.get(obj["type"])
        parts = [s for s in obj["spans"] if not s["type"].endswith("_descr")]
        if kind is None or not parts:
            continue
        span = (min(s["start"] for s in parts), max(s["stop"] for s in parts))
        if by_span.get(span) != "LOC":
            by_span[span] = kind
    return {(a, b, t) for (a, b), t in by_span.items()}


def load(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    docs = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            docs.append(json.loads(line)["source"])
            if limit is not None and len(docs) >= limit:
                break
    return docs


def score_corpus(docs: list[dict[str, Any]]) -> dict[str, Any]:
    from overheard.text.entities import extract_mentions, natasha_spans

    systems = {"natasha": {t: PRF() for t in TYPES}, "overheard": {t: PRF() for t in TYPES}}
    seconds = {"natasha": 0.0, "overheard": 0.0}
    extra = 0
    for doc in docs:
        text = doc["text"]
        gold = _gold(doc)
        t = time.perf_counter()
        base = {(a, b, tag) for a, b, tag in natasha_spans(text)}
        seconds["natasha"] += time.perf_counter() - t
        t = time.perf_counter()
        mentions = extract_mentions(text, "ru")
        seconds["overheard"] += time.perf_counter() - t
        ours = {(m.start, m.end, _OURS[m.label]) for m in mentions if m.label in _OURS}
        extra += sum(1 for m in mentions if m.label not in _OURS)
        for name, predicted in (("natasha", base), ("overheard", ours)):
            for t_ in TYPES:
                add_exact(
                    systems[name][t_],
                    {g for g in gold if g[2] == t_},
                    {p for p in predicted if p[2] == t_},
                )
    return {
        "docs": len(docs),
        "scores": {s: {t: systems[s][t].as_dict() for t in TYPES} for s in systems},
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "unit_equipment_group_mentions": extra,
    }


def run(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    folder = data_dir / "ner-ru"
    if not folder.is_dir():
        return skipped("ner-ru", folder)
    result: dict[str, Any] = {"dataset": "ner-ru", "corpora": {}}
    for name, file in FILES.items():
        if not (folder / file).exists():
            result["corpora"][name] = skipped(f"ner-ru/{name}", folder / file)
            continue
        res = score_corpus(load(folder / file, limit))
        result["corpora"][name] = res
        rows = []
        for t in TYPES:
            anchor = ANCHOR.get(name, {}).get(t)
            rows.append(
                [
                    t,
                    res["scores"]["natasha"][t]["f1"],
                    res["scores"]["overheard"][t]["f1"],
                    res["scores"]["overheard"][t]["precision"],
                    res["scores"]["overheard"][t]["recall"],
                    f"{anchor:.3f}" if anchor else "-",
                ]
            )
        print_table(
            f"ner-ru/{name}: {res['docs']} docs, exact-span F1 "
            f"(natasha {res['seconds']['natasha']} s, overheard "
            f"{res['seconds']['overheard']} s)",
            ["type", "natasha F1", "overheard F1", "P", "R", "anchor"],
            rows,
        )
    return result


if __name__ == "__main__":
    main(run, "Russian NER F1 on Collection5 and factRuEval devset")
