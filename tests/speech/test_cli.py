from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from overheard.speech.cli import transcribe_command


def test_broken_file_one_line_error(samples: Path) -> None:
    result = CliRunner().invoke(transcribe_command, [str(samples / "bad_not_audio.wav")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "not a recognised audio" in result.output


def test_json_output(transcriber, samples: Path) -> None:
    result = CliRunner().invoke(
        transcribe_command, [str(samples / "call_08.wav"), "--json", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["segments"] == [] and data["notes"]


def test_lines_with_speakers(transcriber, samples: Path) -> None:
    result = CliRunner().invoke(transcribe_command, [str(samples / "call_06.wav"), "--no-progress"])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("[00:0") and "] A (en): " in first
