"""Files uploaded from the browser go through the same ingest as ``overheard ingest``.

Each upload is written under its own name (the ingest reads the extension as a claim and the
bytes as the truth, and records the name as the origin) in a fresh temporary folder, ingested,
and the folder removed: the case keeps the original bytes, as for any ingested file.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from overheard.config import Settings
from overheard.store.case import Case

# One ingest at a time: two uploads at once would race for the same SQLite writer lock.
_INGEST_LOCK = threading.Lock()
_UNSAFE = re.compile(r"[\x00-\x1f/\\]")
CHUNK = 1 << 20


class Upload(Protocol):
    filename: str | None
    file: BinaryIO


def safe_name(filename: str | None, index: int) -> str:
    """The upload's own base name, with no way to name a path: no folders, no dot-dot."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".")
    return name[:200] or f"upload-{index}"


def ingest_uploads(
    case: Case, uploads: list[Any], source: str | None = None, process: bool = True
) -> dict[str, Any]:
    from overheard.ingest.ingest import Ingestor

    folder = Path(tempfile.mkdtemp(prefix="overheard-upload-"))
    try:
        paths: list[Path] = []
        labels: dict[Path, str] = {}
        for i, upload in enumerate(uploads):
            path = folder / safe_name(upload.filename, i)
            if path.exists():  # two uploads with one name: the second gets a folder of its own
                (folder / str(i)).mkdir()
                path = folder / str(i) / path.name
            with path.open("wb") as out:
                shutil.copyfileobj(upload.file, out, CHUNK)
            paths.append(path)
            labels[path] = f"upload:{path.name}"
        with _INGEST_LOCK:
            # One process: the server must not fork a pool for a handful of files.
            report = Ingestor(case, Settings(), source=source, workers=1).ingest(
                paths, labels=labels
            )
        if process and report.count("new"):
            # Transcription and analysis as after a CLI ingest, without holding the request:
            # the documents show as awaiting until their stage has run.
            from overheard.pipeline.runner import run_in_background

            run_in_background(case)
        names = {label: p.name for p, label in labels.items()}
        outcomes = [
            {
                "file": names.get(o.path, Path(o.path).name),
                "part": o.part,
                "status": o.status,
                "document_id": o.document_id,
                "url": f"/documents/{o.document_id}" if o.document_id is not None else None,
                "reason": o.reason,
            }
            for o in report.outcomes
        ]
        return {"summary": report.summary(), "outcomes": outcomes}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
