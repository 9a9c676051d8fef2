"""``overheard bench scale``: what a team's setup buys on one machine, in the same run.

- **Analysis stage**, documents per second: the local runner with 1 process and with N worker
  processes, against the Ray executor with 1 and N workers (a local Ray started by the run).
  Every row is a fresh process over its own copy of one ingested case, so each pays its own
  start (imports, Ray, the workers' models): the time is the whole ``Runner.run(["analyse"])``
  a user waits for. Scaling efficiency = docs/s with N workers / (N x docs/s with 1).
- **Ingest**, documents per second, into a new SQLite case and into a new PostgreSQL database
  (same inputs, default reader pool), and the database's bytes per document and per segment.
  PostgreSQL needs a server: ``--postgres URL`` (a database the run may create databases
  beside), else a throwaway one from ``scripts/postgres-for-tests.sh`` when the server
  binaries are installed; without either, its rows say why they were skipped.

Inputs: the VOA stories (``../shared/data/voa``) when present, else the bundled sample
reports; each text repeated with a small variation (a numbered first line) so that every copy
is a new document. The analysis uses the first ``documents`` of them.

    overheard bench scale [--documents 89] [--copies 10] [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "reports"
PG_SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "postgres-for-tests.sh"

_INGEST = r"""
import json, sys, time
from pathlib import Path
from overheard.config import Settings
from overheard.ingest.ingest import Ingestor
from overheard.store import Case
url = sys.argv[3] or None
case = Case.open(sys.argv[1], database_url=url)
def size():
    with case.engine.connect() as conn:
        if url:
            return conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return (Path(sys.argv[1]) / "case.sqlite").stat().st_size
empty = size()  # the schema alone (a new PostgreSQL database is ~7 MB before any row)
started = time.perf_counter()
report = Ingestor(case, Settings()).ingest([Path(sys.argv[2])])
seconds = time.perf_counter() - started
counts = case.counts()
grown = size() - empty
case.close()
print(json.dumps({"documents": report.count("new"), "failed": report.count("failed"),
                  "segments": counts["segments"], "seconds": seconds, "bytes": grown}))
"""

_ANALYSE = r"""
import json, sys, tempfile, time
from pathlib import Path
from overheard.pipeline.runner import Runner
from overheard.store import Case
case = Case.open(sys.argv[1], create=False)
started = time.perf_counter()
runner = Runner(case, workers=int(sys.argv[3]), executor=sys.argv[2])
ready = time.perf_counter()
finished = []
report = runner.run(["analyse"], on_done=lambda _: finished.append(time.perf_counter()))
seconds = time.perf_counter() - ready
failures = report.failures()
assert not failures, failures[:3]
done = len(report.outcomes.get("analyse", []))
counts = case.counts()
case.close()
size = (Path(sys.argv[1]) / "case.sqlite").stat().st_size
with tempfile.TemporaryDirectory() as tmp:  # less the schema alone, as the ingest rows do
    Case.open(Path(tmp) / "empty").close()
    size -= (Path(tmp) / "empty" / "case.sqlite").stat().st_size
# Once every worker has returned its first batch (models loaded, pool started): the documents
# done after that, over the time they took.
first = min(len(finished) - 1, runner.stage("analyse").batch_size * int(sys.argv[3]))
steady = (len(finished) - first) / max(1e-9, finished[-1] - finished[first - 1])
print(json.dumps({"documents": done, "seconds": seconds, "start_s": ready - started,
                  "steady_docs_per_s": steady,
                  "segments": counts["segments"], "bytes": size}))
"""


def corpus_texts() -> tuple[str, list[str]]:
    """The texts the run varies: VOA's stories, else the bundled sample reports."""
    voa = SHARED / "voa" / "voa_stories.jsonl"
    if voa.is_file():
        with voa.open(encoding="utf-8") as f:
            return "VOA stories", [json.loads(line)["text"] for line in f if line.strip()]
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    with (SAMPLES / "channel-posts.jsonl").open(encoding="utf-8") as f:
        texts += [json.loads(line)["text"] for line in f if line.strip()]
    return "bundled sample reports", texts


def write_inputs(path: Path, texts: list[str], copies: int) -> int:
    """``copies`` variants of every text, as one JSONL file; a numbered first line makes each
    copy new bytes (and a new document), the text after it is unchanged."""
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for copy in range(copies):
            for i, text in enumerate(texts):
                record = {"id": f"{copy}-{i}", "title": f"report {copy}-{i}",
                          "text": f"Report {copy + 1}-{i + 1}.\n\n{text}"}  # fmt: skip
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
    return n


