"""Cross-script entity linking on the claims corpus (claims README, metric e).

The corpus's documents are ingested into a temporary case and analysed exactly as
``overheard ingest`` would; then every gold surface form («Пескова», "Peskov", "MOSCOW") is
looked up among the case's mentions with that exact text and assigned the case entity most of
them resolve to. Pairwise F1 over the gold forms: a gold pair is two forms one gold entity
lists; a system pair is two forms assigned the same case entity. A form no mention has is
assigned nothing and pairs with no other form (a recall loss). Also reported: the same score
over only the gold forms some mention has (linking without the NER's misses), how many gold
forms were found as mentions at all, and the gold pairs missed and the false pairs made, for
reading.

    python -m overheard.eval.entity_linking [--data DIR] [--limit N] [--json]
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

from sqlalchemy import select

from overheard.eval.scoring import PRF, main, print_table, skipped

GOAL = 0.90  # issue 9


def load_gold(folder: Path) -> list[tuple[str, str, list[str]]]:
    """(gold id, type, surface forms) per gold entity."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    return [(e["id"], e["type"], list(e["names"])) for e in gold["entities"]]


def assign(case: Any, forms: Iterable[str]) -> dict[str, int]:
    """Each form that some mention has exactly: the case entity most of those mentions
    resolve to (ties to the lower id, for a stable answer)."""
    from overheard.store.schema import Mention

    wanted = set(forms)
    votes: dict[str, Counter[int]] = {}
    with case.reader() as s:
        rows = s.execute(
            select(Mention.text, Mention.entity_id).where(
                Mention.text.in_(wanted), Mention.entity_id.is_not(None)
            )
        ).all()
    for text, entity_id in rows:
        votes.setdefault(text, Counter())[entity_id] += 1
    return {
        text: min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        for text, counts in votes.items()
    }


def pairwise(
    gold: list[tuple[str, str, list[str]]], assigned: dict[str, int]
) -> tuple[PRF, list[tuple[str, str]], list[tuple[str, str]]]:
    """Pairwise P/R/F1 over the gold forms; also the missed and the false pairs."""
    owner = {form: gid for gid, _type, names in gold for form in names}
    score = PRF()
    missed, false = [], []
    for a, b in combinations(sorted(owner), 2):
        same_gold = owner[a] == owner[b]
        same_system = a in assigned and assigned.get(a) == assigned.get(b)
        if same_gold and same_system:
            score.tp += 1
        elif same_gold:
            score.fn += 1
            missed.append((a, b))
        elif same_system:
            score.fp += 1
            false.append((a, b))
    return score, missed, false


def analyse_corpus(folder: Path, case_dir: Path, limit: int | None) -> Any:
    """The corpus ingested and analysed into a new case at ``case_dir``."""
    from overheard.config import Settings
    from overheard.ingest.ingest import Ingestor
    from overheard.pipeline.runner import Runner
    from overheard.pipeline.stage import StageConfig
    from overheard.store import Case

    source = folder / "documents.jsonl"
    if limit is not None:
        lines = source.read_text(encoding="utf-8").splitlines()[:limit]
        source = case_dir.parent / "documents.jsonl"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    languages = ("ru", "uk", "en")
    case = Case.open(case_dir)
    Ingestor(case, Settings(case_dir=case_dir, languages=languages), workers=1).ingest([source])
    Runner(case, StageConfig(languages=languages), workers=1).run(["analyse"], required=True)
    return case


def run(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    folder = data_dir / "claims"
    if not (folder / "gold.json").is_file():
        return skipped("entity-linking", folder)
    gold = load_gold(folder)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="overheard-eval-") as tmp:
        case = analyse_corpus(folder, Path(tmp) / "case", limit)
        try:
            assigned = assign(case, (f for _, _, names in gold for f in names))
        finally:
            case.close()
    score, missed, false = pairwise(gold, assigned)
    # The same over the forms some mention has: linking alone, without the NER's misses.
    found = [(gid, kind, [n for n in names if n in assigned]) for gid, kind, names in gold]
    linking, _, _ = pairwise(found, assigned)
    forms = sum(len(names) for _, _, names in gold)
    result = {
        "dataset": "claims",
        "pairwise": score.as_dict(),
        "pairwise_found_forms": linking.as_dict(),
        "forms": forms,
        "forms_found": len(assigned),
        "missed_pairs": [list(p) for p in missed],
        "false_pairs": [list(p) for p in false],
        "seconds": round(time.perf_counter() - started, 1),
    }
    print_table(
        f"entity-linking/claims: {forms} gold surface forms, {len(assigned)} found as mentions "
        f"({result['seconds']} s)",
        ["forms", "pairs", "P", "R", "F1", "goal"],
        [
            ["all", int(score.tp + score.fn), score.precision, score.recall, score.f1, GOAL],
            [
                "found",
                int(linking.tp + linking.fn),
                linking.precision,
                linking.recall,
                linking.f1,
                "-",
            ],
        ],  # fmt: skip
    )
    for title, pairs in (("missed", missed), ("false", false)):
        if pairs:
            print(
                f"{title} pairs ({len(pairs)}): " + "; ".join(f"{a} ~ {b}" for a, b in pairs[:40])
            )
    return result


if __name__ == "__main__":
    main(run, "Cross-script entity linking: pairwise F1 over the claims corpus's surface forms")
