"""Alembic environment: run by overheard itself on the connection it passes in."""

from __future__ import annotations

from alembic import context

from overheard.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # run from the alembic command line: build an engine from the ini url
    from sqlalchemy import create_engine

    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url in the Alembic configuration")
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
