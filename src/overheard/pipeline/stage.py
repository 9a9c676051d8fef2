"""What a stage is: a named step that reads one kind of document and writes typed records.

A stage declares what it needs (which documents it applies to), the stages whose output it
reads, its models and lexicons, and four functions the runner calls:

- ``read(session, document, originals)`` in the writing process: the document's input, a small picklable
  value (a text, a list of utterances, the path of a recording);
- ``setup()`` once per worker process: load the models;
- ``compute(inputs)`` in a worker, over a batch: pure, no database; one result (or a
  ``StageFailure``) per input, in order;
- ``write(session, document_id, result, run_id)`` in the writing process, inside the
  document's transaction: replace what an earlier run wrote, return counts.

Its **version is derived, never typed**: the package version + a hash of the source files of
the code it runs + its lexicon files (and the case's overrides) + its models' ids. Any change
to a rule, a lexicon entry or a model makes ``overheard process`` redo the documents that stage
touched (for a stage whose ``redo_on_new_version`` is true; an expensive stage such as
transcription keeps its output until asked with ``--redo``).

Adding a stage is one module with a ``Stage`` subclass and one line in
``overheard.pipeline.registry.BUILTIN`` (or an ``overheard.stages`` entry point in another
package); nothing else names it.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from overheard import __version__
from overheard.store.blobs import BlobStore
from overheard.store.schema import Document


@dataclass(frozen=True)
class StageConfig:
    """Settings every stage may read (each reads what concerns it). Picklable: it travels to
    the worker processes, where each stage is built again from it."""

    languages: tuple[str, ...] = ("ru", "uk", "en", "ko")
    # A case's lexicon overrides (CASE/lexicons/): entries added to or removed from the
    # package's lexicons; part of the version of every stage that reads lexicons.
    lexicon_dir: Path | None = None
    asr_model: str | None = None
    beam_size: int | None = None
    # Stages that run only when asked (``on_request``) and were asked for: ("translate",).
    requested: tuple[str, ...] = ()
    # The case folder: its settings (CASE/config.json) for stages that read them.
    case_dir: Path | None = None
    # Per-stage options from the command line, by stage name (e.g. the translator's URL).
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class StageFailure:
    """What ``compute`` yields for an input it could not process (the others go on)."""

    reason: str


@dataclass
class Outcome:
    """What one document's run of one stage produced: counts for the summary line, or why
    it failed. ``detail`` is a line worth printing on its own (a call's utterances, its RTF)."""

    stage: str
    document_id: int
    title: str | None
    counts: dict[str, int] = field(default_factory=dict)
    detail: str | None = None
    error: str | None = None
    weight: float = 1.0


Progress = Callable[[float], None]


class Stage(ABC):
    name: ClassVar[str]
    # In words, for `overheard stages`: "a recording", "a text or a transcript".
    needs: ClassVar[str]
    # Stages whose output this one reads: a new run of one of them makes this one pending again.
    after: ClassVar[tuple[str, ...]] = ()
    # Packages (dotted names) whose source is this stage's code: part of its version.
    code: ClassVar[tuple[str, ...]] = ()
    # What its progress bar counts: "documents", or "seconds" of audio.
    unit: ClassVar[str] = "documents"
    # May run in a pool of worker processes (each loads the models once). A stage whose model
    # uses every core by itself (Whisper) runs in the writing process instead.
    parallel: ClassVar[bool] = True
    batch_size: ClassVar[int] = 16
    # Optional modules its worker processes block before loading anything: a library that
    # imports one only if it is installed (thinc, under spaCy, imports torch: 1.4 s of every
    # worker's start) then goes without. Only for modules the stage's models never use.
    worker_blocks: ClassVar[tuple[str, ...]] = ()
    redo_on_new_version: ClassVar[bool] = True
    # Runs only when asked for (``StageConfig.requested``): a stage that costs time or money
    # the user may not want on every ingest (translation through a server).
    on_request: ClassVar[bool] = False
    # Reads the text lexicons (text/lexicons/ and the case's CASE/lexicons/ overrides): their
    # fingerprint is part of its version.
    reads_lexicons: ClassVar[bool] = False

    def __init__(self, config: StageConfig) -> None:
        self.config = config

    # ------------------------------------------------------------------ what it is

    def unavailable(self) -> str | None:
        """None when the stage can run here, else why not (an optional extra is missing)."""
        return None

    def models(self) -> dict[str, str]:
        """The models it uses, name → id/version, without loading them (cheap)."""
        return {}

    def lexicon_fingerprint(self) -> str | None:
        """A hash of the lexicon files it reads, overrides included; None if it reads none."""
        if not self.reads_lexicons:
            return None
        from overheard.text import lexicon

        lexicon.configure(self.config.lexicon_dir)
        return lexicon.fingerprint()

    def version(self) -> str:
        """Derived once per stage object (one command, one run): documents written while a
        file is being edited all get the version the run started with."""
        cached: str | None = self.__dict__.get("_version")
        if cached is None:
            cached = self.__dict__["_version"] = self._derive_version()
        return cached

    def _derive_version(self) -> str:
        parts = [
            f"code={code_fingerprint(self.code)}",
            f"lexicons={self.lexicon_fingerprint() or '-'}",
            *(f"{k}={v}" for k, v in sorted(self.models().items())),
        ]
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
        return f"{__version__}+{digest}"

    @abstractmethod
    def applies_to(self) -> ColumnElement[bool]:
        """Which documents it runs on, as a condition on ``Document`` columns."""

    # ------------------------------------------------------------------ doing it

    @abstractmethod
    def read(self, session: Session, document: Document, originals: BlobStore) -> Any:
        """The document's input for ``compute``: small and picklable (None: nothing to do)."""

    def weight(self, item: Any) -> float:
        """How much of the progress bar one input is (seconds of audio, or 1)."""
        return 1.0

    def setup(self) -> None:  # noqa: B027 - most stages have models to load; some don't
        """Load models; called once per process before the first ``compute``."""

    @abstractmethod
    def compute(
        self, items: Sequence[Any], progress: Progress | None = None
    ) -> Iterator[Any | StageFailure]:
        """One result (or StageFailure) per item, in order. ``progress`` (inline runs only)
        takes how much of the current item is done, in the units of ``weight``."""

    @abstractmethod
    def write(self, session: Session, document_id: int, result: Any, run_id: int) -> Outcome:
        """Store one document's result, replacing an earlier run's rows, in ``session``."""

    def failed(self, session: Session, document_id: int, reason: str) -> None:  # noqa: B027
        """Record a failure on the document itself where its status shows it (optional)."""

    def finish(self, session: Session) -> None:  # noqa: B027 - optional clean-up
        """After a run: case-wide clean-up (entities nothing points at any more)."""

    def summary(self, outcomes: Sequence[Outcome]) -> str | None:
        """One line for the end of a command: what this run of the stage did."""
        done = [o for o in outcomes if not o.error]
        if not outcomes:
            return None
        totals: dict[str, int] = {}
        for o in done:
            for k, v in o.counts.items():
                totals[k] = totals.get(k, 0) + v
        counts = ", ".join(f"{v} {k}" for k, v in totals.items())
        return f"{self.name}: {len(done)} document(s)" + (f": {counts}" if counts else "")

    def provenance(self) -> dict[str, Any]:
        """The run row's parameters."""
        return {"models": self.models()}


def code_fingerprint(packages: Iterable[str]) -> str:
    """sha256 over the source files of the named packages or modules: a rule changed in the
    code changes the version of every stage that runs it."""
    return _code_fingerprint(tuple(sorted(packages)))


@cache
def _code_fingerprint(packages: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in packages:
        module = import_module(name)
        origin = Path(module.__file__ or "")
        files = sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
