"""The workbench's counts read indexes, not every row (issue 13: at 112k documents / 1M
segments the document list spent ~0.5 s and the search page ~0.4 s on them per request)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import text

from overheard.ingest.ingest import Ingestor
from overheard.web import queries


def _plan(case, statement: str) -> str:
    with case.engine.connect() as conn:
        return " | ".join(row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + statement)))


def test_counts_and_languages_match_a_plain_count(case, settings, samples):
    Ingestor(case, settings).ingest([samples / "reports", samples / "intercepts" / "call_01.wav"])
    page = queries.documents(case, queries.DocumentFilters())
    with case.engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, status, source_id, language FROM documents")).all()
        distinct = {
            lang for (lang,) in conn.execute(text("SELECT DISTINCT language FROM segments")) if lang
        }
    assert page.counts.documents == len(rows)
    assert page.counts.by_kind == dict(Counter(r.kind for r in rows))
    assert page.counts.by_status == dict(Counter(r.status for r in rows))
    languages = Counter(r.language for r in rows if r.language)
    assert [(f.language, f.documents) for f in page.facets.languages] == sorted(
        languages.items(), key=lambda item: (-item[1], item[0])
    )
    sources = Counter(r.source_id for r in rows)
    assert {f.number: f.documents for f in page.facets.sources} == {
        i: sources[i] for i in {f.number for f in page.facets.sources}
    }
    assert queries.search_languages(case) == sorted(distinct) and len(distinct) >= 2


def test_the_counts_read_covering_indexes(case):
    grouped = _plan(
        case,
        "SELECT kind, status, source_id, language, count(*) FROM documents "
        "GROUP BY kind, status, source_id, language",
    )
    assert "COVERING INDEX ix_documents_facets" in grouped, grouped
    step = _plan(case, "SELECT min(language) FROM segments WHERE language > 'en'")
    assert "ix_segments_language" in step, step


def test_statements_in_document_date_order_whichever_plan(analysed_case):
    """Unfiltered, the statements page walks the newest documents first; filtered, it sorts
    the filter's statements: the same order either way (newest report first, undated last,
    statements of one date by id)."""
    from overheard.store import Case

    with Case.open(analysed_case, create=False) as case:
        with case.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT st.id, st.act, d.published_at FROM statements st "
                    "JOIN documents d ON d.id = st.document_id"
                )
            ).all()
        dated = sorted({r.published_at for r in rows if r.published_at is not None})
        newest_first = {published: -i for i, published in enumerate(dated)}
        ordered = sorted(
            rows, key=lambda r: (r.published_at is None, newest_first.get(r.published_at, 0), r.id)
        )
        page = queries.statements(case, limit=1000)
        assert [st.id for st in page.statements] == [f"statement:{r.id}" for r in ordered]
        assert len(ordered) > 5 and len(dated) > 1
        act = ordered[-1].act
        filtered = queries.statements(case, act=act, limit=1000)
        assert [st.id for st in filtered.statements] == [
            f"statement:{r.id}" for r in ordered if r.act == act
        ]


def test_the_document_total_is_the_filtered_count_whichever_way(case, settings, samples):
    """The document list's total is summed from the facet groups when its filters are among
    their columns, counted otherwise: the same figure as counting the filtered documents."""
    from datetime import date

    from sqlalchemy import func, select

    from overheard.store.schema import Document

    Ingestor(case, settings).ingest([samples / "reports", samples / "intercepts" / "call_01.wav"])
    for f in [
        queries.DocumentFilters(),
        queries.DocumentFilters(kind="audio"),
        queries.DocumentFilters(language="ru", kind="text"),
        queries.DocumentFilters(source=1),
        queries.DocumentFilters(status="nonesuch"),
        queries.DocumentFilters(kind="text", date_from=date(2025, 3, 5)),
        queries.DocumentFilters(has_statements=False),
    ]:
        with case.reader() as s:
            exact = s.scalar(queries._filtered(select(func.count(Document.id)), f))
        assert queries.documents(case, f).total == exact, f
