"""The workbench shows a document's control and bidi characters, never passes them on."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="web extra not installed")

from fastapi.testclient import TestClient  # noqa: E402

from overheard.config import Settings  # noqa: E402
from overheard.ingest.ingest import Ingestor  # noqa: E402
from overheard.store import Case  # noqa: E402
from overheard.web.app import create_app  # noqa: E402


def test_pages_show_bidi_overrides_and_escapes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\u202etxt.exe").write_text("Drones \x1b[31mRED\x1b[0m near Kursk.\n")
    with Case.open(tmp_path / "case") as case:
        Ingestor(case, Settings(languages=("en", "ru"))).ingest([folder])
        with TestClient(
            create_app(case, process_uploads=False), base_url="http://127.0.0.1"
        ) as client:
            pages = [client.get(u).text for u in ("/documents", "/documents/1", "/search?q=drones")]
    for page in pages:
        assert "\u202e" not in page and "\x1b" not in page
    assert "evil⟨RLO⟩txt.exe" in pages[0]
    assert "␛[31mRED" in pages[1]


def test_an_unknown_url_is_the_workbench_s_own_404(tmp_path):
    with Case.open(tmp_path / "case") as case:
        with TestClient(
            create_app(case, process_uploads=False), base_url="http://127.0.0.1"
        ) as client:
            page = client.get("/no/such/page", headers={"accept": "text/html"})
            data = client.get("/no/such/page.json")
    assert page.status_code == 404 and "<html" in page.text.lower()
    assert "no page at /no/such/page" in page.text and '{"detail"' not in page.text
    assert data.status_code == 404 and data.json()["error"].startswith("no page at")


def test_publication_times_keep_their_time_of_day():
    from overheard.web.templating import moment

    assert moment("2025-03-06T09:05:00+00:00") == "2025-03-06 09:05"
    assert moment("2025-03-06T00:00:00") == "2025-03-06"  # a date without a time
    assert moment("2025-03-06") == "2025-03-06"
    assert moment(None) == ""


def test_an_untitled_document_is_named_by_its_file(tmp_path):
    deep = tmp_path / "cases" / "incoming" / "2024"
    deep.mkdir(parents=True)
    (deep / "report.txt").write_text("Drones struck a bridge near Kursk.\n")
    with Case.open(tmp_path / "case") as case:
        Ingestor(case, Settings(languages=("en",))).ingest([deep / "report.txt"])
        with TestClient(
            create_app(case, process_uploads=False), base_url="http://127.0.0.1"
        ) as client:
            listing = client.get("/documents").text
            page = client.get("/documents/1").text
    assert ">report.txt</a>" in listing
    assert "<h1>report.txt <span" in page
    assert str(deep) in page  # the path it was seen under is still shown