def _child(script: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


class Postgres:
    """A PostgreSQL server to make one new database per ingest in (``url`` names one on it),
    or why there is none."""

    def __init__(self, url: str | None) -> None:
        self.url, self.why, self._stop = url, None, None
        if url:
            return
        if not PG_SCRIPT.is_file():
            self.why = "no --postgres URL and no scripts/postgres-for-tests.sh beside the code"
            return
        env = {**os.environ, "PGPORT_FOR_TESTS": str(_free_port())}
        started = subprocess.run(["bash", str(PG_SCRIPT)], capture_output=True, text=True, env=env)
        line = started.stdout.strip().splitlines()[-1] if started.stdout.strip() else ""
        if started.returncode or " " not in line:
            self.why = "no PostgreSQL server binaries here (and no --postgres URL)"
            return
        self._stop, self.url = line.split(" ", 1)

    def new_database(self) -> str:
        from sqlalchemy import create_engine, text

        assert self.url
        name = f"overheard_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.url.rsplit("/", 1)[0] + "/" + name

    def drop(self, url: str) -> None:
        from sqlalchemy import create_engine, text

        assert self.url
        admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        admin.dispose()

    def close(self) -> None:
        if self._stop:
            subprocess.run(["bash", str(PG_SCRIPT), "stop", self._stop], capture_output=True)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def run(
    documents: int = 89,
    copies: int = 10,
    workers: int = 2,
    repeat: int = 3,
    postgres: str | None = None,
    ray: bool = True,
) -> dict[str, Any]:
    from overheard.pipeline import ray_pool

    name, texts = corpus_texts()
    load_before = _load()
    rows: dict[str, list[dict[str, Any]]] = {}
    notes: list[str] = []
    pg = Postgres(postgres)
    if pg.why:
        notes.append(f"PostgreSQL ingest skipped: {pg.why}")
    ray_why = ray_pool.available() if ray else "not asked for (--no-ray)"
    if ray_why:
        notes.append(f"Ray rows skipped: {ray_why}")
    with tempfile.TemporaryDirectory(prefix="overheard-bench-scale-") as tmp:
        root = Path(tmp)
        inputs = root / "inputs.jsonl"
        total = write_inputs(inputs, texts, copies)
        subset = root / "analyse.jsonl"
        need = -(-documents // max(1, len(texts)))
        write_inputs(subset, texts, need)
        with subset.open(encoding="utf-8") as f:
            kept = [line for _, line in zip(range(documents), f, strict=False)]
        subset.write_text("".join(kept), encoding="utf-8")
        _child(_INGEST, str(root / "ingested"), str(subset), "")

        configs = [("local", 1), ("local", workers)]
        if not ray_why:
            configs += [("ray", 1), ("ray", workers)]
        try:
            for _ in range(repeat):
                for executor, n in configs:
                    copy = root / f"{executor}-{n}"
                    shutil.copytree(root / "ingested", copy)
                    rows.setdefault(f"analyse {executor} {n}", []).append(
                        _child(_ANALYSE, str(copy), executor, str(n))
                    )
                    shutil.rmtree(copy)
                rows.setdefault("ingest sqlite", []).append(
                    _child(_INGEST, str(root / "sqlite"), str(inputs), "")
                )
                shutil.rmtree(root / "sqlite")
                if pg.url:
                    url = pg.new_database()
                    try:
                        rows.setdefault("ingest postgresql", []).append(
                            _child(_INGEST, str(root / "pg"), str(inputs), url)
                        )
                    finally:
                        pg.drop(url)
                        shutil.rmtree(root / "pg", ignore_errors=True)
        finally:
            pg.close()
    return {
        "corpus": name,
        "texts": len(texts),
        "ingest_documents": total,
        "analyse_documents": documents,
        "workers": workers,
        "repeat": repeat,
        "load_before": load_before,
        "load_after": _load(),
        "notes": notes,
        "rows": {key: _median(runs) for key, runs in rows.items()},
    }


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = statistics.median(r["seconds"] for r in runs)
    first = runs[0]
    out = {
        "documents": first["documents"],
        "segments": first["segments"],
        "seconds": round(seconds, 2),
        "docs_per_s": round(first["documents"] / seconds, 2),
        "bytes_per_document": round(first["bytes"] / max(1, first["documents"])),
        "bytes_per_segment": round(first["bytes"] / max(1, first["segments"])),
        "runs": [round(r["seconds"], 2) for r in runs],
    }
    if "start_s" in first:
        out["start_s"] = round(statistics.median(r["start_s"] for r in runs), 2)
        out["steady_docs_per_s"] = round(statistics.median(r["steady_docs_per_s"] for r in runs), 2)
    return out


def format_table(result: dict[str, Any]) -> str:
    rows, n = result["rows"], result["workers"]
    lines = [
        f"{result['corpus']}: {result['texts']} texts; analysis over {result['analyse_documents']}"
        f" documents, ingest over {result['ingest_documents']}; medians of {result['repeat']};"
        f" load average {result['load_before']} before, {result['load_after']} after",
        "",
        "| stage | executor | workers | documents | seconds | docs/s (whole run) "
        "| efficiency | docs/s (steady) | efficiency (steady) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for executor in ("local", "ray"):
        one = rows.get(f"analyse {executor} 1")
        for w in (1, n):
            r = rows.get(f"analyse {executor} {w}")
            if r is None or one is None:
                continue
            eff = r["docs_per_s"] / (w * one["docs_per_s"])
            steady = r["steady_docs_per_s"] / (w * one["steady_docs_per_s"] or 1)
            start = f" (+{r['start_s']} s to start Ray)" if executor == "ray" else ""
            lines.append(
                f"| analyse | {executor}{start} | {w} | {r['documents']} | {r['seconds']} "
                f"| {r['docs_per_s']} | {eff:.2f} | {r['steady_docs_per_s']} | {steady:.2f} |"
            )
    for db in ("sqlite", "postgresql"):
        r = rows.get(f"ingest {db}")
        if r is not None:
            lines.append(
                f"| ingest | {db} ({r['bytes_per_document']:,} B/document, "
                f"{r['bytes_per_segment']:,} B/segment) | reader pool | {r['documents']} "
                f"| {r['seconds']} | {r['docs_per_s']} | | | |"
            )
    analysed = rows.get("analyse local 1")
    if analysed:
        lines.append("")
        lines.append(
            f"analysed SQLite case: {analysed['bytes_per_document']:,} B/document, "
            f"{analysed['bytes_per_segment']:,} B/segment ({analysed['segments']} segments)"
        )
    lines += [f"note: {note}" for note in result["notes"]]
    return "\n".join(lines)
