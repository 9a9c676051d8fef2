"""The record: schema, migrations, the case folder, blobs and search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from overheard.store.case import Case

__all__ = ["Case"]


def __getattr__(name: str) -> Any:
    # ``Case`` is imported on first use, not with the package: a read-only search of an SQLite
    # case (``store.readonly``) starts without SQLAlchemy, whose import alone outlasts it.
    if name == "Case":
        from overheard.store.case import Case

        return Case
    raise AttributeError(f"module 'overheard.store' has no attribute {name!r}")
