from __future__ import annotations

import pytest
from sqlalchemy import inspect

from overheard.errors import CaseError
from overheard.store import Case
from overheard.store.migrate import current_revision, head_revision


def test_new_case_is_migrated_to_head(tmp_path):
    case = Case.open(tmp_path / "c")
    assert current_revision(case.engine) == head_revision()
    tables = set(inspect(case.engine).get_table_names())
    assert {
        "documents",
        "segments",
        "mentions",
        "entities",
        "statements",
        "claims",
        "events",
        "runs",
        "sources",
        "blobs",
        "origins",
        "translations",
        "segment_fts",
    } <= tables
    case.close()


def test_reopen_keeps_data(tmp_path, settings, samples):
    from overheard.ingest.ingest import Ingestor

    with Case.open(tmp_path / "c") as case:
        Ingestor(case, settings).ingest([samples / "reports" / "perehvat-ru.txt"])
        n = case.counts()
    with Case.open(tmp_path / "c", create=False) as again:
        assert again.counts() == n


def test_missing_case_is_a_clear_error(tmp_path):
    with pytest.raises(CaseError, match="no case at"):
        Case.open(tmp_path / "nothing", create=False)


def test_not_a_database(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "case.sqlite").write_text("this is not sqlite", encoding="utf-8")
    with pytest.raises(CaseError, match="not an SQLite database"):
        Case.open(folder)


def test_case_path_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(CaseError, match="not a folder"):
        Case.open(f)


def test_blob_path_rejects_traversal(case):
    with pytest.raises(ValueError):
        case.blobs.path_for("../../etc/passwd")


def test_migrations_build_the_models_schema(case):
    """The models (store/schema.py) and the migrations agree: nothing to autogenerate, apart
    from the search indexes the migrations create by hand (FTS5, vectors)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from overheard.store.schema import Base

    with case.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    hand_made = ("segment_fts", "vec_", "vectors")
    diff = [
        d for d in diff
        if not (d[0] == "remove_table" and d[1].name.startswith(hand_made))
    ]  # fmt: skip
    assert diff == []
