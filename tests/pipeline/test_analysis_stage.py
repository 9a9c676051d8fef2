"""Text analysis written into the case: mentions, shared entities, statements, events, all with
evidence that slices back to the words; re-analysis replaces, never mixes."""

from __future__ import annotations

import jsonschema
import pytest
from sqlalchemy import func, select

from overheard.export.jsonl import records, schema
from overheard.ingest.ingest import Ingestor
from overheard.store.schema import Document, Entity, Event, Mention, Segment, Statement

pytest.importorskip("overheard.text.analyze", reason="text extra not installed")


def _runner(case):
    from overheard.pipeline.runner import Runner
    from overheard.pipeline.stage import StageConfig

    return Runner(case, StageConfig(lexicon_dir=case.root / "lexicons"), workers=1)


def test_reports_analysed_with_evidence(case, settings, samples):
    Ingestor(case, settings, workers=1).ingest([samples / "reports"])
    runner = _runner(case)
    assert len(runner.pending("analyse")) == 6
    outcomes = runner.run(["analyse"]).outcomes["analyse"]
    assert not [o for o in outcomes if o.error]
    assert runner.pending("analyse") == []

    with case.reader() as s:
        for m in s.scalars(select(Mention)):
            doc = s.get(Document, m.document_id)
            assert doc.text[m.start_char : m.end_char] == m.text
            if m.segment_id is not None:
                seg = s.get(Segment, m.segment_id)
                assert seg.start_char <= m.start_char < seg.end_char
            assert m.source in (
                "spacy",
                "natasha",
                "rules",
                "gazetteer",
                "dates",
                "frame",
                "nested",
            )
        for st in s.scalars(select(Statement)):
            doc = s.get(Document, st.document_id)
            assert doc.text[st.content_start : st.content_end] == st.content
            if st.speaker_antecedent is not None:
                assert st.speaker_antecedent_start is not None
        for ev in s.scalars(select(Event)):
            doc = s.get(Document, ev.document_id)
            assert (
                ev.trigger_text and doc.text[ev.trigger_start : ev.trigger_end] == ev.trigger_text
            )
        # A place's point is one typed field.
        kursk = s.scalars(select(Entity).where(Entity.name.in_(("Kursk", "Курск")))).first()
        assert kursk is not None and 50 < kursk.latitude < 53 and 34 < kursk.longitude < 38
        assert "lat" not in (kursk.meta or {}).get("geo", {})
        # One Peskov across the English and the Russian report, one K Battalion, one Kursk.
        peskov = s.scalars(select(Entity).where(Entity.key == "PERSON:d peskov")).one()
        assert {n["name"] for n in peskov.names} == {"Dmitry Peskov", "Дмитрий Песков"}
        unit = s.scalars(select(Entity).where(Entity.key == "MIL_UNIT:unit:battalion:k")).one()
        assert {n["name"] for n in unit.names} >= {"K Battalion", "батальон К"}
        units = set(s.scalars(select(Mention.normal).where(Mention.label == "MIL_UNIT")))
        assert "K Battalion" in units and "батальон К" in units
        acts = set(s.scalars(select(Statement.act)))
        assert {"assert", "urge", "deny", "warn"} <= acts
        hedged = s.scalars(select(Statement).where(Statement.hedged.is_(True))).all()
        assert any("allegedly" in (st.hedges or []) for st in hedged)
        assert s.scalar(select(func.count()).select_from(Event)) > 0
        # The Russian report has no publication date: its dateline («4 марта 2025 года»)
        # anchors «в ночь на 3 марта» (the night before the 3rd) and «завтра».
        night = s.scalars(select(Mention).where(Mention.text == "в ночь на 3 марта")).one()
        assert night.normal == "2025-03-02T21:00:00"
        assert "1969" not in " ".join(filter(None, s.scalars(select(Mention.normal))))
        counts = (
            s.scalar(select(func.count()).select_from(Mention)),
            s.scalar(select(func.count()).select_from(Statement)),
            s.scalar(select(func.count()).select_from(Entity)),
        )

    # again: replaced, not doubled
    runner.run(["analyse"], redo=True)
    with case.reader() as s:
        assert counts == (
            s.scalar(select(func.count()).select_from(Mention)),
            s.scalar(select(func.count()).select_from(Statement)),
            s.scalar(select(func.count()).select_from(Entity)),  # superseded ones dropped
        )

    validator = jsonschema.Draft202012Validator(schema())
    seen = set()
    for rec in records(case):
        validator.validate(rec)
        seen.add(rec["type"])
    assert {"mention", "entity", "statement", "event"} <= seen


