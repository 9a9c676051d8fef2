"""Vector indexes in the case: the nearest sentence embeddings to a query, kept with the record.

    index = VectorIndex(case, "segments")
    index.replace(document_id, segment_ids, vectors, model=model_id())
    index.nearest(embed_query("North Korean soldiers in Kursk"), k=10)   # [(id, distance)]
    VectorIndex(session, "segments").upsert(...)   # inside that session's transaction

One index per kind of row, by name ("segments", "statements", "claims"); an id is that row's
id. Distances are cosine distances (1 − cosine similarity). ``vector_indexes`` says which model
made an index's vectors and ``vector_items`` which document each belongs to; the vectors
themselves are in ``vec_NAME_gN``: a sqlite-vec ``vec0`` table on SQLite, a pgvector table with
an HNSW index on PostgreSQL. That table is made on first use, not by a migration: the extension
may be missing when the case is migrated, and the dimension is the model's.

**Cells (SQLite).** sqlite-vec compares a query with every vector (100k vectors: ~0.2 s on
a busy 2-core machine, 1M: seconds). Below ``TRAIN_AT`` vectors that is what happens: the
search is exact. Past it, ``maintain()`` partitions the index into about √n cells by spherical
k-means over a sample (cells left over twice the mean size are split again); each vector is
stored in the partition of its nearest centroid (vec0's partition key) and a query searches
only the few percent of cells whose centroids are nearest to it (an inverted-file index, so
approximate: ``overheard bench search`` measures recall@10 against exact search, and
``probes=`` trades speed for recall). A new vector joins its nearest cell; when the index has
grown ``REBUILD_GROWTH`` times since, ``maintain()`` makes the cells again, rewriting the
index in one transaction (the embed stage calls it after each run; at 1M vectors this takes
minutes, docs/BENCHMARKS.md).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, insert, select
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from overheard.errors import NotAvailable, OverheardError
from overheard.store.case import Case
from overheard.store.schema import VectorIndexState, VectorItem, utcnow

# Below this many vectors one cell: exact search (tens of ms at 20k vectors).
TRAIN_AT = 20_000
# Cells are made again when the index has grown (or shrunk) this many times since.
REBUILD_GROWTH = 4
# Fraction of the cells a query searches, and the fewest (measured: docs/BENCHMARKS.md).
PROBE_FRACTION = 0.03
MIN_PROBES = 16
# k-means: a sample of this many vectors per cell, these many rounds.
SAMPLE_PER_CELL = 40
KMEANS_ROUNDS = 10
# Vectors per vec0 chunk: a cell holds ~√n vectors, and each cell has its own chunks.
CHUNK_SIZE = 256
# sqlite-vec's largest k.
MAX_K = 4096
_BATCH = 500
_ARMS = 200
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class State:
    """What ``vector_indexes`` says of an index."""

    model: str | None
    dim: int
    generation: int
    cells: int
    trained_count: int
    centroids: Vectors | None

    @classmethod
    def of(cls, row: VectorIndexState) -> State:
        centroids = None
        if row.centroids is not None and row.cells:
            centroids = np.frombuffer(row.centroids, dtype=np.float32).reshape(row.cells, row.dim)
        return cls(row.model, row.dim, row.generation, row.cells, row.trained_count, centroids)


class VectorIndex:
    """An index of a case (each call its own transaction), or within a session (every call
    in that session's transaction; a stage's ``write``)."""

    def __init__(self, where: Case | Session, name: str, *, train_at: int = TRAIN_AT) -> None:
        if not _NAME.match(name):
            raise OverheardError(f"a vector index name is lower-case letters and _: {name!r}")
        self._session = where if isinstance(where, Session) else None
        bind = where.get_bind() if isinstance(where, Session) else where.engine
        self._engine: Engine = bind if isinstance(bind, Engine) else bind.engine
        self.name = name
        self.train_at = train_at
        self.postgres = self._engine.dialect.name == "postgresql"
        self._cached: tuple[tuple[Any, ...], State] | None = None

    # ------------------------------------------------------------------ what it is

    def unavailable(self) -> str | None:
        """None when this case can hold vectors, else why not."""
        probe = "SELECT name FROM pg_available_extensions WHERE name = 'vector'"
        try:
            with self._engine.connect() as conn:
                if not self.postgres:
                    conn.execute(sql("SELECT vec_version()"))
                elif conn.execute(sql(probe)).first() is None:
                    return "this PostgreSQL server has no pgvector extension (vector)"
        except DBAPIError as exc:
            if self.postgres:
                return str(exc.orig).splitlines()[0]
            return (
                "vector search needs the semantic extra (pip install 'overheard[semantic]'), "
                "and an SQLite that can load extensions (pysqlite3-binary where Python's "
                "cannot)"
            )
        return None

    def state(self, session: Session | None = None) -> State | None:
        """The index's model, dimension and cells (None: nothing was ever written). The
        centroids are read again only when they changed (a search reads the state each time)."""
        columns = VectorIndexState.__table__.c
        with self._reading(session) as s:
            head = s.execute(
                select(columns.generation, columns.cells, columns.updated_at, columns.dim,
                       columns.model, columns.trained_count)
                .where(columns.name == self.name)
            ).first()  # fmt: skip
            if head is None:
                return None
            key = (head.generation, head.cells, head.updated_at, head.dim)
            if self._cached is None or self._cached[0] != key:
                row = s.get(VectorIndexState, self.name, populate_existing=True)
                assert row is not None
                self._cached = (key, State.of(row))
            state = self._cached[1]
            # The model and the count change without new centroids.
            return State(head.model, state.dim, state.generation, state.cells,
                         head.trained_count, state.centroids)  # fmt: skip

    def empty(self, session: Session | None = None) -> bool:
        with self._reading(session) as s:
            query = select(VectorItem.item_id).where(VectorItem.index_name == self.name)
            return s.scalar(query.limit(1)) is None

    def count(self, session: Session | None = None) -> int:
        with self._reading(session) as s:
            query = select(func.count()).where(VectorItem.index_name == self.name)
            return s.scalar(query) or 0

    # ------------------------------------------------------------------ writing

    def upsert(
        self,
        ids: Sequence[int],
        vectors: Vectors,
        *,
        document_id: int | None = None,
        model: str | None = None,
        session: Session | None = None,
    ) -> None:
        """Store (or replace) the vectors of these ids. ``model`` names what made them: an
        index whose vectors came from another model is emptied first (they do not mix)."""
        id_array, matrix = _checked(ids, vectors)
        with self._writing(session) as s:
            state = self._ensure(s, matrix.shape[1], model)
            self._remove(s, state, id_array.tolist())
            self._insert(s, state, id_array, matrix, document_id)

    def replace(
        self,
        document_id: int,
        ids: Sequence[int],
        vectors: Vectors,
        *,
        model: str | None = None,
        session: Session | None = None,
    ) -> None:
        """A document's vectors, whole: those stored for it before and not in ``ids`` go."""
        id_array, matrix = _checked(ids, vectors)
        with self._writing(session) as s:
            old = self._document_ids(s, document_id)
            if not len(id_array):
                state = self.state(s)
                if state is not None and old:
                    self._remove(s, state, old)
                return
            state = self._ensure(s, matrix.shape[1], model)
            self._remove(s, state, sorted(set(old) | set(id_array.tolist())))
            self._insert(s, state, id_array, matrix, document_id)

    def delete(self, ids: Sequence[int], *, session: Session | None = None) -> None:
        with self._writing(session) as s:
            state = self.state(s)
            if state is not None:
                self._remove(s, state, [int(i) for i in ids])

    def clear(self, *, session: Session | None = None) -> None:
        """Every vector of the index, and its cells, go."""
        with self._writing(session) as s:
            row = s.get(VectorIndexState, self.name)
            if row is not None:
                s.execute(delete(VectorItem).where(VectorItem.index_name == self.name))
                s.execute(sql(f'DROP TABLE IF EXISTS "{self._table(row.generation)}"'))
                s.delete(row)

    def items(
        self, session: Session | None = None
    ) -> tuple[State, npt.NDArray[np.int64], Vectors, npt.NDArray[np.int64]] | None:
        """Every live vector with its id and document (-1: none), and the index's state;
        None when the index was never written (``overheard copy`` carries them across)."""
        with self._reading(session) as s:
            state = self.state(s)
            if state is None:
                return None
            if not self.postgres:
                return (state, *self._all(s, state))
            rows = s.execute(
                sql(
                    f'SELECT v.id, v.embedding::real[], i.document_id FROM "{self._table(state.generation)}" v '
                    "JOIN vector_items i ON i.item_id = v.id AND i.index_name = :name ORDER BY v.id"
                ),
                {"name": self.name},
            ).all()
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            vectors = np.array([r[1] for r in rows], dtype=np.float32).reshape(len(rows), state.dim)
            documents = np.array([-1 if r[2] is None else r[2] for r in rows], dtype=np.int64)
            return state, ids, vectors, documents

    def load(
        self,
        ids: npt.NDArray[np.int64],
        vectors: Vectors,
        documents: npt.NDArray[np.int64],
        *,
        model: str | None,
        session: Session | None = None,
    ) -> None:
        """Vectors of many documents at once into an empty index (``items``' output), then
        its cells made where it has outgrown one."""
        with self._writing(session) as s:
            state = self._ensure(s, vectors.shape[1], model)
            self._write_rows(s, state, ids, vectors, _assign(vectors, state.centroids), documents)
            self.maintain(session=s)

    # ------------------------------------------------------------------ searching

    def nearest(
        self,
        vector: npt.NDArray[np.float32],
        k: int = 10,
        candidates: Sequence[int] | None = None,
        *,
        probes: int | None = None,
        session: Session | None = None,
    ) -> list[tuple[int, float]]:
        """The ``k`` ids nearest to ``vector`` (at most 4096), nearest first, with their
        cosine distances. ``candidates``: only among these ids (an exact search). ``probes``:
        how many cells to search (default: a few percent of them; more is slower and finds
        more of the true nearest)."""
        query = _unit(np.asarray(vector, dtype=np.float32).reshape(-1))
        k = max(1, min(int(k), MAX_K))
        with self._reading(session) as s:
            state = self.state(s)
            if state is None:
                return []
            if state.dim != len(query):
                raise OverheardError(
                    f"the {self.name} index holds {state.dim}-dimensional vectors, "
                    f"the query is {len(query)}-dimensional"
                )
            if self.postgres:
                return self._pg_nearest(s, state, query, k, candidates)
            if candidates is not None:
                return self._among(s, state, query, k, [int(i) for i in candidates])
            cells = self._probe_order(state, query, probes or self.probes(state, k))
            found = self._knn(s, state, query, k, cells)
            return self._live(s, found)[:k]

    def probes(self, state: State, k: int) -> int:
        """How many cells a query for ``k`` neighbours searches by default: a few percent of
        the cells, and enough to hold ``k`` vectors a few times over."""
        if not state.cells:
            return 1
        per_cell = max(1.0, state.trained_count / state.cells)
        wanted = max(MIN_PROBES, math.ceil(state.cells * PROBE_FRACTION))
        return min(state.cells, wanted + math.ceil(2 * k / per_cell))

    # ------------------------------------------------------------------ keeping it fast

    def maintain(self, *, force: bool = False, session: Session | None = None) -> str | None:
        """Make the cells again if the index has outgrown them (or ``force``); a line saying
        what was done, or None. SQLite only: pgvector's HNSW index grows by itself."""
        if self.postgres:
            return None
        with self._writing(session) as s:
            state = self.state(s)
            if state is None:
                return None
            n = self.count(s)
            if not force and not _outgrown(state, n, self.train_at):
                return None
            ids, vectors, documents = self._all(s, state)
            cells = _cell_count(len(ids)) if len(ids) >= self.train_at else 0
            centroids = _balanced(vectors, _kmeans(vectors, cells)) if cells else None
            cells = len(centroids) if centroids is not None else 0
            assign = _assign(vectors, centroids)
            row = s.get(VectorIndexState, self.name)
            assert row is not None
            s.execute(sql(f'DROP TABLE IF EXISTS "{self._table(state.generation)}"'))
            row.generation = state.generation + 1
            row.cells = cells
            row.trained_count = len(ids)
            row.centroids = centroids.tobytes() if centroids is not None else None
            row.updated_at = utcnow()
            s.flush()
            new = State.of(row)
            self._create(s, new)
            order = np.argsort(assign, kind="stable")  # a cell's chunks fill one by one
            s.execute(delete(VectorItem).where(VectorItem.index_name == self.name))
            self._write_rows(s, new, ids[order], vectors[order], assign[order], documents[order])
            return (
                f"{self.name} index: {len(ids)} vectors in {cells} cells"
                if cells
                else f"{self.name} index: {len(ids)} vectors, exact search"
            )

    # ------------------------------------------------------------------ internals

    @contextmanager
    def _writing(self, session: Session | None) -> Iterator[Session]:
        session = session or self._session
        if session is not None:
            yield session
            return
        with Session(self._engine) as s, s.begin():
            yield s

    @contextmanager
    def _reading(self, session: Session | None) -> Iterator[Session]:
        session = session or self._session
        if session is not None:
            yield session
            return
        with Session(self._engine) as s:
            yield s

    def _table(self, generation: int) -> str:
        return f"vec_{self.name}_g{generation}"

    def _ensure(self, s: Session, dim: int, model: str | None) -> State:
        """The index's state, made (with its table) on first use; emptied when ``model``
        differs from the one its vectors came from."""
        row = s.get(VectorIndexState, self.name)
        if row is not None and (row.dim != dim or (model is not None and row.model != model)):
            if model is None:
                raise OverheardError(
                    f"the {self.name} index holds {row.dim}-dimensional vectors, not {dim}"
                )
            self.clear(session=s)
            s.flush()
            row = None
        if row is None:
            row = VectorIndexState(
                name=self.name, model=model, dim=dim, generation=0, cells=0, trained_count=0,
                centroids=None, updated_at=utcnow(),
            )  # fmt: skip
            s.add(row)
            s.flush()
            s.execute(sql(f'DROP TABLE IF EXISTS "{self._table(0)}"'))
            self._create(s, State.of(row))
        return State.of(row)

    def _create(self, s: Session, state: State) -> None:
        table = self._table(state.generation)
        try:
            if self.postgres:
                s.execute(sql("CREATE EXTENSION IF NOT EXISTS vector"))
                s.execute(
                    sql(
                        f'CREATE TABLE IF NOT EXISTS "{table}" (id bigint PRIMARY KEY, '
                        f"embedding vector({state.dim}) NOT NULL)"
                    )
                )
                s.execute(
                    sql(
                        f'CREATE INDEX IF NOT EXISTS "{table}_hnsw" ON "{table}" '
                        "USING hnsw (embedding vector_cosine_ops)"
                    )
                )
            else:
                s.execute(
                    sql(
                        f'CREATE VIRTUAL TABLE IF NOT EXISTS "{table}" USING vec0('
                        f"cell integer partition key, embedding float[{state.dim}] "
                        f"distance_metric=cosine, chunk_size={CHUNK_SIZE})"
                    )
                )
                self._index_chunks(s, table)
        except DBAPIError as exc:
            why = self._why(exc)
            raise NotAvailable(f"cannot make the {self.name} vector index: {why}") from None

    def _index_chunks(self, s: Session, table: str) -> None:
        """sqlite-vec finds a cell's chunks by scanning its ``_chunks`` table (every query
        and insert; 8 bytes per vector, 8 MB at 1M): an index on the cell makes that a
        lookup. Its shadow table is sqlite-vec's, so this is best effort."""
        try:
            with s.begin_nested():
                s.execute(
                    sql(
                        f'CREATE INDEX IF NOT EXISTS "{table}_cells" '
                        f'ON "{table}_chunks"(partition00, chunk_id)'
                    )
                )
        except DBAPIError:
            pass

    def _why(self, exc: DBAPIError) -> str:
        return self.unavailable() or str(exc.orig).splitlines()[0]

    def _document_ids(self, s: Session, document_id: int) -> list[int]:
        return list(
            s.scalars(
                select(VectorItem.item_id).where(
                    VectorItem.index_name == self.name, VectorItem.document_id == document_id
                )
            )
        )

    def _remove(self, s: Session, state: State, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), _BATCH):
            chunk = [int(i) for i in ids[start : start + _BATCH]]
            where = (VectorItem.index_name == self.name, VectorItem.item_id.in_(chunk))
            self._drop_vectors(s, state, list(s.scalars(select(VectorItem.item_id).where(*where))))
            s.execute(delete(VectorItem).where(*where))

    def _drop_vectors(self, s: Session, state: State, ids: Sequence[int]) -> None:
        key = "id" if self.postgres else "rowid"
        # One by one: vec0 finds a row by its rowid only with "rowid = ?".
        statement = f'DELETE FROM "{self._table(state.generation)}" WHERE {key} = :id'
        self._run(s, statement, [{"id": int(i)} for i in ids])

    def _insert(
        self,
        s: Session,
        state: State,
        ids: npt.NDArray[np.int64],
        vectors: Vectors,
        document_id: int | None,
    ) -> None:
        cells = _assign(vectors, state.centroids)
        documents = np.full(len(ids), -1 if document_id is None else document_id, dtype=np.int64)
        self._write_rows(s, state, ids, vectors, cells, documents)

    def _write_rows(
        self,
        s: Session,
        state: State,
        ids: npt.NDArray[np.int64],
        vectors: Vectors,
        cells: npt.NDArray[np.int64],
        documents: npt.NDArray[np.int64],
    ) -> None:
        """The rows in the vector table and in ``vector_items`` (document -1: none)."""
        table = self._table(state.generation)
        for start in range(0, len(ids), _BATCH):
            stop = start + _BATCH
            rows = [
                {"id": int(i), "cell": int(c), "v": _param(v, self.postgres)}
                for i, c, v in zip(ids[start:stop], cells[start:stop], vectors[start:stop],
                                   strict=True)
            ]  # fmt: skip
            owners = [int(d) if d >= 0 else None for d in documents[start:stop]]
            if self.postgres:
                statement = (
                    f'INSERT INTO "{table}" (id, embedding) VALUES (:id, CAST(:v AS vector)) '
                    "ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding"
                )
                self._run(s, statement, rows)
            else:
                statement = (
                    f'INSERT INTO "{table}" (rowid, cell, embedding) VALUES (:id, :cell, :v)'
                )
                try:
                    s.execute(sql(statement), rows)
                except DBAPIError as exc:
                    if "UNIQUE" not in str(exc.orig):
                        why = self._why(exc)
                        raise NotAvailable(f"the {self.name} vector index: {why}") from None
                    # A vector left by a removed document holds one of these ids.
                    self._drop_vectors(s, state, [r["id"] for r in rows])
                    s.execute(sql(statement), rows)
            s.execute(
                insert(VectorItem),
                [
                    {"index_name": self.name, "item_id": r["id"], "cell": r["cell"],
                     "document_id": owner}
                    for r, owner in zip(rows, owners, strict=True)
                ],
            )  # fmt: skip

    def _run(self, s: Session, statement: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        try:
            s.execute(sql(statement), rows)
        except DBAPIError as exc:
            raise NotAvailable(f"the {self.name} vector index: {self._why(exc)}") from None

    def _all(
        self, s: Session, state: State
    ) -> tuple[npt.NDArray[np.int64], Vectors, npt.NDArray[np.int64]]:
        """Every live vector, with its document (-1: none); those of removed documents,
        whose item rows went with them, are dropped here."""
        live = dict(
            s.execute(
                select(VectorItem.item_id, VectorItem.document_id).where(
                    VectorItem.index_name == self.name
                )
            ).all()
        )
        ids = np.empty(len(live), dtype=np.int64)
        documents = np.empty(len(live), dtype=np.int64)
        vectors = np.empty((len(live), state.dim), dtype=np.float32)
        n = 0
        result = s.execute(sql(f'SELECT rowid, embedding FROM "{self._table(state.generation)}"'))
        for rowid, blob in result:
            if rowid in live:
                owner = live.pop(rowid)
                ids[n], documents[n] = rowid, -1 if owner is None else owner
                vectors[n] = np.frombuffer(blob, dtype=np.float32)
                n += 1
        return ids[:n], vectors[:n], documents[:n]

    def _probe_order(self, state: State, query: Vectors, probes: int) -> list[int]:
        if state.centroids is None:
            return [0]
        scores = state.centroids @ query
        probes = min(probes, len(scores))
        top = np.argpartition(-scores, probes - 1)[:probes]
        return [int(c) for c in top[np.argsort(-scores[top])]]

    def _knn(
        self, s: Session, state: State, query: Vectors, k: int, cells: list[int]
    ) -> list[tuple[int, float]]:
        table = self._table(state.generation)
        found: list[tuple[int, float]] = []
        try:
            # One statement for many cells (each arm its own vec0 scan): one round trip, not
            # one per cell. SQLite allows 500 arms in a compound SELECT.
            for start in range(0, len(cells), _ARMS):
                arms = " UNION ALL ".join(
                    f'SELECT rowid, distance FROM "{table}" '
                    f"WHERE embedding MATCH :q AND k = :k AND cell = {int(cell)}"
                    for cell in cells[start : start + _ARMS]
                )
                found.extend(_pairs(s.execute(sql(arms), {"q": query.tobytes(), "k": k})))
        except DBAPIError as exc:
            raise NotAvailable(f"the {self.name} vector index: {self._why(exc)}") from None
        found.sort(key=lambda pair: pair[1])
        return found

    def _among(
        self, s: Session, state: State, query: Vectors, k: int, candidates: list[int]
    ) -> list[tuple[int, float]]:
        """Exact search among given ids: each cell that holds some of them is searched for
        those only."""
        by_cell: dict[int, list[int]] = {}
        for start in range(0, len(candidates), _BATCH):
            chunk = candidates[start : start + _BATCH]
            rows = s.execute(
                select(VectorItem.cell, VectorItem.item_id).where(
                    VectorItem.index_name == self.name, VectorItem.item_id.in_(chunk)
                )
            )
            for cell, item in rows:
                by_cell.setdefault(cell, []).append(item)
        statement = sql(
            f'SELECT rowid, distance FROM "{self._table(state.generation)}" '
            "WHERE embedding MATCH :q AND k = :k AND cell = :cell "
            "AND rowid IN (SELECT value FROM json_each(:ids))"
        )
        found: list[tuple[int, float]] = []
        blob = query.tobytes()
        for cell, items in by_cell.items():
            params = {"q": blob, "k": min(k, len(items)), "cell": cell, "ids": json.dumps(items)}
            found.extend(_pairs(s.execute(statement, params)))
        found.sort(key=lambda pair: pair[1])
        return found[:k]

    def _live(self, s: Session, found: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Drops vectors whose document is gone (the vec0 row outlives its item row until
        the next rebuild)."""
        if not found:
            return found
        live: set[int] = set()
        ids = [i for i, _ in found]
        for start in range(0, len(ids), _BATCH):
            live.update(
                s.scalars(
                    select(VectorItem.item_id).where(
                        VectorItem.index_name == self.name,
                        VectorItem.item_id.in_(ids[start : start + _BATCH]),
                    )
                )
            )
        return [(i, float(d)) for i, d in found if i in live]

    def _pg_nearest(
        self,
        s: Session,
        state: State,
        query: Vectors,
        k: int,
        candidates: Sequence[int] | None,
    ) -> list[tuple[int, float]]:
        table = self._table(state.generation)
        params: dict[str, Any] = {"q": _param(query, True), "k": k}
        where = ""
        if candidates is not None:
            where = "WHERE id = ANY(:ids)"
            params["ids"] = [int(i) for i in candidates]
        # HNSW returns at most ef_search rows: as many as asked for.
        s.execute(sql(f"SET LOCAL hnsw.ef_search = {max(40, min(k, 1000))}"))
        rows = s.execute(
            sql(
                f'SELECT id, embedding <=> CAST(:q AS vector) AS distance FROM "{table}" '
                f"{where} ORDER BY distance LIMIT :k"
            ),
            params,
        )
        return _pairs(rows)


# ---------------------------------------------------------------------- numbers


def _checked(ids: Sequence[int], vectors: Vectors) -> tuple[npt.NDArray[np.int64], Vectors]:
    id_array = np.asarray(ids, dtype=np.int64).reshape(-1)
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 and len(id_array) == 0:
        matrix = matrix.reshape(0, 0)
    if matrix.ndim != 2 or matrix.shape[0] != len(id_array):
        raise OverheardError(f"{len(id_array)} ids and vectors of shape {matrix.shape}")
    if len(set(id_array.tolist())) != len(id_array):
        raise OverheardError("the same id twice in one write")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return id_array, np.ascontiguousarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


def _pairs(rows: Any) -> list[tuple[int, float]]:
    return [(int(i), float(d)) for i, d in rows]


def _unit(vector: Vectors) -> Vectors:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _param(vector: Vectors, postgres: bool) -> Any:
    if postgres:
        from pgvector import Vector

        return Vector(vector).to_text()
    return vector.tobytes()


def _outgrown(state: State, n: int, train_at: int) -> bool:
    if not state.cells:
        return n >= train_at
    return n >= state.trained_count * REBUILD_GROWTH or n * REBUILD_GROWTH <= state.trained_count


def _cell_count(n: int) -> int:
    return int(min(4096, max(16, round(math.sqrt(n)))))


def _assign(vectors: Vectors, centroids: Vectors | None) -> npt.NDArray[np.int64]:
    """Each vector's nearest centroid (cell 0 when there are none)."""
    if centroids is None:
        return np.zeros(len(vectors), dtype=np.int64)
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), 8192):
        out[start : start + 8192] = np.argmax(vectors[start : start + 8192] @ centroids.T, axis=1)
    return out


