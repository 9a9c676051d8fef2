"""Provenance: every derived row names the run (component + version) that produced it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from overheard.store.schema import Run, utcnow


class RunRegistry:
    """One Run row per component per command invocation, created when first used."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], int] = {}

    def run_id(
        self,
        session: Session,
        component: str,
        version: str,
        *,
        model_hash: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> int:
        key = (component, version)
        if key not in self._ids:
            run = Run(component=component, version=version, model_hash=model_hash, params=params)
            session.add(run)
            session.flush()
            self._ids[key] = run.id
        return self._ids[key]

    def snapshot(self) -> dict[tuple[str, str], int]:
        return dict(self._ids)

    def restore(self, ids: dict[tuple[str, str], int]) -> None:
        """Forget the runs made in a transaction that was rolled back."""
        self._ids = dict(ids)

    def finish(self, session: Session) -> None:
        for run_id in self._ids.values():
            run = session.get(Run, run_id)
            if run is not None:
                run.finished_at = utcnow()
