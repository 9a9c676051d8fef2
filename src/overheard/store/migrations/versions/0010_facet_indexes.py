"""Indexes for the workbench's counts at a million segments: the languages of the segments
(the search page's language filter: a walk of 1M rows on every load, now a few index probes)
and one covering index for the document list's counts by kind, status, source and language
(four scans of every document row, with its text, on every page, now one index scan). The
latter leads with ``kind``, so it replaces ``ix_documents_kind``. And the statements page's
speakers, counted from an index of ``speaker_text`` rather than by sorting every statement;
an entity's mentions by entity, document and offset (its page read and sorted all of a common
place's 45k mentions, document text and all, to show the first 200), which replaces
``ix_mentions_entity_id``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 18:10:00
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_segments_language", "segments", ["language"])
    op.create_index("ix_documents_facets", "documents", ["kind", "status", "source_id", "language"])
    op.drop_index("ix_documents_kind", table_name="documents")
    op.create_index("ix_statements_speaker_text", "statements", ["speaker_text"])
    op.create_index(
        "ix_mentions_entity_place", "mentions", ["entity_id", "document_id", "start_char"]
    )
    op.drop_index("ix_mentions_entity_id", table_name="mentions")


def downgrade() -> None:
    op.create_index("ix_mentions_entity_id", "mentions", ["entity_id"])
    op.drop_index("ix_mentions_entity_place", table_name="mentions")
    op.drop_index("ix_statements_speaker_text", table_name="statements")
    op.create_index("ix_documents_kind", "documents", ["kind"])
    op.drop_index("ix_documents_facets", table_name="documents")
    op.drop_index("ix_segments_language", table_name="segments")
