"""Event types against the PLOVER gold-standard records (CAMEO manual examples, recoded).

Each record is one sentence with one gold event. Its PLOVER 0.5b1 label is mapped to the
current 16 categories as the PLOVER manual's CAMEO table says (DEMAND→REQUEST,
DISAPPROVE→ACCUSE, INVESTIGATE→ACCUSE, FIGHT→ASSAULT). Our answer for a sentence is its main
event (the trigger highest in the parse), NONE when no trigger fires. Reported: accuracy over
all records, accuracy where we answered, a confusion matrix, and how often the actor span we
give contains the gold source actor's text.

    python -m overheard.eval.plover [--data DIR] [--limit N]
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from overheard.eval.scoring import main, print_table, skipped

ANCHOR = 0.812  # GDELT manual check: share of event codes right (EVAL.md)
LEGACY = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}


def load(folder: Path, limit: int | None = None) -> list[dict[str, Any]]:
    records = json.loads((folder / "gold_standard_records" / "PLOVER_GSR_CAMEO.txt").read_text())
    records = [r for r in records if r.get("event") and r.get("text") and r["event"] != "DOCUMENT"]
    return records[:limit] if limit is not None else records


def run(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    folder = data_dir / "plover"
    if not (folder / "gold_standard_records").is_dir():
        return skipped("plover", folder)
    from overheard.text.entities import extract_mentions, parse_en
    from overheard.text.events import extract_events, main_event

    records = load(folder, limit)
    confusion: Counter[tuple[str, str]] = Counter()
    answered = right = actor_hits = actor_gold = 0
    for record in records:
        gold = LEGACY.get(record["event"], record["event"])
        text = record["text"]
        doc = parse_en(text)
        events = extract_events(text, "en", extract_mentions(text, "en", doc), [], doc)
        event = main_event(events, doc)
        predicted = event.type if event else "NONE"
        confusion[(gold, predicted)] += 1
        answered += predicted != "NONE"
        right += predicted == gold
        sources = [s.get("actorText") for s in record.get("source", []) if s.get("actorText")]
        if sources and event is not None and predicted == gold:
            actor_gold += 1
            if event.actor and any(s.lower() in event.actor.text.lower() for s in sources):
                actor_hits += 1
    types = sorted({g for g, _ in confusion})
    predicted_types = sorted({p for _, p in confusion})
    print_table(
        f"plover: {len(records)} records; rows gold, columns predicted",
        ["gold \\ pred", *[p[:6] for p in predicted_types]],
        [[g, *[confusion[(g, p)] or "." for p in predicted_types]] for g in types],
    )
    result = {
        "dataset": "plover",
        "records": len(records),
        "accuracy": round(right / len(records), 4) if records else 0.0,
        "answered": answered,
        "accuracy_when_answered": round(right / answered, 4) if answered else 0.0,
        "actor_contains_gold_when_type_right": round(actor_hits / actor_gold, 4)
        if actor_gold
        else 0.0,
        "confusion": {f"{g}->{p}": n for (g, p), n in sorted(confusion.items())},
        "anchor": ANCHOR,
    }
    print_table(
        "plover: summary",
        ["metric", "value", "anchor"],
        [
            ["accuracy (all records)", result["accuracy"], f"{ANCHOR:.3f}"],
            ["accuracy when answered", result["accuracy_when_answered"], "-"],
            ["answered", f"{answered}/{len(records)}", "-"],
            ["actor span holds gold actor", result["actor_contains_gold_when_type_right"], "-"],
        ],
    )
    return result


if __name__ == "__main__":
    main(run, "PLOVER event-type accuracy on the gold-standard records")
