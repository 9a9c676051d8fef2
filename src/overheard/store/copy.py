"""Copy a whole case from one database to another: SQLite to PostgreSQL (a laptop's case
joining the team's server) and back (a server's case taken offline).

Every table of the record is copied with its ids, in the order its foreign keys need, in one
transaction on the target: a failed copy leaves the target as it was. Ids are kept, so the
target must hold no documents yet. What is dialect-specific is made by the target's own
machinery: the full-text index (FTS5 triggers, a generated tsvector), the vector tables
(sqlite-vec or pgvector, through ``VectorIndex``), and PostgreSQL's id sequences. Originals
stay where they are when the case folder stays the same, and are copied (hard-linked where the
file system allows) when the target is another folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from overheard.errors import CaseError
from overheard.store.case import Case
from overheard.store.schema import Base, Document, VectorIndexState, VectorItem

BATCH = 2000
# Made by the target's VectorIndex from the vectors themselves, not copied as rows.
_VECTOR_TABLES = {VectorIndexState.__tablename__, VectorItem.__tablename__}


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)
    vectors: dict[str, int] = field(default_factory=dict)
    originals: int = 0


Progress = Callable[[str, int], None]


def copy_case(source: Case, target: Case, progress: Progress | None = None) -> CopyReport:
    """Copy ``source``'s record into ``target`` (which must hold no documents)."""
    if source.engine.url == target.engine.url:
        raise CaseError("the copy's target is the case itself")
    with target.reader() as r:
        for table in Base.metadata.sorted_tables:
            if r.execute(select(table).limit(1)).first() is not None:
                held = r.scalar(select(func.count()).select_from(Document)) or 0
                raise CaseError(
                    f"{target.database} is not empty ({held} documents; {table.name} has "
                    "rows): copy into an empty database (ids are kept, so two cases cannot "
                    "be merged this way)"
                )
    report = CopyReport()
    with source.reader() as src, target.session() as dst:
        for table in Base.metadata.sorted_tables:
            if table.name not in _VECTOR_TABLES:
                report.rows[table.name] = _copy_table(src, dst, table, progress)
        for (name,) in src.execute(select(VectorIndexState.name)).all():
            report.vectors[name] = _copy_vectors(source, name, dst)
        if dst.get_bind().dialect.name == "postgresql":
            _reset_sequences(dst)
    if source.blobs.root.resolve() != target.blobs.root.resolve():
        report.originals = _copy_originals(source, target)
    for name in ("config.json", "lexicons"):  # the case's own settings and word lists
        there, here = source.root / name, target.root / name
        if there.exists() and not here.exists() and source.root.resolve() != target.root.resolve():
            if there.is_dir():
                shutil.copytree(there, here)
            else:
                shutil.copy2(there, here)
    return report


def _copy_table(src: Session, dst: Session, table: Table, progress: Progress | None) -> int:
    """Every row of ``table``, in primary-key order; a column naming a row of the same table
    (a document's ``copy_of``) is filled in afterwards, once every row it may name exists."""
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    pk = list(table.primary_key.columns)
    rows = src.execute(select(table).order_by(*pk)).mappings()
    later: list[dict[str, Any]] = []
    done = 0
    conn = dst.connection()
    while batch := rows.fetchmany(BATCH):
        values = [dict(row) for row in batch]
        for row in values:
            refs = {c: row[c] for c in self_refs if row[c] is not None}
            if refs:
                later.append({"_pk": row[pk[0].name], **{f"_{c}": v for c, v in refs.items()}})
                for c in refs:
                    row[c] = None
        conn.execute(insert(table), values)
        done += len(values)
        if progress is not None:
            progress(table.name, len(values))
    for column in self_refs:
        pending = [
            {"_pk": r["_pk"], f"_{column}": r[f"_{column}"]} for r in later if f"_{column}" in r
        ]
        if pending:
            conn.execute(
                update(table)
                .where(pk[0] == bindparam("_pk"))
                .values({column: bindparam(f"_{column}")}),
                pending,
            )
    return done


def _copy_vectors(source: Case, name: str, dst: Session) -> int:
    from overheard.store.vectors import VectorIndex

    found = VectorIndex(source, name).items()
    if found is None:
        return 0
    state, ids, vectors, documents = found
    if len(ids):
        VectorIndex(dst, name).load(ids, vectors, documents, model=state.model, session=dst)
    return len(ids)


def _reset_sequences(dst: Session) -> None:
    """PostgreSQL hands out ids from a sequence that rows inserted with their ids did not
    advance: each is set past the largest id copied."""
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
            continue
        dst.execute(
            sql(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE(MAX("{pk[0].name}"), 1), MAX("{pk[0].name}") IS NOT NULL) '
                f'FROM "{table.name}"'
            ),
            {"table": table.name, "column": pk[0].name},
        )


def _copy_originals(source: Case, target: Case) -> int:
    """The originals into the target's folder: hard links where both are on one file system
    (the bytes are read-only and content-addressed, so sharing them is safe), else copies."""
    copied = 0
    for path in source.blobs.root.glob("??/*"):
        if path.name.startswith("."):
            continue
        dest = target.blobs.root / path.parent.name / path.name
        if dest.exists():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)
        copied += 1
    return copied


def target_case(source: Case, to: str, blobs: Path | None = None) -> Case:
    """The case ``--to`` names: a database URL (the case folder stays this one, so the
    originals stay where they are) or a new case folder (an SQLite case)."""
    if "://" in to:
        return Case.open(source.root, database_url=to, blobs=blobs or source.blobs.root)
    folder = Path(to)
    return Case.open(folder, blobs=blobs)
