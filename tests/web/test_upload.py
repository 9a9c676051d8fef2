"""Uploads go through the CLI's ingest, with the same outcomes and the same reasons."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from overheard.config import Settings
from overheard.ingest.ingest import Ingestor
from overheard.store import Case
from overheard.web.app import create_app
from overheard.web.upload import safe_name

from .conftest import SAMPLES


def test_upload_ingests_and_refuses_like_the_cli(empty_case: Case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = SAMPLES / "intercepts" / "bad_truncated.ogg"
    good = SAMPLES / "reports" / "perehvat-ru.txt"
    with TestClient(
        create_app(empty_case, process_uploads=False), base_url="http://127.0.0.1"
    ) as c:
        response = c.post(
            "/upload.json",
            files=[
                ("files", (good.name, good.read_bytes(), "text/plain")),
                ("files", (bad.name, bad.read_bytes(), "audio/ogg")),
            ],  # fmt: skip
            data={"source": "analyst upload"},
        )
        assert response.status_code == 200
        result = response.json()
        assert result["summary"] == {"new": 1, "present": 0, "duplicate": 0, "failed": 1}
        new, failed = result["outcomes"]
        assert new["file"] == good.name and new["url"] == f"/documents/{new['document_id']}"
        assert failed["file"] == bad.name
        # The CLI's ingest, run on the same file, gives the same reason.
        cli_case = Case.open(tmp_path / "cli")
        cli = Ingestor(cli_case, Settings(), workers=1).ingest([bad]).outcomes[0]
        cli_case.close()
        assert failed["reason"] == cli.reason
        again = c.post(
            "/upload.json", files={"files": (good.name, good.read_bytes(), "text/plain")}
        )
        assert again.json()["outcomes"][0]["status"] == "present"
        documents = c.get("/documents.json").json()
        assert documents["total"] == 1
        assert documents["documents"][0]["source"]["name"] == "analyst upload"
        assert documents["failures"][0]["reason"] == cli.reason


def test_upload_form_answers_htmx_with_a_fragment(empty_case: Case) -> None:
    with TestClient(
        create_app(empty_case, process_uploads=False), base_url="http://127.0.0.1"
    ) as c:
        response = c.post(
            "/upload",
            files={"files": ("empty.txt", b"", "text/plain")},
            headers={"hx-request": "true"},
        )
        assert response.status_code == 200
        assert "<html" not in response.text and "outcome-failed" in response.text
        assert "empty.txt" in response.text
        page = c.post(
            "/upload", files={"files": ("../../etc/passwd", b"a plain note", "text/plain")}
        )
        assert "<html" in page.text and "passwd" in page.text


@pytest.mark.parametrize(
    ("given_name", "stored"),
    [("report.txt", "report.txt"), ("../../x.txt", "x.txt"), ("C:\\Users\\a\\b.wav", "b.wav"),
     (".hidden", "hidden"), ("", "upload-3"), ("..", "upload-3"), ("a\x00b", "a_b")],
)  # fmt: skip
def test_safe_name(given_name: str, stored: str) -> None:
    assert safe_name(given_name, 3) == stored


@given(st.text(max_size=300))
def test_safe_name_never_names_a_path(name: str) -> None:
    out = safe_name(name, 0)
    assert out and "/" not in out and "\\" not in out and not out.startswith(".")
    assert len(out) <= 200


def test_uploaded_text_is_analysed_in_the_background(empty_case: Case) -> None:
    pytest.importorskip("overheard.text.analyze", reason="text extra not installed")
    import time

    from sqlalchemy import func, select

    from overheard.store.schema import Origin, Statement

    good = SAMPLES / "reports" / "perehvat-ru.txt"
    with TestClient(create_app(empty_case), base_url="http://127.0.0.1") as c:
        result = c.post(
            "/upload.json", files={"files": (good.name, good.read_bytes(), "text/plain")}
        ).json()
        assert result["summary"]["new"] == 1
        deadline = time.monotonic() + 120
        statements = 0
        while time.monotonic() < deadline and not statements:
            time.sleep(0.5)
            with empty_case.reader() as s:
                statements = s.scalar(select(func.count()).select_from(Statement)) or 0
        assert statements > 0, "the uploaded report was not analysed"
        with empty_case.reader() as s:
            assert s.scalars(select(Origin.path)).one() == f"upload:{good.name}"
