"""Recordings in a case: transcribed into timed, speaker-labelled segments; failures kept and
resumed. Uses the real Whisper base model (the speech extra); skipped without it."""

from __future__ import annotations

import os
import shutil

import pytest
from sqlalchemy import select

from overheard.ingest.ingest import Ingestor
from overheard.store.schema import Document, Run, Segment

speech = pytest.importorskip("overheard.speech.transcribe", reason="speech extra not installed")


@pytest.fixture(scope="module")
def transcriber():
    from overheard.errors import NotAvailable

    try:
        return speech.Transcriber(speech.TranscriberOptions(languages=("ru", "uk", "en")))
    except NotAvailable as exc:
        pytest.skip(f"speech model not available: {exc}")


def test_transcribe_store_search_and_resume(case, settings, samples, transcriber):
    from overheard.pipeline import speech as stage
    from overheard.store.search import search

    Ingestor(case, settings, workers=1).ingest(
        [samples / "intercepts" / "call_06.wav", samples / "intercepts" / "call_08.wav"]
    )
    todo = stage.pending(case)
    assert len(todo) == 2

    # Damage one stored original: its transcription fails, is recorded, and is retried later.
    with case.reader() as r:
        english = r.scalars(select(Document).where(Document.title == "call_06")).one()
    blob = case.blobs.path_for(english.blob_sha256)
    saved = blob.with_suffix(".saved")
    shutil.copy(blob, saved)
    os.chmod(blob, 0o644)
    blob.write_bytes(b"RIFF\x00\x00")
    first = {o.document_id: o for o in stage.transcribe_documents(case, transcriber, todo)}
    assert first[english.id].status == stage.FAILED and first[english.id].reason
    noise = next(o for o in first.values() if o.document_id != english.id)
    assert noise.status == stage.NO_SPEECH and noise.segments == 0

    shutil.copy(saved, blob)
    assert stage.pending(case) == [english.id]
    (again,) = stage.transcribe_documents(case, transcriber, stage.pending(case))
    assert again.status == stage.TRANSCRIBED and again.segments >= 1

    with case.reader() as r:
        doc = r.get(Document, english.id)
        assert doc.language == "en" and doc.status == "transcribed"
        segs = r.scalars(select(Segment).where(Segment.document_id == doc.id)).all()
        assert all(s.start_s < s.end_s <= doc.duration_s + 0.5 for s in segs)
        assert all(s.speaker and s.language == "en" and s.text.strip() for s in segs)
        run = r.get(Run, segs[0].run_id)
        assert run.component and run.model_hash and len(run.model_hash) == 64
    assert stage.pending(case) == []

    words = " ".join(s.text for s in segs).split()
    hits = search(case, words[len(words) // 2].strip(".,"))
    assert any(h.start_s is not None and h.speaker for h in hits)

    # A redo replaces the transcript whole: same number of segments, no duplicates.
    (redo,) = stage.transcribe_documents(case, transcriber, [english.id])
    with case.reader() as r:
        n = len(r.scalars(select(Segment).where(Segment.document_id == english.id)).all())
    assert n == redo.segments == len(segs)
