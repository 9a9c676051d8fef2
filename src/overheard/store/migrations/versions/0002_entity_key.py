"""entities.key: the cross-script key that merges entities across documents

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f("ix_entities_key"), ["key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entities_key"))
        batch_op.drop_column("key")
