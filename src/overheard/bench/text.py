"""``python -m overheard.bench.text``: articles per second for the whole text analysis against
the NER it is built on, in the same process on the same texts.

English: VOA stories and PolNeAR articles; Russian: Collection5 (ne5) articles. For each
corpus: the NER model alone (spaCy with only its NER pipe; natasha's NER tagger), the spaCy
model as we run it (tagger, parser, NER: statements and events need the parse), and
``analyze()`` (mentions, rules, normal forms, entities, places, statements, dates, events).
Models are loaded and warmed before any clock starts. The bar (docs/BENCHMARKS.md): all that
``analyze()`` adds costs no more than the NER does, i.e. analyze takes at most twice as long.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from overheard.eval.scoring import DEFAULT_DATA_DIR, print_table


def _voa(data: Path, limit: int) -> list[str]:
    path = data / "voa" / "voa_stories.jsonl"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[:limit]
    return [json.loads(line)["text"] for line in lines]


def _polnear(data: Path, limit: int) -> list[str]:
    folder = data / "polnear" / "train" / "text"
    if not folder.is_dir():
        return []
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[:limit]]


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


def _time(fn: Callable[[str], Any], texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        fn(text)
    return time.perf_counter() - started


def run(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    from overheard.text import models
    from overheard.text.analyze import analyze
    from overheard.text.entities import natasha_spans
    from overheard.text.places import gazetteer

    limit = limit or 200
    nlp = models.spacy_en()
    ner_only = [p for p in nlp.pipe_names if p not in ("tok2vec", "ner")]
    corpora = {
        "voa (en)": ("en", _voa(data_dir, limit)),
        "polnear (en)": ("en", _polnear(data_dir, limit)),
        "ne5 (ru)": ("ru", _ne5(data_dir, limit)),
    }
    # Load and warm every model before timing.
    gazetteer()
    analyze("Warm-up: Russia said on Monday that troops left Kyiv.", "en")
    analyze("Разогрев: Россия заявила, что войска покинули Киев вчера.", "ru")
    results: dict[str, Any] = {}
    rows = []
    for name, (lang, texts) in corpora.items():
        if not texts:
            print(f"bench text: {name} SKIPPED: data not found under {data_dir}")
            continue
        chars = sum(len(t) for t in texts)
        timings: dict[str, float] = {}
        if lang == "en":
            with nlp.select_pipes(disable=ner_only):
                timings["NER alone (spaCy ner)"] = _time(nlp, texts)
            timings["spaCy tagger+parser+ner"] = _time(nlp, texts)
        else:
            timings["NER alone (natasha)"] = _time(natasha_spans, texts)

        def whole(text: str, lang: str = lang) -> Any:
            return analyze(text, lang)

        timings["analyze() whole"] = _time(whole, texts)
        base = next(iter(timings.values()))
        results[name] = {
            "articles": len(texts),
            "chars": chars,
            "seconds": {k: round(v, 2) for k, v in timings.items()},
        }
        for label, seconds in timings.items():
            rows.append(
                [name, label, len(texts), round(len(texts) / seconds, 1), round(seconds / base, 2)]
            )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["peak_rss_mb"] = round(peak_mb)
    print_table(
        "text throughput (articles/s; cost relative to NER alone)",
        ["corpus", "stage", "articles", "articles/s", "x NER"],
        rows,
    )
    print(f"peak RSS: {peak_mb:.0f} MB")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--limit", type=int, default=200, help="articles per corpus")
    args = parser.parse_args()
    run(args.data, args.limit)


if __name__ == "__main__":
    main()
