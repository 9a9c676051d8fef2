"""Which database and which originals folder a case uses, and its schema's revision: the
options every command takes (--database-url, --blobs), `overheard migrate`, a schema newer
than the code, and `overheard copy` between SQLite cases (PostgreSQL: test_postgres.py)."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from overheard.cli import cli
from overheard.errors import CaseError
from overheard.store import Case
from overheard.store.migrate import head_revision, revisions


def _invoke(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_revisions_are_alembics_chain_in_order():
    from alembic.script import ScriptDirectory

    from overheard.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    assert list(revisions()) == chain and head_revision() == script.get_current_head()


def test_migrate_creates_a_case_and_then_finds_it_current(tmp_path):
    root = tmp_path / "c"
    out = _invoke("--case", str(root), "migrate")
    assert f"schema none -> {head_revision()}" in out
    assert "up to date" in _invoke("--case", str(root), "migrate")


def test_a_schema_newer_than_the_code_is_a_clear_error(tmp_path):
    root = tmp_path / "c"
    Case.open(root).close()
    db = sqlite3.connect(root / "case.sqlite")
    db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.commit()
    db.close()
    with pytest.raises(CaseError, match="revision 9999, newer than this overheard knows"):
        Case.open(root)
    result = CliRunner().invoke(cli, ["--case", str(root), "list"])
    assert result.exit_code == 1
    assert "newer than this overheard knows" in result.output
    assert "upgrade overheard" in result.output


def test_database_url_and_blobs_come_from_options_or_the_environment(tmp_path, samples):
    """The case's database named by URL (here an SQLite file outside the case folder) and its
    originals in a folder of their own: every command finds both."""
    root, blobs = tmp_path / "case", tmp_path / "shared" / "originals"
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    report = samples / "reports" / "perehvat-ru.txt"
    _invoke("--case", str(root), "--database-url", url, "--blobs", str(blobs), "ingest",
            "--no-analyze", str(report))  # fmt: skip
    assert (tmp_path / "elsewhere.sqlite").exists() and not (root / "case.sqlite").exists()
    assert len(list(blobs.glob("??/*"))) == 1 and not list((root / "originals").glob("??/*"))
    env = {"OVERHEARD_DATABASE_URL": url, "OVERHEARD_BLOBS": str(blobs)}
    assert "Курском" in _invoke("--case", str(root), "list", env=env)
    assert "Курском" in _invoke("--case", str(root), "show", "1", env=env)


def test_a_bad_database_url_is_one_line(tmp_path):
    result = CliRunner().invoke(
        cli, ["--case", str(tmp_path / "c"), "--database-url", "nosuchdb://x/y", "list"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot use database nosuchdb://x/y")


def test_copy_between_sqlite_cases_keeps_the_record(tmp_path, samples):
    src, dst = tmp_path / "a", tmp_path / "b"
    _invoke("--case", str(src), "ingest", "--no-analyze", str(samples / "reports"))
    out = _invoke("--case", str(src), "copy", "--to", str(dst))
    assert "copied 6 documents" in out
    assert _invoke("--case", str(dst), "export") == _invoke("--case", str(src), "export")
    assert sorted(p.name for p in (dst / "originals").glob("??/*")) == sorted(
        p.name for p in (src / "originals").glob("??/*")
    )
    assert "Курской" in _invoke("--case", str(dst), "search", "курск")  # FTS5 filled
    result = CliRunner().invoke(cli, ["--case", str(src), "copy", "--to", str(dst)])
    assert result.exit_code == 1 and "is not empty" in result.output


def test_another_machines_temporary_original_in_shared_blobs_is_left_alone(tmp_path):
    """A pid names a process on the machine that wrote the file: on a folder shared by a
    team's machines, another host's half-written original is not this machine's to remove."""
    import subprocess
    import sys

    blobs = tmp_path / "shared"
    Case.open(tmp_path / "c", blobs=blobs).close()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    theirs = blobs / f".incoming-{gone.pid}@another_host-abc"
    ours = blobs / f".incoming-{gone.pid}@{socket_host()}-def"
    theirs.write_bytes(b"being written over there")
    ours.write_bytes(b"a leftover of a process here that is gone")
    Case.open(tmp_path / "c", blobs=blobs).close()
    assert theirs.exists() and not ours.exists()


def socket_host() -> str:
    from overheard.store.blobs import _HOST

    return _HOST
