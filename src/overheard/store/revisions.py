"""The schema revisions this code knows, read from the migration files' names and headers
(no Alembic, no SQLAlchemy: ``store.readonly`` checks a case against them to start fast)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION = re.compile(r'^revision = "([^"]+)"$', re.MULTILINE)


@cache
def revisions() -> tuple[str, ...]:
    """Every revision this code knows, oldest first (the files are numbered in order; a test
    checks the order against Alembic's own chain)."""
    found = []
    for path in sorted((MIGRATIONS / "versions").glob("[0-9]*.py")):
        match = _REVISION.search(path.read_text(encoding="utf-8"))
        if match:
            found.append(match.group(1))
    return tuple(found)


def head_revision() -> str:
    return revisions()[-1]


def is_newer(revision: str | None) -> bool:
    """Whether a database at ``revision`` was made by a newer overheard than this one."""
    return revision is not None and revision not in revisions()
