"""Ukrainian NER against NER-uk 2.0 (lang-uk), beside natasha alone in the same run.

Gold PERS→PER, LOC→LOC, ORG→ORG (the corpus's other ten types are not scored); ours
PERSON→PER, GPE/LOC→LOC, ORG→ORG. Two matches per type: exact span, and relaxed (a predicted
span counts if it overlaps a gold span of its type; a gold span is found if a predicted span
of its type overlaps it: precision over predictions, recall over gold, as BSNLP's relaxed
partial match). Rules were developed on the train split; the test split is the score.

The IOB files hold one token a line; a run of five or more blank lines ends a paragraph, which
is scored as one text. Tokens are joined with a space, except none before closing punctuation
and after opening brackets and quotes, so that the models see ordinary text.

    python -m overheard.eval.ner_uk [--data DIR] [--limit N] [--split test|train]
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
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

TYPES = ("PER", "LOC", "ORG")
_GOLD = {"PERS": "PER", "LOC": "LOC", "ORG": "ORG"}
_OURS = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "ORG": "ORG"}
_NATASHA = {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}
_NO_SPACE_BEFORE = set(",.;:!?)]}»%…")
_NO_SPACE_AFTER = set("([{«")


@dataclass
class Text:
    text: str
    gold: set[tuple[int, int, str]] = field(default_factory=set)


def _assemble(tokens: list[tuple[str, str]]) -> Text:
    parts: list[str] = []
    pos = 0
    spans: list[tuple[int, int, str]] = []
    current: list[Any] | None = None
    previous = ""
    for token, tag in tokens:
        if parts and token[0] not in _NO_SPACE_BEFORE and previous not in _NO_SPACE_AFTER:
            parts.append(" ")
            pos += 1
        start = pos
        parts.append(token)
        pos += len(token)
        previous = token
        kind = tag[2:] if tag != "O" else None
        if tag.startswith("I-") and current is not None and current[2] == kind:
            current[1] = pos
            continue
        if current is not None:
            spans.append((current[0], current[1], current[2]))
            current = None
        if kind is not None:
            current = [start, pos, kind]
    if current is not None:
        spans.append((current[0], current[1], current[2]))
    return Text("".join(parts), {(a, b, _GOLD[k]) for a, b, k in spans if k in _GOLD})


def load(path: Path, limit: int | None = None) -> list[Text]:
    """Paragraphs of the IOB file as texts with their PER/LOC/ORG gold spans."""
    texts: list[Text] = []
    tokens: list[tuple[str, str]] = []
    blanks = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                blanks += 1
                continue
            if blanks >= 5 and tokens:
                texts.append(_assemble(tokens))
                tokens = []
                if limit is not None and len(texts) >= limit:
                    return texts
            blanks = 0
            token, _, tag = line.rpartition(" ")
            tokens.append((token, tag))
    if tokens and (limit is None or len(texts) < limit):
        texts.append(_assemble(tokens))
    return texts


def score(texts: list[Text]) -> dict[str, Any]:
    from overheard.text.entities import extract_mentions, natasha_spans_many

    systems = ("natasha", "overheard")
    exact = {s: {t: PRF() for t in TYPES} for s in systems}
    relaxed = {s: {t: OverlapPRF() for t in TYPES} for s in systems}
    seconds = {"natasha": 0.0, "overheard": 0.0}
    t0 = time.perf_counter()
    spans = natasha_spans_many([x.text for x in texts])
    seconds["natasha"] = time.perf_counter() - t0
    for item, raw in zip(texts, spans, strict=True):
        base = {(a, b, _NATASHA[tag]) for a, b, tag in raw if tag in _NATASHA}
        t0 = time.perf_counter()
        mentions = extract_mentions(item.text, "uk", ner_spans=raw)
        seconds["overheard"] += time.perf_counter() - t0
        ours = {(m.start, m.end, _OURS[m.label]) for m in mentions if m.label in _OURS}
        for name, predicted in (("natasha", base), ("overheard", ours)):
            for t in TYPES:
                gold = {g for g in item.gold if g[2] == t}
                pred = {p for p in predicted if p[2] == t}
                add_exact(exact[name][t], gold, pred)
                add_overlap(relaxed[name][t], gold, pred)
    seconds["overheard"] += seconds["natasha"]
    return {
        "texts": len(texts),
        "exact": {s: {t: exact[s][t].as_dict() for t in TYPES} for s in systems},
        "relaxed": {s: {t: relaxed[s][t].as_dict() for t in TYPES} for s in systems},
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }


def run(data_dir: Path, limit: int | None = None, split: str = "test") -> dict[str, Any]:
    path = data_dir / "ner-uk" / f"{split}.iob"
    if not path.exists():
        return skipped("ner-uk", path)
    res = score(load(path, limit))
    rows = []
    for t in TYPES:
        rows.append(
            [
                t,
                res["exact"]["natasha"][t]["f1"],
                res["exact"]["overheard"][t]["f1"],
                res["relaxed"]["natasha"][t]["f1"],
                res["relaxed"]["overheard"][t]["f1"],
                res["relaxed"]["overheard"][t]["precision"],
                res["relaxed"]["overheard"][t]["recall"],
                int(res["exact"]["overheard"][t]["gold"]),
            ]
        )
    print_table(
        f"ner-uk/{split}: {res['texts']} paragraphs (natasha {res['seconds']['natasha']} s, "
        f"overheard {res['seconds']['overheard']} s)",
        [
            "type",
            "natasha exact F1",
            "overheard exact F1",
            "natasha relaxed F1",
            "overheard relaxed F1",
            "relaxed P",
            "relaxed R",
            "gold",
        ],
        rows,
    )
    return {"dataset": "ner-uk", "split": split, **res}


if __name__ == "__main__":
    # --split picks the train split for development; the recorded figure is the test split.
    split = "test"
    if "--split" in sys.argv:
        i = sys.argv.index("--split")
        split = sys.argv[i + 1]
        del sys.argv[i : i + 2]
    main(lambda data, limit: run(data, limit, split), "Ukrainian NER F1 on NER-uk 2.0")
