"""A read-only connection to a case, without SQLAlchemy: for commands that only read and
should answer at once (``overheard search``: SQLAlchemy's and the schema's import took 0.7 s,
the query 0.02 s). SQLite's own module for a case file, libpq for a PostgreSQL database
(``store.libpq``; psycopg where there is no libpq to load).

Only a case this code could open as it is takes this path: ``case.sqlite`` present, an SQLite
database, or a PostgreSQL database this process can reach, its schema at this code's head
revision. Anything else (no case yet, an older schema to migrate, a newer one to refuse, a
damaged file, a server that refuses) returns None, and the command opens the case the usual
way, which migrates or says what is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from overheard.store.driver import DB_NAME, sqlite_module, vec0_path
from overheard.store.revisions import head_revision

if TYPE_CHECKING:
    from overheard.store.search import Hit


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


# The database URLs SQLAlchemy hands to psycopg (overheard's PostgreSQL driver), written as
# libpq takes them.
_PSYCOPG_SCHEMES = ("postgresql+psycopg://", "postgresql://")


def open_postgres(url: str) -> Any:
    """A read-only connection to the PostgreSQL database ``url`` (as ``--database-url`` takes
    it) at the current schema, or None: straight over libpq (``store.libpq``: importing
    psycopg took longer than the rest of the command), else psycopg's."""
    scheme = next((s for s in _PSYCOPG_SCHEMES if url.startswith(s)), None)
    if scheme is None:
        return None
    conninfo = "postgresql://" + url[len(scheme) :]
    from overheard.store import libpq

    db: Any
    try:
        db = libpq.connect(conninfo)
    except libpq.Error:
        return None
    if db is None:
        try:
            import psycopg
        except ImportError:
            return None
        try:
            db = psycopg.connect(conninfo)
            db.read_only = True
        except (psycopg.Error, ValueError):
            return None
    try:
        found = db.execute("SELECT version_num FROM alembic_version").fetchone()
        db.rollback()
    except Exception:  # noqa: BLE001 - no alembic_version table, no rights: the usual path
        db.close()
        return None
    if found is None or found[0] != head_revision():
        db.close()
        return None
    return db


def search(root: Path, database_url: str | None, query: str, **options: Any) -> list[Hit] | None:
    """``overheard search``'s full-text search (``options`` as ``store.search.search`` takes
    them) on a read-only connection of its own, or None where the case must be opened the
    usual way."""
    from overheard.store.search import search_postgres, search_sqlite

    db = open_sqlite(root) if database_url is None else open_postgres(database_url)
    if db is None:
        return None
    try:
        run = search_sqlite if database_url is None else search_postgres
        return run(db, query, **options)  # type: ignore[no-any-return]
    finally:
        db.close()
