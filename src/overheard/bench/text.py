"""``python -m overheard.bench.text``: articles per second for the whole text analysis against
the NER it is built on, all rows in the same run on the same texts.

Corpora: the VOA stories (English) and Collection5 articles (Russian). Rows, each a median over
``--repeat`` runs:

(a) the NER model alone, one text at a time (spaCy with its tok2vec and NER pipes only;
    natasha's NER tagger), the bar the analysis is measured against;
(b) one text at a time as analysis ran before batching: spaCy's whole pipeline on every text
    and again on its opening for the dateline; natasha's ``Doc`` segmented and tagged per text;
    no memory of names or dates across texts;
(c) ``analyze()``, one text at a time (spaCy's parse only where the extractors look);
(d) ``analyze_batch()`` over the whole corpus in this process;
(e) ``analyze_batch()`` in a pool of ``--workers`` spawned processes, each held to one
    BLAS/OpenMP thread (``models.limit_threads``) and warmed up (``analyze.warm_up``) before the
    clock starts, fed batches of ``--batch`` texts; wall-clock time, results sent back.

Every run starts with the caches that remember names, dates and spaCy's token attributes
across texts emptied, so no row is timed on memories of an earlier one. Models are loaded and
warmed before any clock starts.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from overheard.eval.scoring import DEFAULT_DATA_DIR, print_table


def _voa(data: Path, limit: int) -> list[str]:
    path = data / "voa" / "voa_stories.jsonl"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[:limit]
    return [json.loads(line)["text"] for line in lines]


def _ne5(data: Path, limit: int) -> list[str]:
    path = data / "ner-ru" / "ne5.raw.jsonl.gz"
    if not path.exists():
        return []
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line)["source"]["text"])
            if len(out) >= limit:
                break
    return out


def _ner_alone(lang: str) -> Callable[[Sequence[str]], Any]:
    from overheard.text import models

    if lang == "en":
        nlp = models.spacy_en()
        others = [p for p in nlp.pipe_names if p not in ("tok2vec", "ner")]

        def spacy_ner(texts: Sequence[str]) -> None:
            with nlp.select_pipes(disable=others):
                for text in texts:
                    nlp(text)

        return spacy_ner
    tagger = models.natasha_ru().ner

    def natasha_ner(texts: Sequence[str]) -> None:
        for text in texts:
            if text.strip():
                tagger(text)

    return natasha_ner


def _before(text: str, lang: str) -> Any:
    """One text as analysis ran it before batching: nothing remembered from other texts, and
    the dateline found by analysing the opening again (as the pipeline then did)."""
    from natasha import Doc

    from overheard.text import models
    from overheard.text.analyze import AnalysisInput, analyze_parsed, clear_caches
    from overheard.text.dates import DATELINE_CHARS, date_spans, dateline
    from overheard.text.english_parse import full_parse

    clear_caches()
    opening = text[:DATELINE_CHARS]
    if lang == "en":
        dateline(opening, lang, date_spans(opening, lang, full_parse(opening)))
        return analyze_parsed(AnalysisInput(text, lang), full_parse(text))
    nat = models.natasha_ru()
    doc = Doc(text)
    doc.segment(nat.segmenter)
    doc.tag_ner(nat.ner)
    dateline(opening, lang, date_spans(opening, lang))
    spans = [(s.start, s.stop, s.type) for s in doc.spans]
    return analyze_parsed(AnalysisInput(text, lang), ner_spans=spans)


def _init_worker(langs: Sequence[str]) -> None:
    from overheard.text.analyze import warm_up
    from overheard.text.models import limit_threads

    limit_threads(1)
    warm_up(langs)


def _pool(workers: int, lang: str) -> tuple[ProcessPoolExecutor, float, dict[str, int]]:
    """A started pool (every worker has loaded its models), how long starting took, and the
    thread counts a worker's libraries report."""
    started = time.perf_counter()
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=([lang],),
    )
    threads = list(pool.map(_threads, range(workers)))[0]
    return pool, time.perf_counter() - started, threads


def _threads(_: int) -> dict[str, int]:
    from overheard.text.models import limit_threads

    return limit_threads(1)


def _analyse(batch: list[tuple[str, str]]) -> list[Any]:
    from overheard.text.analyze import AnalysisInput, analyze_batch

    return analyze_batch([AnalysisInput(text, lang) for text, lang in batch])


