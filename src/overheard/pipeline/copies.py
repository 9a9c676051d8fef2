"""The copies stage: a text that re-publishes another (a syndicated rewrite, a translation)
points at the original, so the claim board counts the two as one source.

Runs on text documents. Transcripts are left out: two recordings of one call are two intercepts
(and a byte-identical file is one document already), and ASR text differs too much between
recordings for shingles to mean the same thing as in a re-published report.

Incremental: each text's MinHash signature and sentence embeddings are kept in
``copy_sketches``; a run rebuilds the LSH and the embedding matrix from those rows when it
writes its first document (cheap: no text is read), and a new document is verified against its
candidates only (``overheard.link.copies``). Groups are stars: every copy's ``copy_of`` is the
group's original, the earliest published; a later-ingested document that was published earlier
becomes the original and the group is re-pointed to it. ``copy_score`` is how much of the
shorter text the copy shares with the group (0–1).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from overheard.link import copies
from overheard.pipeline.analysis import MAX_ANALYSIS_CHARS
from overheard.pipeline.stage import Outcome, Progress, Stage, StageConfig, StageFailure
from overheard.store.blobs import BlobStore
from overheard.store.schema import CopySketch, Document, DocumentStatus, Segment

# Sentences embedded per document: enough for any report; a book-length text is compared by
# its opening.
MAX_SENTENCES = 200


@dataclass(frozen=True)
class CopyJob:
    sentences: tuple[str, ...]
    language: str | None


@dataclass(frozen=True)
class CopyResult:
    sketch: bytes
    shingles: int
    language: str | None
    embedder: str | None
    vectors: bytes | None


def embedder_name() -> str | None:
    """The sentence embedder's id, or None where it is not installed (same-language copies
    are still found; translations are not)."""
    try:
        from overheard import embed
    except ImportError:
        return None
    return None if embed.unavailable() else embed.model_id()


def pack_vectors(vectors: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, vectors.astype(np.float16), allow_pickle=False)
    return buffer.getvalue()


def unpack_vectors(data: bytes) -> np.ndarray:
    return np.load(io.BytesIO(data), allow_pickle=False).astype(np.float32)


class CopiesStage(Stage):
    name = "copies"
    needs = "a text"
    code = ("overheard.link.copies", "overheard.pipeline.copies")
    batch_size = 16

    def __init__(self, config: StageConfig) -> None:
        super().__init__(config)
        # The candidate index (``_built``): checked against the case on a run's first write,
        # then kept up to date with each document written.
        self._index: copies.CopyIndex | None = None
        self._synced = False
        self._embedder = embedder_name()

    def unavailable(self) -> str | None:
        try:
            import datasketch  # noqa: F401
        except ImportError as exc:
            return f"copy detection needs the text extra (pip install 'overheard[text]'): {exc}"
        return None

    def models(self) -> dict[str, str]:
        return {"minhash": copies.PARAMS, "embeddings": self._embedder or "none"}

    def applies_to(self) -> ColumnElement[bool]:
        return and_(Document.kind == "text", Document.status == DocumentStatus.READY.value)

    def read(self, session: Session, document: Document, originals: BlobStore) -> CopyJob | None:
        if not document.text:
            return None
        return CopyJob(_sentences(session, document), document.language)

    def compute(
        self, items: Sequence[CopyJob], progress: Progress | None = None
    ) -> Iterator[CopyResult | StageFailure]:
        for item in items:
            size = sum(map(len, item.sentences))
            if size > MAX_ANALYSIS_CHARS:
                # A 50 MB text's sketch took 5 minutes and 10 GB.
                yield StageFailure(
                    f"too long to compare with other documents: {size:,} characters (the "
                    f"limit is {MAX_ANALYSIS_CHARS:,})"
                )
                continue
            sk = copies.sketch("\n".join(item.sentences))
            vectors = None
            if self._embedder and item.sentences:
                from overheard.embed import embed_passages

                vectors = pack_vectors(embed_passages(item.sentences[:MAX_SENTENCES]))
            yield CopyResult(sk.to_bytes(), sk.size, item.language, self._embedder, vectors)

    def write(self, session: Session, document_id: int, result: Any, run_id: int) -> Outcome:
        doc = session.get(Document, document_id)
        assert doc is not None
        index = self._built(session)
        row = session.get(CopySketch, document_id)
        if row is None:
            row = CopySketch(document_id=document_id)
            session.add(row)
        row.params, row.minhash, row.shingles = copies.PARAMS, result.sketch, result.shingles
        row.language, row.embedder, row.vectors = result.language, result.embedder, result.vectors
        row.run_id = run_id
        index.remove(document_id)

        sk = copies.Sketch.from_bytes(result.sketch, result.shingles)
        vectors = unpack_vectors(result.vectors) if result.vectors else None
        sentences = _sentences(session, doc)
        if vectors is not None:  # compared by the sentences it has embeddings of
            sentences = sentences[:MAX_SENTENCES]
        me = copies.Text(sentences, doc.language, vectors, doc.source_id)
        candidates = index.near(sk)
        if vectors is not None:
            candidates += index.across(copies.document_vector(vectors), doc.language)
        links: list[dict[str, Any]] = []
        for other_id in dict.fromkeys(candidates):
            other = _text(session, other_id, self._embedder)
            if other is None or other_id == document_id:
                continue
            verdict = copies.compare(me, other)
            if verdict.copy:
                links.append(
                    {"document_id": other_id, "kind": verdict.kind,
                     "score": round(verdict.score, 4), **verdict.detail}
                )  # fmt: skip
        row.links = links
        _regroup(session, doc, {int(ln["document_id"]): float(ln["score"]) for ln in links})
        index.add(
            document_id,
            sk,
            doc.language,
            copies.document_vector(vectors) if vectors is not None else None,
        )
        counts = {"copies": int(doc.copy_of is not None)}
        return Outcome(self.name, document_id, doc.title, counts=counts)

    def finish(self, session: Session) -> None:
        self._synced = False  # the next run checks the index against the case again

    def summary(self, outcomes: Sequence[Outcome]) -> str | None:
        done = [o for o in outcomes if not o.error]
        if not outcomes:
            return None
        found = sum(o.counts.get("copies", 0) for o in done)
        line = f"copies: {len(done)} text(s) compared, {found} found to copy an earlier one"
        return line if self._embedder else line + " (no embeddings: translations not compared)"

    # ------------------------------------------------------------------ state

    def _built(self, session: Session) -> copies.CopyIndex:
        """The candidate index over every text sketched with these parameters: this process's
        index of the case (kept between runs: a workbench upload adds one text to it), brought
        in step with ``copy_sketches`` on a run's first write, reading only what it lacks."""
        if self._synced:
            assert self._index is not None
            return self._index
        bind = session.get_bind()
        key = (str(bind.engine.url), self._embedder)
        index = _INDEXES.setdefault(key, copies.CopyIndex())
        stored = set(
            session.scalars(
                select(CopySketch.document_id).where(CopySketch.params == copies.PARAMS)
            )
        )
        for gone in index.ids() - stored:
            index.remove(gone)
        missing = sorted(stored - index.ids())
        for start in range(0, len(missing), 500):
            rows = session.execute(
                select(
                    CopySketch.document_id, CopySketch.minhash, CopySketch.shingles,
                    CopySketch.language, CopySketch.embedder, CopySketch.vectors,
                ).where(CopySketch.document_id.in_(missing[start : start + 500]))
            )  # fmt: skip
            for doc_id, minhash, size, lang, embedder, vectors in rows:
                vector = None
                if vectors is not None and embedder == self._embedder:
                    vector = copies.document_vector(unpack_vectors(vectors))
                index.add(doc_id, copies.Sketch.from_bytes(minhash, size), lang, vector)
        self._index, self._synced = index, True
        return index


