"""PostgreSQL: the words of the full-text index, kept by the database in ``search_words``, so
that the search can match a prefix as the words it stands for. PostgreSQL estimates any prefix
('склад':*) at 2 % of the rows, whatever it is, and so planned a word in no segment like a word
in a quarter of them (a walk of all 1M segments, newest first: 0.4 s); whole words it
estimates from the column's statistics, and picks the plan that suits each (issue 13).

A trigger adds the words of every inserted or updated segment, whichever code wrote it (a word
missing from the table would be a missed hit). The table has no unique key: two writers adding
the same new word at once both add it, and neither waits for the other (a unique key would
make the second wait for the first's commit, and could deadlock two ingests). Words of deleted
segments stay: a word that is in no segment matches nothing. SQLite: nothing (FTS5 matches
prefixes in its own index).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 21:10:00
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ADD_WORDS = """
CREATE FUNCTION search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words (word)
    SELECT DISTINCT w.lexeme FROM written, unnest(written.search) AS w
    WHERE NOT EXISTS (SELECT 1 FROM search_words k WHERE k.word = w.lexeme COLLATE "C");
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute('CREATE TABLE search_words (word text COLLATE "C" NOT NULL)')
    op.execute(ADD_WORDS)
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER segments_search_words_{event.lower()} AFTER {event} ON segments "
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
            "EXECUTE FUNCTION search_words_add()"
        )
    # The triggers are in place (and hold off writers until this commits): the words of the
    # segments already there, read once.
    op.execute(
        "INSERT INTO search_words (word) SELECT word FROM ts_stat('SELECT search FROM segments')"
    )
    op.execute("CREATE INDEX ix_search_words_word ON search_words (word)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS segments_search_words_{event} ON segments")
    op.execute("DROP FUNCTION IF EXISTS search_words_add()")
    op.execute("DROP TABLE IF EXISTS search_words")
