"""A read-only PostgreSQL connection straight over libpq (ctypes), for ``overheard search``:
importing psycopg took 0.21-0.3 s of CPU (asyncio, importlib.metadata, its type adapters),
more than the rest of the command; loading libpq takes a few milliseconds. libpq is the one
psycopg's wheel ships, else the system's; where there is none, ``connect`` returns None and
the command uses psycopg.

It offers the little of psycopg's interface that ``store.search.search_postgres`` uses:
``cursor()``, ``execute(sql, params, prepare=False)`` with ``%s`` / ``%(name)s`` parameters,
``fetchone``/``fetchall``, ``description``, ``info.transaction_status``. Parameters go to the
server apart from the statement (PQexecParams, text format, their types inferred by the
server), and the results come back as text, made ints, floats or strings by column type.
Every transaction is read-only.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

_CONNECTION_OK = 0
_TUPLES_OK, _COMMAND_OK = 2, 1
_MESSAGE = ord("M")  # PG_DIAG_MESSAGE_PRIMARY
_STATUS = ("IDLE", "ACTIVE", "INTRANS", "INERROR", "UNKNOWN")
_INTS = {20, 21, 23, 26}  # int8, int2, int4, oid
_FLOATS = {700, 701, 1700}  # float4, float8, numeric
_PARAM = re.compile(r"%\((\w+)\)s|%s|%%")


class Error(Exception):
    """A statement or connection that failed: the server's message."""


def _load() -> Any:
    """libpq, from psycopg's binary wheel or the system; None where neither is there."""
    from importlib.util import find_spec

    spec = find_spec("psycopg_binary")
    candidates: list[str] = []
    if spec is not None and spec.origin:
        libs = Path(spec.origin).parent.with_name("psycopg_binary.libs")
        candidates += sorted(str(p) for p in libs.glob("libpq*.so*"))
    candidates += ["libpq.so.5", "libpq.5.dylib", "libpq.dylib"]
    for name in candidates:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        vp, cp, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
        for fn, args, result in [
            ("PQconnectdb", [cp], vp),
            ("PQstatus", [vp], i),
            ("PQerrorMessage", [vp], cp),
            ("PQfinish", [vp], None),
            ("PQtransactionStatus", [vp], i),
            ("PQsetClientEncoding", [vp, cp], i),
            ("PQexecParams", [vp, cp, i, vp, ctypes.POINTER(cp), vp, vp, i], vp),
            ("PQresultStatus", [vp], i),
            ("PQresultErrorField", [vp, i], cp),
            ("PQntuples", [vp], i),
            ("PQnfields", [vp], i),
            ("PQfname", [vp, i], cp),
            ("PQftype", [vp, i], ctypes.c_uint),
            ("PQgetvalue", [vp, i, i], cp),
            ("PQgetisnull", [vp, i, i], i),
            ("PQclear", [vp], None),
        ]:
            f = getattr(lib, fn)
            f.argtypes, f.restype = args, result
        return lib
    return None


def connect(conninfo: str) -> Connection | None:
    """A connection to ``conninfo`` (a libpq URL or key=value string), or None where libpq is
    not to be found. Raises ``Error`` where the server refuses."""
    lib = _load()
    if lib is None:
        return None
    handle = lib.PQconnectdb(conninfo.encode())
    if lib.PQstatus(handle) != _CONNECTION_OK:
        message = (lib.PQerrorMessage(handle) or b"").decode(errors="replace").strip()
        lib.PQfinish(handle)
        raise Error(message)
    lib.PQsetClientEncoding(handle, b"UTF8")
    return Connection(lib, handle)


class Connection:
    def __init__(self, lib: Any, handle: int) -> None:
        self._lib, self._handle = lib, handle

    @property
    def info(self) -> SimpleNamespace:
        status = _STATUS[self._lib.PQtransactionStatus(self._handle)]
        return SimpleNamespace(transaction_status=SimpleNamespace(name=status))

    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, statement: str, params: Any = None, prepare: bool = False) -> Cursor:
        return Cursor(self).execute(statement, params, prepare=prepare)

    def rollback(self) -> None:
        if self.info.transaction_status.name != "IDLE":
            self._run("ROLLBACK", [])

    def close(self) -> None:
        if self._handle:
            self._lib.PQfinish(self._handle)
            self._handle = 0

    def _run(self, statement: str, values: Sequence[Any]) -> tuple[list[str], list[tuple]]:
        lib = self._lib
        texts = [None if v is None else str(v).encode() for v in values]
        array = (ctypes.c_char_p * max(1, len(texts)))(*texts)
        result = lib.PQexecParams(
            self._handle, statement.encode(), len(texts), None, array, None, None, 0
        )
        try:
            status = lib.PQresultStatus(result)
            if status not in (_TUPLES_OK, _COMMAND_OK):
                # The primary message alone, as psycopg's errors say it.
                raw = lib.PQresultErrorField(result, _MESSAGE) or lib.PQerrorMessage(self._handle)
                raise Error((raw or b"").decode(errors="replace").strip())
            fields = lib.PQnfields(result)
            names = [lib.PQfname(result, j).decode() for j in range(fields)]
            kinds = [_kind(lib.PQftype(result, j)) for j in range(fields)]
            rows = [
                tuple(
                    None
                    if lib.PQgetisnull(result, r, j)
                    else kinds[j](lib.PQgetvalue(result, r, j).decode())
                    for j in range(fields)
                )
                for r in range(lib.PQntuples(result))
            ]
            return names, rows
        finally:
            lib.PQclear(result)


def _kind(oid: int) -> Any:
    if oid in _INTS:
        return int
    if oid in _FLOATS:
        return float
    if oid == 16:
        return lambda text: text == "t"
    return str


class Cursor:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._rows: list[tuple] = []
        self.description: list[tuple[str]] | None = None

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._rows = []

    def execute(self, statement: str, params: Any = None, prepare: bool = False) -> Cursor:
        """Runs ``statement`` (psycopg's ``%s`` / ``%(name)s`` parameters) in a read-only
        transaction, begun if none is open, as psycopg does outside autocommit."""
        conn = self._conn
        if conn.info.transaction_status.name == "IDLE":
            conn._run("BEGIN READ ONLY", [])
        sql, values = _numbered(statement, params)
        names, self._rows = conn._run(sql, values)
        self.description = [(name,) for name in names] if names else None
        return self

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._rows, []
        return rows

    def fetchone(self) -> tuple | None:
        return self._rows.pop(0) if self._rows else None

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())


def _numbered(statement: str, params: Any) -> tuple[str, list[Any]]:
    """The statement with psycopg's placeholders as PostgreSQL's $1, $2 …, and their values."""
    if params is None:
        return statement, []
    values: list[Any] = []
    numbers: dict[str, int] = {}
    positional = iter(params) if isinstance(params, (list, tuple)) else None

    def number(match: re.Match[str]) -> str:
        if match.group(0) == "%%":
            return "%"
        name = match.group(1)
        if name is None:
            assert positional is not None, "%s takes a sequence of parameters"
            values.append(next(positional))
            return f"${len(values)}"
        if name not in numbers:
            values.append(params[name])
            numbers[name] = len(values)
        return f"${numbers[name]}"

    return _PARAM.sub(number, statement), values
