"""What every text evaluation shares: where the data lives, a clear SKIPPED state, span F1."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# ../shared/data relative to the repository root (src/overheard/eval/scoring.py → repo root).
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def skipped(name: str, path: Path) -> dict[str, Any]:
    print(f"{name}: evaluation SKIPPED: {path} not found")
    return {"dataset": name, "skipped": True, "reason": f"{path} not found"}


@dataclass
class PRF:
    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def as_dict(self) -> dict[str, float]:
        return _as_dict(self, round(self.tp + self.fn, 1), round(self.tp + self.fp, 1))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _as_dict(score: PRF | OverlapPRF, gold: float, predicted: float) -> dict[str, float]:
    return {
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
        "gold": gold,
        "predicted": predicted,
    }


def add_exact(score: PRF, gold: set[Any], predicted: set[Any]) -> None:
    score.tp += len(gold & predicted)
    score.fp += len(predicted - gold)
    score.fn += len(gold - predicted)


@dataclass
class OverlapPRF:
    """Relaxed (partial) span match: a prediction is right if it overlaps some gold span of
    its kind (precision over predictions), a gold span is found if some prediction overlaps
    it (recall over gold)."""

    right: int = 0
    predicted: int = 0
    found: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def as_dict(self) -> dict[str, float]:
        return _as_dict(self, self.gold, self.predicted)


def add_overlap(score: OverlapPRF, gold: Collection[Any], predicted: Collection[Any]) -> None:
    """Count (start, end, ...) spans into a relaxed score (each listed span once)."""

    def touches(a: Any, others: Collection[Any]) -> bool:
        return any(a[0] < b[1] and b[0] < a[1] for b in others)

    score.right += sum(1 for p in predicted if touches(p, gold))
    score.predicted += len(predicted)
    score.found += sum(1 for g in gold if touches(g, predicted))
    score.gold += len(gold)


def print_table(title: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    rows = [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def main(run: Callable[[Path, int | None], dict[str, Any]], description: str) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="the shared data folder (default: ../shared/data)",
    )
    parser.add_argument("--limit", type=int, default=None, help="score only the first N items")
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    args = parser.parse_args()
    result = run(args.data, args.limit)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2, default=str)
        print()
