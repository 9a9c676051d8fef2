"""Every page and its JSON twin, over a full record and over an empty one."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from overheard.export.jsonl import records
from overheard.store import Case
from overheard.web.app import create_app
from overheard.web.masking import Masker

PAGES = [
    "/documents",
    "/search?q=Kursk",
    "/statements",
    "/claims",
    "/entities",
    "/events",
    "/upload",
]


def client_for(case: Case, **kwargs: object) -> TestClient:
    return TestClient(create_app(case, **kwargs), base_url="http://127.0.0.1")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(rich) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with client_for(rich.case) as c:
        yield c


def html(client: TestClient, url: str) -> str:
    response = client.get(url, headers={"accept": "text/html"})
    assert response.status_code == 200, (url, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


@pytest.mark.parametrize("url", PAGES)
def test_every_page_and_twin_answer_on_an_empty_case(empty_case: Case, url: str) -> None:
    with client_for(empty_case) as c:
        page = html(c, url)
        assert "overheard" in page
        if url != "/upload":
            path, _, query = url.partition("?")
            twin = c.get(f"{path}.json" + (f"?{query}" if query else ""))
            assert twin.status_code == 200
            assert isinstance(twin.json(), dict)


def test_empty_case_says_so(empty_case: Case) -> None:
    with client_for(empty_case) as c:
        assert "This case is empty" in html(c, "/documents")
        assert "No statements in this case yet" in html(c, "/statements")
        assert "No events in this case" in html(c, "/events")
        assert "No entities in this case yet" in html(c, "/entities")


def test_document_list_counts_status_and_failures(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/documents.json").json()
    assert data["counts"]["documents"] == data["total"] >= 10
    assert data["counts"]["by_kind"]["audio"] == 2
    assert data["counts"]["statements"] == 4
    truncated = [f for f in data["failures"] if f["path"].endswith("bad_truncated.ogg")]
    assert len(truncated) == 1 and "truncated" in truncated[0]["reason"]
    page = html(client, "/documents")
    assert "bad_truncated.ogg" in page and "awaiting transcription" in page


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("kind=audio", lambda d: d["kind"] == "audio"),
        ("language=ru", lambda d: d["language"] == "ru"),
        ("has_statements=true", lambda d: d["statements"] > 0),
        ("has_statements=false", lambda d: d["statements"] == 0),
        (
            "date_from=2025-03-05&date_to=2025-03-05",
            lambda d: d["published_at"].startswith("2025-03-05"),
        ),
        ("status=awaiting_transcription", lambda d: d["status"] == "awaiting_transcription"),
    ],
)
def test_document_filters(client: TestClient, query: str, check) -> None:  # type: ignore[no-untyped-def]
    data = client.get(f"/documents.json?{query}").json()
    assert data["documents"], query
    assert data["total"] == len(data["documents"])
    assert all(check(d) for d in data["documents"]), query


def test_source_filter_and_blank_form_fields(client: TestClient) -> None:
    sources = client.get("/documents.json").json()["facets"]["sources"]
    hostile = next(s for s in sources if "channel" in s["name"])
    data = client.get(f"/documents.json?source={hostile['number']}").json()
    assert data["total"] == hostile["documents"] == 1
    # A form submits empty fields; they mean "no filter", not an error.
    response = client.get("/documents?source=&kind=audio&language=", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/documents?kind=audio"


def test_document_twin_agrees_with_the_export(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    data = client.get(f"/documents/{rich.report_en}.json").json()
    exported = {r["id"]: r for r in records(rich.case)}
    assert data["document"] == exported[f"document:{rich.report_en}"]
    for seg in data["segments"]:
        assert seg == exported[seg["id"]]
    for st in data["statements"]:
        assert st == exported[st["id"]]
    for m in data["mentions"]:
        assert m == exported[m["id"]]
    for ev in data["events"]:
        assert ev == exported[ev["id"]]


def test_text_document_marks_mentions_and_statements(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    page = html(client, f"/documents/{rich.report_en}")
    assert re.search(
        rf'<a href="/entities/{rich.kursk}" class="mention m-GPE[^"]*"[^>]*>Kursk</a>', page
    )
    assert f'id="statement-{rich.statement_hedged}"' in page
    assert 'class="st-speaker"' in page and "st-content hedged" in page
    assert "hedged: allegedly" in page
    assert "Not translated" in page


def test_transcript_with_speakers_translations_and_player(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    page = html(client, f"/documents/{rich.call}")
    assert (
        f'<audio id="player" controls preload="metadata" src="/documents/{rich.call}/media">'
        in page
    )
    lines = re.findall(
        r'class="line[^"]*(spk-\d)[^"]*"\s+id="segment-\d+"\s+data-start="([\d.]+)"', page
    )
    assert len(lines) == 10
    assert {spk for spk, _ in lines} == {"spk-0", "spk-1"}
    assert float(lines[1][1]) == pytest.approx(3.5925625)
    assert "machine translation" in page and "test-fixture-translator" in page
    assert "[fixture rendering 0]" in page
    assert "Не отдают".lower() in page.lower()


def test_untranscribed_recording_says_so(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    page = html(client, f"/documents/{rich.call_untranscribed}")
    assert "No transcript yet" in page and "awaiting transcription" in page


def test_media_served_by_id_with_ranges(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    whole = client.get(f"/documents/{rich.call}/media")
    assert whole.status_code == 200 and whole.headers["content-type"].startswith("audio/")
    assert whole.content[:4] == b"RIFF"
    part = client.get(f"/documents/{rich.call}/media", headers={"range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert client.get(f"/documents/{rich.report_en}/media").status_code == 404
    assert client.get("/documents/999999/media").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/documents/..%2F..%2F..%2Fetc%2Fpasswd/media",
        "/documents/1%2F..%2F..%2Fcase.sqlite/media",
        "/documents/-1/media",
        "/static/..%2F..%2Fstore%2Fcase.py",
        "/static/../app.py",
    ],
)
def test_no_path_reaches_the_file_system(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (404, 422)
    assert b"root:" not in response.content and b"SQLite format" not in response.content
    assert b"def create_app" not in response.content


def test_search_highlights_and_links_to_the_second(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/search.json", params={"q": "склад"}).json()
    hit = data["hits"][0]
    assert hit["document_id"] == f"document:{rich.call}"
    assert hit["url"].startswith(f"/documents/{rich.call}?t=28.63#segment-")
    a, b = hit["highlights"][0]
    assert hit["text"][a:b].lower() == "склад"
    page = html(client, "/search?q=склад")
    assert "<mark>склад</mark>" in page and "▶ 0:28.6" in page


def test_search_filters_and_cross_script(client: TestClient) -> None:
    ru = client.get("/search.json", params={"q": "курск", "language": "ru"}).json()["hits"]
    assert ru and all(h["language"] == "ru" for h in ru)
    audio = client.get("/search.json", params={"q": "курск", "kind": "audio"}).json()["hits"]
    assert audio and all(h["document_kind"] == "audio" for h in audio)


@pytest.mark.parametrize("q", ["", "   ", "***", '""', "AND OR NOT", "NEAR(", "a" * 500])
def test_odd_queries_are_answered_not_crashed(client: TestClient, q: str) -> None:
    assert client.get("/search.json", params={"q": q}).status_code == 200
    assert client.get("/search", params={"q": q}).status_code == 200


def test_entity_page_names_mentions_statements_and_pin(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    data = client.get(f"/entities/{rich.kursk}.json").json()
    assert [n["name"] for n in data["entity"]["names"]] == ["Kursk", "Курск"]
    assert data["entity"]["location"] == {"latitude": 51.7373, "longitude": 36.1874}
    assert {m["context"]["text"] for m in data["mentions"]} == {"Kursk", "Курском"}
    assert [s["act"] for s in data["statements_about"]] == ["deny"]
    page = html(client, f"/entities/{rich.kursk}")
    assert 'id="map"' in page and 'data-lat="51.7373"' in page and "Курск" in page
    person = client.get(f"/entities/{rich.person}.json").json()
    assert [s["id"] for s in person["statements_by"]] == [f"statement:{rich.statement_person}"]


def test_statements_table_filters(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    all_ = client.get("/statements.json").json()
    assert all_["total"] == 4
    denies = client.get("/statements.json?act=deny").json()["statements"]
    assert {s["act"] for s in denies} == {"deny"} and len(denies) == 2
    peskov = client.get("/statements.json", params={"speaker": "peskov"}).json()["statements"]
    assert [s["speaker"]["text"] for s in peskov] == ["Dmitry Peskov"]
    hedged = client.get("/statements.json?hedged=true").json()["statements"]
    assert [s["hedges"] for s in hedged] == [["allegedly"]]
    page = html(client, "/statements?act=deny")
    assert "denies" in page and "overheard samples" in page


def test_events_timeline_and_map_data(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/events.json").json()
    assert [e["when"][:10] if e["when"] else None for e in data["events"]][0] == "2025-03-03"
    located = [e for e in data["events"] if e["location"]]
    assert len(located) == 2
    # Two events at one place (Kursk, named in two documents): one place for the map, counted.
    [kursk] = data["places"]
    assert (
        kursk["entity_id"] == f"entity:{rich.kursk}" and kursk["url"] == f"/entities/{rich.kursk}"
    )
    assert (kursk["events"], kursk["documents"]) == (2, 2)
    assert sorted(kursk["event_ids"]) == sorted(e["id"] for e in located)
    assert kursk["location"] == located[0]["location"]
    page = html(client, "/events")
    assert 'data-events="/events.json"' in page and "2025-03-03" in page
    assert (
        f'<a href="/entities/{rich.kursk}">{kursk["name"]}</a> <span class="muted">2 events, 2 documents'
        in page
    )
    dated = client.get("/events.json?date_from=2025-03-01&date_to=2025-03-04").json()
    assert dated["total"] == 1


def test_masking_switch_disabled_without_the_filter(rich) -> None:  # type: ignore[no-untyped-def]
    unavailable = Masker(None, "The profanity filter is not installed in this build.")
    with client_for(rich.case, masker=unavailable) as c:
        page = html(c, f"/documents/{rich.call}?rendering=publication")
        assert '<button id="rendering-publication" type="button" disabled' in page
        assert "not installed in this build" in page
        data = c.get(f"/documents/{rich.call}.json?rendering=publication").json()
        assert data["rendering"] == "verbatim" and data["masking"]["available"] is False
        assert all("masked_text" not in s for s in data["segments"])


def test_publication_rendering_uses_the_filter(rich) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, str | None]] = []

    def mask(text: str, language: str | None = None) -> str:
        seen.append((text, language))
        return text.replace("блять", "б***ь")

    with client_for(rich.case, masker=Masker(mask)) as c:
        data = c.get(f"/documents/{rich.call}.json?rendering=publication").json()
        assert data["rendering"] == "publication"
        masked = [s for s in data["segments"] if s["masked_text"] != s["text"]]
        assert len(masked) == 1 and "б***ь" in masked[0]["masked_text"]
        assert "блять" in masked[0]["text"]  # the record stays verbatim
        assert ("Алло, Серёга, слышишь меня?", "ru") in seen
        page = html(c, f"/documents/{rich.call}?rendering=publication")
        assert "б***ь" in page and "блять" not in page.split('id="record"')[1]
        assert html(c, f"/documents/{rich.call}").count("блять") == 1


def test_not_found_pages(client: TestClient) -> None:
    assert client.get("/documents/999999.json").json()["error"].startswith("no document")
    page = client.get("/entities/999999", headers={"accept": "text/html"})
    assert page.status_code == 404 and "Not found" in page.text
    assert client.get("/documents/abc").status_code == 422


def test_api_page_lists_every_json_twin(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ["/documents.json", "/documents/{doc_id}.json", "/search.json", "/entities.json",
                 "/entities/{entity_id}.json", "/statements.json", "/events.json", "/upload.json",
                 "/claims.json", "/claims/{claim_id}.json"]:  # fmt: skip
        assert path in spec["paths"]
    page = html(client, "/api")
    assert "/documents/{doc_id}.json" in page
    # Offline: no page of the workbench loads anything from another host.
    assert "cdn" not in page.lower() and "https://" not in html(client, "/events")


def test_transcript_mentions_use_utterance_offsets(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    page = html(client, f"/documents/{rich.call}")
    assert re.search(
        rf'<a href="/entities/{rich.unit}" class="mention m-MIL_UNIT"[^>]*>батальон К</a>', page
    )
    unit = client.get(f"/entities/{rich.unit}.json").json()
    in_call = [
        m for m in unit["mentions"] if m["evidence"]["document_id"] == f"document:{rich.call}"
    ]
    assert in_call[0]["context"]["text"] == "батальон К"
    assert in_call[0]["url"].startswith(f"/documents/{rich.call}?t=17.82#segment-")