def test_transcript_utterances_are_direct_statements(case, settings, samples):
    Ingestor(case, settings, workers=1).ingest([samples / "intercepts" / "call_05.ogg"])
    with case.session() as s:
        doc = s.scalars(select(Document)).one()
        doc.status = "transcribed"  # as the speech stage leaves it
        for i, (speaker, text) in enumerate(
            [
                ("A", "Где батальон К? Командир сказал ждать в Судже."),
                ("B", "Не знаю, где он сейчас."),
                ("A", "Да."),
            ]
        ):
            s.add(Segment(document_id=doc.id, idx=i, start_s=i * 3.0, end_s=i * 3.0 + 2.5,
                          speaker=speaker, language="ru", text=text))  # fmt: skip
    _runner(case).run(["analyse"])
    with case.reader() as s:
        sts = s.scalars(select(Statement).where(Statement.direct.is_(True))
                        .order_by(Statement.start_s)).all()  # fmt: skip
        utterance_level = [
            st for st in sts if st.speaker_text and st.speaker_text.startswith("Speaker")
        ]
        # «Да.» says nothing to record: no statement of its own.
        assert [st.speaker_text for st in utterance_level] == ["Speaker A", "Speaker B"]
        assert utterance_level[0].start_s == 0.0 and utterance_level[1].end_s == 5.5
        assert [st.act for st in utterance_level] == ["assert", "assert"]
        for m in s.scalars(select(Mention)):
            seg = s.get(Segment, m.segment_id)
            assert seg.text[m.start_char : m.end_char] == m.text
        assert "батальон К" in set(s.scalars(select(Mention.normal)))


def test_names_the_asr_was_unsure_of_are_no_mentions(case, settings, samples):
    Ingestor(case, settings, workers=1).ingest([samples / "intercepts" / "call_05.ogg"])
    text = "Кэмандир сказал, что Петренко будет в Судже. Разбирайся сам."
    words = [[0.0, 0.5, " Кэмандир", 0.21], [0.5, 0.9, " сказал,", 0.95], [0.9, 1.0, " что", 0.99],
             [1.0, 1.5, " Петренко", 0.82], [1.5, 1.7, " будет", 0.97], [1.7, 1.8, " в", 0.99],
             [1.8, 2.3, " Судже.", 0.9], [2.3, 2.8, " Разбирайся", 0.84], [2.8, 3.0, " сам.", 0.9]]  # fmt: skip
    with case.session() as s:
        doc = s.scalars(select(Document)).one()
        doc.status = "transcribed"
        s.add(Segment(document_id=doc.id, idx=0, start_s=0.0, end_s=2.3, speaker="A",
                      language="ru", text=text, meta={"words": words}))  # fmt: skip
    (outcome,) = _runner(case).run(["analyse"]).outcomes["analyse"]
    with case.reader() as s:
        found = {m.text for m in s.scalars(select(Mention))}
    # natasha reads «Кэмандир» as a person (Whisper gave it 0.21) and the capitalised verb
    # «Разбирайся» too (heard at 0.84): both dropped, and counted.
    assert "Петренко" in found and "Судже" in found
    assert "Кэмандир" not in found and "Разбирайся" not in found
    assert outcome.counts["unsure names"] == 2
