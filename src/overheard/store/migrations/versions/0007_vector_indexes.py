"""vector_indexes and vector_items: the case's vector indexes (sentence embeddings of
segments, statements, claims), what model made them, their cells, and which document each
vector belongs to. The vectors themselves are in one sqlite-vec vec0 table (SQLite) or pgvector
table (PostgreSQL) per index, vec_NAME_gN, created on first use by overheard.store.vectors: the
vector extension may be missing when this runs, and the dimension is the model's.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 05:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vector_indexes",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("trained_count", sa.Integer(), nullable=False),
        sa.Column("centroids", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "vector_items",
        sa.Column("index_name", sa.String(length=50), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("cell", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["index_name"], ["vector_indexes.name"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("index_name", "item_id"),
    )
    op.create_index(
        "ix_vector_items_document", "vector_items", ["index_name", "document_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_vector_items_document", table_name="vector_items")
    op.drop_table("vector_items")
    op.drop_table("vector_indexes")
