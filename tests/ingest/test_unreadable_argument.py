"""A path on the command line that cannot be read is one reported failure among the rest, not
the end of the command (click's own check had refused the whole ingest with exit code 2)."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from overheard.cli import cli


def _ingest(tmp_path, *paths):
    return CliRunner().invoke(
        cli, ["--case", str(tmp_path / "case"), "ingest", *map(str, paths), "--no-analyze"]
    )


def test_click_does_not_judge_readability(tmp_path, monkeypatch):
    good = tmp_path / "good.txt"
    good.write_text("Drones struck a bridge near Kursk, the ministry said.")
    other = tmp_path / "other.txt"
    other.write_text("Officials denied it.")
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: str(p) != str(other) and real_access(p, mode, **kw)
    )
    result = _ingest(tmp_path, good, other)
    assert result.exit_code == 0, result.output
    assert "not readable" not in result.output


def test_a_path_that_cannot_be_opened_is_a_failure_among_the_rest(tmp_path):
    # As root too: a dangling link cannot be opened by anyone.
    good = tmp_path / "good.txt"
    good.write_text("Drones struck a bridge near Kursk, the ministry said.")
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    result = _ingest(tmp_path, good, dangling)
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output and "gone.txt" in result.output


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="running as root: chmod 0 cannot make a file unreadable to root, so there is no "
    "unreadable file to give (the dangling-link test above covers the same path as root)",
)
def test_an_unreadable_file_and_folder_are_failures_among_the_rest(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Drones struck a bridge near Kursk, the ministry said.")
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("hidden")
    folder.chmod(0)
    try:
        result = _ingest(tmp_path, good, locked, folder)
    finally:
        folder.chmod(0o755)
        locked.chmod(0o644)
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output and "permission denied" in result.output
