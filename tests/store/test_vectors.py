"""Vector indexes in the case (sqlite-vec here; pgvector when a PostgreSQL server with it is
named): nearest ids and distances, a document's vectors replaced whole, the cells a large
index is partitioned into, vectors of another model never mixed in, and what a case without
the extension says. Vectors are made up here; the model's own are in test_embedding.py."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, select

from overheard.errors import NotAvailable, OverheardError
from overheard.store import Case
from overheard.store.schema import Blob, Document, VectorItem
from overheard.store.vectors import VectorIndex


def _vectors(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _documents(case: Case, n: int) -> list[int]:
    with case.session() as s:
        s.add(Blob(sha256="f" * 64, size=0, media_type="text/plain"))
        docs = [
            Document(blob_sha256="f" * 64, part=i, kind="text", media_type="text/plain",
                     origin_path=f"{i}.txt", status="ready")
            for i in range(n)
        ]  # fmt: skip
        s.add_all(docs)
        s.flush()
        return [d.id for d in docs]


@pytest.fixture
def index(case: Case) -> VectorIndex:
    reason = VectorIndex(case, "segments").unavailable()
    if reason:
        pytest.skip(f"no vector index here: {reason}")
    return VectorIndex(case, "segments")


def test_nearest_is_exact_below_the_cells(index: VectorIndex) -> None:
    assert index.nearest(_vectors(1)[0], 5) == []  # an index never written is empty
    vectors = _vectors(200)
    index.upsert(range(1, 201), vectors, model="toy")
    assert index.count() == 200 and not index.empty()
    query = vectors[41] + 0.01
    found = index.nearest(query, 5)
    exact = np.argsort(-(vectors @ (query / np.linalg.norm(query))))[:5] + 1
    assert [i for i, _ in found] == exact.tolist()
    assert found[0][1] < 0.01 and all(a[1] <= b[1] for a, b in zip(found, found[1:], strict=False))
    assert len(index.nearest(query, 1000)) == 200
    # Only among candidates: exact there too.
    among = index.nearest(query, 2, candidates=[7, 8, 42])
    assert [i for i, _ in among][0] == 42 and len(among) == 2
    index.delete([42])
    assert 42 not in [i for i, _ in index.nearest(query, 5)]
    # Upsert replaces a vector under the same id.
    index.upsert([5], vectors[41:42], model="toy")
    assert index.nearest(query, 1)[0][0] == 5 and index.count() == 199


def test_a_documents_vectors_are_replaced_whole(case: Case, index: VectorIndex) -> None:
    a, b = _documents(case, 2)
    vectors = _vectors(10)
    index.replace(a, [1, 2, 3, 4], vectors[:4], model="toy")
    index.replace(b, [5, 6], vectors[4:6], model="toy")
    index.replace(a, [1, 7], vectors[6:8], model="toy")  # a new transcript: 2-4 went
    with case.reader() as s:
        rows = s.execute(select(VectorItem.item_id, VectorItem.document_id)).all()
    assert sorted(rows) == [(1, a), (5, b), (6, b), (7, a)]
    assert index.nearest(vectors[2], 10, candidates=[2, 3]) == []
    assert index.nearest(vectors[6], 1)[0][0] == 1
    index.replace(b, [], vectors[:0], model="toy")
    assert index.count() == 2


def test_a_removed_documents_vectors_are_never_found(case: Case, index: VectorIndex) -> None:
    (a,) = _documents(case, 1)
    vectors = _vectors(3)
    index.replace(a, [1, 2, 3], vectors, model="toy")
    with case.session() as s:
        s.execute(delete(Document).where(Document.id == a))
    assert index.nearest(vectors[0], 3) == [] and index.empty()
    index.upsert([1], vectors[1:2], model="toy")  # its id again: the old vector is dropped
    assert [i for i, _ in index.nearest(vectors[1], 3)] == [1]


def test_another_model_empties_the_index(index: VectorIndex) -> None:
    index.upsert([1, 2], _vectors(2), model="model-a")
    index.upsert([3], _vectors(1, dim=8), model="model-b")
    assert index.count() == 1 and index.state().model == "model-b" and index.state().dim == 8
    with pytest.raises(OverheardError, match="8-dimensional"):
        index.nearest(_vectors(1)[0], 1)


def test_cells_once_the_index_is_large(case: Case, index: VectorIndex) -> None:
    index = VectorIndex(case, "statements", train_at=400)
    vectors = _vectors(1000, dim=24, seed=3)
    index.upsert(range(1, 801), vectors[:800], model="toy")
    assert index.state().cells == 0
    assert index.maintain() == "statements index: 800 vectors in 28 cells"
    assert index.maintain() is None  # not outgrown
    state = index.state()
    assert state.cells == 28 and state.trained_count == 800
    # New vectors join their nearest cell; every cell searched = the exact answer.
    index.upsert(range(801, 1001), vectors[800:], model="toy")
    for q in vectors[::97]:
        exact = (np.argsort(-(vectors @ q))[:10] + 1).tolist()
        assert [i for i, _ in index.nearest(q, 10, probes=state.cells)] == exact
        assert index.nearest(q, 1)[0][0] == exact[0]  # the default probes find itself
    among = index.nearest(vectors[5], 3, candidates=[6, 600, 950])
    assert sorted(i for i, _ in among) == [6, 600, 950]
    # Shrunk below the threshold: back to one cell, nothing lost.
    index.delete(range(1, 901))
    assert index.maintain() == "statements index: 100 vectors, exact search"
    assert index.nearest(vectors[950], 1)[0][0] == 951 and index.count() == 100
    # The other index of the case is untouched.
    assert VectorIndex(case, "segments").empty()


def test_a_case_without_the_extension_says_what_is_missing(tmp_path: Path, monkeypatch) -> None:
    from overheard.store import case as case_module

    monkeypatch.setattr(case_module, "_sqlite_vec", None)  # as if the extra were missing
    with Case.open(tmp_path / "plain") as plain:
        index = VectorIndex(plain, "segments")
        assert "pip install 'overheard[semantic]'" in (index.unavailable() or "")
        with pytest.raises(NotAvailable, match="semantic extra"):
            index.upsert([1], _vectors(1), model="toy")
        assert index.nearest(_vectors(1)[0], 3) == []  # nothing was written


URL = os.environ.get("OVERHEARD_TEST_POSTGRES_URL")


def test_pgvector_index(tmp_path: Path) -> None:
    if not URL:
        pytest.skip("PostgreSQL tests skipped: set OVERHEARD_TEST_POSTGRES_URL (see .ci/run)")
    from sqlalchemy import create_engine, text

    admin = create_engine(URL, isolation_level="AUTOCOMMIT")
    name = f"overheard_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        with Case.open(tmp_path / "pg", database_url=URL.rsplit("/", 1)[0] + "/" + name) as pg:
            index = VectorIndex(pg, "segments")
            reason = index.unavailable()
            if reason:
                pytest.skip(f"pgvector: {reason}")
            vectors = _vectors(50)
            index.upsert(range(1, 51), vectors, model="toy")
            assert index.nearest(vectors[9], 3)[0][0] == 10
            assert [i for i, _ in index.nearest(vectors[9], 2, candidates=[1, 2])] in (
                [1, 2],
                [2, 1],
            )
            index.delete([10])
            assert index.nearest(vectors[9], 1)[0][0] != 10
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
