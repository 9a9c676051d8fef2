"""Recordings in a case: transcribed into timed, speaker-labelled segments; failures kept and
resumed. Uses the real Whisper base model (the speech extra); skipped without it."""

from __future__ import annotations

import os
import shutil

import pytest
from sqlalchemy import select

from overheard.ingest.ingest import Ingestor
from overheard.store.schema import Document, Run, Segment

pytest.importorskip("overheard.speech.transcribe", reason="speech extra not installed")


def test_transcribe_store_search_and_resume(case, settings, samples):
    from overheard.pipeline.runner import Runner
    from overheard.pipeline.stage import StageConfig
    from overheard.store.search import search

    Ingestor(case, settings, workers=1).ingest(
        [samples / "intercepts" / "call_06.wav", samples / "intercepts" / "call_08.wav"]
    )
    runner = Runner(case, StageConfig(languages=("ru", "uk", "en")), workers=1)
    if runner.stage("transcribe").unavailable():
        pytest.skip(runner.stage("transcribe").unavailable())
    todo = runner.pending("transcribe")
    assert len(todo) == 2

    # Damage one stored original: its transcription fails, is recorded, and is retried later.
    with case.reader() as r:
        english = r.scalars(select(Document).where(Document.title == "call_06")).one()
    blob = case.blobs.path_for(english.blob_sha256)
    saved = blob.with_suffix(".saved")
    shutil.copy(blob, saved)
    os.chmod(blob, 0o644)
    blob.write_bytes(b"RIFF\x00\x00")
    first = {o.document_id: o for o in runner.run(["transcribe"]).outcomes["transcribe"]}
    assert first[english.id].error
    noise = next(o for o in first.values() if o.document_id != english.id)
    assert not noise.error and noise.counts["utterances"] == 0
    with case.reader() as r:
        assert r.get(Document, english.id).status == "transcription_failed"
        assert r.get(Document, noise.document_id).status == "no_speech"

    shutil.copy(saved, blob)
    assert runner.pending("transcribe") == [english.id]
    (again,) = runner.run(["transcribe"]).outcomes["transcribe"]
    assert not again.error and again.counts["utterances"] >= 1

    with case.reader() as r:
        doc = r.get(Document, english.id)
        assert doc.language == "en" and doc.status == "transcribed"
        segs = r.scalars(select(Segment).where(Segment.document_id == doc.id)).all()
        assert all(s.start_s < s.end_s <= doc.duration_s + 0.5 for s in segs)
        assert all(s.speaker and s.language == "en" and s.text.strip() for s in segs)
        run = r.get(Run, segs[0].run_id)
        assert run.component == "stage:transcribe"
        assert run.model_hash and len(run.model_hash) == 64
    assert runner.pending("transcribe") == []
    # The transcript is new: its analysis is pending.
    assert english.id in runner.pending("analyse")

    words = " ".join(s.text for s in segs).split()
    hits = search(case, words[len(words) // 2].strip(".,"))
    assert any(h.start_s is not None and h.speaker for h in hits)

    # A redo replaces the transcript whole: same number of segments, no duplicates.
    (redo,) = runner.run(["transcribe"], ids=[english.id]).outcomes["transcribe"]
    with case.reader() as r:
        n = len(r.scalars(select(Segment).where(Segment.document_id == english.id)).all())
    assert n == redo.counts["utterances"] == len(segs)
