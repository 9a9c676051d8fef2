"""The record: schema, migrations, the case folder, blobs and search."""

from overheard.store.case import Case

__all__ = ["Case"]
