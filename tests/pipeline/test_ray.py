"""The Ray executor (``overheard process --executor ray``) on a local Ray of 2 CPUs: the same
results as the local runner, written by the one writer; a worker that dies is restarted and
its batch done again. Skipped where Ray (the ray extra) is not installed."""

from __future__ import annotations

import sys
import textwrap

import pytest
from sqlalchemy import select

ray = pytest.importorskip(
    "ray", reason="Ray executor tests skipped: the ray extra is not installed"
)

from overheard.ingest.ingest import Ingestor  # noqa: E402
from overheard.pipeline import registry  # noqa: E402
from overheard.pipeline.runner import Runner  # noqa: E402
from overheard.pipeline.stage import StageConfig  # noqa: E402
from overheard.store.schema import Document  # noqa: E402

STAGES = textwrap.dedent(
    """
    import os
    from pathlib import Path
    from sqlalchemy import ColumnElement
    from overheard.pipeline.stage import Outcome, Stage
    from overheard.store.schema import Document

    class CountStage(Stage):
        name = "count"
        needs = "a text"
        code = ("overheard.pipeline.stage",)
        batch_size = 2

        def applies_to(self) -> ColumnElement[bool]:
            return Document.kind == "text"

        def setup(self):
            self.pid = os.getpid()

        def read(self, session, document, originals):
            return document.text

        def compute(self, items, progress=None):
            for text in items:
                if "BOOM" in text:
                    raise ValueError("cannot count a bomb")
                marker = Path(os.environ.get("RAY_TEST_MARKER", "/nonexistent"))
                if "DIE" in text and not marker.exists():
                    marker.write_text("died once")
                    os._exit(1)  # the worker process dies mid-batch
                yield {"words": len(text.split()), "pid": self.pid}

        def write(self, session, document_id, result, run_id):
            doc = session.get(Document, document_id)
            doc.meta = {**(doc.meta or {}), "count": result["words"], "pid": result["pid"]}
            return Outcome(self.name, document_id, doc.title, counts={"words": result["words"]})
    """
)


@pytest.fixture(scope="module")
def ray_stages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ray_stages")
    (folder / "ray_toy_stages.py").write_text(STAGES, encoding="utf-8")
    marker = folder / "died"
    sys.path.insert(0, str(folder))
    import os

    os.environ["RAY_TEST_MARKER"] = str(marker)
    from overheard.pipeline import ray_pool

    ray_pool.connect(None, 2)  # ray.init(num_cpus=2), with this import path for the workers
    yield marker
    ray.shutdown()
    sys.path.remove(str(folder))
    os.environ.pop("RAY_TEST_MARKER", None)


@pytest.fixture
def count_stage(ray_stages, monkeypatch):
    monkeypatch.setattr(registry, "BUILTIN", {"count": "ray_toy_stages:CountStage"})
    for cached in (registry._targets, registry.stage_class):
        cached.cache_clear()
    yield ray_stages
    for cached in (registry._targets, registry.stage_class):
        cached.cache_clear()


def _ingest(case, settings, folder, texts):
    folder.mkdir()
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    Ingestor(case, settings, workers=1).ingest([folder])


def _counts(case):
    with case.reader() as s:
        return {
            d.origin_path.rsplit("/", 1)[1]: (d.meta or {}).get("count")
            for d in s.scalars(select(Document))
        }


def test_ray_gives_the_local_runners_results(case, settings, tmp_path, count_stage):
    texts = {f"t{i}": " ".join(["w"] * i) + (" BOOM" if i == 4 else "") for i in range(1, 10)}
    _ingest(case, settings, tmp_path / "in", texts)
    seen = []

    class Bar:
        def update(self, completed, description=""):
            seen.append(completed)

    from contextlib import nullcontext

    report = Runner(case, StageConfig(), workers=2, executor="ray").run(
        ["count"], progress=lambda stage, total: nullcontext(Bar())
    )
    outcomes = report.outcomes["count"]
    assert len(outcomes) == 9 and [o.error is not None for o in outcomes].count(True) == 1
    counts = _counts(case)
    assert counts == {f"t{i}.txt": (None if i == 4 else i) for i in range(1, 10)}
    with case.reader() as s:
        pids = {(d.meta or {}).get("pid") for d in s.scalars(select(Document))} - {None}
    import os

    assert os.getpid() not in pids and 1 <= len(pids) <= 2  # computed by the actors
    assert seen == sorted(seen) and seen[-1] == 9  # the progress bar went on to the end
    # Nothing left to do: a second run finds only the failure to try again.
    assert Runner(case, StageConfig(), workers=2, executor="ray").pending("count") == [
        next(o.document_id for o in outcomes if o.error)
    ]


def test_a_worker_that_dies_is_restarted_and_its_batch_done_again(
    case, settings, tmp_path, count_stage
):
    texts = {"a": "one two", "b": "three DIE four", "c": "five", "d": "six seven eight"}
    _ingest(case, settings, tmp_path / "in", texts)
    report = Runner(case, StageConfig(), workers=2, executor="ray").run(["count"])
    assert count_stage.exists(), "the worker never died"
    assert not [o for o in report.outcomes["count"] if o.error]
    assert _counts(case) == {"a.txt": 2, "b.txt": 3, "c.txt": 1, "d.txt": 3}