# Each case's candidate index in this process, by (database, embedder). Building one costs
# 1.5–2 ms per stored text (datasketch inserts a key per LSH band), so it is kept rather
# than rebuilt for every run; a text another process re-sketched meanwhile keeps its old
# signature here until this process restarts (a candidate missed, never a false copy: every
# candidate is verified on its text).
_INDEXES: dict[tuple[str, str | None], copies.CopyIndex] = {}


def _sentences(session: Session, document: Document) -> tuple[str, ...]:
    """The document's sentences as ingest segmented them (the text whole if it has none)."""
    texts = session.scalars(
        select(Segment.text).where(Segment.document_id == document.id).order_by(Segment.idx)
    ).all()
    return tuple(t for t in texts if t.strip()) or ((document.text or "").strip(),)


def _text(session: Session, doc_id: int, embedder: str | None) -> copies.Text | None:
    """A candidate as the comparison needs it, or None if it is gone or stale (a rolled-back
    write left it in the index, or it was sketched with other parameters)."""
    row = session.get(CopySketch, doc_id)
    doc = session.get(Document, doc_id)
    if row is None or doc is None or row.params != copies.PARAMS:
        return None
    sentences = _sentences(session, doc)
    vectors = None
    if row.vectors is not None and row.embedder == embedder:
        vectors = unpack_vectors(row.vectors)
        if len(vectors) != min(len(sentences), MAX_SENTENCES):
            vectors = None  # its segments changed since: compare by shingles only
        else:
            sentences = sentences[:MAX_SENTENCES]
    return copies.Text(sentences, doc.language, vectors, doc.source_id)


def _regroup(session: Session, doc: Document, links: dict[int, float]) -> None:
    """Put ``doc`` in the group of every document it copies (or that copies it), merging
    groups, with the earliest published member as the one original."""
    _detach(session, doc)
    members: dict[int, Document] = {doc.id: doc}
    joined_by: dict[int, float] = {}
    for other_id, score in links.items():
        other = session.get(Document, other_id)
        if other is None:
            continue
        head = session.get(Document, other.copy_of) if other.copy_of else other
        head = head or other
        for member in (head, *_copies_of(session, head.id)):
            members.setdefault(member.id, member)
            joined_by.setdefault(member.id, score)
    if len(members) == 1:
        return
    first = copies.original((m.id, m.published_at) for m in members.values())
    best = max(links.values())
    for member in members.values():
        if member.id == first:
            member.copy_of, member.copy_score = None, None
            continue
        if member.id == doc.id:
            member.copy_score = best
        elif member.copy_of is None:  # a former original, now a copy of an earlier one
            member.copy_score = joined_by.get(member.id, best)
        member.copy_of = first
    session.flush()


def _detach(session: Session, doc: Document) -> None:
    """Take ``doc`` out of its group before it is compared again; if it was the original,
    the earliest of its copies becomes the others' original."""
    doc.copy_of, doc.copy_score = None, None
    rest = _copies_of(session, doc.id)
    if rest:
        first = copies.original((m.id, m.published_at) for m in rest)
        for member in rest:
            if member.id == first:
                member.copy_of, member.copy_score = None, None
            else:
                member.copy_of = first
    session.flush()


def _copies_of(session: Session, doc_id: int) -> list[Document]:
    return list(session.scalars(select(Document).where(Document.copy_of == doc_id)))
