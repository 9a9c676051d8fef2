"""Independent sources on the claims corpus: which reports copy another (syndicated rewrites,
translations), scored as pairs of documents against the gold ``duplicates`` groups.

The documents are ingested into a temporary case and the ``copies`` stage runs on them as it
does in the product, twice: in publication order, and in reverse (every copy arrives before
its original, so the group must be re-pointed to the earliest). Reported for each: pairwise
precision/recall/F1 over the document pairs within groups, and how many gold groups got the
gold original (their earliest-published member). Baselines, in the same run on the same texts:
an exact fingerprint of the normalised text, and ``datasketch`` MinHash LSH at its usual
Jaccard threshold (0.5) with no verification.

    python -m overheard.eval.copies [--data DIR] [--limit N]
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from overheard.eval.scoring import PRF, add_exact, main, print_table, skipped
from overheard.link import copies


def load(folder: Path, limit: int | None) -> tuple[list[dict[str, Any]], list[list[str]]]:
    docs = [
        json.loads(line)
        for line in (folder / "documents.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    docs = docs[:limit] if limit else docs
    ids = {d["id"] for d in docs}
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    groups = [[i for i in group if i in ids] for group in gold.get("duplicates", [])]
    return docs, [g for g in groups if len(g) > 1]


def run_stage(docs: list[dict[str, Any]]) -> tuple[list[list[str]], float]:
    """The ``copies`` stage over the documents ingested in the given order: the groups it
    made (gold ids, the original first) and its seconds."""
    from sqlalchemy import select

    from overheard.config import Settings
    from overheard.ingest.ingest import Ingestor
    from overheard.pipeline.runner import Runner
    from overheard.store import Case
    from overheard.store.schema import Document

    with tempfile.TemporaryDirectory(prefix="overheard-eval-copies-") as tmp:
        path = Path(tmp) / "documents.jsonl"
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
        case = Case.open(Path(tmp) / "case")
        try:
            Ingestor(case, Settings(), workers=1).ingest([path])
            started = time.perf_counter()
            report = Runner(case, workers=1).run(["copies"], required=True)
            seconds = time.perf_counter() - started
            if report.failures():
                raise RuntimeError(f"the copies stage failed: {report.failures()[0].error}")
            with case.reader() as s:
                rows = s.execute(select(Document.id, Document.copy_of, Document.meta)).all()
        finally:
            case.close()
    gold_id = {doc_id: (meta or {}).get("id") for doc_id, _, meta in rows}
    groups: dict[int, list[str]] = {}
    for doc_id, copy_of, _ in sorted(rows, key=lambda r: r[1] is not None):
        if copy_of is not None:
            groups.setdefault(copy_of, [gold_id[copy_of]]).append(gold_id[doc_id])
    return list(groups.values()), seconds


def exact_baseline(docs: list[dict[str, Any]]) -> list[list[str]]:
    """Same words in the same order, case and punctuation aside."""
    by_print: dict[str, list[str]] = {}
    for d in docs:
        key = hashlib.sha256(" ".join(copies.words(d["text"])).encode()).hexdigest()
        by_print.setdefault(key, []).append(d["id"])
    return [g for g in by_print.values() if len(g) > 1]


def lsh_baseline(docs: list[dict[str, Any]]) -> list[list[str]]:
    """Every pair an LSH at Jaccard 0.5 (the usual setting) puts in one bucket."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    found = []
    for d in docs:
        m = MinHash(num_perm=128)
        m.update_batch([g.encode() for g in sorted(copies.shingles(d["text"]))])
        found.extend([d["id"], other] for other in lsh.query(m))
        lsh.insert(d["id"], m)
    return found


def score(gold: list[list[str]], groups: list[list[str]]) -> dict[str, Any]:
    prf = PRF()
    add_exact(prf, copies.pairs(gold), copies.pairs(groups))
    return prf.as_dict()


def originals(
    gold: list[list[str]], groups: list[list[str]], docs: list[dict[str, Any]]
) -> tuple[int, int]:
    """(gold groups whose predicted group is headed by the gold original, gold groups)."""
    published = {d["id"]: d.get("published_at") or "" for d in docs}
    head = {member: group[0] for group in groups for member in group}
    right = sum(
        head.get(min(g, key=lambda i: (published[i], i))) == min(g, key=lambda i: (published[i], i))
        for g in gold
    )
    return right, len(gold)


def run(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    folder = data_dir / "claims"
    if not (folder / "documents.jsonl").exists():
        return skipped("copies", folder)
    docs, gold = load(folder, limit)
    in_order = sorted(docs, key=lambda d: (d.get("published_at") or "", d["id"]))
    systems: dict[str, dict[str, Any]] = {}
    for name, ordered in (("copies stage", in_order), ("copies stage, reverse", in_order[::-1])):
        groups, seconds = run_stage(ordered)
        right, total = originals(gold, groups, docs)
        systems[name] = {
            **score(gold, groups),
            "originals": f"{right}/{total}",
            "seconds": round(seconds, 1),
            "groups": groups,
        }
    systems["baseline: exact text"] = score(gold, exact_baseline(in_order))
    systems["baseline: MinHash LSH 0.5"] = score(gold, lsh_baseline(in_order))
    print_table(
        f"copies: duplicate-pair scores on {len(docs)} documents, {len(gold)} gold groups "
        f"({len(copies.pairs(gold))} pairs)",
        ["system", "P", "R", "F1", "predicted", "originals", "seconds"],
        [
            [name, r["precision"], r["recall"], r["f1"], int(r["predicted"]),
             r.get("originals", "-"), r.get("seconds", "-")]
            for name, r in systems.items()
        ],
    )  # fmt: skip
    return {"dataset": "claims", "documents": len(docs), "gold": gold, "systems": systems}


if __name__ == "__main__":
    main(run, "Copies (near-duplicates, syndication, translations) on the claims corpus")
