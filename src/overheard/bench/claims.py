"""How much linking a new document's statements to the claims of a large case costs.

A case is generated with N board lines (statements already in claims: synthetic unit vectors
and features, real rows in the database, current stage version) and the bundled reports are
then ingested and analysed; the claims stage links their statements against the N lines. For
each N it reports: loading the index from the case (once per run), the pure linking per
statement (nearest members by one matrix product, then the agreement checks), and the whole
stage per statement (embedding, linking, writing), medians over repeats.

    overheard bench claims --sizes 1000,10000,100000
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from overheard.config import Settings

_DIM = 384


def _populate(case: Any, n: int, version: str, rng: np.random.Generator) -> None:
    from sqlalchemy import insert

    from overheard.store.schema import (
        Blob,
        Claim,
        ClaimStatement,
        Document,
        DocumentStage,
        Statement,
        utcnow,
    )

    per_doc = 5
    docs = max(1, n // per_doc)
    with case.session() as s:
        s.execute(insert(Blob), [{"sha256": "0" * 64, "size": 0, "media_type": "text/plain"}])
        s.execute(
            insert(Document),
            [
                {"id": 1_000_000 + d, "blob_sha256": "0" * 64, "part": d + 1, "kind": "text",
                 "media_type": "text/plain", "origin_path": f"synthetic/{d}",
                 "status": "generated", "text": None}
                for d in range(docs)
            ],
        )  # fmt: skip
        s.execute(
            insert(DocumentStage),
            [
                {"document_id": 1_000_000 + d, "stage": "claims", "version": version,
                 "status": "done", "finished_at": utcnow()}
                for d in range(docs)
            ],
        )  # fmt: skip
        claims = max(1, n // 3)
        s.execute(
            insert(Claim), [{"id": 1_000_000 + c, "text": f"claim {c}"} for c in range(claims)]
        )
        vectors = rng.normal(size=(n, _DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        s.execute(
            insert(Statement),
            [
                {"id": 1_000_000 + i, "document_id": 1_000_000 + i // per_doc, "act": "assert",
                 "content": f"synthetic statement {i}", "direct": False, "hedged": False}
                for i in range(n)
            ],
        )  # fmt: skip
        s.execute(
            insert(ClaimStatement),
            [
                {"claim_id": 1_000_000 + int(rng.integers(claims)), "statement_id": 1_000_000 + i,
                 "stance": "assert", "features": {"numbers": [float(rng.integers(1, 50))],
                                                   "lang": "en"},
                 "vector": vectors[i].tobytes()}
                for i in range(n)
            ],
        )  # fmt: skip


def measure(n: int, repeat: int = 3, samples: Path | None = None) -> dict[str, Any]:
    from sqlalchemy import func, select

    from overheard.ingest.ingest import Ingestor
    from overheard.link import claims as linking
    from overheard.pipeline.runner import Runner
    from overheard.pipeline.stage import StageConfig
    from overheard.store import Case
    from overheard.store.schema import Statement

    rng = np.random.default_rng(7)
    folder = samples or Path(__file__).resolve().parents[3] / "samples" / "reports"
    with tempfile.TemporaryDirectory(prefix="overheard-bench-claims-") as tmp:
        case = Case.open(Path(tmp) / "case")
        try:
            runner = Runner(case, StageConfig(lexicon_dir=None), workers=1)
            stage = runner.stage("claims")
            _populate(case, n, stage.version(), rng)
            Ingestor(case, Settings(), workers=1).ingest([folder])
            runner.run(["analyse"])
            with case.reader() as s:
                new = s.scalar(select(func.count()).select_from(Statement)) - n
                t = time.perf_counter()
                index = stage._load(s)
                load_s = time.perf_counter() - t
            probes = rng.normal(size=(200, _DIM)).astype(np.float32)
            probes /= np.linalg.norm(probes, axis=1, keepdims=True)
            feats = linking.Features(numbers=(12.0,), lang="en")
            link_ms = []
            for _ in range(repeat):
                t = time.perf_counter()
                for vector in probes:
                    linking.link(index, vector, feats)
                link_ms.append((time.perf_counter() - t) * 1000 / len(probes))
            stage_ms = []
            for _ in range(repeat):
                with case.reader() as s:
                    stage._load(s)  # loaded once per run, measured above
                t = time.perf_counter()
                runner.run(["claims"], redo=True)
                stage_ms.append((time.perf_counter() - t) * 1000 / max(new, 1))
        finally:
            case.close()
    return {
        "board_lines": n,
        "new_statements": new,
        "index_load_s": round(load_s, 2),
        "link_ms_per_statement": round(statistics.median(link_ms), 2),
        "stage_ms_per_statement": round(statistics.median(stage_ms), 1),
    }


def format_table(results: list[dict[str, Any]]) -> str:
    header = ["board lines", "new statements", "index load s", "link ms/stmt", "stage ms/stmt"]
    rows = [
        [f"{r['board_lines']:,}", str(r["new_statements"]), f"{r['index_load_s']:.2f}",
         f"{r['link_ms_per_statement']:.2f}", f"{r['stage_ms_per_statement']:.1f}"]
        for r in results
    ]  # fmt: skip
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)
