"""All text evaluations in one run: Russian NER, attribution, events, places, the seed report.

    python -m overheard.eval.text [--data DIR] [--limit N]

Each part is also its own module (``overheard.eval.ner_ru``, ``.polnear``, ``.plover``,
``.geoparsing``, ``.seed``) with the same ``run(data_dir, limit)`` signature; a part whose
data is missing prints SKIPPED and returns ``{"skipped": True}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from overheard.eval import geoparsing, ner_ru, ner_uk, plover, polnear, seed
from overheard.eval.scoring import main

PARTS = {
    "ner_ru": ner_ru.run,
    "ner_uk": ner_uk.run,
    "polnear": polnear.run,
    "plover": plover.run,
    "geoparsing": geoparsing.run,
    "seed": seed.run,
}


def run(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    return {name: part(data_dir, limit) for name, part in PARTS.items()}


if __name__ == "__main__":
    main(run, "All text evaluations")
