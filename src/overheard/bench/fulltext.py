"""``overheard bench search --fulltext``: full-text search at a million segments.

A synthetic case (``overheard.web.casegen``: 112,000 documents make ~1M segments, ~5 minutes
here; or ``--case DIR``, an existing one) is measured for:

- ``search``: ``store.search.search`` in this process (rank first, then read and mark the
  page), p50/p95 over a fixed list of queries: each generated word (in a large share of all
  segments: the worst case), two-word queries and the place names;
- ``bare FTS5``: the same MATCH ranked by bm25 and the first 20 rowids, nothing else read (what
  SQLite alone costs, the baseline);
- ``command``: the ``overheard search`` command, a fresh process, for a word with no hits
  (imports, opening the case, the query): median of 5;
- the workbench's pages (``overheard.bench.web``): the document list and the search page.

The case's size per document and per segment is reported with them (for sizing).

    overheard bench search --fulltext                  # generates the 1M-segment case
    overheard bench search --fulltext --case DIR       # an existing case
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

DOCUMENTS = 112_000
NO_HITS = "zqxjvwq"


def queries() -> list[str]:
    from overheard.web.casegen import PLACES, WORDS

    words = [w for language in ("en", "ru", "uk") for w in WORDS[language]]
    pairs = [f"{a} {b}" for a, b in zip(words[::3], words[1::3], strict=False)]
    places = [p for place in PLACES for p in place[:2]]
    return words + pairs + places


def _percentiles(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(float(np.percentile(times, 50)), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
    }


def _timed(fn: Any, items: list[str]) -> list[float]:
    out = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _children_cpu() -> float:
    """CPU seconds of this process's finished children: what the command costs on a core of
    its own, where the wall time on a shared machine also counts its waits."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _command() -> list[str]:
    exe = Path(sys.executable).with_name("overheard")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "overheard.cli"]


def measure(
    case_dir: Path | None,
    documents: int = DOCUMENTS,
    web_repeat: int = 20,
    database_url: str | None = None,
) -> dict[str, Any]:
    """``database_url``: the case's PostgreSQL database (``case_dir`` its folder), measured
    the same way; the baseline is then the bare tsquery ranked by ts_rank."""
    from sqlalchemy import text as sql

    from overheard.bench import web
    from overheard.store import Case
    from overheard.store.search import _tsquery, build_query, search
    from overheard.web.casegen import generate

    if database_url is not None and case_dir is None:
        raise ValueError("a PostgreSQL case is measured as it is: name its folder (--case)")

    made: str | None = None
    built_s = None
    try:
        if case_dir is None:
            made = tempfile.mkdtemp(prefix="overheard-bench-fulltext-")
            case_dir = Path(made) / "case"
            started = time.perf_counter()
            generate(case_dir, documents).close()
            built_s = round(time.perf_counter() - started, 1)
        case = Case.open(case_dir, create=False, database_url=database_url)
        counts = case.counts()
        postgres = case.engine.dialect.name == "postgresql"
        if postgres:
            with case.engine.connect() as conn:
                size = conn.execute(sql("SELECT pg_database_size(current_database())")).scalar()
        else:
            size = (case_dir / "case.sqlite").stat().st_size
        asked = queries()
        bare_sql = sql(
            "SELECT id FROM segments WHERE search @@ to_tsquery('simple', :m) "
            "ORDER BY ts_rank(search, to_tsquery('simple', :m)) DESC LIMIT 20"
            if postgres
            else "SELECT rowid FROM segment_fts WHERE segment_fts MATCH :m "
            "ORDER BY bm25(segment_fts) LIMIT 20"
        )

        def bare(q: str) -> None:
            with case.engine.connect() as conn:
                m = _tsquery(q)[0] if postgres else build_query(q)
                conn.execute(bare_sql, {"m": m}).all()

        for q in asked[:3]:  # warm-up: the page cache and the connection pool
            search(case, q)
            bare(q)
        # In turn, query by query, so both see the same machine load.
        ours, baseline = [], []
        for q in asked:
            ours += _timed(lambda x: search(case, x), [q])
            baseline += _timed(bare, [q])
        hits_empty = search(case, NO_HITS)
        assert not hits_empty
        case.close()

        where = ["--database-url", database_url] if database_url else []
        command = [*_command(), "--case", str(case_dir), *where, "search", NO_HITS]
        subprocess.run(command, check=True, capture_output=True)  # warm-up
        walls, cpus = [], []
        for _ in range(5):
            started, before = time.perf_counter(), _children_cpu()
            subprocess.run(command, check=True, capture_output=True)
            walls.append(time.perf_counter() - started)
            cpus.append(_children_cpu() - before)

        pages = web.run(case_dir, repeat=web_repeat, database_url=database_url)["results"]
    finally:
        if made:
            shutil.rmtree(made, ignore_errors=True)
    return {
        "documents": counts["documents"],
        "segments": counts["segments"],
        "case_built_s": built_s,
        "case_mb": round(size / 1e6),
        "bytes_per_document": round(size / counts["documents"]),
        "bytes_per_segment": round(size / counts["segments"]),
        "queries": len(asked),
        "search": _percentiles(ours),
        "bare_fts5": _percentiles(baseline),
        "command_no_hits_s": round(statistics.median(walls), 2),
        "command_runs_s": [round(w, 2) for w in walls],
        "command_cpu_s": round(statistics.median(cpus), 2),
        "web": pages,
    }


def format_table(r: dict[str, Any]) -> str:
    web = r["web"]
    lines = [
        f"case: {r['documents']:,} documents, {r['segments']:,} segments, {r['case_mb']:,} MB "
        f"({r['bytes_per_document']:,} B/document, {r['bytes_per_segment']:,} B/segment)"
        + (f", generated in {r['case_built_s']} s" if r["case_built_s"] else ""),
        "",
        "| measure | p50 / median | p95 |",
        "|---|---|---|",
        f"| search, in process ({r['queries']} queries), ms | {r['search']['p50_ms']} "
        f"| {r['search']['p95_ms']} |",
        f"| bare FTS5 (bm25, top 20 rowids), ms | {r['bare_fts5']['p50_ms']} "
        f"| {r['bare_fts5']['p95_ms']} |",
        f"| `overheard search {NO_HITS}` (no hits), s | {r['command_no_hits_s']} "
        f"(CPU {r.get('command_cpu_s', '—')}) | |",
    ]
    for name, page in web.items():  # every page the workbench benchmark asks for
        shown = "search page" if name == "search" else name
        lines.append(f"| workbench {shown}, ms | {page['median_ms']} | {page['p95_ms']} |")
    return "\n".join(lines)
