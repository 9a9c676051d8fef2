"""Each kind of bad input gets a clear, specific error, and nothing else is harmed."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from overheard.config import Settings
from overheard.ingest.ingest import FAILED, NEW, Ingestor


def one_failure(case, settings, path: Path, **kw) -> str:
    report = Ingestor(case, settings, **kw).ingest([path])
    assert report.count(FAILED) == 1, report.outcomes
    assert report.count(NEW) == 0
    reason = report.failures[0].reason
    assert reason and "\n" not in reason
    return reason


def test_missing_path(case, settings, tmp_path):
    assert one_failure(case, settings, tmp_path / "nope.txt") == "no such file or folder"


def test_empty_file(case, settings, tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    assert one_failure(case, settings, f) == "empty file (0 bytes)"


def test_whitespace_only(case, settings, tmp_path):
    f = tmp_path / "blank.txt"
    f.write_text("  \n\n\t ", encoding="utf-8")
    assert "only whitespace" in one_failure(case, settings, f)


def test_binary_named_txt(case, settings, tmp_path):
    f = tmp_path / "report.txt"
    f.write_bytes(b"%PDF-1.7\n\x00\x01\x02binary stream")
    assert (
        one_failure(case, settings, f)
        == "not a text file: the bytes look like a PDF document (NUL bytes found)"
    )
    g = tmp_path / "random.txt"
    g.write_bytes(bytes(range(256)) * 4)
    assert "not a text file" in one_failure(case, settings, g)


def test_text_named_wav(case, settings, samples):
    reason = one_failure(case, settings, samples / "intercepts" / "bad_not_audio.wav")
    assert reason.startswith("not audio: the file holds text")


def test_truncated_audio(case, settings, samples):
    reason = one_failure(case, settings, samples / "intercepts" / "bad_truncated.ogg")
    assert "truncated or damaged" in reason


def test_truncated_wav_and_mp3(case, settings, samples, tmp_path):
    wav = (samples / "intercepts" / "call_06.wav").read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(wav[:30])  # header cut inside the RIFF chunk list
    assert "audio" in one_failure(case, settings, cut)


def test_zero_length_audio(case, settings, tmp_path):
    import wave

    f = tmp_path / "zero.wav"
    with wave.open(str(f), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"")
    assert "no audio samples" in one_failure(case, settings, f)


def test_invalid_utf8(case, settings, tmp_path):
    f = tmp_path / "bad.txt"
    f.write_bytes("Первая строка\nвторая ".encode() + b"\xff\xfe\xfa broken")
    reason = one_failure(case, settings, f)
    assert reason.startswith("invalid UTF-8 at byte 39 (line 2)")
    assert "--encoding" in reason


def test_malformed_json_file(case, settings, tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('{"text": "a",\n "title": }', encoding="utf-8")
    assert one_failure(case, settings, f).startswith("invalid JSON at line 2")


def test_file_over_size_limit(case, tmp_path):
    f = tmp_path / "big.txt"
    f.write_text("word " * 400, encoding="utf-8")
    small = Settings(max_file_bytes=1000)
    reason = one_failure(case, small, f)
    assert "over the 1000 bytes limit" in reason and "--max-size" in reason


def test_symlink_loop(case, settings, tmp_path):
    root = tmp_path / "loop"
    root.mkdir()
    (root / "a.txt").write_text("Some text.", encoding="utf-8")
    (root / "back").symlink_to(root)  # a folder that contains itself
    (root / "self").symlink_to(root / "self")  # a link to itself
    report = Ingestor(case, settings).ingest([root])
    assert report.count(NEW) == 1
    reasons = sorted(o.reason for o in report.failures)
    assert reasons == [
        "symbolic link loop",
        "symbolic link loop (links back to a folder above it); skipped",
    ]


def test_unreadable_files_in_folder(case, settings, tmp_path, monkeypatch):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "ok.txt").write_text("Readable text.", encoding="utf-8")
    locked = folder / "locked.txt"
    locked.write_text("Secret text.", encoding="utf-8")
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads everything: make the read fail the way it does for a user
        real_open = Path.open

        def guarded(self, *a, **k):
            if self == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *a, **k)

        monkeypatch.setattr(Path, "open", guarded)
    report = Ingestor(case, settings).ingest([folder])
    assert report.count(NEW) == 1
    assert [o.reason for o in report.failures] == ["permission denied"]


def test_unknown_binary_extension(case, settings, tmp_path):
    f = tmp_path / "photo.xyz"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert (
        one_failure(case, settings, f)
        == "unsupported file type (a PNG image): overheard reads .txt .md .html .json .jsonl, "
        "feeds (.rss .atom .xml), web archives (.warc .warc.gz .wacz) and audio/video files"
    )


def test_broken_html(case, settings, tmp_path):
    f = tmp_path / "page.html"
    f.write_text(
        "<html><head><script>var x = 1;</script><style>p {}</style></head><body><div>",
        encoding="utf-8",
    )
    assert one_failure(case, settings, f).startswith("no article text found in the HTML")


def test_failures_do_not_harm_the_case(case, settings, samples, tmp_path):
    good = samples / "reports" / "perehvat-ru.txt"
    Ingestor(case, settings).ingest([good])
    before = case.counts()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    Ingestor(case, settings).ingest([bad])
    after = case.counts()
    assert after["documents"] == before["documents"]
    assert after["segments"] == before["segments"]
    assert after["failures"] == 1


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=2000),
    ext=st.sampled_from(
        [".txt", ".md", ".html", ".json", ".jsonl", ".wav", ".mp3", ".ogg", ".bin"]
    ),
)
def test_random_bytes_never_crash(case, settings, tmp_path_factory, data, ext):
    folder = tmp_path_factory.mktemp("fuzz")
    f = folder / f"input{ext}"
    f.write_bytes(data)
    before = case.counts()
    report = Ingestor(case, settings).ingest([f])
    for outcome in report.outcomes:
        assert outcome.status in ("new", "present", "duplicate", "failed")
        if outcome.status == "failed":
            assert outcome.reason and "\n" not in outcome.reason
    after = case.counts()
    assert after["documents"] >= before["documents"]
    with case.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["text", "title", "date", "source", "url", "x"]), children, max_size=5
        )
    ),
    max_leaves=12,
)


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(json_values, min_size=1, max_size=6))
def test_random_json_lines(case, settings, tmp_path_factory, lines):
    import json

    folder = tmp_path_factory.mktemp("jsonfuzz")
    f = folder / "records.jsonl"
    f.write_text("\n".join(json.dumps(v) for v in lines), encoding="utf-8")
    report = Ingestor(case, settings).ingest([f])
    for outcome in report.outcomes:
        if outcome.status == "failed":
            assert outcome.reason.startswith("line ") or outcome.reason
    with case.reader() as s:
        from sqlalchemy import select

        from overheard.store.schema import Document

        for doc in s.scalars(select(Document)):
            for seg in doc.segments:
                assert doc.text[seg.start_char : seg.end_char] == seg.text
