"""A read-only connection to an SQLite case, without SQLAlchemy: for commands that only read
and should answer at once (``overheard search``: SQLAlchemy's and the schema's import took
0.7 s, the query 0.02 s).

Only a case this code could open as it is takes this path: ``case.sqlite`` present, an SQLite
database, its schema at this code's head revision. Anything else (no case yet, an older
schema to migrate, a newer one to refuse, a damaged file) returns None, and the command opens
the case the usual way, which migrates or says what is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from overheard.store.driver import DB_NAME, sqlite_module, vec0_path
from overheard.store.revisions import head_revision


def open_sqlite(root: Path) -> Any:
    """A read-only connection to ``root/case.sqlite`` at the current schema, or None. Made
    with the library ``store.case`` uses, so a process that also has the case open keeps its
    locks when this connection closes."""
    sqlite3 = sqlite_module(vec0_path())
    path = Path(root) / DB_NAME
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return None
    try:
        db.execute("PRAGMA mmap_size=17179869184")  # as the case's engine reads
        found = db.execute("SELECT version_num FROM alembic_version").fetchone()
        if found is None or found[0] != head_revision():
            db.close()
            return None
        # FTS5 is what the search reads: a Python whose SQLite lacks it takes the usual path.
        db.execute("SELECT 1 FROM segment_fts WHERE segment_fts MATCH 'a' LIMIT 0").fetchall()
    except sqlite3.Error:
        db.close()
        return None
    return db
