"""The registered stages, in the order they run. One line per stage.

Another package can add a stage without touching this file, through an entry point:

    [project.entry-points."overheard.stages"]
    mystage = "mypackage.stage:MyStage"

Classes are imported when first asked for, so listing the stages costs nothing and a stage
whose extra is not installed still shows (as not available) instead of breaking the command.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.metadata import entry_points

from overheard.errors import OverheardError
from overheard.pipeline.stage import Stage, StageConfig

BUILTIN: dict[str, str] = {
    "transcribe": "overheard.pipeline.transcription:TranscriptionStage",
    "analyse": "overheard.pipeline.analysis:AnalysisStage",
    "embed": "overheard.pipeline.embedding:EmbeddingStage",
    "copies": "overheard.pipeline.copies:CopiesStage",
    "claims": "overheard.pipeline.claims:ClaimsStage",
    "translate": "overheard.pipeline.translation:TranslateStage",
}


@cache
def _targets() -> dict[str, str]:
    targets = dict(BUILTIN)
    for ep in entry_points(group="overheard.stages"):
        targets.setdefault(ep.name, ep.value)
    return targets


def names() -> list[str]:
    """Every stage name, in an order where each stage comes after the stages it reads."""
    classes = {name: stage_class(name) for name in _targets()}
    ordered: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in ordered:
            return
        if name in path:
            raise OverheardError(f"stages depend on each other in a circle: {' → '.join(path)}")
        for dep in classes[name].after:
            if dep in classes:
                visit(dep, (*path, name))
        ordered.append(name)

    for name in classes:
        visit(name, ())
    return ordered


@cache
def stage_class(name: str) -> type[Stage]:
    target = _targets().get(name)
    if target is None:
        raise OverheardError(f"no stage named {name!r} (stages: {', '.join(_targets())})")
    module, _, attr = target.partition(":")
    cls = getattr(import_module(module), attr)
    if not (isinstance(cls, type) and issubclass(cls, Stage)) or cls.name != name:
        raise OverheardError(f"{target} is not the Stage named {name!r}")
    return cls


def build(name: str, config: StageConfig) -> Stage:
    return stage_class(name)(config)


def downstream(name: str) -> list[str]:
    """Stages that read this stage's output, directly or not: redone when it is redone."""
    out: list[str] = []
    frontier = [name]
    while frontier:
        current = frontier.pop()
        for other in names():
            if current in stage_class(other).after and other not in out:
                out.append(other)
                frontier.append(other)
    return out
