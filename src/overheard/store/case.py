"""A case: one folder holding ``case.sqlite`` and ``originals/`` (the untouched inputs).

    case = Case.open("overheard-case")          # created and migrated if new
    with case.session() as s:                   # one transaction; rolled back on error
        s.add(...)

A PostgreSQL database can stand in for the SQLite file (``database_url``); the originals stay
in the folder either way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from overheard.errors import CaseError
from overheard.store import migrate
from overheard.store.blobs import BlobStore
from overheard.store.schema import Document, IngestFailure, Segment

try:
    import sqlite_vec as _sqlite_vec
except ImportError:  # the semantic extra is not installed
    _sqlite_vec = None

DB_NAME = "case.sqlite"


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers (the workbench) never block the ingest writer. synchronous=NORMAL keeps every
    # commit atomic across a killed process; only a power cut can lose the last few commits.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # Reads through a memory map, not SQLite's 2 MB page cache: a vector search reads a few
    # MB of chunks per query (10 ms a probe through the cache, 0.4 ms mapped).
    cur.execute("PRAGMA mmap_size=17179869184")
    cur.close()
    _load_sqlite_vec(dbapi_conn)


def _load_sqlite_vec(dbapi_conn: Any) -> None:
    """sqlite-vec's vec0 tables (the case's vector indexes), when the semantic extra is
    installed and this SQLite may load extensions; without it everything else works and a
    vector index says what is missing (``overheard.store.vectors``)."""
    if _sqlite_vec is None or not hasattr(dbapi_conn, "enable_load_extension"):
        return
    dbapi_conn.enable_load_extension(True)
    try:
        _sqlite_vec.load(dbapi_conn)
    finally:
        dbapi_conn.enable_load_extension(False)


def _sqlite_module() -> Any:
    """The DB-API module for the case file: the standard sqlite3, unless sqlite-vec is
    installed and this Python's sqlite3 was built without loadable extensions (Debian's and
    python.org's macOS builds are), where pysqlite3 (its own SQLite, same file format) stands
    in."""
    if _sqlite_vec is None or hasattr(sqlite3.Connection, "enable_load_extension"):
        return sqlite3
    try:
        import pysqlite3.dbapi2 as pysqlite3  # type: ignore[import-not-found]
    except ImportError:
        return sqlite3
    return pysqlite3


class Case:
    def __init__(self, root: Path, engine: Engine) -> None:
        self.root = root
        self.engine = engine
        self.blobs = BlobStore(root / "originals")
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(
        cls, root: str | Path, *, create: bool = True, database_url: str | None = None
    ) -> Case:
        root = Path(root)
        db_path = root / DB_NAME
        if not create and not db_path.exists() and database_url is None:
            raise CaseError(
                f"no case at {root} (no {DB_NAME}); ingest something first or pass --case DIR"
            )
        if root.exists() and not root.is_dir():
            raise CaseError(f"case path {root} exists and is not a folder")
        if db_path.exists() and _looks_unlike_sqlite(db_path):
            raise CaseError(f"{db_path} is not an SQLite database (damaged or not a case)")
        try:
            root.mkdir(parents=True, exist_ok=True)
            (root / "originals").mkdir(exist_ok=True)
        except OSError as exc:
            raise CaseError(f"cannot create case folder {root}: {exc.strerror}") from exc
        url = database_url or f"sqlite:///{db_path}"
        sqlite = url.startswith("sqlite")
        engine = create_engine(url, module=_sqlite_module()) if sqlite else create_engine(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        try:
            migrate.upgrade(engine)
        except (OperationalError, DatabaseError) as exc:
            raise CaseError(f"cannot open case database {url}: {exc.orig}") from exc
        case = cls(root, engine)
        case.blobs.clean_incomplete()
        return case

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        with self._sessions() as session, session.begin():
            yield session

    def reader(self) -> Session:
        return self._sessions()

    def counts(self) -> dict[str, int]:
        with self.reader() as s:
            return {
                "documents": s.scalar(select(func.count()).select_from(Document)) or 0,
                "segments": s.scalar(select(func.count()).select_from(Segment)) or 0,
                "failures": s.scalar(
                    select(func.count())
                    .select_from(IngestFailure)
                    .where(IngestFailure.resolved.is_(False))
                )
                or 0,
            }

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _looks_unlike_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        header = handle.read(16)
    return bool(header) and header != b"SQLite format 3\x00"
