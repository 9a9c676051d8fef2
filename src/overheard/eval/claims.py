"""The claim board against the synthetic multi-source corpus (../shared/data/claims).

The corpus is ingested into a fresh case and every stage runs on it, as for a user. Then, as
its README recommends:

a. statements: each system statement is matched to at most one gold statement of the same
   document by evidence overlap (character IoU ≥ 0.5, or token F1 ≥ 0.5; one-to-one, greedy
   by overlap). A system statement's extent runs from the first to the last of its speaker,
   cue and content spans (the gold evidence is the clause or sentence carrying the statement).
   Detection recall is the figure to watch: the gold labels only the listed propositions, so
   statements about background or rhetoric count against precision though they are real.
   On matched statements: pairwise and B-cubed F1 of the grouping into claims;
b. stance accuracy (assert/deny) on matched statements, and hedged accuracy;
c. board agreement: each gold claim is mapped to the system claim holding most of its matched
   statements; the sets of asserting and of denying speakers (gold entity ids; a system
   speaker is mapped to the gold entity that lists one of its names) are compared by Jaccard,
   averaged over claims and sides. A position change appears on both sides (no resolution);
d. independent sources: pairwise F1 of documents marked as copies against the gold groups;
e. cross-script entity linking: pairwise F1 over the gold surface forms.

Baselines in the same run, on the same matched statements: claims by embedding cosine alone
(single-link at a threshold), and stance read off the act alone.

    overheard eval claims [--data DIR] [--limit N] [--json]
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path
from typing import Any

from overheard.eval.scoring import PRF, main, print_table, skipped

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class GoldStatement:
    claim: str
    doc: str
    start: int
    end: int
    stance: str
    hedged: bool
    speaker_entity: str | None


@dataclass
class SystemStatement:
    id: int
    doc: str
    start: int
    end: int
    content: str
    act: str
    stance: str | None
    hedged: bool
    claim: int | None
    speaker_names: list[str] = field(default_factory=list)


def load_gold(folder: Path) -> tuple[list[dict[str, Any]], dict[str, Any], list[GoldStatement]]:
    documents = [json.loads(line) for line in (folder / "documents.jsonl").open(encoding="utf-8")]
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    texts = {d["id"]: d["text"] for d in documents}
    statements = []
    for claim in gold["claims"]:
        for st in claim["statements"]:
            start = texts[st["doc"]].find(st["evidence"])
            if start < 0:
                raise ValueError(f"evidence not found in {st['doc']}: {st['evidence'][:40]!r}")
            statements.append(
                GoldStatement(
                    claim["id"],
                    st["doc"],
                    start,
                    start + len(st["evidence"]),
                    st["stance"],
                    bool(st.get("hedged")),
                    st.get("speaker_entity"),
                )  # fmt: skip
            )
    return documents, gold, statements


def build_case(documents: Sequence[dict[str, Any]], root: Path) -> Any:
    """Ingest the documents (one JSON record each) and run every stage, as a user would."""
    from overheard.config import Settings
    from overheard.ingest.ingest import Ingestor
    from overheard.pipeline.runner import Runner
    from overheard.pipeline.stage import StageConfig
    from overheard.store import Case

    corpus = root / "documents.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for d in documents:
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
    case = Case.open(root / "case")
    Ingestor(case, Settings(languages=("ru", "uk", "en")), workers=1).ingest([corpus])
    report = Runner(case, StageConfig(languages=("ru", "uk", "en")), workers=1).run()
    for note in report.notes:
        print(f"note: {note}")
    failed = report.failures()
    if failed:  # scored anyway, but the figures say little: say why
        first = failed[0]
        print(f"note: {len(failed)} stage run(s) failed, e.g. {first.stage} on document "
              f"{first.document_id}: {first.error}")  # fmt: skip
    return case


def system_statements(case: Any) -> tuple[list[SystemStatement], dict[int, str]]:
    from sqlalchemy import select

    from overheard.store.schema import ClaimStatement, Document, Entity, Mention, Statement

    with case.reader() as s:
        doc_ids = {d.id: (d.meta or {}).get("id") for d in s.scalars(select(Document))}
        board = {cs.statement_id: cs for cs in s.scalars(select(ClaimStatement))}
        names = {
            e.id: [e.name, *(n["name"] for n in e.names or [])] for e in s.scalars(select(Entity))
        }
        # And every form the entity is written in: the gold lists surface strings («Головного
        # управління розвідки …»), the entity keeps its normal form («Головне управління …»).
        for entity_id, text in s.execute(
            select(Mention.entity_id, Mention.text).where(Mention.entity_id.is_not(None)).distinct()
        ):
            if entity_id in names and text not in names[entity_id]:
                names[entity_id].append(text)
        out = []
        for st in s.scalars(select(Statement).order_by(Statement.id)):
            spans = [
                (a, b)
                for a, b in (
                    (st.speaker_start, st.speaker_end),
                    (st.cue_start, st.cue_end),
                    (st.content_start, st.content_end),
                )
                if a is not None and b is not None
            ]
            line = board.get(st.id)
            speaker = names.get(st.speaker_entity_id or -1, [])
            if not speaker:
                speaker = [n for n in (st.speaker_antecedent, st.speaker_text) if n]
            out.append(
                SystemStatement(
                    st.id,
                    doc_ids.get(st.document_id) or "",
                    min(a for a, _ in spans),
                    max(b for _, b in spans),
                    st.content,
                    st.act,
                    line.stance if line else None,
                    bool(st.hedged),
                    line.claim_id if line else None,
                    speaker,
                )  # fmt: skip
            )
    return out, {k: v for k, v in doc_ids.items() if v}


def stored_texts(
    case: Any, documents: Sequence[dict[str, Any]], gold: Sequence[GoldStatement]
) -> tuple[dict[str, str], list[GoldStatement]]:
    """Each document's text as the case stores it, and the gold statements at their offsets
    in it: the case's text opens with the record's headline (``ingest.formats.headed``), the
    gold's offsets count from the record's text."""
    from sqlalchemy import select

    from overheard.store.schema import Document

    given = {d["id"]: d["text"] for d in documents}
    with case.reader() as s:
        stored = {
            (meta or {}).get("id"): text
            for meta, text in s.execute(select(Document.meta, Document.text))
        }
    texts = {doc: stored.get(doc) or text for doc, text in given.items()}
    rebased = []
    for g in gold:
        shift = texts[g.doc].find(given[g.doc])
        rebased.append(replace(g, start=g.start + shift, end=g.end + shift) if shift > 0 else g)
    return texts, rebased


def _tokens(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def overlap(a: tuple[int, int], b: tuple[int, int], text: str) -> float:
    """max(character IoU, token F1) of two spans of one text."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    iou = inter / union if union else 0.0
    ta, tb = _tokens(text[a[0] : a[1]]), _tokens(text[b[0] : b[1]])
    common = sum((ta & tb).values())
    f1 = 2 * common / (sum(ta.values()) + sum(tb.values())) if common else 0.0
    return max(iou, f1)


