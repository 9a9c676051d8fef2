"""translations.model and translation_cache: each rendering names its back-end and model
(Whisper's renderings, until now "whisper-translate:MODEL", become backend "whisper" and their
model), and renderings are cached by text hash per back-end, model and language pair.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_OLD_PREFIX = "whisper-translate:"


def upgrade() -> None:
    with op.batch_alter_table("translations") as batch:
        batch.add_column(sa.Column("model", sa.String(length=300), nullable=True))
    translations = sa.table(
        "translations",
        sa.column("id", sa.Integer),
        sa.column("backend", sa.String),
        sa.column("model", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(translations.c.id, translations.c.backend).where(
            translations.c.backend.like(_OLD_PREFIX + "%")
        )
    ).all()
    for row_id, backend in rows:
        bind.execute(
            translations.update()
            .where(translations.c.id == row_id)
            .values(backend="whisper", model=backend[len(_OLD_PREFIX) :])
        )
    op.create_table(
        "translation_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("backend", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=300), nullable=False),
        sa.Column("source_language", sa.String(length=20), nullable=False),
        sa.Column("target_language", sa.String(length=20), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "backend", "model", "source_language", "target_language", "text_sha256",
            name="uq_translation_cache_text",
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("translation_cache")
    with op.batch_alter_table("translations") as batch:
        batch.drop_column("model")
