"""Semantic search: the segments whose meaning is nearest to a query's, in any language.

    semantic_search(case, "North Korean soldiers in Kursk", language="ru")

finds «Северокорейские военные воюют в Курской области» with no shared word: the query and
every segment are embedded by the same multilingual model (``overheard.embed``) and compared
by cosine similarity in the case's ``segments`` vector index (``overheard.store.vectors``),
which the ``embed`` stage fills. Hits are full-text search's ``Hit`` (so the CLI and the
workbench print both alike), without highlights, scored by cosine similarity (1 is the same
meaning; unrelated sentences score about 0.75-0.8 with this model, so the order matters more
than the number). The filters are full-text search's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy import text as sql

from overheard import embed
from overheard.errors import NotAvailable, OverheardError
from overheard.store.case import Case
from overheard.store.schema import Segment
from overheard.store.search import Hit, _filters
from overheard.store.vectors import MAX_K, VectorIndex

INDEX = "segments"
# Neighbours fetched per hit wanted when a filter drops some: grown 4× until enough pass.
_OVERFETCH = 4


def semantic_search(
    case: Case,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    language: str | None = None,
    kind: str | None = None,
    document_id: int | None = None,
) -> list[Hit]:
    if not query.strip():
        raise OverheardError("the search query has no words in it")
    index = VectorIndex(case, INDEX)
    reason = embed.unavailable() or index.unavailable()
    if reason:
        raise NotAvailable(f"semantic search: {reason}")
    state = index.state()
    if state is None or index.empty():
        raise OverheardError("no embeddings yet: run overheard process")
    if state.model != embed.model_id():
        raise OverheardError(
            f"the case's embeddings were made by {state.model}, this installation embeds with "
            f"{embed.model_id()}: run overheard process to embed the case again"
        )
    vector = embed.embed_query(query)
    wanted = limit + offset
    filtered = language is not None or kind is not None
    if document_id is not None:
        with case.reader() as s:
            ids = list(s.scalars(select(Segment.id).where(Segment.document_id == document_id)))
        found = index.nearest(vector, wanted, candidates=ids)
        rows = _rows(case, [i for i, _ in found], language, kind)
    else:
        k = min(MAX_K, wanted * (_OVERFETCH if filtered else 1))
        while True:
            found = index.nearest(vector, k)
            rows = _rows(case, [i for i, _ in found], language, kind)
            if len(rows) >= wanted or len(found) < k or k >= MAX_K:
                break
            k = min(MAX_K, k * _OVERFETCH)
    distance = dict(found)
    hits = [_hit(rows[i], 1.0 - distance[i]) for i, _ in found if i in rows]
    return hits[offset:wanted]


def _rows(case: Case, ids: list[int], language: str | None, kind: str | None) -> dict[int, Any]:
    """The segments among ``ids`` that pass the filters, with their documents."""
    if not ids:
        return {}
    params: dict[str, Any] = {"ids": ids}
    where = _filters(params, language, kind, None)
    statement = sql(
        f"""
        SELECT s.id, s.document_id, d.title, d.kind, s.idx, s.text, s.language, s.speaker,
               s.start_char, s.end_char, s.start_s, s.end_s
        FROM segments s JOIN documents d ON d.id = s.document_id
        WHERE s.id IN :ids{where}
        """
    ).bindparams(bindparam("ids", expanding=True))
    with case.engine.connect() as conn:
        return {row.id: row for row in conn.execute(statement, params)}


def _hit(row: Any, similarity: float) -> Hit:
    return Hit(
        segment_id=row.id,
        document_id=row.document_id,
        document_title=row.title,
        document_kind=row.kind,
        index=row.idx,
        text=row.text,
        highlights=[],
        language=row.language,
        speaker=row.speaker,
        start_char=row.start_char,
        end_char=row.end_char,
        start_s=row.start_s,
        end_s=row.end_s,
        score=round(similarity, 4),
    )
