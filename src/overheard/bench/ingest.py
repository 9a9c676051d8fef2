"""``overheard bench ingest``: documents per second and peak memory for ingesting text.

Each corpus is ingested into a new, empty case in a fresh Python process, so the peak resident
memory (ru_maxrss) belongs to that run alone and imports are counted as a user would see them.
Each corpus runs twice: with one process (the baseline, where stage timings for language ID and
sentence splitting can be taken) and with the default reader pool.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from overheard.config import Settings
from overheard.ingest.ingest import Ingestor
from overheard.pipeline import text as text_stage
from overheard.store import Case
from overheard.text import language, sentences
timings = {"language": 0.0, "sentences": 0.0}
def timed(name, fn):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            timings[name] += time.perf_counter() - t
    return wrapper
text_stage.language.guess = timed("language", language.guess)
text_stage.language.sentence_language = timed("language", language.sentence_language)
text_stage.sentences.split = timed("sentences", sentences.split)
case = Case.open(sys.argv[1])
language.detector(Settings().languages)  # model load is a one-off, reported separately
t_ready = time.perf_counter()
report = Ingestor(case, Settings(), workers=int(sys.argv[2])).ingest([Path(p) for p in sys.argv[3:]])
elapsed = time.perf_counter() - t_ready
counts = case.counts()
print(json.dumps({
    "documents": report.count("new"), "failed": report.count("failed"),
    "segments": counts["segments"], "seconds": elapsed, "startup_s": t_ready - t0,
    "stage_s": timings, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def default_corpora() -> list[tuple[str, list[Path]]]:
    corpora = []
    voa = SHARED / "voa"
    if voa.is_dir():
        corpora.append(("VOA stories (89 records, one JSONL file)", [voa / "voa_stories.jsonl"]))
    polnear = [p for p in (SHARED / "polnear" / "train" / "text", SHARED / "polnear" / "dev" / "text")
               if p.is_dir()]  # fmt: skip
    if polnear:
        corpora.append(("PolNeAR articles (924 .txt files)", polnear))
    return corpora


def run(
    corpora: list[tuple[str, list[Path]]], repeat: int = 1, workers: tuple[int, ...] | None = None
) -> list[dict[str, Any]]:
    from overheard.ingest.pool import default_workers

    modes = workers or (1, default_workers())
    results = []
    for name, paths in corpora:
        for n in modes:
            results.append(_run_one(name, paths, n, repeat))
    return results


def _run_one(name: str, paths: list[Path], workers: int, repeat: int) -> dict[str, Any]:
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="overheard-bench-") as tmp:
            proc = subprocess.run(
                [sys.executable, "-c", _CHILD, tmp, str(workers), *map(str, paths)],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
        if proc.returncode != 0:
            raise RuntimeError(f"benchmark run failed: {proc.stderr.strip()[-500:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    best["corpus"] = name
    best["workers"] = workers
    best["docs_per_s"] = best["documents"] / best["seconds"] if best["seconds"] else 0.0
    return best


def format_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| corpus | processes | docs | segments | seconds | docs/s | language ID s | sentences s | peak RSS MB (main) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['corpus']} | {r['workers']} | {r['documents']} | {r['segments']} | "
            f"{r['seconds']:.2f} | {r['docs_per_s']:.0f} | "
            + (
                f"{r['stage_s']['language']:.2f} | {r['stage_s']['sentences']:.2f}"
                if r["workers"] == 1
                else "(in workers) | (in workers)"
            )
            + f" | {r['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)