def match(
    system: Sequence[SystemStatement], gold: Sequence[GoldStatement], texts: dict[str, str]
) -> dict[int, int]:
    """System statement index → gold statement index: one-to-one, greedy by overlap ≥ 0.5."""
    pairs = []
    for i, s in enumerate(system):
        for j, g in enumerate(gold):
            if s.doc == g.doc:
                score = overlap((s.start, s.end), (g.start, g.end), texts[g.doc])
                if score >= 0.5:
                    pairs.append((score, i, j))
    used_s: set[int] = set()
    used_g: set[int] = set()
    out = {}
    for _score, i, j in sorted(pairs, reverse=True):
        if i not in used_s and j not in used_g:
            out[i] = j
            used_s.add(i)
            used_g.add(j)
    return out


def pairwise_f1(system: Sequence[Any], gold: Sequence[Any]) -> float:
    """Pairwise F1 of two clusterings of the same items (labels per item)."""
    prf = PRF()
    for a, b in combinations(range(len(gold)), 2):
        same_s, same_g = system[a] == system[b], gold[a] == gold[b]
        prf.tp += same_s and same_g
        prf.fp += same_s and not same_g
        prf.fn += same_g and not same_s
    return prf.f1


def bcubed_f1(system: Sequence[Any], gold: Sequence[Any]) -> float:
    if not gold:
        return 0.0
    precision = recall = 0.0
    for i in range(len(gold)):
        same_s = {j for j in range(len(gold)) if system[j] == system[i]}
        same_g = {j for j in range(len(gold)) if gold[j] == gold[i]}
        both = len(same_s & same_g)
        precision += both / len(same_s)
        recall += both / len(same_g)
    p, r = precision / len(gold), recall / len(gold)
    return 2 * p * r / (p + r) if p + r else 0.0


