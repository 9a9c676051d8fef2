from __future__ import annotations

import pytest

from overheard.errors import OverheardError
from overheard.ingest.ingest import Ingestor
from overheard.store.search import build_query, search


@pytest.fixture
def filled(case, settings, samples):
    Ingestor(case, settings).ingest([samples / "reports"])
    return case


def test_cyrillic_prefix_and_case(filled):
    hits = search(filled, "курск")
    texts = " ".join(h.text for h in hits)
    assert "Курском" in texts  # prefix match across a case ending
    for h in hits:
        for start, end in h.highlights:
            assert h.text[start:end].lower().startswith("курск")


def test_yo_folds_to_e(filled):
    # «уйдём» is written with ё in the sample; both spellings find it
    with_e = search(filled, "уйдем")
    with_yo = search(filled, "уйдём")
    assert with_e and [h.segment_id for h in with_e] == [h.segment_id for h in with_yo]
    h = with_e[0]
    assert any(h.text[s:e] == "уйдём" for s, e in h.highlights)


def test_phrase_and_snippet_marks(filled):
    hits = search(filled, '"K Battalion"')
    assert hits
    assert "[K Battalion]" in hits[0].marked("[", "]").replace("] [", " ")
    assert hits[0].start_char is not None and hits[0].end_char > hits[0].start_char


def test_ukrainian_and_filters(filled):
    assert search(filled, "Покровському", language="uk")
    assert not search(filled, "Покровському", language="en")
    assert not search(filled, "drones", kind="audio")


def test_no_match_and_bad_queries(filled):
    assert search(filled, "zzzxqv") == []
    with pytest.raises(OverheardError, match="no words"):
        search(filled, "!!! ---")
    with pytest.raises(OverheardError, match="cannot parse search query"):
        search(filled, 'AND OR "', raw=True)


def test_query_builder_quotes_operators():
    assert build_query('NOT a-b "x y" ё') == '"x y" "NOT"* "a"* "b"* "е"*'


def test_hostile_text_is_just_text(case, settings, tmp_path):
    f = tmp_path / "x.txt"
    f.write_text(
        'He said "<script>alert(1)</script>" NEAR the border; DROP TABLE segments;',
        encoding="utf-8",
    )
    Ingestor(case, settings).ingest([f])
    assert search(case, "script alert")
    assert search(case, "DROP TABLE")
    assert case.counts()["segments"] >= 1


def test_a_runaway_query_is_stopped_with_a_clear_error(tmp_path):
    from sqlalchemy import text as sql

    from overheard.errors import OverheardError
    from overheard.store import Case
    from overheard.store.search import time_limited

    endless = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
    )
    with Case.open(tmp_path / "c") as case, case.engine.connect() as conn:
        with pytest.raises(OverheardError, match=r"ran longer than 0.2 s and was stopped"):
            with time_limited(conn, "everything", 0.2):
                conn.execute(sql(endless)).scalar()
        # the connection is usable again, without the limit
        assert conn.execute(sql("SELECT 1")).scalar() == 1


def test_the_read_only_path_finds_what_the_case_finds(filled):
    """``overheard search`` reads an SQLite case at the current schema on a connection of its
    own: the same hits, in the same order, as the search through the case's engine."""
    from overheard.store.readonly import open_sqlite
    from overheard.store.search import search_sqlite

    db = open_sqlite(filled.root)
    assert db is not None
    try:
        for query, filters in [
            ("курск", {}),
            ('"K Battalion"', {}),
            ("Покровському", {"language": "uk"}),
            ("troops", {"kind": "text", "limit": 3, "offset": 1}),
        ]:
            ours = search_sqlite(db, query, **filters)
            theirs = search(filled, query, **filters)
            assert ours and [h.as_record() for h in ours] == [h.as_record() for h in theirs]
        with pytest.raises(OverheardError, match="cannot parse search query"):
            search_sqlite(db, 'AND OR "', raw=True)
        # read-only: nothing this connection runs can change the case
        with pytest.raises(Exception, match="readonly"):
            db.execute("DELETE FROM segments")
    finally:
        db.close()


