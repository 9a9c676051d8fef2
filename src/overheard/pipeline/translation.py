"""The translate stage: every sentence and utterance not already in the target language
(English unless configured), rendered by the configured back-end (``overheard.backends``).

It runs only when asked (``--translate``, or ``--stage translate``): a translation server
costs time and may cost money. Each rendering is stored with its back-end and model; a run
replaces only the renderings of its own back-end and model, so renderings by Whisper, a
LibreTranslate server and an LLM stay side by side and the view picks the preferred one.
Renderings are cached by text hash (``translation_cache``): a sentence repeated across
documents, or a document analysed again, is sent once. A back-end that is down stops the
stage with one line; what was written stays, one document per transaction, and the rest stays
pending. Without any back-end the state is "not translated": never a made-up rendering.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, select
from sqlalchemy.orm import Session

from overheard.backends import translators
from overheard.backends.settings import BackendSettings, translator_settings
from overheard.config import CaseConfig
from overheard.errors import OverheardError
from overheard.pipeline.analysis import analysable
from overheard.pipeline.stage import Outcome, Progress, Stage, StageConfig, StageFailure
from overheard.store.blobs import BlobStore
from overheard.store.schema import Document, Segment, Translation, TranslationCache


@dataclass(frozen=True)
class TranslateJob:
    """One document's pieces to render; ``cached`` already has a rendering by the same
    back-end and model (by text hash); ``recording``: the audio, for a speech back-end."""

    pieces: tuple[translators.Piece, ...]
    cached: dict[int, str] = field(default_factory=dict)
    recording: str | None = None


@dataclass(frozen=True)
class Rendered:
    texts: dict[int, str]  # segment id → rendering
    new: dict[int, str]  # of those, the ones the back-end made now (to cache)
    languages: dict[int, str]  # segment id → source language ("" unknown)
    source_texts: dict[int, str]


def text_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def settings_for(config: StageConfig) -> BackendSettings:
    """The translator: the command's options, else the environment, else the case's
    settings, else Whisper (speech only)."""
    case_values = CaseConfig(config.case_dir).values() if config.case_dir else {}
    return translator_settings(config.options.get("translator") or {}, case_values)


class TranslateStage(Stage):
    name = "translate"
    needs = "a text or a transcript, when asked (--translate)"
    after = ("transcribe",)
    code = ("overheard.backends", "overheard.pipeline.translation")
    on_request = True
    # Network back-ends wait on a server (requests run concurrently inside a batch); local
    # models use every core themselves.
    parallel = False
    batch_size = 8

    def __init__(self, config: StageConfig) -> None:
        super().__init__(config)
        self._settings: BackendSettings | None = None
        self._translator: translators.Translator | None = None
        self._error: str | None = None
        try:
            self._settings = settings_for(config)
            self._translator = translators.build(self._settings, config.asr_model)
        except OverheardError as exc:
            self._error = str(exc)

    @property
    def translator(self) -> translators.Translator:
        if self._translator is None:
            raise OverheardError(self._error or "no translator")
        return self._translator

    def unavailable(self) -> str | None:
        if self._error:
            return self._error
        return self.translator.unavailable()

    def models(self) -> dict[str, str]:
        if self._translator is None:
            return {"translator": "not configured"}
        t = self._translator
        return {"translator": f"{t.backend}:{t.model}", "target": t.target}

    def applies_to(self) -> ColumnElement[bool]:
        if self._translator is not None and self._translator.speech_only:
            return and_(analysable(), Document.kind.in_(("audio", "video")))
        return analysable()

    def read(self, session: Session, document: Document, originals: BlobStore) -> TranslateJob:
        t = self.translator
        segments = session.scalars(
            select(Segment).where(Segment.document_id == document.id).order_by(Segment.idx)
        ).all()
        pieces = []
        for seg in segments:
            language = seg.language or document.language
            if language == t.target or not seg.text.strip():
                continue
            pieces.append(
                translators.Piece(seg.id, seg.text, language, seg.start_s, seg.end_s,
                                  (seg.meta or {}).get("channel"))
            )  # fmt: skip
        cached: dict[int, str] = {}
        if pieces:
            hashes = {p.segment_id: text_hash(p.text) for p in pieces}
            rows = session.execute(
                select(TranslationCache.source_language, TranslationCache.text_sha256,
                       TranslationCache.text)
                .where(TranslationCache.backend == t.backend, TranslationCache.model == t.model,
                       TranslationCache.target_language == t.target,
                       TranslationCache.text_sha256.in_(set(hashes.values())))
            ).all()  # fmt: skip
            known = {(lang, sha): text for lang, sha, text in rows}
            for p in pieces:
                hit = known.get((p.language or "", hashes[p.segment_id]))
                if hit is not None:
                    cached[p.segment_id] = hit
        recording = None
        if t.speech_only and document.blob_sha256:
            recording = str(originals.path_for(document.blob_sha256))
        return TranslateJob(tuple(pieces), cached, recording)

    def weight(self, item: TranslateJob) -> float:
        return 1.0

    def setup(self) -> None:
        self.translator.load()

    def compute(
        self, items: Sequence[TranslateJob], progress: Progress | None = None
    ) -> Iterator[Rendered | StageFailure]:
        t = self.translator
        for job in items:
            todo = [p for p in job.pieces if p.segment_id not in job.cached]
            # BackendDown propagates: the runner stops the stage (the server is down for
            # every document, not for this one).
            made = t.translate(todo, job.recording) if todo else []
            if len(made) != len(todo):
                yield StageFailure(f"{t.backend} returned {len(made)} renderings for {len(todo)}")
                continue
            new = {p.segment_id: text for p, text in zip(todo, made, strict=True) if text}
            yield Rendered(
                texts={**job.cached, **new},
                new=new,
                languages={p.segment_id: p.language or "" for p in job.pieces},
                source_texts={p.segment_id: p.text for p in job.pieces},
            )

    def write(self, session: Session, document_id: int, result: Rendered, run_id: int) -> Outcome:
        t = self.translator
        mine = select(Segment.id).where(Segment.document_id == document_id)
        session.execute(
            delete(Translation).where(
                Translation.segment_id.in_(mine), Translation.backend == t.backend,
                Translation.model == t.model, Translation.language == t.target,
            )
        )  # fmt: skip
        present = set(session.scalars(mine))
        for segment_id, text in result.texts.items():
            if segment_id in present:
                session.add(Translation(segment_id=segment_id, language=t.target, text=text,
                                        backend=t.backend, model=t.model, machine=True,
                                        run_id=run_id))  # fmt: skip
        if result.new:
            keys = {
                sid: (result.languages[sid], text_hash(result.source_texts[sid]))
                for sid in result.new
            }
            have: set[tuple[str, str]] = set(
                session.execute(
                    select(TranslationCache.source_language, TranslationCache.text_sha256)
                    .where(TranslationCache.backend == t.backend, TranslationCache.model == t.model,
                           TranslationCache.target_language == t.target,
                           TranslationCache.text_sha256.in_({k[1] for k in keys.values()}))
                ).all()
            )  # fmt: skip
            for sid, text in result.new.items():
                if keys[sid] in have:
                    continue
                have.add(keys[sid])
                session.add(TranslationCache(backend=t.backend, model=t.model,
                                             source_language=keys[sid][0],
                                             target_language=t.target,
                                             text_sha256=keys[sid][1], text=text))  # fmt: skip
        doc = session.get(Document, document_id)
        return Outcome(
            self.name, document_id, doc.title if doc else None,
            counts={"segments": len(result.texts), "from cache": len(result.texts) - len(result.new)},
        )  # fmt: skip

    def summary(self, outcomes: Sequence[Outcome]) -> str | None:
        done = [o for o in outcomes if not o.error]
        if not outcomes:
            return None
        rendered = sum(o.counts.get("segments", 0) for o in done)
        cached = sum(o.counts.get("from cache", 0) for o in done)
        return (
            f"translated {rendered} segment(s) of {len(done)} document(s) into "
            f"{self.translator.target} with {self.translator.describe()} ({cached} from cache)"
        )

    def provenance(self) -> dict[str, Any]:
        if self._settings is None:
            return super().provenance()
        return {"models": self.models(), "backend": self._settings.describe()}
