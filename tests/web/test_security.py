"""Hostile content renders inert; the token, Host and origin guards hold."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from overheard.store import Case
from overheard.web.app import CSP, create_app
from overheard.web.templating import outbound

HOSTILE_MARKUP = re.compile(
    r"<script>window|<img[^>]*onerror|<b onmouseover|href=\"javascript:", re.I
)


def client_for(case: Case, **kwargs: object) -> TestClient:
    return TestClient(create_app(case, **kwargs), base_url="http://127.0.0.1")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    ["/documents/{hostile}", "/documents/{hostile_record}", "/documents", "/search?q=depot",
     "/search?q=script", "/events", "/documents?source=3", "/statements", "/claims",
     "/claims/{claim}", "/entities/{person}"],
)  # fmt: skip
def test_hostile_content_is_escaped(rich, url: str) -> None:  # type: ignore[no-untyped-def]
    with client_for(rich.case) as c:
        page = c.get(url.format(hostile=rich.hostile, hostile_record=rich.hostile_record,
                            claim=rich.claim, person=rich.person)).text  # fmt: skip
    assert not HOSTILE_MARKUP.search(page), HOSTILE_MARKUP.search(page)
    if "{hostile" in url or "{claim}" in url:
        assert "&lt;script&gt;window.__pwned" in page


def test_javascript_urls_are_never_links(rich) -> None:  # type: ignore[no-untyped-def]
    with client_for(rich.case) as c:
        page = c.get(f"/documents/{rich.hostile_record}").text
    assert "javascript:window.__pwned = 5" in page  # shown, as text
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and not [h for h in hrefs if not h.startswith(("/", "?", "#", "http"))]


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a?b=1", True),
        ("http://x", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("vbscript:x", False),
        ("//evil.example/x", False),
        ("", False),
    ],
)
def test_outbound_links(url: str, safe: bool) -> None:
    assert (outbound(url) is not None) is safe


def test_security_headers(rich) -> None:  # type: ignore[no-untyped-def]
    with client_for(rich.case) as c:
        response = c.get("/documents")
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe" not in CSP
    assert response.headers["x-content-type-options"] == "nosniff"


def test_foreign_host_names_are_refused(rich) -> None:  # type: ignore[no-untyped-def]
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not read the case.
    with TestClient(create_app(rich.case), base_url="http://evil.example") as c:
        assert c.get("/documents.json").status_code == 400


def test_cross_site_posts_are_refused(rich) -> None:  # type: ignore[no-untyped-def]
    files = {"files": ("a.txt", b"hello there, a short text", "text/plain")}
    with client_for(rich.case) as c:
        foreign = c.post("/upload.json", files=files, headers={"origin": "http://evil.example"})
        assert foreign.status_code == 403
        fetch_site = c.post("/upload.json", files=files, headers={"sec-fetch-site": "cross-site"})
        assert fetch_site.status_code == 403


def test_token_guards_pages_api_media_and_static(rich) -> None:  # type: ignore[no-untyped-def]
    token = "s3cret-token-123"
    app = create_app(rich.case, token=token, allowed_hosts=["*"])
    with TestClient(app, base_url="http://192.0.2.10:8765") as c:
        for url in ["/documents", "/documents.json", f"/documents/{rich.call}/media",
                    "/static/app.css", "/openapi.json", "/search.json?q=x"]:  # fmt: skip
            assert c.get(url).status_code == 401, url
        assert (
            c.get("/documents.json", headers={"authorization": "Bearer wrong-token"}).status_code
            == 401
        )
        assert (
            c.get("/documents.json", headers={"authorization": f"Bearer {token}"}).status_code
            == 200
        )
        # Opening the printed URL once keeps the token in a cookie and drops it from the URL.
        first = c.get(f"/documents?kind=audio&token={token}", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/documents?kind=audio"
        assert "httponly" in first.headers["set-cookie"].lower()
        assert c.get("/documents").status_code == 200
        assert c.get("/static/app.css").status_code == 200