def _timed(fn: Callable[[], Any]) -> float:
    from overheard.text.analyze import clear_caches

    clear_caches()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _measure(
    lang: str, texts: list[str], repeat: int, workers: int, batch: int
) -> tuple[dict[str, list[float]], list[float], dict[str, int]]:
    """Seconds of each row per run, the pool's start times, a worker's thread counts."""
    from overheard.text.analyze import AnalysisInput, analyze, analyze_batch

    items = [AnalysisInput(t, lang) for t in texts]
    jobs = [[(t, lang) for t in texts[i : i + batch]] for i in range(0, len(texts), batch)]
    ner = _ner_alone(lang)
    runs: dict[str, list[float]] = {key: [] for key in "abcde"}
    starts: list[float] = []
    threads: dict[str, int] = {}
    for _ in range(repeat):
        runs["a"].append(_timed(lambda: ner(texts)))
        runs["b"].append(_timed(lambda: [_before(t, lang) for t in texts]))
        runs["c"].append(_timed(lambda: [analyze(t, lang) for t in texts]))
        runs["d"].append(_timed(lambda: analyze_batch(items)))
        # A fresh pool each run: its workers remember this corpus's names and dates.
        pool, start, threads = _pool(workers, lang)
        starts.append(start)
        runs["e"].append(_timed(lambda: list(pool.map(_analyse, jobs))))  # noqa: B023
        pool.shutdown()
    return runs, starts, threads


def run(
    data_dir: Path, limit: int = 200, repeat: int = 3, workers: int = 2, batch: int = 8
) -> dict[str, Any]:
    from overheard.text.analyze import warm_up

    corpora = {
        "VOA (en)": ("en", _voa(data_dir, limit)),
        "Collection5 (ru)": ("ru", _ne5(data_dir, limit)),
    }
    labels = {
        "a": "(a) NER alone, one at a time",
        "b": "(b) before: whole spaCy pipeline / natasha Doc, one at a time",
        "c": "(c) analyze(), one at a time",
        "d": "(d) analyze_batch(), one process",
        "e": f"(e) analyze_batch(), {workers} worker processes",
    }
    warm_up()
    results: dict[str, Any] = {"load_before": os.getloadavg()}
    rows = []
    for name, (lang, texts) in corpora.items():
        if not texts:
            print(f"bench text: {name} SKIPPED: data not found under {data_dir}")
            continue
        runs, starts, threads = _measure(lang, texts, repeat, workers, batch)
        medians = {key: statistics.median(values) for key, values in runs.items()}
        corpus_rows = [
            [
                name,
                labels[key],
                len(texts),
                round(len(texts) / seconds, 1),
                round(seconds / medians["a"], 2),
                round(seconds / medians["b"], 2),
            ]
            for key, seconds in medians.items()
        ]
        rows += corpus_rows
        results[name] = {
            "articles": len(texts),
            "chars": sum(len(t) for t in texts),
            "seconds": {labels[k]: [round(v, 2) for v in values] for k, values in runs.items()},
            "rows": corpus_rows,
            "pool_start_seconds": round(statistics.median(starts), 1),
            "worker_threads": threads,
        }
    results["load_after"] = os.getloadavg()
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    results["date"] = datetime.now().isoformat(timespec="minutes")
    print_table(
        f"text throughput, median of {repeat} (time relative to (a) NER alone and to (b))",
        ["corpus", "path", "articles", "articles/s", "x (a)", "x (b)"],
        rows,
    )
    for name in corpora:
        if name in results:
            info = results[name]
            print(f"{name}: pool start (spawn, load, warm up) {info['pool_start_seconds']} s; "
                  f"a worker's thread counts: {info['worker_threads']}")  # fmt: skip
    print(f"load average before/after: {results['load_before']} / {results['load_after']}")
    print(f"peak RSS (this process): {results['peak_rss_mb']} MB")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--limit", type=int, default=200, help="articles per corpus")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row (median)")
    parser.add_argument("--workers", type=int, default=2, help="processes in row (e)")
    parser.add_argument("--batch", type=int, default=8, help="texts per task in row (e)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    args = parser.parse_args()
    result = run(args.data, args.limit, args.repeat, args.workers, args.batch)
    if args.json:
        print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
