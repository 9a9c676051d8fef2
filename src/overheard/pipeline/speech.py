"""Transcribe a case's recordings: one transaction per recording, resumable, provenance kept.

A recording ingested without transcription (status ``awaiting_transcription``), or whose
transcription failed, is picked up by the next run. A new transcript of the same recording
replaces the old one whole (segments and translations), never mixes with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from overheard.errors import OverheardError
from overheard.pipeline.runs import RunRegistry
from overheard.store.case import Case
from overheard.store.schema import Document, Segment, Translation

if TYPE_CHECKING:
    from overheard.speech.transcribe import Transcriber, Transcript

AWAITING = "awaiting_transcription"
TRANSCRIBED = "transcribed"
NO_SPEECH = "no_speech"
FAILED = "transcription_failed"


@dataclass
class TranscribeOutcome:
    document_id: int
    title: str | None
    status: str
    segments: int = 0
    reason: str | None = None
    rtf: float | None = None


def pending(case: Case, redo: bool = False, ids: list[int] | None = None) -> list[int]:
    """Recordings to transcribe: those awaiting or failed (all recordings with ``redo``)."""
    query = select(Document.id).where(Document.kind.in_(("audio", "video"))).order_by(Document.id)
    if ids:
        query = query.where(Document.id.in_(ids))
    elif not redo:
        query = query.where(Document.status.in_((AWAITING, FAILED)))
    with case.reader() as s:
        return list(s.scalars(query))


def transcribe_documents(
    case: Case,
    transcriber: Transcriber,
    document_ids: list[int],
    on_progress: Callable[[int, float, float], None] | None = None,
    on_done: Callable[[TranscribeOutcome], None] | None = None,
) -> list[TranscribeOutcome]:
    runs = RunRegistry()
    outcomes = []
    for doc_id in document_ids:
        with case.reader() as r:
            doc = r.get(Document, doc_id)
            if doc is None:
                continue
            path = case.blobs.path_for(doc.blob_sha256)
            title = doc.title

        def progress(done: float, total: float, _id: int = doc_id) -> None:
            if on_progress:
                on_progress(_id, done, total)

        try:
            transcript = transcriber.transcribe(path, progress=progress)
        except OverheardError as exc:
            outcome = _mark_failed(case, doc_id, title, str(exc))
        except (RuntimeError, ValueError, OSError, MemoryError) as exc:
            outcome = _mark_failed(case, doc_id, title, f"{type(exc).__name__}: {exc}")
        else:
            outcome = store_transcript(case, doc_id, transcript, transcriber, runs)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    with case.session() as s:
        runs.finish(s)
    return outcomes


def _mark_failed(case: Case, doc_id: int, title: str | None, reason: str) -> TranscribeOutcome:
    with case.session() as s:
        doc = s.get(Document, doc_id)
        if doc is not None:
            doc.status = FAILED
            doc.status_reason = reason
    return TranscribeOutcome(doc_id, title, FAILED, reason=reason)


def store_transcript(
    case: Case, doc_id: int, transcript: Transcript, transcriber: Transcriber, runs: RunRegistry
) -> TranscribeOutcome:
    prov = transcriber.provenance()
    with case.session() as s:
        doc = s.get(Document, doc_id)
        if doc is None:
            raise OverheardError(f"document {doc_id} vanished during transcription")
        run_id = runs.run_id(
            s,
            prov["component"],
            prov["version"],
            model_hash=prov["model_hash"],
            params={k: v for k, v in prov.items() if k not in ("component", "version")},
        )
        old = select(Segment.id).where(Segment.document_id == doc_id)
        s.execute(delete(Translation).where(Translation.segment_id.in_(old)))
        s.execute(delete(Segment).where(Segment.document_id == doc_id))
        spoken: dict[str, float] = {}
        for row in transcript.segment_rows():
            translations = row.pop("translations")
            seg = Segment(document_id=doc_id, run_id=run_id, **row)
            # An English utterance "translated" to English is a copy, not a rendering.
            seg.translations = [
                Translation(run_id=run_id, **t) for t in translations if row["language"] != "en"
            ]
            s.add(seg)
            spoken[row["language"]] = (
                spoken.get(row["language"], 0.0) + row["end_s"] - row["start_s"]
            )
        stats = transcript.as_dict()["stats"]
        doc.language = max(spoken, key=spoken.__getitem__) if spoken else None
        doc.language_confidence = None
        doc.status = TRANSCRIBED if transcript.utterances else NO_SPEECH
        doc.status_reason = (
            None if transcript.utterances else "; ".join(transcript.notes) or "no speech found"
        )
        doc.meta = {
            **(doc.meta or {}),
            "transcript": {
                "languages": transcript.languages,
                "speakers": transcript.speakers,
                "speech_seconds": stats["speech_seconds"],
                "hallucinations_dropped": stats["hallucinations_dropped"],
                "diarization": stats["diarization"],
                "rtf": stats["rtf"],
                "notes": transcript.notes,
                "translated": transcript.translated,
            },
        }
        return TranscribeOutcome(
            doc_id, doc.title, doc.status, len(transcript.utterances), doc.status_reason,
            stats["rtf"],
        )  # fmt: skip
