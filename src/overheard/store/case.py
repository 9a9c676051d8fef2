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

DB_NAME = "case.sqlite"


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers (the workbench) never block the ingest writer. synchronous=NORMAL keeps every
    # commit atomic across a killed process; only a power cut can lose the last few commits.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


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
        engine = create_engine(url)
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
