"""Bring a case database to the newest schema with Alembic (the only way the schema changes).

Opening a case asks only which revision its database is at (one query; Alembic itself is
imported only to migrate): an SQLite case is upgraded on open; a PostgreSQL database is created
when empty and otherwise upgraded only by ``overheard migrate``, since analysts share it and an
upgrade made by one newer copy of overheard would lock out everyone else's older one. A database
whose revision this code does not know was made by a newer overheard: opening it is an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from overheard.store.revisions import MIGRATIONS, head_revision, is_newer, revisions

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["MIGRATIONS", "alembic_config", "current_revision", "head_revision", "is_newer"]
__all__ += ["revisions", "upgrade", "upgrade_needed"]


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The database's revision (None for a database without overheard's schema)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_needed(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied (cheap no-op when the case is current).

    Another process may be migrating the same database: on SQLite the caller holds the case's
    file lock (``Case.open``); on PostgreSQL a transaction-scoped advisory lock serialises
    migrators. Either way the revision is read again under the lock, so the second process
    finds the work done instead of creating tables that exist."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    if not upgrade_needed(engine):
        return
    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        if MigrationContext.configure(conn).get_current_revision() == head_revision():
            return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


_PG_LOCK_KEY = 0x6F7665726865  # "overhe": any constant the other processes use too
