"""End to end in headless Chromium (Debian's package, driven by Playwright): read, listen,
search, mask, upload, map. Screenshots go to $OVERHEARD_SCREENSHOTS when set, for a person to
look at."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from overheard.web.app import VENDOR, create_app
from overheard.web.masking import Masker, load_masker

from .conftest import SAMPLES

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


@pytest.fixture(scope="module")
def server(rich) -> Iterator[str]:  # type: ignore[no-untyped-def]
    import uvicorn

    port = _free_port()
    app = create_app(rich.case, masker=_masker(), process_uploads=False)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the workbench did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


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
    wait_until(page, "document.getElementById('map').dataset.pins === '2'")
    wait_until(page, "document.querySelectorAll('#map path').length > 100")
    shot(page, "08-events")


def test_entity_page_with_pin(page: Any, server: str, rich) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/entities/{rich.kursk}")
    wait_until(page, "document.querySelectorAll('#map path').length > 100")
    assert page.locator("#map path.leaflet-interactive").count() == 1
    assert "Курском" in page.locator("ul.contexts").inner_text()
    shot(page, "09-entity")
    for url in ("/statements", "/entities", "/api"):
        page.goto(f"{server}{url}")
        shot(page, "10" + url.replace("/", "-"))
