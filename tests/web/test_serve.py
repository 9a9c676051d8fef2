"""``overheard serve``: loopback by default; any other address only with a token."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from overheard.cli import cli
from overheard.web.cli import is_loopback


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.org", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_is_registered() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "--token" in result.output and "--host" in result.output


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::"])
def test_non_loopback_needs_a_token(host: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OVERHEARD_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["--case", str(tmp_path / "c"), "serve", "--host", host])
    assert result.exit_code == 1
    assert "--token" in result.output and "exposes the case" in result.output


def test_short_tokens_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--case", str(tmp_path), "serve", "--token", "abc"])
    assert result.exit_code == 1 and "at least 8" in result.output


def test_serve_needs_an_existing_case(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--case", str(tmp_path / "none"), "serve"])
    assert result.exit_code == 1 and "no case at" in result.output
