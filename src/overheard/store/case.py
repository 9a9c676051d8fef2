"""A case: one folder holding ``case.sqlite`` and ``originals/`` (the untouched inputs).

    case = Case.open("overheard-case")          # created and migrated if new
    with case.session() as s:                   # one transaction; rolled back on error
        s.add(...)

A PostgreSQL database can stand in for the SQLite file (``database_url``); the originals stay
in the folder either way, or in a folder of their own that several machines share (``blobs``).

One engine per case per process: opening a case that this process already has open shares its
engine (``close`` disposes of it with the last user). SQLite's locks are POSIX locks, which
belong to the process and are dropped when *any* descriptor of the file closes; a second engine,
or a plain open and close of ``case.sqlite`` to look at its header, dropped the locks that the
first engine's connections held, and another process closing the case then deleted the WAL from
under them (the workbench then read a stale or "malformed" database). Migrations run under a
lock (a file lock beside the database, an advisory lock on PostgreSQL), so processes that open a
new case at the same time create its schema once.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from overheard.errors import CaseError
from overheard.store import migrate
from overheard.store.blobs import BlobStore
from overheard.store.driver import DB_NAME, sqlite_module, vec0_path
from overheard.store.schema import Document, IngestFailure, Segment

_sqlite_vec = vec0_path()

LOCK_NAME = ".case.lock"  # flock'd by whoever migrates or runs a stage; never case.sqlite itself

try:
    import fcntl
except ImportError:  # Windows: no flock; one process at a time there
    fcntl = None  # type: ignore[assignment]


class _Shared:
    """An engine and how many open ``Case`` objects in this process use it."""

    def __init__(self, engine: Engine, identity: tuple[int, int] | None) -> None:
        self.engine = engine
        self.identity = identity
        self.users = 1


_ENGINES: dict[str, _Shared] = {}
_ENGINES_LOCK = threading.RLock()


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
    # Transactions are begun by _sqlite_begin, not by the driver, which began them only at the
    # first write: a writer's "is it there yet?" then ran before its lock, and two processes
    # storing the same file both found it absent (UNIQUE constraint failed: blobs.sha256).
    dbapi_conn.isolation_level = None
    _load_sqlite_vec(dbapi_conn)


_PG_RUN_LOCK = 0x6F7672756E  # "ovrun": held by whoever runs a stage on a PostgreSQL case

WRITE = "overheard_write"  # execution option: this transaction writes


def _sqlite_begin(conn: Any) -> None:
    """A writer's transaction takes SQLite's write lock at once (waiting up to busy_timeout
    for another writer) and so reads what the last writer committed; a reader's is deferred
    and reads one snapshot throughout."""
    immediate = conn.get_execution_options().get(WRITE)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _load_sqlite_vec(dbapi_conn: Any) -> None:
    """sqlite-vec's vec0 tables (the case's vector indexes), when the semantic extra is
    installed and this SQLite may load extensions; without it everything else works and a
    vector index says what is missing (``overheard.store.vectors``)."""
    if _sqlite_vec is None or not hasattr(dbapi_conn, "enable_load_extension"):
        return
    dbapi_conn.enable_load_extension(True)
    try:
        dbapi_conn.load_extension(_sqlite_vec)
    finally:
        dbapi_conn.enable_load_extension(False)


def _sqlite_module() -> Any:
    return sqlite_module(_sqlite_vec)


class Case:
    def __init__(
        self, root: Path, engine: Engine, key: str | None = None, blobs: Path | None = None
    ) -> None:
        self.root = root
        self.engine = engine
        self._key = key
        self._closed = False
        self.blobs = BlobStore(blobs if blobs is not None else root / "originals")
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(
        cls,
        root: str | Path,
        *,
        create: bool = True,
        database_url: str | None = None,
        blobs: str | Path | None = None,
        upgrade: bool | None = None,
    ) -> Case:
        """Open (and, with ``create``, make) the case at ``root``: its database is
        ``root/case.sqlite`` or ``database_url``, its originals ``root/originals`` or ``blobs``.
        ``upgrade``: None migrates an SQLite case and creates an empty PostgreSQL database's
        schema but leaves an older PostgreSQL schema to ``overheard migrate`` (True); False
        never changes the schema. A schema newer than this code is always an error."""
        root = Path(root)
        blobs_dir = Path(blobs) if blobs is not None else None
        db_path = root / DB_NAME
        if not create and not db_path.exists() and database_url is None:
            raise CaseError(
                f"no case at {root} (no {DB_NAME}); ingest something first or pass --case DIR"
            )
        if root.exists() and not root.is_dir():
            raise CaseError(f"case path {root} exists and is not a folder")
        url = database_url or f"sqlite:///{db_path.resolve()}"
        with _ENGINES_LOCK:
            shared = _ENGINES.get(url)
            if shared is not None and shared.identity == _identity(db_path, database_url):
                shared.users += 1
                return cls(root, shared.engine, url, blobs_dir)
            engine = _new_engine(root, db_path, url, upgrade, blobs_dir)
            _ENGINES[url] = _Shared(engine, _identity(db_path, database_url))
        case = cls(root, engine, url, blobs_dir)
        case.blobs.clean_incomplete()
        return case

    @property
    def database(self) -> str:
        """Where the case's database is, as it may be printed (no password)."""
        return shown_url(self._key) if self._key else str(self.engine.url)

    @contextmanager
    def exclusive(self, waiting: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the case's lock (one holder at a time across processes and threads): schema
        changes and stage runs, which would otherwise race or repeat each other's work.
        ``waiting`` is called once if another holder makes this one wait. On PostgreSQL the
        lock is the database's (a session advisory lock): the processes sharing the case may
        run on other machines, with case folders of their own."""
        if self.engine.dialect.name != "postgresql":
            with case_lock(self.root, waiting):
                yield
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            key = {"key": _PG_RUN_LOCK}
            if not conn.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar():
                if waiting is not None:
                    waiting()
                conn.execute(text("SELECT pg_advisory_lock(:key)"), key)
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        with self._sessions() as session, session.begin():
            session.connection(execution_options={WRITE: True})
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
        """Stop using the case; the last user in this process disposes of its engine."""
        if self._closed:
            return
        self._closed = True
        with _ENGINES_LOCK:
            shared = _ENGINES.get(self._key) if self._key else None
            if shared is None or shared.engine is not self.engine:
                self.engine.dispose()  # not shared (made directly, or its file was replaced)
                return
            shared.users -= 1
            if shared.users <= 0:
                del _ENGINES[self._key]  # type: ignore[arg-type]
                self.engine.dispose()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def shown_url(url: str) -> str:
    """A database URL as it may be printed: without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can parse: the engine's own error says so
        return url


def _new_engine(
    root: Path, db_path: Path, url: str, upgrade: bool | None, blobs: Path | None
) -> Engine:
    """A migrated engine for a case this process does not have open yet."""
    sqlite = url.startswith("sqlite")
    module = _sqlite_module() if sqlite else None
    if sqlite and db_path.exists() and _looks_unlike_sqlite(db_path, module):
        raise CaseError(f"{db_path} is not an SQLite database (damaged or not a case)")
    try:
        root.mkdir(parents=True, exist_ok=True)
        (blobs or root / "originals").mkdir(parents=blobs is not None, exist_ok=True)
    except OSError as exc:
        raise CaseError(f"cannot create case folder {root}: {exc.strerror}") from exc
    try:
        engine = create_engine(url, module=module) if sqlite else create_engine(url)
    except Exception as exc:  # a malformed URL, a driver that is not installed
        raise CaseError(f"cannot use database {shown_url(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    try:
        current = migrate.current_revision(engine)
        if migrate.is_newer(current):
            raise CaseError(
                f"the case's database {shown_url(url)} has schema revision {current}, newer "
                f"than this overheard knows (up to {migrate.head_revision()}): upgrade overheard"
            )
        if current != migrate.head_revision():
            if upgrade is False or (upgrade is None and not sqlite and current is not None):
                raise CaseError(
                    f"the case's database {shown_url(url)} has schema revision {current}; this "
                    f"overheard needs {migrate.head_revision()}: run 'overheard migrate' (and "
                    "upgrade overheard wherever else this database is used)"
                )
            with case_lock(root) if sqlite else nullcontext():
                migrate.upgrade(engine)
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        raise CaseError(f"cannot open case database {shown_url(url)}: {exc.orig}") from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def _identity(db_path: Path, database_url: str | None) -> tuple[int, int] | None:
    """Which file the case's database is (a case folder deleted and made again at the same
    path is another case: its engine must not be shared with the old one's)."""
    if database_url is not None:
        return None
    try:
        st = db_path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


@contextmanager
def case_lock(root: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """An exclusive flock on ``root/.case.lock``. flock (unlike the POSIX locks SQLite uses)
    belongs to the open file, so threads of one process exclude each other too, and closing
    another descriptor never drops it. Waits as long as the holder holds it (a killed holder's
    lock goes with its process)."""
    if fcntl is None:
        yield
        return
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _looks_unlike_sqlite(path: Path, module: Any) -> bool:
    """Whether the file is something other than an SQLite database, asked of SQLite itself:
    a plain ``open``/``close`` of the file here would drop the POSIX locks that this process's
    connections to it hold (see the module's docstring)."""
    try:
        conn = module.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except module.Error:
        return False  # unreadable: the engine's own error says why
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except module.DatabaseError as exc:
        return "not a database" in str(exc) or "malformed" in str(exc)
    finally:
        conn.close()
    return False
