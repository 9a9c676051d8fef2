"""The one runner of every stage: the CLI (`ingest`, `process`, `demo`), the workbench's
uploads and any other executor call it; none of them names a stage.

For each registered stage, in order, the runner finds the documents pending for it (those it
applies to that no run of its current version has done; a failed one is tried again), reads
their inputs, computes the results in batches (in a pool of worker processes that load the
models once, or in this process), and writes each document in one transaction together with
the ``document_stages`` row that says it is done — so a run killed at any point resumes where
it stopped, and a document is never half-written. A failure is recorded on that document only.
A document written anew makes the stages that read it pending again (a new transcript is
analysed again). Every run of a stage has a ``runs`` row (provenance) that its rows point at.

    runner = Runner(case)                     # the case's lexicons and settings
    report = runner.run()                     # every stage, whatever is pending
    report = runner.run(["analyse"], ids=[4], redo=True)
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from overheard.errors import NotAvailable
from overheard.pipeline import pool, registry
from overheard.pipeline.stage import Outcome, Stage, StageConfig, StageFailure
from overheard.store.case import Case
from overheard.store.schema import Document, DocumentStage, Run, StageStatus, utcnow

# Below this many documents a pool costs more (each worker loads the models) than it saves.
POOL_THRESHOLD = 24


class ProgressBar(Protocol):
    def update(self, completed: float, description: str = "") -> None: ...


# Given a stage and the total of its units (documents, or seconds of audio), a bar to update.
ProgressFactory = Callable[[Stage, float], AbstractContextManager[ProgressBar]]


@dataclass
class RunReport:
    """What a run did: each stage's outcomes, and notes (a stage that could not run, why)."""

    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    summaries: dict[str, str] = field(default_factory=dict)

    def all(self) -> list[Outcome]:
        return [o for outs in self.outcomes.values() for o in outs]

    def failures(self) -> list[Outcome]:
        return [o for o in self.all() if o.error]

    def as_dict(self) -> dict[str, Any]:
        return {
            "stages": {name: [o.__dict__ for o in outs] for name, outs in self.outcomes.items()},
            "summaries": self.summaries,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class StageState:
    """One stage in one case, for `overheard stages`."""

    name: str
    needs: str
    after: tuple[str, ...]
    version: str | None
    models: dict[str, str]
    available: bool
    reason: str | None
    applies: int
    done: int
    outdated: int
    failed: int
    pending: int
    on_request: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Runner:
    def __init__(
        self,
        case: Case,
        config: StageConfig | None = None,
        workers: int | None = None,
        *,
        executor: str = "local",
        ray_address: str | None = None,
    ):
        """``executor``: "local" (this machine's processes) or "ray" (actors on the Ray
        cluster at ``ray_address``, or a local Ray; ``workers`` of them, by default one per
        CPU the cluster has)."""
        self.case = case
        self.config = config or StageConfig(lexicon_dir=case.root / "lexicons", case_dir=case.root)
        self.executor = executor
        if executor == "ray":
            from overheard.pipeline import ray_pool

            ray_pool.connect(ray_address, workers or min(os.cpu_count() or 1, 4))
            workers = workers or ray_pool.cluster_cpus()
        self.workers = workers or min(os.cpu_count() or 1, 4)
        self._stages: dict[str, Stage] = {}
        self._ready: set[str] = set()
        # Called once when another run holds the case (the CLI says so instead of hanging).
        self.waiting: Callable[[], None] | None = None

    def stage(self, name: str) -> Stage:
        if name not in self._stages:
            self._stages[name] = registry.build(name, self.config)
        return self._stages[name]

    # ------------------------------------------------------------------ what is pending

    def pending(
        self, name: str, *, redo: bool = False, ids: Sequence[int] | None = None
    ) -> list[int]:
        """Documents the stage applies to that its current version has not done. Named
        documents (``ids``) and ``redo`` take every document it applies to."""
        stage = self.stage(name)
        query = select(Document.id).where(stage.applies_to()).order_by(Document.id)
        if ids:
            query = query.where(Document.id.in_(list(ids)))
        elif not redo:
            done = [DocumentStage.status == StageStatus.DONE.value]
            if stage.redo_on_new_version:
                done.append(DocumentStage.version == stage.version())
            query = query.outerjoin(
                DocumentStage,
                and_(DocumentStage.document_id == Document.id, DocumentStage.stage == name),
            ).where(or_(DocumentStage.document_id.is_(None), ~and_(*done)))
        with self.case.reader() as s:
            return list(s.scalars(query))

    def states(self) -> list[StageState]:
        """Every registered stage with its version, models and counts in this case."""
        out = []
        for name in registry.names():
            stage = self.stage(name)
            reason = stage.unavailable()
            version = stage.version() if reason is None else None
            with self.case.reader() as s:
                applies = s.scalar(select(func.count(Document.id)).where(stage.applies_to())) or 0
                rows = s.execute(
                    select(DocumentStage.status, DocumentStage.version, func.count())
                    .join(Document, Document.id == DocumentStage.document_id)
                    .where(DocumentStage.stage == name, stage.applies_to())
                    .group_by(DocumentStage.status, DocumentStage.version)
                ).all()
            done = sum(n for st, v, n in rows if st == StageStatus.DONE and v == version)
            outdated = sum(n for st, v, n in rows if st == StageStatus.DONE and v != version)
            failed = sum(n for st, _v, n in rows if st == StageStatus.FAILED)
            out.append(
                StageState(
                    name=name,
                    needs=stage.needs,
                    after=stage.after,
                    version=version,
                    models=stage.models(),
                    available=reason is None,
                    reason=reason,
                    applies=applies,
                    done=done,
                    outdated=outdated,
                    failed=failed,
                    pending=len(self.pending(name)),
                    on_request=stage.on_request,
                )  # fmt: skip
            )
        return out

    # ------------------------------------------------------------------ running

    def run(
        self,
        stages: Sequence[str] | None = None,
        *,
        ids: Sequence[int] | None = None,
        redo: bool | Collection[str] = False,
        required: bool = False,
        progress: ProgressFactory | None = None,
        on_done: Callable[[Outcome], None] | None = None,
    ) -> RunReport:
        """Run the named stages (default: all, in order) over what is pending for each. A
        stage that cannot run here is a note, or an error when ``required``. ``redo`` is
        True (every stage run redoes all it applies to, or the named ``ids``) or the names of
        the stages to redo (the others do what became pending).

        One run at a time per case: another process's (or thread's) run makes this one wait
        (``waiting`` is told), then this one finds only what that run left pending: two
        ingests at once used to analyse every new document twice."""
        with self.case.exclusive(self.waiting):
            return self._run(stages, ids, redo, required, progress, on_done)

    def _run(
        self,
        stages: Sequence[str] | None,
        ids: Sequence[int] | None,
        redo: bool | Collection[str],
        required: bool,
        progress: ProgressFactory | None,
        on_done: Callable[[Outcome], None] | None,
    ) -> RunReport:
        report = RunReport()
        for name in registry.names() if stages is None else stages:
            if name not in registry.names():
                registry.stage_class(name)  # raises the clear error
            if registry.stage_class(name).on_request and name not in self.config.requested:
                continue
            again = redo if isinstance(redo, bool) else name in redo
            todo = self.pending(name, redo=again, ids=ids)
            if not todo:
                continue
            stage = self.stage(name)
            reason = stage.unavailable() or self._prepare(stage, len(todo))
            if reason:
                if required:
                    raise NotAvailable(f"cannot run {name}: {reason}")
                report.notes.append(f"{len(todo)} document(s) wait for {name}: {reason}")
                continue
            outcomes: list[Outcome] = []
            try:
                self._run_stage(stage, todo, progress, on_done, outcomes)
            except NotAvailable as exc:
                # A back-end went down mid-run: what was written stays (a document per
                # transaction), the rest stays pending for the next run.
                left = len(todo) - len(outcomes)
                if required:
                    raise NotAvailable(
                        f"{name} stopped after {len(outcomes)} document(s), {left} still "
                        f"pending: {exc}"
                    ) from exc
                report.notes.append(f"{left} document(s) wait for {name}: {exc}")
            report.outcomes[name] = outcomes
            line = stage.summary(outcomes)
            if line:
                report.summaries[name] = line
        return report

    def _uses_pool(self, stage: Stage, count: int) -> bool:
        if self.executor == "ray":
            return True  # every stage, every document: the cluster's workers
        return stage.parallel and self.workers > 1 and count >= POOL_THRESHOLD

    def _start_pool(self, stage: Stage, workers: int) -> Any:
        if self.executor == "ray":
            from overheard.pipeline import ray_pool

            return ray_pool.RayExecutor(stage, workers)
        return pool.start(stage, workers)

    def _prepare(self, stage: Stage, count: int) -> str | None:
        """Load the models of a stage that runs in this process; why not, if they can't be."""
        if self._uses_pool(stage, count) or stage.name in self._ready:
            return None
        try:
            stage.setup()
        except (NotAvailable, ImportError) as exc:
            return str(exc)
        self._ready.add(stage.name)
        return None

    def _run_stage(
        self,
        stage: Stage,
        todo: list[int],
        progress: ProgressFactory | None,
        on_done: Callable[[Outcome], None] | None,
        outcomes: list[Outcome],
    ) -> None:
        """Run one stage over ``todo``, appending to ``outcomes`` as documents are written."""
        run_id = self._start_run(stage)
        batches = [todo[i : i + stage.batch_size] for i in range(0, len(todo), stage.batch_size)]
        total = self._total_weight(stage, todo)
        bar_cm = progress(stage, total) if progress else nullcontext(None)
        with bar_cm as bar:
            done_weight = 0.0

            def record(doc_id: int, title: str | None, weight: float, result: Any) -> None:
                nonlocal done_weight
                outcome = self._write(stage, doc_id, title, weight, result, run_id)
                outcomes.append(outcome)
                done_weight += weight
                if bar is not None:
                    bar.update(done_weight, (title or f"document {doc_id}")[:40])
                if on_done:
                    on_done(outcome)

            try:
                if self._uses_pool(stage, len(todo)):
                    self._run_pooled(stage, batches, record)
                else:
                    self._run_inline(stage, batches, record, bar, lambda: done_weight)
            finally:
                with self.case.session() as s:
                    stage.finish(s)
                    run = s.get(Run, run_id)
                    if run is not None:
                        run.finished_at = utcnow()

    def _start_run(self, stage: Stage) -> int:
        with self.case.session() as s:
            params = stage.provenance()
            run = Run(
                component=f"stage:{stage.name}",
                version=stage.version(),
                model_hash=params.get("model_hash"),
                params=params,
            )
            s.add(run)
            s.flush()
            return run.id

    def _total_weight(self, stage: Stage, todo: list[int]) -> float:
        if stage.unit == "documents":
            return float(len(todo))
        with self.case.reader() as s:
            return float(
                s.scalar(select(func.sum(Document.duration_s)).where(Document.id.in_(todo))) or 0
            )

    def _inputs(self, stage: Stage, batch: list[int]) -> Iterator[tuple[int, str | None, Any]]:
        with self.case.reader() as s:
            docs = {d.id: d for d in s.scalars(select(Document).where(Document.id.in_(batch)))}
            for doc_id in batch:
                doc = docs.get(doc_id)
                item = stage.read(s, doc, self.case.blobs) if doc is not None else None
                if item is not None:
                    yield doc_id, doc.title if doc else None, item

    def _run_inline(
        self,
        stage: Stage,
        batches: list[list[int]],
        record: Callable[[int, str | None, float, Any], None],
        bar: ProgressBar | None,
        done: Callable[[], float],
    ) -> None:
        for batch in batches:
            inputs = list(self._inputs(stage, batch))

            def within(amount: float) -> None:
                if bar is not None:
                    bar.update(done() + amount)

            results = pool.compute_isolated(stage, [item for _, _, item in inputs], within)
            for (doc_id, title, item), result in zip(inputs, results, strict=True):
                record(doc_id, title, stage.weight(item), result)

    def _run_pooled(
        self,
        stage: Stage,
        batches: list[list[int]],
        record: Callable[[int, str | None, float, Any], None],
    ) -> None:
        workers = min(self.workers, len(batches))
        executor = self._start_pool(stage, workers)
        died: tuple[type[BaseException], ...] = (BrokenProcessPool,)
        if self.executor == "ray":
            from overheard.pipeline import ray_pool

            died += ray_pool.worker_errors()
        in_flight: deque[tuple[list[tuple[int, str | None, Any]], Future[list[Any]]]] = deque()

        def drain_one() -> None:
            nonlocal executor
            inputs, future = in_flight.popleft()
            try:
                results = future.result()
            except died:
                # A worker died (out of memory, killed): its documents fail, the rest go on
                # in a fresh pool.
                results = [StageFailure("a worker process died (out of memory?)")] * len(inputs)
                executor.shutdown(wait=False, cancel_futures=True)
                executor = self._start_pool(stage, workers)
                retry = list(in_flight)
                in_flight.clear()
                for ins, _ in retry:
                    in_flight.append((ins, executor.submit(pool.compute_batch, _items(ins))))
            for (doc_id, title, item), result in zip(inputs, results, strict=True):
                record(doc_id, title, stage.weight(item), result)

        try:
            for batch in batches:
                inputs = list(self._inputs(stage, batch))
                in_flight.append((inputs, executor.submit(pool.compute_batch, _items(inputs))))
                while len(in_flight) > workers * 2:
                    drain_one()
            while in_flight:
                drain_one()
        finally:
            executor.shutdown(wait=True, cancel_futures=True)

    def _write(
        self, stage: Stage, doc_id: int, title: str | None, weight: float, result: Any, run_id: int
    ) -> Outcome:
        version = stage.version()
        if not isinstance(result, StageFailure):
            try:
                with self.case.session() as s:
                    if s.get(Document, doc_id) is None:
                        return Outcome(stage.name, doc_id, title, error="document removed")
                    outcome = stage.write(s, doc_id, result, run_id)
                    outcome.weight = weight
                    self._mark(s, stage, doc_id, version, run_id, None)
                    return outcome
            except Exception as exc:  # noqa: BLE001 - a bug on one document must not stop the rest
                result = StageFailure(f"{type(exc).__name__}: {exc}")
        with self.case.session() as s:
            if s.get(Document, doc_id) is not None:
                stage.failed(s, doc_id, result.reason)
                self._mark(s, stage, doc_id, version, run_id, result.reason)
        return Outcome(stage.name, doc_id, title, error=result.reason, weight=weight)

    def _mark(
        self, s: Session, stage: Stage, doc_id: int, version: str, run_id: int, error: str | None
    ) -> None:
        row = s.get(DocumentStage, (doc_id, stage.name))
        if row is None:
            row = DocumentStage(document_id=doc_id, stage=stage.name)
            s.add(row)
        row.version = version
        row.status = (StageStatus.FAILED if error else StageStatus.DONE).value
        row.error = error
        row.run_id = run_id
        row.finished_at = utcnow()
        if error is None:
            later = registry.downstream(stage.name)
            if later:
                s.execute(
                    delete(DocumentStage).where(
                        DocumentStage.document_id == doc_id, DocumentStage.stage.in_(later)
                    )
                )


def _items(inputs: list[tuple[int, str | None, Any]]) -> list[Any]:
    return [item for _, _, item in inputs]


_BACKGROUND = threading.Lock()


def run_in_background(case: Case, config: StageConfig | None = None) -> threading.Thread:
    """Every stage over what is pending, in a thread (the workbench after an upload): one
    such run at a time per process, since models are big and SQLite has one writer."""

    def work() -> None:
        with _BACKGROUND:
            Runner(case, config, workers=1).run()

    thread = threading.Thread(target=work, name="overheard-process", daemon=True)
    thread.start()
    return thread
