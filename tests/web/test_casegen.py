"""The benchmark's synthetic case is a well-formed case that every page can show."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from overheard.store.search import search
from overheard.web.app import create_app
from overheard.web.casegen import generate


def test_generated_case_serves_every_page(tmp_path: Path) -> None:
    case = generate(tmp_path / "case", documents=60, seed=3)
    try:
        counts = case.counts()
        assert counts["documents"] == 60 and counts["segments"] >= 240
        assert search(case, "troops") or search(case, "войска") or search(case, "війська")
        with TestClient(create_app(case), base_url="http://127.0.0.1") as c:
            listing = c.get("/documents.json").json()
            assert listing["total"] == 60 and listing["counts"]["statements"] > 0
            audio = c.get("/documents.json?kind=audio").json()["documents"]
            for url in ["/documents", "/documents/1", f"/documents/{audio[0]['number']}",
                        "/statements", "/events", "/entities/1", "/search?q=troops"]:  # fmt: skip
                assert c.get(url).status_code == 200, url
            # The typed fields are filled as the analysis fills them.
            assert c.get("/entities/1.json").json()["entity"]["location"]["latitude"]
            events = c.get("/events.json").json()["events"]
            assert any(e["trigger"] for e in events) and all(e["location"] for e in events)
            statements = c.get("/statements.json").json()["statements"]
            assert any(s["speaker_antecedent"] for s in statements)
            mentions = c.get("/documents/1.json").json()["mentions"]
            assert all(m["source"] == "gazetteer" for m in mentions)
        with pytest.raises(FileExistsError):
            generate(tmp_path / "case", documents=1)
    finally:
        case.close()
