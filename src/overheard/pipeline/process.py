"""Every stage after ingest, for whatever is pending: what the workbench runs after an upload
(the CLI runs the same stages with progress bars)."""

from __future__ import annotations

import threading
from typing import Any

from overheard.config import Settings
from overheard.errors import NotAvailable
from overheard.store.case import Case

_LOCK = threading.Lock()


def process_pending(case: Case, settings: Settings) -> dict[str, Any]:
    """Transcribe recordings that await it and analyse what is not analysed yet. A missing
    extra (speech, text) leaves its documents pending and says so in the result."""
    from overheard.pipeline import analysis
    from overheard.pipeline import speech as speech_stage

    result: dict[str, Any] = {"transcribed": [], "analysed": [], "notes": []}
    with _LOCK:  # one processing run per process: the model is big and SQLite has one writer
        todo = speech_stage.pending(case)
        if todo:
            try:
                from overheard.speech.transcribe import Transcriber, TranscriberOptions

                langs = tuple(lang for lang in settings.languages if lang != "ko") or ("ru",)
                transcriber = Transcriber(TranscriberOptions(languages=langs))
                result["transcribed"] = speech_stage.transcribe_documents(case, transcriber, todo)
            except (ImportError, NotAvailable) as exc:
                result["notes"].append(f"{len(todo)} recording(s) await transcription: {exc}")
        reason = analysis.available()
        if reason:
            result["notes"].append(reason)
        else:
            result["analysed"] = analysis.analyse_documents(case, analysis.pending(case))
    return result


def process_in_background(case: Case, settings: Settings) -> threading.Thread:
    thread = threading.Thread(
        target=process_pending, args=(case, settings), name="overheard-process", daemon=True
    )
    thread.start()
    return thread