def _balanced(vectors: Vectors, centroids: Vectors, seed: int = 0) -> Vectors:
    """Cells split where k-means left them large. Vectors near the middle of the space (every
    query's neighbourhood: "hubs") gather in a few big cells that nearly every search reads;
    each cell over twice the mean is split by k-means of its own members (on a sample), which
    halved the vectors a search reads at 100k, recall unchanged."""
    rng = np.random.default_rng(seed)
    sample = vectors[rng.choice(len(vectors), min(len(vectors), len(centroids) * SAMPLE_PER_CELL),
                                replace=False)]  # fmt: skip
    assign = _assign(sample, centroids)
    sizes = np.bincount(assign, minlength=len(centroids))
    limit = 2 * len(sample) / len(centroids)
    out = [centroids[sizes <= limit]]
    for cell in np.flatnonzero(sizes > limit):
        members = sample[assign == cell]
        out.append(_kmeans(members, int(math.ceil(len(members) / (limit / 2))), seed))
    return np.ascontiguousarray(np.concatenate(out), dtype=np.float32)


def _kmeans(vectors: Vectors, cells: int, seed: int = 0) -> Vectors:
    """Spherical k-means (unit centroids, cosine) over a sample: the cells' centroids."""
    rng = np.random.default_rng(seed)
    n = len(vectors)
    sample = vectors[rng.choice(n, min(n, cells * SAMPLE_PER_CELL), replace=False)]
    centroids = sample[rng.choice(len(sample), cells, replace=False)].copy()
    for _ in range(KMEANS_ROUNDS):
        assign = _assign(sample, centroids)
        order = np.argsort(assign, kind="stable")
        present, starts = np.unique(assign[order], return_index=True)
        sums = np.add.reduceat(sample[order], starts, axis=0)
        centroids[present] = sums
        # A cell nothing joined takes a random vector of the sample.
        empty = np.setdiff1d(np.arange(cells), present)
        if len(empty):
            centroids[empty] = sample[rng.choice(len(sample), len(empty), replace=False)]
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    return np.ascontiguousarray(centroids, dtype=np.float32)
