"""Attribution (who said what) against PolNeAR train and dev (brat standoff).

Each gold attribution has a Source, a Cue and a Content span; ours map speaker → Source,
cue → Cue, content → Content. Articles annotated by several people are scored against the
first annotation file (sorted by name). Discontinuous brat spans are taken as their hull.
Two span matches, per role:
- exact: the same characters after trimming spaces, punctuation and quote marks at both ends;
- overlap: a predicted span is right if it shares a character with a gold span of the role,
  a gold span is found if some prediction shares a character with it (precision and recall
  are counted on each side, so one long span cannot match many gold spans for free in P).

Every figure comes twice: plain, and under PolNeAR's boundary conventions (``convention``),
where what differs only by how the corpus draws a span's edge is not counted against us:
- Content: a leading complementiser "that" (the annotators keep it, our content starts after
  it) is left out of both spans.
- Source: a speaker's apposition, parenthesis or relative clause ("Daniel C. Richman, an
  adviser to Mr. Comey,", "Rep. Trey Gowdy (R-S.C.)", "leaders who have been …") is part of
  the gold source; both spans are cut at the first comma, parenthesis or who/which/whose.
- Content split around its attribution ("“…,” said X. “…”"), one attribution with a
  discontinuous content in the gold: our statements that share a cue are one attribution,
  their contents joined into one span, as the gold's pieces are.
- Headline: each text opens with its headline as a line of its own, which the annotators
  attribute ("Pence: …", "…, Lindsey Graham Says."); a headline is the outlet's and states
  nothing by our design (``statements.voice.title_line``), so under the convention spans in
  the first line are left out on both sides.

The dev split is the one to report; train is there to look at while developing; a test split
is scored too where the data folder holds one (PolNeAR's test is held out of ours).

    python -m overheard.eval.polnear [--data DIR] [--limit N]
"""

from __future__ import annotations

import re
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
SPLITS = ("dev", "train", "test")
HEADLINE_WORDS = 30
_THAT = re.compile(r"that\b[\s,]*", re.IGNORECASE)
_APPOSITION = re.compile(r",|\s\(|\s(?:who|which|whose)\b")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _convention(text: str, role: str, start: int, end: int) -> tuple[int, int]:
    """A span as PolNeAR's conventions compare it (module docstring), trimmed."""
    start, end = _trim(text, start, end)
    if role == "Content":
        that = _THAT.match(text, start, end)
        if that is not None and that.end() < end:
            start, end = _trim(text, that.end(), end)
    elif role == "Source":
        aside = _APPOSITION.search(text, start, end)
        if aside is not None and aside.start() > start:
            start, end = _trim(text, start, aside.start())
    return start, end


def _headline_end(text: str) -> int:
    """Where the text's first line (its headline) ends; 0 if it has none."""
    end = text.find("\n")
    return end if 0 < end and len(text[:end].split()) <= HEADLINE_WORDS else 0


def _hull(spans: list[tuple[int, int]]) -> tuple[int, int]:
    return min(s for s, _ in spans), max(e for _, e in spans)


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

    exact = {(c, r): PRF() for c in (False, True) for r in ROLES}
    loose = {(c, r): OverlapPRF() for c in (False, True) for r in ROLES}
    started = time.perf_counter()
    for text, ann in items:
        gold = read_ann(ann)
        doc = parse_en(text)
        statements = extract_statements(text, "en", extract_mentions(text, "en", doc), doc)
        predicted: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
        by_cue: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for st in statements:
            if st.speaker:
                predicted["Source"].append((st.speaker.start, st.speaker.end))
            if st.cue:
                predicted["Cue"].append((st.cue.start, st.cue.end))
            predicted["Content"].append((st.content.start, st.content.end))
            key = (st.cue.start, st.cue.end) if st.cue else (-st.content.start - 1, 0)
            by_cue.setdefault(key, []).append((st.content.start, st.content.end))
        joined = {**predicted, "Content": [_hull(spans) for spans in by_cue.values()]}
        headline = _headline_end(text)
        for role in ROLES:
            for convention in (False, True):
                if convention:
                    g = {_convention(text, role, *s) for s in gold[role] if s[0] >= headline}
                    p = {_convention(text, role, *s) for s in joined[role] if s[0] >= headline}
                else:
                    g = {_trim(text, *s) for s in gold[role]}
                    p = {_trim(text, *s) for s in predicted[role]}
                add_exact(exact[convention, role], g, p)
                add_overlap(loose[convention, role], g, p)
    seconds = time.perf_counter() - started
    out: dict[str, Any] = {"articles": len(items), "seconds": round(seconds, 1), "convention": {}}
    for role in ROLES:
        out[role] = {"exact": exact[False, role].as_dict(), "overlap": loose[False, role].as_dict()}
        out["convention"][role] = {
            "exact": exact[True, role].as_dict(),
            "overlap": loose[True, role].as_dict(),
        }
    return out


def run(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    folder = data_dir / "polnear"
    if not folder.is_dir():
        return skipped("polnear", folder)
    result: dict[str, Any] = {"dataset": "polnear", "splits": {}}
    for split in SPLITS:
        if not (folder / split).is_dir():
            if split != "test":
                result["splits"][split] = skipped(f"polnear/{split}", folder / split)
            continue
        res = score_split(articles(folder / split, limit))
        result["splits"][split] = res
        rows = []
        for name, scores in (("plain", res), ("convention", res["convention"])):
            for role in ROLES:
                e, o = scores[role]["exact"], scores[role]["overlap"]
                anchor = ANCHOR.get(role)
                rows.append(
                    [
                        name,
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
                "spans",
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
