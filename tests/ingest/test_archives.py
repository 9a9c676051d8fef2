"""WARC and WACZ web archives, written here with warcio: each archived page's main text is a
document and each archived recording a recording, with the archived URL and the capture as
provenance; everything else is passed over; a damaged record is a failure of its own and the
records after it are kept."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from overheard.ingest.ingest import FAILED, NEW, PRESENT, Ingestor
from overheard.store.schema import Document

PAGE = """<!doctype html><html><head><title>Bridge report</title>
<meta name="date" content="2024-03-04"></head><body><nav>Home | News | Contact</nav>
<article><h1>Officials deny the bridge was struck</h1>
<p>The regional administration said on Monday that the bridge over the river had not been
struck, contradicting reports published overnight by several channels.</p>
<p>"The bridge is intact and open to traffic," a spokesman told reporters at a briefing in the
regional capital.</p>
<p>Residents posted videos that they said showed smoke near the bridge late on Sunday.</p>
</article><footer>Copyright</footer></body></html>"""
CAPTURED = "2024-03-05T08:00:00Z"


def build_warc(samples: Path, gz: bool = True) -> bytes:
    """A request, an article, a stylesheet, an archived voice note and a 404 page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)

    def response(uri: str, content_type: str, body: bytes, status: str = "200 OK") -> None:
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                      http_headers=http,
                                      warc_headers_dict={"WARC-Date": CAPTURED})
        )  # fmt: skip

    writer.write_record(
        writer.create_warc_record("https://news.example.org/bridge", "request",
                                  payload=io.BytesIO(b"GET /bridge HTTP/1.1\r\n\r\n"),
                                  warc_content_type="application/http; msgtype=request")
    )  # fmt: skip
    response("https://news.example.org/bridge", "text/html; charset=utf-8", PAGE.encode())
    response("https://news.example.org/style.css", "text/css", b"body { color: black }")
    response("https://news.example.org/media/call.ogg", "audio/ogg",
             (samples / "intercepts" / "call_02.ogg").read_bytes())  # fmt: skip
    response("https://news.example.org/gone", "text/html", b"<p>Not found</p>", "404 Not Found")
    return out.getvalue()


def _starts(data: bytes, gz: bool) -> list[int]:
    """Each record's first byte."""
    marker = b"\x1f\x8b\x08" if gz else b"WARC/1.0\r\n"
    found, at = [], data.find(marker)
    while at != -1:
        found.append(at)
        at = data.find(marker, at + 1)
    return found


def _docs(case) -> list[Document]:
    with case.reader() as s:
        return list(s.scalars(select(Document).order_by(Document.id)))


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_archived_pages_and_recordings(case, settings, samples, tmp_path, gz):
    warc = tmp_path / ("capture.warc.gz" if gz else "capture.warc")
    warc.write_bytes(build_warc(samples, gz))
    report = Ingestor(case, settings).ingest([warc])
    assert [(o.part, o.status) for o in report.outcomes] == [(2, NEW), (4, NEW)]
    page, call = _docs(case)
    assert page.title == "Officials deny the bridge was struck"
    assert page.text.startswith("Officials deny the bridge was struck\nThe regional administration")
    assert "Home | News" not in page.text and "Copyright" not in page.text
    assert page.url == "https://news.example.org/bridge"
    assert page.published_text == "2024-03-04"  # the page's own date; the capture is in meta
    archive = page.meta["archive"]
    assert (archive["archived_url"], archive["captured_at"], archive["warc"]) == (
        "https://news.example.org/bridge", CAPTURED, warc.name
    )  # fmt: skip
    assert archive["record_id"].startswith("<urn:uuid:")
    assert (call.kind, call.status, call.url) == (
        "audio", "awaiting_transcription", "https://news.example.org/media/call.ogg"
    )  # fmt: skip
    assert call.duration_s == pytest.approx(29.5, abs=0.1)
    assert call.meta["archive"]["captured_at"] == CAPTURED and call.meta["codec"] == "opus"
    # The same archive again changes nothing.
    again = Ingestor(case, settings).ingest([warc])
    assert [o.status for o in again.outcomes] == [PRESENT, PRESENT]


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_a_damaged_record_is_a_failure_and_the_rest_is_kept(case, settings, samples, tmp_path, gz):
    data = build_warc(samples, gz)
    css = _starts(data, gz)[2]  # the stylesheet's record, between the page and the recording
    damaged = data[:css] + b"\x00" * 12 + data[css + 12 :]
    warc = tmp_path / ("damaged.warc.gz" if gz else "damaged.warc")
    warc.write_bytes(damaged)
    report = Ingestor(case, settings).ingest([warc])
    assert [(o.part, o.status) for o in report.outcomes] == [(2, NEW), (3, FAILED), (4, NEW)]
    reason = report.failures[0].reason
    assert reason.startswith(f"{warc.name}: the record at byte {css} is damaged: ")
    assert [d.kind for d in _docs(case)] == ["text", "audio"]


def test_an_archive_cut_short(case, settings, samples, tmp_path):
    data = build_warc(samples)
    recording = _starts(data, True)[3]
    warc = tmp_path / "cut.warc.gz"
    warc.write_bytes(data[: recording + 500])  # inside the recording
    report = Ingestor(case, settings).ingest([warc])
    assert [(o.part, o.status) for o in report.outcomes] == [(2, NEW), (4, FAILED)]
    assert report.failures[0].reason.startswith(
        "cut.warc.gz: record 4 (https://news.example.org/media/call.ogg) is cut short ("
    )


def test_wacz(case, settings, samples, tmp_path):
    wacz = tmp_path / "capture.wacz"
    with zipfile.ZipFile(wacz, "w") as z:
        z.writestr("archive/data.warc.gz", build_warc(samples))
        z.writestr("pages/pages.jsonl", json.dumps({"url": "https://news.example.org/bridge"}))
        z.writestr("datapackage.json", json.dumps({"profile": "data-package"}))
    broken = tmp_path / "broken.wacz"
    broken.write_bytes(wacz.read_bytes()[:300])
    report = Ingestor(case, settings).ingest([wacz, broken])
    assert [o.status for o in report.outcomes] == [NEW, NEW, FAILED]
    page, call = _docs(case)
    assert page.meta["archive"]["warc"] == "archive/data.warc.gz" and call.kind == "audio"
    assert report.failures[0].reason == "not a WACZ file: not a ZIP archive (or a damaged one)"


def test_not_a_web_archive(case, settings, tmp_path):
    text = tmp_path / "notes.warc"
    text.write_text("These are notes, not an archive.\n", encoding="utf-8")
    png = tmp_path / "image.warc.gz"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    report = Ingestor(case, settings).ingest([text, png])
    assert [o.reason for o in report.outcomes] == [
        "not a WARC file: it starts with neither a WARC/1.x header nor gzip",
        "not a WARC file: it starts with neither a WARC/1.x header nor gzip "
        "(the bytes look like a PNG image)",
    ]
