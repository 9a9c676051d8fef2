"""`overheard transcribe FILE`: a quick look at a recording without a case.

Registered in the main CLI group as ``transcribe_command``; runnable on its own with
``python -m overheard.speech.cli FILE``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from overheard.errors import OverheardError


def _fmt(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours:d}:{minutes:02d}:{secs:04.1f}" if hours else f"{minutes:02d}:{secs:04.1f}"


@click.command("transcribe")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help='Print {"segments": [...]} as JSON.')
@click.option("--srt", "as_srt", is_flag=True, help="Print SubRip subtitles.")
@click.option("--vtt", "as_vtt", is_flag=True, help="Print WebVTT subtitles.")
@click.option(
    "--asr-model",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="OVERHEARD_ASR_MODEL",
    help="Local CTranslate2 Whisper folder (default: packaged Whisper base).",
)
@click.option(
    "--beam-size", type=click.IntRange(1, 10), default=None, help="Beam size (default 3)."
)
@click.option(
    "--languages",
    default=None,
    help="Allowed spoken languages, comma-separated (default ru,uk,en).",
)
@click.option(
    "--translate",
    is_flag=True,
    help="Add an English machine translation of non-English speech (about doubles ASR time).",
)
@click.option(
    "--mask",
    "mask_swearing",
    is_flag=True,
    help="Mask swearing in the output (publication rendering).",
)
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto")
@click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
def transcribe_command(
    file: Path,
    as_json: bool,
    as_srt: bool,
    as_vtt: bool,
    asr_model: Path | None,
    beam_size: int | None,
    languages: str | None,
    translate: bool,
    mask_swearing: bool,
    device: str,
    no_progress: bool,
) -> None:
    """Transcribe FILE: speaker-labelled, language-tagged lines with times."""
    if sum((as_json, as_srt, as_vtt)) > 1:
        raise click.UsageError("choose one of --json, --srt, --vtt")
    try:
        transcript = _run(file, asr_model, beam_size, languages, translate, device, no_progress)
    except OverheardError as exc:
        raise click.ClickException(str(exc)) from None
    from overheard.speech import profanity, subtitles

    render = profanity.mask if mask_swearing else None
    if as_json:
        data: dict[str, Any] = transcript.as_dict()
        if render:
            for seg in data["segments"]:
                seg["text"] = render(seg["text"])
                seg["words"] = [[w[0], w[1], render(w[2]), w[3]] for w in seg["words"]]
                if seg.get("translation_en"):
                    seg["translation_en"] = render(seg["translation_en"])
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if as_srt:
        click.echo(subtitles.to_srt(transcript.utterances, render), nl=False)
        return
    if as_vtt:
        click.echo(subtitles.to_vtt(transcript.utterances, render), nl=False)
        return
    for note in transcript.notes:
        click.echo(f"note: {note}", err=True)
    for utt in transcript.utterances:
        text = render(utt.text) if render else utt.text
        click.echo(f"[{_fmt(utt.start)}-{_fmt(utt.end)}] {utt.speaker} ({utt.lang}): {text}")
        if utt.translation_en:
            en = render(utt.translation_en) if render else utt.translation_en
            click.echo(f"    en (machine translation): {en}")
    stats = transcript.stats
    click.echo(
        f"{len(transcript.utterances)} segment(s), {len(transcript.speakers)} speaker(s), "
        f"{stats.speech_seconds:.1f} s speech of {stats.duration:.1f} s, "
        f"{stats.hallucinations_dropped} hallucinated segment(s) dropped",
        err=True,
    )


def _run(
    file: Path,
    asr_model: Path | None,
    beam_size: int | None,
    languages: str | None,
    translate: bool,
    device: str,
    no_progress: bool,
) -> Any:
    from overheard.speech.audio import load_audio
    from overheard.speech.transcribe import Transcriber

    # Decode first: a broken file fails in milliseconds, before any model is loaded.
    audio = load_audio(file)
    options: dict[str, Any] = {"translate": translate, "device": device, "model_path": asr_model}
    if beam_size is not None:
        options["beam_size"] = beam_size
    if languages:
        options["languages"] = tuple(x.strip().lower() for x in languages.split(",") if x.strip())
    transcriber = Transcriber(**options)
    if no_progress or not sys.stderr.isatty():
        return transcriber.transcribe(audio)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TextColumn("remaining"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(f"transcribing {file.name}", total=None)

        def progress(done: float, total: float) -> None:
            bar.update(task, completed=done, total=max(total, 1e-9))

        return transcriber.transcribe(audio, progress=progress)


if __name__ == "__main__":
    transcribe_command()
