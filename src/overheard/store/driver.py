"""Which SQLite library opens a case file, chosen without SQLAlchemy (``store.readonly``
opens the file with the same library as ``store.case``: SQLite keeps one process's locks on a
file together only within one library; a second library's close of its own descriptor would
drop the locks the first one's connections hold, see ``store.case``)."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
from typing import Any

DB_NAME = "case.sqlite"  # the case folder's database file


def vec0_path() -> str | None:
    """sqlite-vec's loadable extension (None when the semantic extra is not installed),
    found without importing the package: it imports numpy, a fifth of the start of a plain
    ``overheard search``."""
    spec = importlib.util.find_spec("sqlite_vec")
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(next(iter(spec.submodule_search_locations)), "vec0")


def sqlite_module(vec0: str | None) -> Any:
    """The DB-API module for the case file: the standard sqlite3, unless sqlite-vec (``vec0``)
    is installed and this Python's sqlite3 was built without loadable extensions (Debian's and
    python.org's macOS builds are), where pysqlite3 (its own SQLite, same file format) stands
    in."""
    if vec0 is None or hasattr(sqlite3.Connection, "enable_load_extension"):
        return sqlite3
    try:
        import pysqlite3.dbapi2 as pysqlite3  # type: ignore[import-not-found]
    except ImportError:
        return sqlite3
    return pysqlite3
