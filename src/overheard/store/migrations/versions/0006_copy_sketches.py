"""copy_sketches: each text's MinHash signature and sentence embeddings, so the copies stage
compares a new document with its candidates only (the LSH is rebuilt from these rows)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 05:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "copy_sketches",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("params", sa.String(length=100), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.Column("shingles", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=True),
        sa.Column("embedder", sa.String(length=200), nullable=True),
        sa.Column("vectors", sa.LargeBinary(), nullable=True),
        sa.Column("links", sa.JSON(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )


def downgrade() -> None:
    op.drop_table("copy_sketches")
