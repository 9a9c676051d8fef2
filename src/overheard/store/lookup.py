"""Find records by the ids users type: ``3``, ``document:3`` or a sha256 prefix."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from overheard.errors import OverheardError
from overheard.store.schema import Document


def find_document(session: Session, key: str) -> Document:
    key = key.strip()
    number = key.removeprefix("document:")
    if number.isdigit():
        doc = session.get(Document, int(number))
        if doc is None:
            raise OverheardError(f"no document {number} in this case (see 'overheard list')")
        return doc
    if len(key) >= 6 and all(c in "0123456789abcdef" for c in key.lower()):
        docs = session.scalars(
            select(Document).where(Document.blob_sha256.startswith(key.lower())).limit(3)
        ).all()
        if len(docs) == 1:
            return docs[0]
        if len(docs) > 1:
            raise OverheardError(f"sha256 prefix {key!r} matches several documents; give more")
    raise OverheardError(f"no document {key!r}: give a document id (e.g. 3) or a sha256 prefix")