def test_the_read_only_path_steps_aside_for_any_other_case(tmp_path, filled):
    """No file, another schema revision or not a database: None, so the command opens the
    case the usual way (which migrates, refuses or says what is wrong)."""
    import shutil
    import sqlite3

    from overheard.store.case import DB_NAME
    from overheard.store.readonly import open_sqlite
    from overheard.store.revisions import revisions

    assert open_sqlite(tmp_path / "nothing") is None
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / DB_NAME).write_bytes(b"not a database at all" * 100)
    assert open_sqlite(tmp_path / "junk") is None
    older = tmp_path / "older"
    older.mkdir()
    filled.engine.dispose()
    shutil.copy(filled.root / DB_NAME, older / DB_NAME)
    with sqlite3.connect(older / DB_NAME) as db:
        db.execute("UPDATE alembic_version SET version_num = ?", (revisions()[-2],))
    db.close()
    assert open_sqlite(older) is None


def test_a_plain_search_command_starts_without_sqlalchemy(filled):
    """The command's start was 0.7 s, almost all of it SQLAlchemy's and the schema's import."""
    import subprocess
    import sys

    probe = (
        "import sys; from overheard.cli import cli\n"
        "try:\n"
        f"    cli(['--case', {str(filled.root)!r}, 'search', 'курск'], standalone_mode=False)\n"
        "finally:\n"
        "    print('SQLALCHEMY' if 'sqlalchemy' in sys.modules else 'WITHOUT')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Курск" in done.stdout and done.stdout.strip().endswith("WITHOUT")


def test_a_hits_record_is_the_exports_search_hit(filled):
    """``overheard search --json`` prints ``Hit.as_record()`` without importing the records
    (pydantic and the schema: +1 s of the command's start): it must be SearchHit's dump."""
    from overheard.records import SearchHit

    hits = search(filled, "курск") + search(filled, '"K Battalion"')
    assert hits
    for h in hits:
        assert SearchHit.model_validate(h.as_record()).dump() == h.as_record()


def test_prefix_operands_of_a_tsquery_as_postgresql_writes_it():
    """PostgreSQL's search matches a prefix as its words: the prefixes are found in the
    tsquery's text, quotes and backslashes as PostgreSQL escapes them, weighted ones left."""
    from overheard.store.search import _operand, _past, _prefix_operands

    written = "'склад':*AB & 'x':* & 'it''s':* <-> 'a\\\\b':* & 'y' | !'z':*"
    found = [(written[a:b], word) for a, b, word in _prefix_operands(written)]
    assert found == [("'x':*", "x"), ("'it''s':*", "it's"), ("'a\\\\b':*", "a\\b"), ("'z':*", "z")]
    assert _operand("it's") == "'it''s'" and _operand("a\\b") == "'a\\\\b'"
    assert _past("склад") == "склае" and "складами" < _past("склад") < "склае\x00"


def test_a_query_of_words_to_intersect_is_tagged_with_a_range_of_ids():
    """PostgreSQL's tagged index (migration 0013) answers words to intersect: every operand
    tagged, a phrase as its words (the segment's own words are checked too); not a lone word,
    weights, or a phrase under a negation (asked as its words, '!' would lose hits)."""
    from overheard.store.search import _taggable, _tagged

    tokens = _taggable("'курск':* & ( 'it''s' <-> 'a\\\\b' | 'x' )")
    assert tokens is not None
    assert _tagged(tokens, 30) == "('30/курск':* & ( '30/it''s' & '30/a\\\\b' | '30/x' ))"
    assert _tagged(_taggable("'a' & !'b'") or [], 1) == "('1/a' & ! '1/b')"
    for untagged in [
        "'курск':*",
        "'a' | 'b'",
        "'a':A & 'b'",
        "!( 'a' <-> 'b' ) & 'c'",
        "",
        "'a' ? 'b'",
    ]:
        assert _taggable(untagged) is None, untagged
