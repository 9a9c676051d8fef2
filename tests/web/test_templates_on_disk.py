"""A running workbench keeps the templates it started with (issue 10's soak: 19 answers of 500
on document pages). Jinja re-read a template that changed on disk; document.html was edited
under a running ``overheard serve`` to use a filter added to the Python code at the same time,
which the running process had not loaded, and every document page failed with
"No filter named 'filename'" until a restart. The same happens to a user who upgrades
overheard while the workbench runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from overheard.config import Settings
from overheard.ingest.ingest import Ingestor
from overheard.store import Case
from overheard.web import app as app_module
from overheard.web.app import create_app

BROKEN = "{{ d.origin_path|a_filter_this_code_lacks }}"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer has {old!r}: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    later = path.stat().st_mtime + 5  # Jinja compares modification times
    os.utime(path, (later, later))


def test_templates_changed_on_disk_do_not_reach_a_running_workbench(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = tmp_path / "web"
    shutil.copytree(app_module.HERE / "templates", web / "templates")
    monkeypatch.setattr(app_module, "HERE", web)  # the copy, edited below, not the checkout's
    (tmp_path / "report.txt").write_text(
        "Report from Kursk.\n\nDrones near Kursk, officials said.\n", encoding="utf-8"
    )
    case = Case.open(tmp_path / "case")
    try:
        Ingestor(case, Settings(), workers=1).ingest([tmp_path / "report.txt"])
        with TestClient(create_app(case), base_url="http://127.0.0.1") as client:
            before = client.get("/documents/1")
            assert before.status_code == 200, before.text[:500]
            # A page already shown and one not shown yet, both changed to use a filter that
            # the running code does not have, as an upgrade's or a checkout's newer files do.
            _edit(web / "templates" / "document.html", "</h1>", f"{BROKEN}</h1>")
            _edit(web / "templates" / "entities.html", "<h1>", f"<h1>{BROKEN}")
            after = client.get("/documents/1")
            assert after.status_code == 200, after.text[:500]
            assert after.text == before.text
            assert client.get("/entities").status_code == 200
        # A workbench started now takes the new templates, and says at once what is wrong.
        with pytest.raises(Exception, match="a_filter_this_code_lacks"):
            create_app(case)
    finally:
        case.close()
