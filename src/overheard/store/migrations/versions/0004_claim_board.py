"""The claim board: a claim's key and update time, a board line's stance source and
similarity (one claim per statement), documents that copy others, analysts' entity merges

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 04:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_claims_key"), ["key"], unique=False)
    with op.batch_alter_table("claim_statements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stance_source", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("similarity", sa.Float(), nullable=True))
        batch_op.create_unique_constraint("uq_claim_statements_statement", ["statement_id"])
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("copy_of", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("copy_score", sa.Float(), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_copy_of"), ["copy_of"], unique=False)
        batch_op.create_foreign_key(
            "fk_documents_copy_of", "documents", ["copy_of"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "entity_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_entity_merges_key", "entity_merges", ["key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_entity_merges_key", table_name="entity_merges")
    op.drop_table("entity_merges")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint("fk_documents_copy_of", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_documents_copy_of"))
        batch_op.drop_column("copy_score")
        batch_op.drop_column("copy_of")
    with op.batch_alter_table("claim_statements", schema=None) as batch_op:
        batch_op.drop_constraint("uq_claim_statements_statement", type_="unique")
        batch_op.drop_column("similarity")
        batch_op.drop_column("stance_source")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_key"))
        batch_op.drop_column("updated_at")
        batch_op.drop_column("key")