def _stance_of_act(act: str) -> str:
    return "deny" if act in ("deny", "reject") else "assert"


def _cosine_clusters(texts: Sequence[str], threshold: float) -> list[int]:
    """The baseline: single-link clusters of statements whose embedding cosine ≥ threshold."""
    from overheard.embed import embed_passages

    vectors = embed_passages(list(texts))
    sims = vectors @ vectors.T
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in combinations(range(len(texts)), 2):
        if sims[a, b] >= threshold:
            parent[root(a)] = root(b)
    return [root(i) for i in range(len(texts))]


def _entity_of(names: Iterable[str], forms: dict[str, str]) -> str | None:
    for name in names:
        if name in forms:
            return forms[name]
    return None


def board_jaccard(
    system: Sequence[SystemStatement],
    gold: Sequence[GoldStatement],
    matched: dict[int, int],
    forms: dict[str, str],
) -> float:
    by_gold_claim: dict[str, list[int]] = defaultdict(list)
    for i, j in matched.items():
        by_gold_claim[gold[j].claim].append(i)
    all_claims = {g.claim for g in gold}
    scores = []
    for claim in sorted(all_claims):
        gold_sides: dict[str, set[str]] = {"assert": set(), "deny": set()}
        for g in gold:
            if g.claim == claim and g.speaker_entity:
                gold_sides[g.stance].add(g.speaker_entity)
        members = by_gold_claim.get(claim, [])
        clusters = Counter(system[i].claim for i in members if system[i].claim is not None)
        chosen = clusters.most_common(1)[0][0] if clusters else None
        sys_sides: dict[str, set[str]] = {"assert": set(), "deny": set()}
        for s in system:
            if chosen is not None and s.claim == chosen and s.stance in sys_sides:
                who = _entity_of(s.speaker_names, forms) or f"system:{'/'.join(s.speaker_names)}"
                sys_sides[s.stance].add(who)
        for side in ("assert", "deny"):
            if gold_sides[side] or sys_sides[side]:
                union = gold_sides[side] | sys_sides[side]
                scores.append(len(gold_sides[side] & sys_sides[side]) / len(union))
    return sum(scores) / len(scores) if scores else 0.0


def duplicate_f1(case: Any, gold: dict[str, Any], doc_ids: dict[int, str]) -> float:
    from sqlalchemy import select

    from overheard.store.schema import Document

    with case.reader() as s:
        copies = s.execute(select(Document.id, Document.copy_of)).all()
    group_of = {i: i for i, _ in copies}
    for i, original in copies:
        if original is not None:
            group_of[i] = original
    system_pairs = {
        frozenset((doc_ids[a], doc_ids[b]))
        for a, b in combinations(sorted(group_of), 2)
        if group_of[a] == group_of[b] and a in doc_ids and b in doc_ids
    }
    gold_pairs = {frozenset(p) for group in gold["duplicates"] for p in combinations(group, 2)}
    prf = PRF(
        tp=len(system_pairs & gold_pairs),
        fp=len(system_pairs - gold_pairs),
        fn=len(gold_pairs - system_pairs),
    )
    return prf.f1


