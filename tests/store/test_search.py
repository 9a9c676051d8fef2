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
