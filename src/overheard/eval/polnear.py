"""Attribution (who said what) against PolNeAR train and dev (brat standoff).

Each gold attribution has a Source, a Cue and a Content span; ours map speaker → Source,
cue → Cue, content → Content. Articles annotated by several people are scored against the
first annotation file (sorted by name). Discontinuous brat spans are taken as their hull.
Two span matches, per role:
- exact: the same characters after trimming spaces, punctuation and quote marks at both ends;
- overlap: a predicted span is right if it shares a character with a gold span of the role,
  a gold span is found if some prediction shares a character with it (precision and recall
  are counted on each side, so one long span cannot match many gold spans for free in P).
The dev split is the one to report; train is there to look at while developing.

    python -m overheard.eval.polnear [--data DIR] [--limit N]
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from overheard.eval.scoring import (
    PRF,
    OverlapPRF,
    add_exact,
    add_overlap,
    main,
    print_table,
    skipped,
)

ROLES = ("Source", "Cue", "Content")
ANCHOR = {"Content": 0.523}
_TRIM = " \t\n.,;:!?\"“”«»‘’'—–-()"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def read_ann(path: Path) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("T"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        role, _, offsets = parts[1].partition(" ")
        if role not in spans:
            continue
        pairs = [tuple(int(x) for x in chunk.split()) for chunk in offsets.split(";")]
        spans[role].append((min(p[0] for p in pairs), max(p[1] for p in pairs)))
    return spans


def articles(split_dir: Path, limit: int | None) -> list[tuple[str, Path]]:
    out = []
    for text_path in sorted((split_dir / "text").glob("*.txt")):
        anns = sorted((split_dir / "attributions").glob(text_path.stem + "_*.ann"))
        if anns:
            out.append((text_path.read_text(encoding="utf-8"), anns[0]))
        if limit is not None and len(out) >= limit:
            break
    return out


def score_split(items: list[tuple[str, Path]]) -> dict[str, Any]:
    from overheard.text.entities import extract_mentions, parse_en
    from overheard.text.statements import extract_statements

    exact = {r: PRF() for r in ROLES}
    loose = {r: OverlapPRF() for r in ROLES}
    started = time.perf_counter()
    for text, ann in items:
        gold = read_ann(ann)
        doc = parse_en(text)
        statements = extract_statements(text, "en", extract_mentions(text, "en", doc), doc)
        predicted: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
        for st in statements:
            if st.speaker:
                predicted["Source"].append((st.speaker.start, st.speaker.end))
            if st.cue:
                predicted["Cue"].append((st.cue.start, st.cue.end))
            predicted["Content"].append((st.content.start, st.content.end))
        for role in ROLES:
            g = {_trim(text, *s) for s in gold[role]}
            p = {_trim(text, *s) for s in predicted[role]}
            add_exact(exact[role], g, p)
            add_overlap(loose[role], g, p)
    seconds = time.perf_counter() - started
    out: dict[str, Any] = {"articles": len(items), "seconds": round(seconds, 1)}
    for role in ROLES:
        out[role] = {"exact": exact[role].as_dict(), "overlap": loose[role].as_dict()}
    return out


def run(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    folder = data_dir / "polnear"
    if not folder.is_dir():
        return skipped("polnear", folder)
    result: dict[str, Any] = {"dataset": "polnear", "splits": {}}
    for split in ("dev", "train"):
        if not (folder / split).is_dir():
            result["splits"][split] = skipped(f"polnear/{split}", folder / split)
            continue
        res = score_split(articles(folder / split, limit))
        result["splits"][split] = res
        rows = []
        for role in ROLES:
            e, o = res[role]["exact"], res[role]["overlap"]
            anchor = ANCHOR.get(role)
            rows.append(
                [
                    role,
                    e["precision"],
                    e["recall"],
                    e["f1"],
                    o["precision"],
                    o["recall"],
                    o["f1"],
                    int(e["gold"]),
                    f"{anchor:.3f}" if anchor else "-",
                ]
            )
        print_table(
            f"polnear/{split}: {res['articles']} articles ({res['seconds']} s)",
            [
                "role",
                "exact P",
                "exact R",
                "exact F1",
                "overlap P",
                "overlap R",
                "overlap F1",
                "gold",
                "anchor F1",
            ],
            rows,
        )
    return result


if __name__ == "__main__":
    main(run, "Attribution span F1 on PolNeAR dev and train")
