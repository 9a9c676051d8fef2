"""The seed report, read by a person: every statement and event the analysis finds in it.

There are no labels; EVAL.md asks that every quote, warning, claim, denial and the treaty
come out. This prints them as a table so a reader can tick them off.

    python -m overheard.eval.seed [--data DIR]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from overheard.eval.scoring import main, print_table, skipped


def run(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    path = data_dir / "seed" / "report.txt"
    if not path.exists():
        return skipped("seed", path)
    from overheard.text.analyze import analyze

    text = path.read_text(encoding="utf-8")
    result = analyze(text, "en")
    rows = []
    for s in result.statements[:limit]:
        speaker = s.speaker.text if s.speaker else "-"
        if s.speaker_antecedent:
            speaker += f" (= {s.speaker_antecedent.text})"
        rows.append(
            [
                s.act,
                "direct" if s.direct else "reported",
                speaker,
                s.cue.text if s.cue else "-",
                ",".join(s.hedges) or "-",
                s.content.text[:70],
            ]
        )
    print_table("seed: statements", ["act", "kind", "speaker", "cue", "hedges", "content"], rows)
    events = [
        [
            e.type,
            e.trigger.text,
            e.actor.text if e.actor else "-",
            e.recipient.text if e.recipient else "-",
            e.time.text if e.time else "-",
        ]
        for e in result.events[:limit]
    ]
    print_table("seed: events", ["type", "trigger", "actor", "recipient", "time"], events)
    return {
        "dataset": "seed",
        "statements": len(result.statements),
        "acts": sorted({s.act for s in result.statements}),
        "events": len(result.events),
        "mentions": len(result.mentions),
        "entities": len(result.entities),
    }


if __name__ == "__main__":
    main(run, "Statements and events found in the seed report")
