"""End to end in headless Chromium (Debian's package, driven by Playwright): read, listen,
search, mask, upload, map, the claim board, an analyst's merge. Screenshots go to $OVERHEARD_SCREENSHOTS when set, for a person to
look at."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from overheard.store import Case
from overheard.web.app import VENDOR, create_app
from overheard.web.masking import Masker, load_masker

from .conftest import SAMPLES, Board

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's chromium at /usr/bin/chromium (scripts/setup-web.sh installs it)",
        allow_module_level=True,
    )
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[web]')"
)
if not (VENDOR / "htmx.min.js").is_file():
    pytest.skip("front-end libraries missing: run scripts/setup-web.sh", allow_module_level=True)

ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _masker() -> Masker:
    real = load_masker()
    if real.available:
        return real

    # The speech room's filter is not installed here: a test double masks one known word so
    # the switch's mechanics can be exercised. The pages themselves never fake masking (see
    # test_masking_switch_disabled_without_the_filter).
    def mask(text: str, language: str | None = None) -> str:
        return text.replace("блять", "б***ь")

    return Masker(mask)


@contextmanager
def serving(case: Case) -> Iterator[str]:
    """The workbench over ``case`` on a free loopback port, in a thread; its base URL."""
    import uvicorn

    port = _free_port()
    app = create_app(case, masker=_masker(), process_uploads=False)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the workbench did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(rich) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with serving(rich.case) as url:
        yield url


@pytest.fixture(scope="module")
def board_server(board_case: Board) -> Iterator[str]:
    with serving(board_case.case) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh user-data-dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.problems = problems
    yield page
    page.close()
    assert not problems, problems


def wait_until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Poll an expression with evaluate(): Playwright's wait_for_function compiles its predicate
    with eval inside the page, which the workbench's Content-Security-Policy rightly forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.05)


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("OVERHEARD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_documents_page(page: Any, server: str) -> None:
    page.goto(f"{server}/documents")
    assert page.locator("table.documents tbody tr").count() >= 10
    assert "bad_truncated.ogg" in page.locator("#failures").inner_text()
    shot(page, "01-documents")
    page.select_option("select[name=kind]", "audio")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/documents?kind=audio")
    assert page.locator("table.documents tbody tr").count() == 2


def test_text_document_with_marks(page: Any, server: str, rich) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/documents/{rich.report_en}")
    assert page.locator("#record a.mention.m-GPE").first.inner_text() == "Kursk"
    assert page.locator("#record .st-content.hedged").count() >= 1
    shot(page, "02-document-text")
    page.click(f"a.jump[href='#statement-{rich.statement_hedged}']")
    assert page.evaluate("location.hash") == f"#statement-{rich.statement_hedged}"


def test_click_a_transcript_line_seeks_the_player(page: Any, server: str, rich) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/documents/{rich.call}")
    wait_until(page, "document.getElementById('player').readyState >= 1")
    line = page.locator("#record .line[data-start]").nth(6)  # no mention link in this one
    start = float(line.get_attribute("data-start"))
    line.locator(".original").click()
    wait_until(page, f"Math.abs(document.getElementById('player').currentTime - {start}) < 0.5")
    page.evaluate("document.getElementById('player').pause()")
    assert "current" in (line.get_attribute("class") or "")
    shot(page, "03-document-audio")


def test_search_hit_opens_the_second(page: Any, server: str, rich) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/documents")
    page.fill("header .quick input[name=q]", "склад")
    page.press("header .quick input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator("ol.hits mark").first.inner_text().lower() == "склад"
    shot(page, "04-search")
    page.locator("ol.hits a.at").first.click()
    page.wait_for_url(f"**/documents/{rich.call}?t=*")
    wait_until(page, "Math.abs(document.getElementById('player').currentTime - 28.63) < 0.3")
    assert "target" in (page.locator(".line.target").get_attribute("class") or "")


def test_masking_switch(page: Any, server: str, rich) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/documents/{rich.call}")
    record = page.locator("#record")
    assert "блять" in record.inner_text()
    page.click("#rendering-publication")
    wait_until(page, "document.getElementById('record').dataset.rendering === 'publication'")
    assert "блять" not in record.inner_text() and "***" in record.inner_text()
    assert page.url.endswith("rendering=publication")
    shot(page, "05-publication")
    page.click("#rendering-verbatim")
    wait_until(page, "document.getElementById('record').dataset.rendering === 'verbatim'")
    assert "блять" in record.inner_text()


def test_hostile_report_renders_inert(page: Any, server: str, rich) -> None:  # type: ignore[no-untyped-def]
    for doc in (rich.hostile, rich.hostile_record):
        page.goto(f"{server}/documents/{doc}")
        page.hover("#record")
        assert page.evaluate("window.__pwned") is None
        assert page.locator("#record script, #record img, #record b").count() == 0
    assert "<script>window.__pwned = 4</script>" in page.locator("h1").inner_text()
    shot(page, "06-hostile")


def test_upload_a_broken_file_shows_its_error(page: Any, server: str) -> None:
    page.goto(f"{server}/upload")
    page.set_input_files("input[type=file]", [str(SAMPLES / "intercepts" / "bad_not_audio.wav")])
    page.click("#upload-form button[type=submit]")
    failed = page.locator("#upload-result .outcome-failed")
    failed.wait_for()
    assert "bad_not_audio.wav" in failed.inner_text()
    assert page.locator("#upload-state").inner_text() == "done"
    assert "/upload" in page.url  # answered in place by htmx
    shot(page, "07-upload")


def test_events_map_draws_outlines_and_pins(page: Any, server: str) -> None:
    page.goto(f"{server}/events")
    # Two events at Kursk: one marker, its badge counting both.
    wait_until(page, "document.getElementById('map').dataset.pins === '1'")
    wait_until(page, "document.querySelectorAll('#map path').length > 100")
    marker = page.locator("#map .map-cluster")
    assert marker.count() == 1
    assert marker.locator(".count").inner_text() == "2"
    assert "2 events, 2 documents" in marker.locator(".label").inner_text()
    shot(page, "08-events")


@pytest.fixture(scope="module")
def samples_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled reports through the real ``overheard ingest`` (stored, analysed: events
    coded and their places resolved), served: several documents about the same few places."""
    root = tmp_path_factory.mktemp("samples-case") / "case"
    done = subprocess.run(
        [sys.executable, "-m", "overheard.cli", "--case", str(root), "ingest",
         str(SAMPLES / "reports")],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    case = Case.open(root, create=False)
    try:
        with serving(case) as url:
            yield url
    finally:
        case.close()


MARKERS = """() => Array.from(document.querySelectorAll('#map .map-cluster')).map(m => ({
    count: Number(m.querySelector('.count').textContent),
    label: m.querySelector('.label').textContent,
    title: m.getAttribute('title'),
}))"""


def test_events_map_one_labelled_marker_per_place(page: Any, samples_server: str) -> None:
    """Issue 10: the bundled reports' located events stood as 8 pins on top of each other on
    2-3 places. Now a place is one marker, its badge the number of its events, its label the
    place and how many events and documents; places too close to tell apart at this zoom share
    one; zooming in separates them; a marker's popup lists its events with links."""
    data = page.request.get(f"{samples_server}/events.json").json()
    located = [e for e in data["events"] if e["location"]]
    places = data["places"]
    assert len(places) >= 2 and len(located) > len(places), (located, places)
    assert sum(p["events"] for p in places) == len(located)
    assert any(p["documents"] >= 2 for p in places), places  # one place named by two reports

    page.goto(f"{samples_server}/events")
    wait_until(page, "document.getElementById('map').dataset.pins !== undefined")
    wait_until(page, "document.querySelectorAll('#map path').length > 100")
    markers = page.evaluate(MARKERS)
    assert len(markers) == int(page.evaluate("document.getElementById('map').dataset.pins"))
    assert 1 <= len(markers) <= len(places) < len(located)
    assert sum(m["count"] for m in markers) == len(located)  # every event counted once
    for p in places:  # every place in exactly one marker, named on it
        assert sum(p["name"] in m["title"].split(", ") for m in markers) == 1, (p, markers)
    for m in markers:
        lead = m["title"].split(", ")[0]
        assert m["label"].startswith(lead) and f"{m['count']} event" in m["label"], m
    shot(page, "08b-events-places")

    # The popup of the marker with the most documents lists each of its events, linked.
    busiest = max(range(len(markers)), key=lambda i: (markers[i]["count"], i))
    page.locator("#map .map-cluster").nth(busiest).locator(".count").click()
    popup = page.locator(".leaflet-popup-content .map-popup")
    popup.wait_for()
    links = popup.locator("a[href*='#event-']")
    assert links.count() == markers[busiest]["count"]
    assert all("/documents/" in links.nth(i).get_attribute("href") for i in range(links.count()))
    names = popup.locator(".place a").all_inner_texts()
    assert names == markers[busiest]["title"].split(", ")
    shot(page, "08c-events-popup")

    # At the closest zoom every place stands alone: as many markers as places.
    page.keyboard.press("Escape")
    while page.evaluate("Number(document.getElementById('map').dataset.zoom)") < 12:
        zoom = page.evaluate("document.getElementById('map').dataset.zoom")
        page.locator(".leaflet-control-zoom-in").click()
        wait_until(page, f"document.getElementById('map').dataset.zoom !== '{zoom}'")
    wait_until(page, f"document.querySelectorAll('#map .map-cluster').length === {len(places)}")
    assert sorted(m["title"] for m in page.evaluate(MARKERS)) == sorted(p["name"] for p in places)


def test_entity_page_with_pin(page: Any, server: str, rich) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/entities/{rich.kursk}")
    wait_until(page, "document.querySelectorAll('#map path').length > 100")
    assert page.locator("#map path.leaflet-interactive").count() == 1
    assert "Курском" in page.locator("ul.contexts").inner_text()
    shot(page, "09-entity")
    for url in ("/statements", "/entities", "/api"):
        page.goto(f"{server}{url}")
        shot(page, "10" + url.replace("/", "-"))


def test_claims_page_board_and_evidence(page: Any, board_server: str, board_case: Board) -> None:
    page.goto(f"{board_server}/documents")
    page.click("header nav a:text('Claims')")
    page.wait_for_url("**/claims")
    rows = page.locator("table.claims tbody tr")
    assert rows.count() == 2
    assert "contested" in rows.first.inner_text()
    shot(page, "11-claims")
    page.check("input[name=contested]")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/claims?contested=true")
    assert rows.count() == 1
    rows.first.locator("a").first.click()
    page.wait_for_url(f"**/claims/{board_case.claim}")
    assert page.locator("#asserting .board-line").count() == 3
    assert page.locator("#denying .board-line").count() == 2
    assert page.locator("#hedged .board-line").count() == 1
    assert page.locator("svg.timeline-chart circle").count() == 4
    assert "Governor Smirnov" in page.locator("#changes").inner_text()
    shot(page, "12-claim-board")
    # The first asserting line's evidence: its sentence in the report.
    staff = board_case.statements["staff_en"]
    page.locator("#asserting .board-line a.evidence").first.click()
    page.wait_for_url(f"**/documents/{board_case.docs[0]}#statement-{staff}")
    anchor = page.locator(f"#statement-{staff}")
    assert anchor.count() == 1
    assert (
        page.evaluate(f"document.getElementById('statement-{staff}').getBoundingClientRect().top")
        < 900
    )
    assert page.locator(f"a.claim-link[href='/claims/{board_case.claim}']").count() == 1
    assert f"document {board_case.docs[1]}" in page.locator("dd.copied-by").inner_text()
    shot(page, "13-evidence-text")
    # The caller's line: the recording at its second.
    page.go_back()
    page.wait_for_url(f"**/claims/{board_case.claim}")
    page.locator("#asserting .board-line a.evidence").nth(2).click()
    page.wait_for_url(f"**/documents/{board_case.call}?t=12.50*")
    wait_until(page, "Math.abs(document.getElementById('player').currentTime - 12.5) < 0.3")
    # Its line outlined, and below the sticky player, not under it.
    line = page.locator("#record .line.target")
    assert line.count() == 1 and float(line.get_attribute("data-start") or 0) <= 12.5
    below = "document.querySelector('#record .line.target').getBoundingClientRect().top"
    player = "document.getElementById('player').getBoundingClientRect().bottom"
    assert page.evaluate(f"{below} >= {player} - 4")
    shot(page, "14-evidence-call")


def test_merge_into_from_the_entity_page(page: Any, fresh_board: Board) -> None:
    with serving(fresh_board.case) as url:
        page.goto(f"{url}/entities/{fresh_board.governor}")
        shot(page, "15-entity-controls")
        page.select_option("form.merge select[name=into]", str(fresh_board.smirnov))
        page.fill("form.merge input[name=note]", "the same governor")
        page.click("form.merge button[type=submit]")
        page.wait_for_url(f"**/entities/{fresh_board.smirnov}#history")
        history = page.locator("#history").inner_text()
        assert "Governor Smirnov" in history and "the same governor" in history
        assert "workbench (127.0.0.1)" in history
        shot(page, "16-entity-merged")
        # The merged name can be split off again, from the same page.
        page.locator("ul.split-names li", has_text="Governor Smirnov").locator("button").click()
        page.wait_for_url(f"**/entities/{fresh_board.smirnov}#history")
        assert page.locator("#history li").count() == 2
