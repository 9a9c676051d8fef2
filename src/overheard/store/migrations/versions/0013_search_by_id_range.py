"""PostgreSQL: a second full-text index whose words carry the range of ids their segment is in
(``ix_segments_search_tagged``: 'обстрел' in segment 1,000,000 is '30/обстрел', ranges of
32,768 ids), so that the newest matches of common words are found without reading their
whole lists. GIN keeps a word's segments in no useful order: a search of a range of ids ANDed
the word's whole posting list (170k segments for a word in a sixth of 1M) with the range,
14-40 ms a range, for every range a pair of common words needed. Here a range's words are
keys of their own, each as long as the range's share of the word (issue 13).

An index on an expression (``search_tagged(id, search)``): the database keeps it for every
insert, update and delete, whoever writes, and stores nothing in the rows. A word too long
to carry its range (over 2,000 bytes, past what a tsvector's word may be) is left out of it;
the search looks such a word up in ``ix_segments_search`` instead. SQLite: nothing (FTS5
reads its lists newest first).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 00:30:00
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# The range of ids is id >> 15; store.search.TAG_SHIFT and TAG_BYTES say the same.
SEARCH_TAGGED = """
CREATE FUNCTION search_tagged(id bigint, search tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT array_to_tsvector(array(
        SELECT (id >> 15)::text || '/' || word
        FROM unnest(tsvector_to_array(search)) AS word
        WHERE octet_length(word) <= 2000
    ))
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(SEARCH_TAGGED)
    op.execute(
        "CREATE INDEX ix_segments_search_tagged ON segments USING GIN (search_tagged(id, search))"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_segments_search_tagged")
    op.execute("DROP FUNCTION IF EXISTS search_tagged(bigint, tsvector)")
