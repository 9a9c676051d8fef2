"""Offline first: nothing reaches the network and nothing is queued to leave it later."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
NETGUARD = Path(__file__).with_name("netguard")


def _guarded_env(tmp_path: Path) -> dict[str, str]:
    """A fresh home (to see what is written there), the socket guard in every process."""
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ)
    env.pop("XDG_CACHE_HOME", None)
    env.update(
        HOME=str(home),
        PYTHONPATH=os.pathsep.join([str(NETGUARD), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        NETGUARD_LOG=str(tmp_path / "netguard.log"),
        # the models' joined parts, where set-up put them (not a download; saves rebuilding)
        OVERHEARD_MODEL_CACHE=os.environ.get(
            "OVERHEARD_MODEL_CACHE", str(Path.home() / ".cache" / "overheard" / "models")
        ),
    )
    return env


def test_the_socket_guard_refuses_and_records(tmp_path):
    env = _guarded_env(tmp_path)
    probe = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except OSError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert "netguard" in out.stdout
    assert "192.0.2.1" in (tmp_path / "netguard.log").read_text()


def test_importing_overheard_seals_the_environment():
    import overheard  # noqa: F401
    from overheard.offline import ENVIRONMENT

    for name, value in ENVIRONMENT.items():
        assert os.environ[name] == value


def test_onnxruntime_queues_no_telemetry(tmp_path):
    pytest.importorskip("onnxruntime", reason="speech extra not installed (no onnxruntime)")
    env = _guarded_env(tmp_path)
    code = (
        "import overheard, onnxruntime, os\n"
        "assert 'TF_BUILD' not in os.environ\n"
        "model = os.path.join(os.path.dirname(onnxruntime.__file__), 'datasets', 'sigmoid.onnx')\n"
        "onnxruntime.InferenceSession(model, providers=['CPUExecutionProvider'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert not (tmp_path / "home" / ".cache" / "Microsoft").exists()


@pytest.mark.slow
def test_ingesting_reports_and_a_call_stays_on_the_machine(tmp_path):
    """The samples' reports and a call, transcribed and analysed, with every outbound
    connection and name lookup refused: none is attempted, and the fresh home holds nothing
    but overheard's own cache afterwards (docs/PRIVACY.md)."""
    pytest.importorskip("faster_whisper", reason="speech extra not installed")
    pytest.importorskip("overheard.text.analyze", reason="text extra not installed")
    env = _guarded_env(tmp_path)
    case = tmp_path / "case"
    cmd = [
        sys.executable, "-m", "overheard.cli", "--case", str(case), "ingest",
        str(SAMPLES / "reports"), str(SAMPLES / "intercepts" / "call_06.wav"), "--json",
    ]  # fmt: skip
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    log = tmp_path / "netguard.log"
    assert not log.exists(), log.read_text()
    assert out.returncode == 0, out.stderr
    db = sqlite3.connect(case / "case.sqlite")
    try:
        audio = db.execute("SELECT id, status FROM documents WHERE kind = 'audio'").fetchall()
        assert len(audio) == 1 and audio[0][1] == "transcribed", audio
        assert (
            db.execute(
                "SELECT count(*) FROM segments WHERE document_id = ?", (audio[0][0],)
            ).fetchone()[0]
            > 0
        )
        assert db.execute("SELECT count(*) FROM mentions").fetchone()[0] > 0
    finally:
        db.close()
    home = tmp_path / "home"
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    assert all(path.startswith(".cache/overheard/") for path in written), written
