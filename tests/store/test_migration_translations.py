"""Migration 0009: a case whose Whisper renderings were stored as one backend string
("whisper-translate:MODEL") gets backend "whisper" and the model in its own column."""

from __future__ import annotations

import sqlite3

from alembic import command
from sqlalchemy import create_engine, select

from overheard.store import Case
from overheard.store.migrate import alembic_config
from overheard.store.schema import Translation


def test_old_whisper_renderings_get_backend_and_model(tmp_path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    db = folder / "case.sqlite"
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
    engine.dispose()
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute(
            "INSERT INTO translations (id, segment_id, language, text, backend, machine) "
            "VALUES (1, 1, 'en', 'Hello', 'whisper-translate:whisper-base@d01c3014881c', 1), "
            "(2, 1, 'en', 'Hi', 'test-fixture-translator', 1)"
        )
    with Case.open(folder) as case, case.reader() as s:
        rows = {t.id: (t.backend, t.model) for t in s.scalars(select(Translation))}
    assert rows == {
        1: ("whisper", "whisper-base@d01c3014881c"),
        2: ("test-fixture-translator", None),
    }
