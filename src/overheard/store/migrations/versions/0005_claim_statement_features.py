"""claim_statements.features and .vector: what the claim linking compared, kept with the
board line so a new document is linked against the case without recomputing it

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 05:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claim_statements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("features", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("vector", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("claim_statements", schema=None) as batch_op:
        batch_op.drop_column("vector")
        batch_op.drop_column("features")
