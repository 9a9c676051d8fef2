"""The embed stage: every segment (a text's sentences, a call's utterances) as a multilingual
sentence embedding in the case's ``segments`` vector index, for semantic search across
languages (``overheard search --semantic``) and for the stages that compare meanings.

Runs over the texts that are ready and the recordings that are transcribed (a new transcript
makes it pending again), in a pool of worker processes for large runs, like the analysis. A
document's vectors are replaced whole. Its version includes the model's id: another model
re-embeds the case (vectors of two models do not mix; the index is emptied on the first write
of the new one). After a run it lets the index re-partition itself once it has grown
(``VectorIndex.maintain``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from overheard.errors import NotAvailable
from overheard.pipeline.analysis import MAX_ANALYSIS_CHARS
from overheard.pipeline.stage import Outcome, Progress, Stage, StageConfig, StageFailure
from overheard.store.blobs import BlobStore
from overheard.store.schema import Document, DocumentStatus, Segment

INDEX = "segments"


@dataclass(frozen=True)
class Sentences:
    """A document's segments to embed: ids and texts, in order."""

    ids: tuple[int, ...]
    texts: tuple[str, ...]


class EmbeddingStage(Stage):
    name = "embed"
    needs = "a text, or a recording's transcript"
    after = ("transcribe",)
    code = ("overheard.embed", "overheard.pipeline.embedding")
    batch_size = 16

    def __init__(self, config: StageConfig) -> None:
        super().__init__(config)
        self._maintained: str | None = None

    def unavailable(self) -> str | None:
        from overheard import embed

        reason = embed.unavailable()
        if reason is None:
            try:
                import sqlite_vec  # noqa: F401
            except ImportError as exc:
                reason = (
                    f"vectors need the semantic extra (pip install 'overheard[semantic]'): {exc}"
                )
        return reason

    def models(self) -> dict[str, str]:
        from overheard import embed

        return {"embeddings": embed.model_id()}

    def applies_to(self) -> ColumnElement[bool]:
        return or_(
            and_(Document.kind == "text", Document.status == DocumentStatus.READY.value),
            Document.status == DocumentStatus.TRANSCRIBED.value,
        )

    def read(self, session: Session, document: Document, originals: BlobStore) -> Sentences:
        rows = session.execute(
            select(Segment.id, Segment.text)
            .where(Segment.document_id == document.id)
            .order_by(Segment.idx)
        ).all()
        return Sentences(tuple(i for i, _ in rows), tuple(t for _, t in rows))

    def setup(self) -> None:
        from overheard import embed

        embed.load()

    def compute(
        self, items: Sequence[Sentences], progress: Progress | None = None
    ) -> Iterator[Any]:
        from overheard.embed import embed_passages

        # A document too long to analyse is not embedded either (hours of a worker for one
        # pathological file); its failure says why.
        size = {id(item): sum(map(len, item.texts)) for item in items}
        fits = [item for item in items if size[id(item)] <= MAX_ANALYSIS_CHARS]
        # One call for the whole batch: the engine spreads the texts over its threads.
        vectors = embed_passages([text for item in fits for text in item.texts])
        start = 0
        for item in items:
            if size[id(item)] > MAX_ANALYSIS_CHARS:
                yield StageFailure(
                    f"too long to embed: {size[id(item)]:,} characters (the limit is "
                    f"{MAX_ANALYSIS_CHARS:,}); it is stored and searchable by its words"
                )
                continue
            stop = start + len(item.texts)
            yield (item.ids, vectors[start:stop])
            start = stop

    def write(self, session: Session, document_id: int, result: Any, run_id: int) -> Outcome:
        from overheard.embed import model_id
        from overheard.store.vectors import VectorIndex

        ids, vectors = result
        doc = session.get(Document, document_id)
        # Segments replaced since the read (a new transcript) wait for the next run.
        live = set(session.scalars(select(Segment.id).where(Segment.document_id == document_id)))
        keep = [i for i, seg in enumerate(ids) if seg in live]
        index = VectorIndex(session, INDEX)
        index.replace(
            document_id, [ids[i] for i in keep], np.asarray(vectors)[keep], model=model_id()
        )
        return Outcome(
            self.name, document_id, doc.title if doc else None, counts={"vectors": len(keep)}
        )

    def finish(self, session: Session) -> None:
        from overheard.store.vectors import VectorIndex

        try:
            self._maintained = VectorIndex(session, INDEX).maintain()
        except NotAvailable:
            self._maintained = None

    def summary(self, outcomes: Sequence[Outcome]) -> str | None:
        done = [o for o in outcomes if not o.error]
        if not outcomes:
            return None
        vectors = sum(o.counts.get("vectors", 0) for o in done)
        line = f"embedded {len(done)} document(s): {vectors} sentences"
        return f"{line}; {self._maintained}" if self._maintained else line
