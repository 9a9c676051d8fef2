"""Ingest guarantees: idempotency, duplicate recognition, failures recorded, originals intact."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import func, select

from overheard.ingest.ingest import DUPLICATE, FAILED, NEW, PRESENT, Ingestor
from overheard.store.schema import Document, IngestFailure, Origin, Segment


def _docs(case) -> int:
    with case.reader() as s:
        return s.scalar(select(func.count()).select_from(Document))


def test_samples_ingest_and_reingest_is_a_noop(case, settings, samples):
    inputs = [samples / "reports", *sorted((samples / "intercepts").glob("call_0[12].*"))]
    first = Ingestor(case, settings).ingest(inputs)
    assert first.count(FAILED) == 2  # the two reference .json files have no text field
    new = first.count(NEW)
    assert new == 6 + 2  # 6 report documents (3 JSONL records) + 2 recordings
    counts = case.counts()
    again = Ingestor(case, settings).ingest(inputs)
    assert again.count(NEW) == 0
    assert again.count(PRESENT) == new
    assert case.counts()["documents"] == counts["documents"]
    assert case.counts()["segments"] == counts["segments"]


def test_languages_recorded(case, settings, samples):
    Ingestor(case, settings).ingest([samples / "reports"])
    with case.reader() as s:
        langs = {d.title: d.language for d in s.scalars(select(Document))}
    assert langs["Заявление губернатора"] == "ru"
    assert langs["Заява Генштабу"] == "uk"
    assert langs["Morning summary"] == "en"
    assert langs["Перехват: военные жалуются на нехватку пайков под Курском"] == "ru"


def test_same_text_under_another_name_is_recognised(case, settings, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Zelensky urged allies to act.\nThe Kremlin denied it.\n", encoding="utf-8")
    b = tmp_path / "copy-of-a.md"
    b.write_bytes(a.read_bytes())  # same bytes, other name
    c = tmp_path / "rewrapped.txt"
    c.write_text("Zelensky urged allies to act.  The Kremlin\ndenied it.", encoding="utf-8")
    report = Ingestor(case, settings).ingest([a, b, c])
    statuses = [o.status for o in report.outcomes]
    assert statuses == [NEW, PRESENT, DUPLICATE]
    assert _docs(case) == 1
    with case.reader() as s:
        paths = sorted(o.path for o in s.scalars(select(Origin)))
    assert paths == sorted(map(str, (a, b, c)))
    # the rewrapped file's own bytes are kept too: nothing is lost
    assert hashlib.sha256(c.read_bytes()).hexdigest() in case.blobs


def test_originals_kept_byte_for_byte(case, settings, samples):
    files = [samples / "reports" / "statement-en.html", samples / "intercepts" / "call_02.ogg"]
    Ingestor(case, settings).ingest(files)
    with case.reader() as s:
        shas = set(s.scalars(select(Document.blob_sha256)))
    for f in files:
        sha = hashlib.sha256(f.read_bytes()).hexdigest()
        assert sha in shas
        assert case.blobs.read(sha) == f.read_bytes()
        assert case.blobs.verify(sha)


def test_html_boilerplate_dropped(case, settings, samples):
    Ingestor(case, settings).ingest([samples / "reports" / "statement-en.html"])
    with case.reader() as s:
        doc = s.scalars(select(Document)).one()
    assert "grave concern" in doc.text
    assert "Home" not in doc.text and "Contact" not in doc.text
    assert doc.title.startswith("Statement on the reported deployment")


def test_jsonl_keeps_good_lines_and_reports_line_numbers(case, settings, tmp_path):
    f = tmp_path / "posts.jsonl"
    f.write_text(
        "\n".join(
            [
                json.dumps(
                    {"text": "First post about Kursk.", "source": "Chan", "date": "2025-03-01"}
                ),
                '{"text": "broken line", ',
                json.dumps({"title": "no text here"}),
                json.dumps({"text": "Второй пост о Судже.", "url": "https://example.org/2"}),
            ]
        ),
        encoding="utf-8",
    )
    report = Ingestor(case, settings).ingest([f])
    assert report.count(NEW) == 2
    reasons = [o.reason for o in report.failures]
    assert reasons[0].startswith("line 2: invalid JSON")
    assert reasons[1] == "line 3: no 'text' field (a string) in the record"
    with case.reader() as s:
        docs = s.scalars(select(Document).order_by(Document.part)).all()
        assert [d.part for d in docs] == [1, 4]
        assert docs[0].source.name == "Chan"
        assert docs[0].published_at.year == 2025
        assert docs[1].url == "https://example.org/2"
        failures = s.scalars(select(IngestFailure)).all()
        assert {f.part for f in failures} == {2, 3}


def test_failure_resolved_when_fixed(case, settings, tmp_path):
    f = tmp_path / "later.txt"
    f.write_bytes(b"")
    assert Ingestor(case, settings).ingest([f]).count(FAILED) == 1
    assert case.counts()["failures"] == 1
    f.write_text("Now it has text.", encoding="utf-8")
    assert Ingestor(case, settings).ingest([f]).count(NEW) == 1
    assert case.counts()["failures"] == 0


def test_segments_are_exact_slices(case, settings, samples):
    Ingestor(case, settings).ingest([samples / "reports"])
    with case.reader() as s:
        for doc in s.scalars(select(Document)):
            assert doc.segments, doc.title
            for seg in doc.segments:
                assert doc.text[seg.start_char : seg.end_char] == seg.text
        n = s.scalar(select(func.count()).select_from(Segment))
    assert n > 20


def test_audio_is_stored_and_awaits_transcription(case, settings, samples):
    report = Ingestor(case, settings).ingest([samples / "intercepts" / "call_04.mp3"])
    assert report.count(NEW) == 1
    with case.reader() as s:
        doc = s.scalars(select(Document)).one()
    assert doc.kind == "audio"
    assert doc.status == "awaiting_transcription"
    assert abs(doc.duration_s - 31.4) < 0.2
    assert doc.sample_rate == 16000 and doc.channels == 1


def test_source_option_applies_to_files(case, settings, samples):
    Ingestor(case, settings, source="GUR release").ingest([samples / "reports" / "perehvat-ru.txt"])
    with case.reader() as s:
        doc = s.scalars(select(Document)).one()
        assert doc.source.name == "GUR release"


def test_encoding_option_reads_cp1251(case, settings, tmp_path):
    f = tmp_path / "old.txt"
    f.write_bytes("Командир бригады заявил, что позиции удержаны.".encode("cp1251"))
    assert Ingestor(case, settings).ingest([f]).count(FAILED) == 1
    report = Ingestor(case, settings, encoding="cp1251").ingest([f])
    assert report.count(NEW) == 1
    with case.reader() as s:
        assert s.scalars(select(Document)).one().text.startswith("Командир")


def test_walk_is_recursive_and_skips_hidden(case, settings, tmp_path: Path):
    (tmp_path / "in" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "in" / ".git").mkdir()
    (tmp_path / "in" / ".git" / "x.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "in" / "deep" / "er" / "a.txt").write_text("Deep text.", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("Top text.", encoding="utf-8")
    report = Ingestor(case, settings).ingest([tmp_path / "in"])
    assert report.count(NEW) == 2 and not report.failures
