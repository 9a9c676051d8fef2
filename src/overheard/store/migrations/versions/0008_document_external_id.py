"""documents.external_id: an item's identity where it was published (a Telegram message, a
feed item), unique, so a newer export or feed adds only the items not already in the case

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("external_id", sa.String(length=500), nullable=True))
    op.create_index("uq_documents_external_id", "documents", ["external_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_documents_external_id", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("external_id")
