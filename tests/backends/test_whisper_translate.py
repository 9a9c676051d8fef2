"""Whisper's translate task as the translate stage's speech back-end, on a bundled mixed
Russian/English radio call: every non-English utterance gets its own English rendering (by
the stretch it was decoded in), English ones none."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from overheard.backends.translators import Piece, stretches
from overheard.ingest.ingest import Ingestor
from overheard.store.schema import Segment, Translation


def test_stretches_keep_language_channel_and_window() -> None:
    p = [Piece(1, "a", "ru", 0.0, 2.0), Piece(2, "b", "ru", 3.0, 5.0), Piece(3, "c", "uk", 6, 7),
         Piece(4, "d", "uk", 8.0, 40.0), Piece(5, "e", "uk", 41.0, 42.0, channel=1)]  # fmt: skip
    assert [[x.segment_id for x in s] for s in stretches(p)] == [[1, 2], [3], [4], [5]]


def test_whisper_renders_a_mixed_call(case, settings, samples) -> None:
    pytest.importorskip("overheard.speech.transcribe", reason="speech extra not installed")
    from overheard.pipeline.runner import Runner
    from overheard.pipeline.stage import StageConfig

    Ingestor(case, settings, workers=1).ingest([samples / "intercepts" / "call_07.ogg"])
    config = StageConfig(languages=("ru", "uk", "en"), requested=("translate",))
    runner = Runner(case, config, workers=1)
    report = runner.run(["transcribe", "translate"], required=True)
    (outcome,) = report.outcomes["translate"]
    assert not outcome.error and outcome.counts["segments"] >= 2
    with case.reader() as s:
        segments = s.scalars(select(Segment).order_by(Segment.idx)).all()
        rendered = {t.segment_id: t for t in s.scalars(select(Translation))}
    assert {seg.language for seg in segments} >= {"ru", "en"}
    for seg in segments:
        if seg.language == "en":
            assert seg.id not in rendered  # English needs no rendering
        elif seg.id in rendered:
            t = rendered[seg.id]
            assert t.backend == "whisper" and t.model.startswith("whisper-base@")
            assert t.language == "en" and t.text.isascii() and t.text.strip()
    assert sum(seg.language != "en" for seg in segments) - len(rendered) <= 1
