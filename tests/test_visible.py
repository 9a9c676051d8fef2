"""Hostile text is shown, never acted on: escape sequences, control characters, bidi overrides."""

from __future__ import annotations

import json

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from overheard.cli import cli
from overheard.visible import has_unsafe, visible

ESC = "\x1b"
RLO = "\u202e"


def test_visible_shows_what_would_act():
    assert visible("red \x1b[31mtext") == "red ␛[31mtext"
    assert visible("evil\u202etxt.exe") == "evil⟨RLO⟩txt.exe"
    assert visible("two\nlines.txt") == "two␤lines.txt"
    assert visible("two\r\nlines") == "two␤lines"
    assert visible("two\nlines\tand", multiline=True) == "two\nlines\tand"
    assert visible("csi \x9b31m") == "csi ⟨9B⟩31m"
    assert visible("Курск, «батальон»") == "Курск, «батальон»"


@given(st.text())
def test_nothing_unsafe_is_left(text: str) -> None:
    shown = visible(text)
    assert not has_unsafe(shown)
    assert "\n" not in shown
    assert not has_unsafe(visible(text, multiline=True).replace("\n", "").replace("\t", ""))


def test_the_cli_prints_hostile_documents_inert(tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "ansi.txt").write_text(
        "Drones \x1b[2J\x1b[31mRED\x1b[0m near Kursk. Title\x1b]0;pwned\x07 set.\n"
    )
    (folder / "two\nlines.txt").write_text("Drones over Belgorod, the ministry said.\n")
    (folder / f"evil{RLO}txt.exe").write_text("Evil payload text about drones.\n")
    runner = CliRunner()
    case = ["--case", str(tmp_path / "case")]
    ingest = runner.invoke(cli, [*case, "ingest", str(folder), "--no-analyze"])
    assert ingest.exit_code == 0, ingest.output

    listed = runner.invoke(cli, [*case, "list"]).output
    assert len(listed.strip().splitlines()) == 3, listed  # one row a document
    assert "two␤lines.txt" in listed and "evil⟨RLO⟩txt.exe" in listed
    outputs = [
        listed,
        ingest.output,
        runner.invoke(cli, [*case, "search", "drones"]).output,
        *(runner.invoke(cli, [*case, "show", str(i)]).output for i in (1, 2, 3)),
    ]
    for output in outputs:
        assert ESC not in output and RLO not in output and "\x07" not in output, output
    assert "␛[31mRED" in runner.invoke(cli, [*case, "show", "1"]).output
    # JSON keeps the data as it is (escaped by JSON itself), for programs to read
    records = json.loads(runner.invoke(cli, [*case, "list", "--json"]).output)
    assert any(RLO in r["origin_path"] for r in records)
