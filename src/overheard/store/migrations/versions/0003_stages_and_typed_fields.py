"""document_stages (what each stage last did to each document); typed fields the analysis
computes: a mention's source component, a statement's speaker antecedent, an event's trigger,
a place's point

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 04:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_stages",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=50), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"]),
        sa.PrimaryKeyConstraint("document_id", "stage"),
    )
    op.create_index("ix_document_stages_stage", "document_stages", ["stage"], unique=False)
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=30), nullable=True))
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("speaker_antecedent", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("speaker_antecedent_start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("speaker_antecedent_end", sa.Integer(), nullable=True))
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trigger_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("trigger_start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("trigger_end", sa.Integer(), nullable=True))
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))
    # Transcripts made before stages were recorded stay: a transcript is redone only when
    # asked. Analyses recorded in documents.meta["analysed_by"] are not carried over: the
    # analysis version is derived now, so the next run analyses every document again.
    op.execute(
        "INSERT INTO document_stages (document_id, stage, version, status, finished_at) "
        "SELECT id, 'transcribe', 'before-stages', 'done', CURRENT_TIMESTAMP FROM documents "
        "WHERE status IN ('transcribed', 'no_speech')"
    )
    op.execute(
        "INSERT INTO document_stages (document_id, stage, version, status, error, finished_at) "
        "SELECT id, 'transcribe', 'before-stages', 'failed', status_reason, CURRENT_TIMESTAMP "
        "FROM documents WHERE status = 'transcription_failed'"
    )


def downgrade() -> None:
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("trigger_end")
        batch_op.drop_column("trigger_start")
        batch_op.drop_column("trigger_text")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_column("speaker_antecedent_end")
        batch_op.drop_column("speaker_antecedent_start")
        batch_op.drop_column("speaker_antecedent")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_column("source")
    op.drop_index("ix_document_stages_stage", table_name="document_stages")
    op.drop_table("document_stages")