def run(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    folder = data_dir / "claims"
    if not (folder / "gold.json").exists():
        return skipped("claims", folder)
    documents, gold, gold_statements = load_gold(folder)
    if limit:
        keep = {d["storyline"] for d in documents[:limit]}
        documents = [d for d in documents if d["storyline"] in keep]
        ids = {d["id"] for d in documents}
        gold_statements = [g for g in gold_statements if g.doc in ids]
        corpus = "\n".join(f"{d.get('title', '')}\n{d['text']}" for d in documents)
        entities = [
            {**e, "names": [n for n in e["names"] if n in corpus]} for e in gold["entities"]
        ]
        gold = {
            **gold,
            "duplicates": [g for g in gold["duplicates"] if set(g) <= ids],
            # Only the surface forms these documents use.
            "entities": [e for e in entities if e["names"]],
        }
    with tempfile.TemporaryDirectory(prefix="overheard-eval-claims-") as tmp:
        case = build_case(documents, Path(tmp))
        try:
            return score(case, documents, gold, gold_statements)
        finally:
            case.close()


def score(
    case: Any,
    documents: Sequence[dict[str, Any]],
    gold: dict[str, Any],
    gold_statements: Sequence[GoldStatement],
) -> dict[str, Any]:
    """Every metric, for a case that holds the corpus with its stages run."""
    texts, gold_statements = stored_texts(case, documents, gold_statements)
    forms = {name: e["id"] for e in gold["entities"] for name in e["names"]}
    system, doc_ids = system_statements(case)
    dup_f1 = duplicate_f1(case, gold, doc_ids)
    matched = match(system, gold_statements, texts)
    detection = PRF(
        tp=len(matched), fp=len(system) - len(matched), fn=len(gold_statements) - len(matched)
    )
    order = sorted(matched)
    gold_labels = [gold_statements[matched[i]].claim for i in order]
    # A statement the board left out of every claim is a cluster of its own.
    system_labels = [system[i].claim if system[i].claim is not None else -i - 1 for i in order]
    stance_ok = sum(
        (system[i].stance or _stance_of_act(system[i].act)) == gold_statements[matched[i]].stance
        for i in order
    )
    act_ok = sum(_stance_of_act(system[i].act) == gold_statements[matched[i]].stance for i in order)
    hedged_ok = sum(system[i].hedged == gold_statements[matched[i]].hedged for i in order)
    n = len(order) or 1
    result: dict[str, Any] = {
        "dataset": "claims",
        "documents": len(documents),
        "gold_statements": len(gold_statements),
        "system_statements": len(system),
        "matched": len(matched),
        "statement_recall": round(detection.recall, 3),
        "statement_precision": round(detection.precision, 3),
        "statement_f1": round(detection.f1, 3),
        "system_claims": len({s.claim for s in system if s.claim is not None}),
        "gold_claims": len({g.claim for g in gold_statements}),
        "claims_pairwise_f1": round(pairwise_f1(system_labels, gold_labels), 3),
        "claims_bcubed_f1": round(bcubed_f1(system_labels, gold_labels), 3),
        "stance_accuracy": round(stance_ok / n, 3),
        "stance_accuracy_act_only": round(act_ok / n, 3),
        "hedged_accuracy": round(hedged_ok / n, 3),
        "board_jaccard": round(board_jaccard(system, gold_statements, matched, forms), 3),
        "duplicates_f1": round(dup_f1, 3),
    }
    try:
        baseline = _cosine_clusters([system[i].content for i in order], 0.90)
        result["baseline_cosine_bcubed_f1"] = round(bcubed_f1(baseline, gold_labels), 3)
        result["baseline_cosine_pairwise_f1"] = round(pairwise_f1(baseline, gold_labels), 3)
    except ImportError as exc:
        result["baseline_cosine"] = f"not available: {exc}"
    # Cross-script entity linking over the gold surface forms, in this same case
    # (``overheard eval entities`` reports the missed and false pairs).
    from overheard.eval.entity_linking import assign, pairwise

    entities = [(e["id"], e["type"], list(e["names"])) for e in gold["entities"]]
    linked, _, _ = pairwise(entities, assign(case, (f for _, _, names in entities for f in names)))
    result["entity_linking_f1"] = round(linked.f1, 3)
    missed = Counter(
        next(d["language"] for d in documents if d["id"] == g.doc)
        for j, g in enumerate(gold_statements)
        if j not in set(matched.values())
    )
    result["missed_by_language"] = dict(missed)
    rows = [[k, v] for k, v in result.items() if k != "dataset"]
    print_table("claims: the claim board against the synthetic corpus", ["metric", "value"], rows)
    return result


if __name__ == "__main__":
    main(run, "The claim board: statements, claims, stance, boards, copies, entity linking")
