"""The ``overheard`` command line: ingest, search, show, list, export, bench, demo.

Every command takes ``--case DIR`` (or OVERHEARD_CASE; default ./overheard-case), exits 0 on
success and non-zero on failure, and reports errors as one line (``--debug`` for a traceback).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from overheard import __version__
from overheard.config import DEFAULT_CASE, Settings, parse_languages, parse_size
from overheard.errors import OverheardError


class State:
    def __init__(
        self,
        case_dir: Path,
        debug: bool,
        database_url: str | None = None,
        blobs: Path | None = None,
    ) -> None:
        self.case_dir = case_dir
        self.debug = debug
        self.database_url = database_url or None
        self.blobs = blobs

    def open_case(self, create: bool = False, upgrade: bool | None = None) -> Any:
        from overheard.store import Case

        return Case.open(
            self.case_dir,
            create=create,
            database_url=self.database_url,
            blobs=self.blobs,
            upgrade=upgrade,
        )


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _stdout_console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


class OverheardGroup(click.Group):
    """Turns every error into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OverheardError as exc:
            if ctx.params.get("debug") or os.environ.get("OVERHEARD_DEBUG"):
                raise
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except click.UsageError:
            raise
        except click.ClickException as exc:  # a subcommand's own one-line error: same form
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)
        except Exception as exc:
            if ctx.params.get("debug") or os.environ.get("OVERHEARD_DEBUG"):
                raise
            click.echo(
                f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)",
                err=True,
            )
            sys.exit(2)


@click.group(cls=OverheardGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--case",
    "case_dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="OVERHEARD_CASE",
    default=DEFAULT_CASE,
    show_default=True,
    help="The case folder (one SQLite file + the original files). Env: OVERHEARD_CASE.",
)
@click.option(
    "--database-url",
    envvar="OVERHEARD_DATABASE_URL",
    metavar="URL",
    help="The case's database instead of CASE/case.sqlite: postgresql://USER@HOST/DB for a "
    "team's case (the originals stay in the case folder, or --blobs). "
    "Env: OVERHEARD_DATABASE_URL.",
)
@click.option(
    "--blobs",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="OVERHEARD_BLOBS",
    help="Keep the originals here instead of CASE/originals (a folder every machine of a "
    "team's case shares). Env: OVERHEARD_BLOBS.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(__version__, prog_name="overheard")
@click.pass_context
def cli(
    ctx: click.Context,
    case_dir: Path,
    database_url: str | None,
    blobs: Path | None,
    debug: bool,
) -> None:
    """overheard: a sourced, searchable record of who said what, from intercepted audio and
    open-source reports. Offline.

    \b
    Example:
      overheard ingest reports/ calls/          # files or folders, recursively
      overheard search "батальон К"
      overheard show 3
      overheard export --format jsonl -o record.jsonl
    """
    ctx.obj = State(case_dir, debug, database_url, blobs)


# -------------------------------------------------------------------------------- ingest


def translator_options(command: Any) -> Any:
    """--translate and the translator's options (they override OVERHEARD_TRANSLATOR* and the
    case's `overheard config` settings)."""
    for option in reversed(
        [
            click.option(
                "--translate", is_flag=True,
                help="Also render every sentence and utterance in English (or the configured "
                "target) with the configured translator (default: Whisper, speech only).",
            ),
            click.option(
                "--translator", type=click.Choice(["whisper", "openai", "libretranslate",
                                                   "ctranslate2"]),
                help="Translation back-end (env OVERHEARD_TRANSLATOR; 'overheard config').",
            ),
            click.option("--translator-url", help="The translation server's base URL."),
            click.option("--translator-model",
                         help="The translator's model name (openai) or folder (ctranslate2)."),
            click.option("--translate-to", help="Translate into this language (default en)."),
        ]
    ):  # fmt: skip
        command = option(command)
    return command


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--source", help="Who published or released these files (e.g. 'GUR Telegram').")
@click.option("--encoding", help="Read text files in this encoding instead of UTF-8 (cp1251...).")
@click.option(
    "--max-size",
    help="Refuse files larger than this (e.g. 500M, 2G). Env: OVERHEARD_MAX_FILE_SIZE.",
)
@click.option(
    "--languages",
    help="Languages to tell apart, ISO codes (default ru,uk,en,ko). Env: OVERHEARD_LANGUAGES.",
)
@click.option("--strict", is_flag=True, help="Exit non-zero if any file or record failed.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Processes that read and split files (default: the CPU count, at most 4).",
)
@click.option(
    "--transcribe/--no-transcribe",
    default=True,
    show_default=True,
    help="Transcribe new recordings now (needs the speech extra); later with 'overheard process'.",
)
@click.option("--asr-model", help="A local CTranslate2 Whisper folder instead of Whisper base.")
@translator_options
@click.option(
    "--analyze/--no-analyze",
    default=True,
    show_default=True,
    help="Analyse now: entities, statements, events, embeddings, copies, claims (every stage "
    "after transcription; needs the text extra).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome of every input as JSON.")
@click.pass_obj
def ingest(
    state: State,
    paths: tuple[Path, ...],
    source: str | None,
    encoding: str | None,
    max_size: str | None,
    languages: str | None,
    strict: bool,
    workers: int | None,
    transcribe: bool,
    asr_model: str | None,
    translate: bool,
    translator: str | None,
    translator_url: str | None,
    translator_model: str | None,
    translate_to: str | None,
    analyze: bool,
    as_json: bool,
) -> None:
    """Ingest files or folders (recursively) into the case.

    Reads .txt/.md, .html (article text), .json/.jsonl records (text + optional title, date,
    source, url), audio/video (stored and checked; transcribed by the speech pipeline),
    Telegram Desktop exports (the folder with result.json), RSS/Atom feeds (.rss .atom .xml)
    and web archives (.warc .warc.gz .wacz); see docs/IMPORT.md. Re-ingesting the same bytes
    is a no-op; the same text under another name is recognised; a newer channel export or
    feed adds only new items.
    Exits 1 if nothing could be ingested and analysed (or, with --strict, if any file or
    stage failed).

    \b
    Example:
      overheard ingest samples/reports samples/intercepts --source "project samples"
    """
    from overheard.ingest.ingest import FAILED, Ingestor

    settings = _settings(max_size, languages)
    case = state.open_case(create=True)
    ingestor = Ingestor(case, settings, source=source, encoding=encoding, workers=workers)
    report = _run_with_progress(ingestor, list(paths), quiet=as_json)
    from overheard.pipeline import registry

    # --no-analyze leaves every stage after transcription for 'overheard process'.
    only = [n for n in registry.names() if analyze or n == "transcribe"]
    skip = [] if transcribe else ["transcribe"]
    runner = _runner(
        case, settings, workers=workers, asr_model=asr_model,
        requested=("translate",) if translate else (),
        translator=_translator(translator, translator_url, translator_model, translate_to),
    )  # fmt: skip
    stages = _run_stages(runner, only=only, skip=skip, quiet=as_json, expand=False)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "summary": report.summary(),
                    "outcomes": [o.__dict__ for o in report.outcomes],
                    **stages.as_dict(),
                    "case": str(state.case_dir),
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
    else:
        _print_ingest_summary(report, case)
        _print_stages(stages)
        _print_case_counts(case)
    # A document a stage failed on (too long to analyse, a damaged transcript) counts as a
    # failure too: exit 1 if nothing came through whole, or with --strict if anything failed.
    stage_failed = {o.document_id for o in stages.failures()}
    whole = [o for o in report.outcomes
             if o.status != FAILED and o.document_id not in stage_failed]  # fmt: skip
    failed = report.count(FAILED) + len(stage_failed)
    if failed and (strict or not whole):
        sys.exit(1)


def _settings(max_size: str | None, languages: str | None) -> Settings:
    base = Settings()
    try:
        size = parse_size(max_size) if max_size else base.max_file_bytes
    except ValueError:
        raise OverheardError(f"cannot read --max-size {max_size!r} (try 500M or 2G)") from None
    return Settings(
        case_dir=base.case_dir,
        languages=parse_languages(languages) if languages else base.languages,
        max_file_bytes=size,
    )


def _progress(label: str, quiet: bool, seconds: bool = False) -> Any:
    """A progress bar on stderr (elapsed, remaining), silent when not on a terminal."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = _stderr_console()
    count = (
        TextColumn("{task.completed:.0f}/{task.total:.0f} s") if seconds else MofNCompleteColumn()
    )
    return Progress(
        TextColumn(f"[bold]{label}[/]"), BarColumn(), count, TimeElapsedColumn(),
        TextColumn("eta"), TimeRemainingColumn(), TextColumn("{task.description}"),
        console=console, transient=True, disable=quiet or not console.is_terminal,
    )  # fmt: skip


def _run_with_progress(ingestor: Any, paths: list[Path], quiet: bool = False) -> Any:
    with _progress("ingest", quiet) as progress:
        task = progress.add_task("", total=None)

        def on_total(n: int) -> None:
            progress.update(task, total=n)

        def on_file(path: Path, _outcomes: list[Any]) -> None:
            progress.update(task, advance=1, description=path.name[:40])

        return ingestor.ingest(paths, on_file=on_file, on_total=on_total)


def _print_ingest_summary(report: Any, case: Any) -> None:
    from overheard.ingest.ingest import DUPLICATE, FAILED, NEW, PRESENT
    from overheard.visible import line as escape  # controls shown, markup escaped

    out = _stdout_console()
    out.print(
        f"[bold]{report.count(NEW)}[/] new, {report.count(PRESENT)} already present, "
        f"{report.count(DUPLICATE)} same text under another name, "
        f"[{'red' if report.count(FAILED) else 'default'}]{report.count(FAILED)} failed[/]"
    )
    for outcome in report.outcomes:
        if outcome.status == DUPLICATE:
            out.print(f"  = {escape(outcome.path)}: same text as document {outcome.document_id}")
    for outcome in report.failures:
        where = f" (record {outcome.part})" if outcome.part else ""
        out.print(f"  [red]✗[/] {escape(outcome.path)}{where}: {escape(outcome.reason or '')}")


def _print_case_counts(case: Any) -> None:
    counts = case.counts()
    _stdout_console().print(
        f"case {case.root}: {counts['documents']} documents, {counts['segments']} segments"
        + (f", {counts['failures']} unresolved failures" if counts["failures"] else "")
    )


def _runner(
    case: Any,
    settings: Settings,
    *,
    workers: int | None = None,
    asr_model: str | None = None,
    beam_size: int | None = None,
    requested: tuple[str, ...] = (),
    translator: dict[str, str | None] | None = None,
    executor: str = "local",
    ray_address: str | None = None,
) -> Any:
    """The stage runner for this case: its lexicon overrides (CASE/lexicons/), its settings
    (CASE/config.json) and the command's options."""
    from overheard.pipeline.runner import Runner
    from overheard.pipeline.stage import StageConfig

    config = StageConfig(
        languages=settings.languages, lexicon_dir=case.root / "lexicons", asr_model=asr_model,
        beam_size=beam_size, requested=requested, case_dir=case.root,
        options={"translator": translator or {}},
    )  # fmt: skip
    runner = Runner(case, config, workers=workers, executor=executor, ray_address=ray_address)
    runner.waiting = lambda: click.echo(
        "waiting for another process's run on this case to finish...", err=True
    )
    return runner


def _translator(
    translator: str | None, url: str | None, model: str | None, target: str | None
) -> dict[str, str | None]:
    return {"translator": translator, "translator.url": url, "translator.model": model,
            "translator.target": target}  # fmt: skip


def _run_stages(
    runner: Any,
    *,
    only: list[str] | None = None,
    skip: list[str] | None = None,
    ids: list[int] | None = None,
    redo: bool | set[str] = False,
    required: bool = False,
    quiet: bool = False,
    expand: bool = True,
) -> Any:
    """Every registered stage (or ``only`` these, then the stages that read them) over what
    is pending, with a progress bar each; a stage whose extra is missing is a note on stderr
    (an error when ``required``)."""
    from contextlib import contextmanager

    from overheard.pipeline import registry

    names = [n for n in (only or registry.names()) if n not in (skip or [])]
    if only and expand:
        for name in only:
            registry.stage_class(name)  # an unknown name is a clear error
        # A stage run again makes the stages that read it pending: they run after it.
        later = {d for n in only for d in registry.downstream(n)}
        names = [n for n in registry.names() if n in names or n in later]
        redo = set(only) if redo else False

    @contextmanager
    def bars(stage: Any, total: float) -> Any:
        seconds = stage.unit == "seconds"
        with _progress(stage.name, quiet, seconds=seconds) as progress:
            task = progress.add_task("loading models…", total=total)

            class Bar:
                def update(self, completed: float, description: str = "") -> None:
                    progress.update(task, completed=completed, description=description)

            yield Bar()

    report = runner.run(names, ids=ids, redo=redo, required=required, progress=bars)
    if not quiet:
        for note in report.notes:
            _stderr_console().print(note, markup=False)
    return report


def _print_stages(report: Any) -> None:
    from overheard.visible import line as escape  # controls shown, markup escaped

    out = _stdout_console()
    for name, outcomes in report.outcomes.items():
        for o in outcomes:
            if o.error:
                what = o.title or f"document {o.document_id}"
                out.print(f"  [red]✗[/] {name} {escape(what)} (document {o.document_id}) "
                          f"failed: {escape(o.error)}")  # fmt: skip
            elif o.detail:
                out.print(f"  {escape(o.detail)}")
        if name in report.summaries:
            out.print(escape(report.summaries[name]))


# --------------------------------------------------------------------------------- process


@cli.command()
@click.argument("documents", nargs=-1, type=int)
@click.option(
    "--stage", "stages", multiple=True,
    help="Only this stage (repeatable; see 'overheard stages'). Default: every stage.",
)  # fmt: skip
@click.option("--redo", is_flag=True, help="Run again even where the current version has run.")
@click.option("--asr-model", help="A local CTranslate2 Whisper folder instead of Whisper base.")
@click.option("--beam-size", type=click.IntRange(1, 10), help="Whisper beam size (default 1).")
@translator_options
@click.option(
    "--workers", type=click.IntRange(1, 64),
    help="Worker processes for the stages that run in a pool (default: CPU count, at most 4; "
    "with --executor ray: the cluster's CPUs).",
)  # fmt: skip
@click.option(
    "--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
    help="Where the stages compute: this machine's processes, or Ray workers (the ray extra).",
)  # fmt: skip
@click.option(
    "--ray-address", metavar="ADDRESS", envvar="RAY_ADDRESS",
    help="The Ray cluster (e.g. ray://head:10001); without it a local Ray. Env: RAY_ADDRESS.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print every document's outcome as JSON.")
@click.pass_obj
def process(
    state: State,
    documents: tuple[int, ...],
    stages: tuple[str, ...],
    redo: bool,
    asr_model: str | None,
    beam_size: int | None,
    translate: bool,
    translator: str | None,
    translator_url: str | None,
    translator_model: str | None,
    translate_to: str | None,
    workers: int | None,
    executor: str,
    ray_address: str | None,
    as_json: bool,
) -> None:
    """Run the processing stages over documents already in the case, each over what is
    pending for it: recordings that await transcription, and whatever the current version
    of the analysis has not analysed (a changed rule, lexicon entry or model makes documents
    pending again by itself). Named documents, or --redo, are processed again.

    \b
    Example:
      overheard process                        # whatever is pending
      overheard process --stage analyse --redo # analyse everything again
      overheard process 7 8 --redo --asr-model ~/models/whisper-large-v3-ct2
      overheard process --executor ray --ray-address ray://head:10001
      overheard process --translate --translator openai \\
          --translator-url http://127.0.0.1:8080/v1 --translator-model qwen2.5-7b-instruct
    """
    case = state.open_case()
    # Asked for by name or by --translate: a stage that runs only on request runs.
    requested = (*stages, *(["translate"] if translate else []))
    runner = _runner(case, Settings(), workers=workers, asr_model=asr_model,
                     beam_size=beam_size, requested=tuple(requested),
                     translator=_translator(translator, translator_url, translator_model,
                                            translate_to),
                     executor=executor, ray_address=ray_address)  # fmt: skip
    only = list(stages) or None
    if translate and only and "translate" not in only:
        only.append("translate")
    report = _run_stages(runner, only=only, ids=list(documents) or None,
                         redo=redo, required=True, quiet=as_json)  # fmt: skip
    outcomes = report.all()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
    elif not outcomes:
        click.echo("nothing to process")
    else:
        _print_stages(report)
    if outcomes and all(o.error for o in outcomes):
        sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the stages as JSON.")
@click.pass_obj
def stages(state: State, as_json: bool) -> None:
    """List the processing stages, in the order they run: each one's version (derived from
    the code, its lexicons and the case's overrides, and its models), what it needs, and how
    many of the case's documents it has done, done with an older version, failed, or has
    still to do.

    \b
    Example:
      overheard stages
      overheard stages --json
    """
    from overheard.visible import line as escape  # controls shown, markup escaped

    case = state.open_case()
    states = _runner(case, Settings()).states()
    if as_json:
        click.echo(json.dumps([st.as_dict() for st in states], ensure_ascii=False, indent=2))
        return
    out = _stdout_console()
    for st in states:
        version = st.version or f"[red]not available[/]: {escape(st.reason or '')}"
        out.print(f"[bold]{st.name}[/]  {version}  [dim](needs {escape(st.needs)})[/]")
        if st.models:
            models = ", ".join(f"{k} {v}" for k, v in st.models.items())
            out.print(f"  models: {escape(models)}")
        out.print(
            f"  {st.done} done, {st.outdated} done by an older version, {st.failed} failed, "
            f"[bold]{st.pending} pending[/] (of {st.applies})"
            + (f" [dim]— runs when asked (--{st.name})[/]" if st.on_request else "")
        )


# -------------------------------------------------------------------------------- databases


@cli.command()
@click.pass_obj
def migrate(state: State) -> None:
    """Create the case's schema or bring it up to this version of overheard.

    An SQLite case is brought up to date whenever it is opened; a PostgreSQL database only by
    this command (analysts share it: upgrade overheard on every machine that uses it too).

    \b
    Example:
      overheard --database-url postgresql://me@db.example/ourcase migrate
    """
    from overheard.store.migrate import current_revision

    before = _schema_revision(state)
    case = state.open_case(create=True, upgrade=True)
    after = current_revision(case.engine)
    case.close()
    if before == after:
        click.echo(f"{case.database}: schema {after}, up to date")
    else:
        click.echo(f"{case.database}: schema {before or 'none'} -> {after}")


def _schema_revision(state: State) -> str | None:
    """The revision of the database that ``state`` names, read without opening the case (which
    would refuse an older schema) and without creating anything."""
    from sqlalchemy import create_engine

    from overheard.store.case import DB_NAME
    from overheard.store.migrate import current_revision

    db_path = state.case_dir / DB_NAME
    if state.database_url is None and not db_path.exists():
        return None
    engine = create_engine(state.database_url or f"sqlite:///{db_path.resolve()}")
    try:
        return current_revision(engine)
    except Exception:  # unreachable or not a database: opening the case says why
        return None
    finally:
        engine.dispose()


@cli.command(name="copy")
@click.option(
    "--to",
    "to",
    required=True,
    metavar="URL|DIR",
    help="Where to: a database URL (postgresql://…; the originals stay in this case's folder) "
    "or a new case folder (an SQLite case, with the originals).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_obj
def copy_command(state: State, to: str, quiet: bool) -> None:
    """Copy the whole case (every record, with its ids, and its vectors) into an empty
    database: a laptop's SQLite case into the team's PostgreSQL, or back. One transaction:
    a copy that fails leaves the target as it was.

    \b
    Example:
      overheard --case laptop-case copy --to postgresql://me@db.example/ourcase
      overheard --case team --database-url postgresql://me@db.example/ourcase copy --to offline-case
    """
    from overheard.store.copy import copy_case, target_case

    source = state.open_case()
    target = target_case(source, to, state.blobs if "://" in to else None)
    try:
        with _progress("copying", quiet) as bar:
            task = bar.add_task("copying", total=None)

            def moved(table: str, rows: int) -> None:
                bar.update(task, advance=rows, description=f"copying {table}")

            report = copy_case(source, target, moved)
    finally:
        target.close()
        source.close()
    rows = sum(report.rows.values())
    vectors = sum(report.vectors.values())
    click.echo(
        f"copied {report.rows.get('documents', 0)} documents ({rows} rows, {vectors} vectors"
        + (f", {report.originals} originals" if report.originals else "")
        + f") to {target.database}"
    )
    if "://" in to:
        click.echo(f"use it with: overheard --case {state.case_dir} --database-url URL …")


# -------------------------------------------------------------------------------- config


@cli.group("config")
def config_group() -> None:
    """The case's own settings (CASE/config.json): which translator and entailment back-end
    it uses. Options and OVERHEARD_* environment variables override them.

    \b
    Example:
      overheard config set translator openai
      overheard config set translator.url http://127.0.0.1:8080/v1
      overheard config set translator.model qwen2.5-7b-instruct
      overheard config list
    """


@config_group.command("list")
@click.pass_obj
def config_list(state: State) -> None:
    """Every setting: its value in this case (keys hidden) and what it means."""
    from overheard.config import CASE_CONFIG_KEYS, CaseConfig

    values = CaseConfig(state.case_dir).values()
    for key, meaning in CASE_CONFIG_KEYS.items():
        value = values.get(key)
        shown = "(set)" if value and key.endswith(".key") else value or "-"
        click.echo(f"{key:18} {shown:40} {meaning}")


@config_group.command("get")
@click.argument("key")
@click.pass_obj
def config_get(state: State, key: str) -> None:
    """Print one setting's value (exit 1 if it is not set)."""
    from overheard.config import CaseConfig

    value = CaseConfig(state.case_dir).get(key)
    if value is None:
        sys.exit(1)
    click.echo(value)


@config_group.command("set")
@click.argument("key")
@click.argument("value")
@click.pass_obj
def config_set(state: State, key: str, value: str) -> None:
    """Set one setting for this case (see 'overheard config list')."""
    from overheard.backends.settings import ENTAILERS, TRANSLATORS
    from overheard.config import CaseConfig

    choices = {"translator": TRANSLATORS, "entail": ENTAILERS}.get(key)
    if choices and value not in choices:
        raise OverheardError(f"{key} must be one of {', '.join(choices)}, not {value!r}")
    state.open_case()  # only an existing case has settings
    CaseConfig(state.case_dir).set(key, value)
    if key.endswith(".key"):
        click.echo(f"{key} set (kept in {state.case_dir}/config.json: an environment variable "
                   "keeps it out of the case folder)")  # fmt: skip
    else:
        click.echo(f"{key} = {value}")


@config_group.command("unset")
@click.argument("key")
@click.pass_obj
def config_unset(state: State, key: str) -> None:
    """Remove one setting from this case."""
    from overheard.config import CaseConfig

    CaseConfig(state.case_dir).set(key, None)
    click.echo(f"{key} unset")


# -------------------------------------------------------------------------------- claims


@cli.command()
@click.argument("claim", required=False)
@click.option("--about", help="Only claims about this entity (any script: Kursk, Курск) or word.")
@click.option("--speaker", help="Only claims this speaker took a stance on (part of the name).")
@click.option("--lang", "language", help="Only claims stated in this language (ru, uk, en...).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Said on or after this day.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Said on or before this day.")
@click.option("--contested", is_flag=True, help="Only claims both asserted and denied.")
@click.option("--changed", is_flag=True, help="Only claims on which a speaker changed position.")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 100000))
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def claims(
    state: State,
    claim: str | None,
    about: str | None,
    speaker: str | None,
    language: str | None,
    since: Any,
    until: Any,
    contested: bool,
    changed: bool,
    limit: int,
    as_json: bool,
) -> None:
    """The claim board. Without CLAIM: the case's claims, most-sourced first, with how many
    independent sources assert and deny each (copies of one report count once). With CLAIM:
    its board, asserters | deniers | hedged, each with the quote, the speaker, the source,
    the date and the evidence; speakers who changed position; when each source first said it.

    \b
    Example:
      overheard claims --about Kursk --contested
      overheard claims --changed
      overheard claims 12
      overheard claims claim:12 --json
    """
    from overheard.link import board as boards

    case = state.open_case()
    with case.reader() as s:
        if claim is not None:
            number = claim.removeprefix("claim:")
            if not number.isdigit():
                raise OverheardError(f"a claim is a number or claim:N, not {claim!r}")
            found = boards.board(s, int(number))
            if as_json:
                click.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
            else:
                _print_board(found)
            return
        filters = boards.ClaimFilter(
            about=about, speaker=speaker, language=language,
            since=since.date() if since else None, until=until.date() if until else None,
            contested=contested, changed=changed,
        )  # fmt: skip
        found_claims = boards.list_claims(s, filters, limit=limit)
    if as_json:
        click.echo(json.dumps([boards.summary_dict(c) for c in found_claims],
                              ensure_ascii=False, indent=2))  # fmt: skip
        return
    from overheard.visible import line as escape  # controls shown, markup escaped

    out = _stdout_console()
    if not found_claims:
        out.print("no claims" + (" match" if any(
            (about, speaker, language, since, until, contested, changed)) else " yet: "
            "ingest reports, or run 'overheard process'"))  # fmt: skip
        return
    for c in found_claims:
        flags = " [yellow]contested[/]" if c.contested else ""
        flags += " [magenta]position changed[/]" if c.changed else ""
        out.print(
            f"[bold]claim {c.id}[/]  [green]{c.asserting_sources} assert[/]  "
            f"[red]{c.denying_sources} deny[/]  {c.statements} statements, "
            f"{c.documents} documents, {'/'.join(c.languages)}{flags}"
        )
        out.print(f"  {escape(c.proposition[:160])}")


def _print_board(found: Any) -> None:
    from overheard.visible import line as escape  # controls shown, markup escaped

    out = _stdout_console()
    c = found.claim
    out.print(f"[bold]claim {c.id}[/]: {escape(c.proposition)}")
    out.print(
        f"{c.asserting_sources} source(s) assert, {c.denying_sources} deny; "
        f"{c.statements} statements in {c.documents} documents ({'/'.join(c.languages)})"
    )
    for title, lines, colour in (
        ("asserts", found.asserting, "green"),
        ("denies", found.denying, "red"),
        ("hedged", found.hedged, "yellow"),
    ):
        out.print(f"\n[bold {colour}]{title}[/] ({len(lines)})")
        for ln in lines:
            when = ln.date.date().isoformat() if ln.date else "undated"
            where = (
                f"{_clock(ln.start_s)}–{_clock(ln.end_s)}" if ln.start_s is not None
                else f"chars {ln.start_char}–{ln.end_char}"
            )  # fmt: skip
            stance = f" ({ln.stance})" if title == "hedged" else ""
            if ln.stance_source and ln.stance_source.startswith("entail:"):
                stance += escape(f" [stance by {ln.stance_source.removeprefix('entail:')}]")
            out.print(
                f"  {escape(ln.speaker or 'speaker unknown')}{stance} — "
                f"{escape(ln.source or 'no source')}, {when}, document {ln.document_id} {where}"
            )
            out.print(f"    [dim]«{escape(' '.join(ln.quote.split())[:240])}»[/]")
            if ln.also_in:
                out.print(f"    also in (copies): documents {', '.join(map(str, ln.also_in))}")
    if found.changes:
        out.print("\n[bold magenta]position changes[/]")
        for ch in found.changes:
            out.print(
                f"  {escape(ch.speaker)}: {ch.before} (document {ch.from_document}) → "
                f"{ch.after} (document {ch.to_document})"
            )
    out.print("\n[bold]timeline[/] (when each source first took a stance)")
    for t in found.timeline:
        when = t["first_said"].date().isoformat() if t["first_said"] else "undated"
        out.print(f"  {when}  {t['stance']:<6}  {escape(t['source'])}")


# -------------------------------------------------------------------------------- search


@cli.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000))
@click.option("--offset", default=0, type=click.IntRange(0))
@click.option("--lang", "language", help="Only segments in this language (ru, uk, en...).")
@click.option("--kind", type=click.Choice(["text", "audio", "video"]), help="Only these documents.")
@click.option("--raw", is_flag=True, help="Pass the query to SQLite FTS5 as written (AND/OR/NEAR).")
@click.option(
    "--semantic", is_flag=True,
    help="By meaning, in any language (multilingual embeddings; needs the semantic extra).",
)  # fmt: skip
@click.option(
    "--translations", is_flag=True,
    help="Search the machine translations (overheard process --translate) instead.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print hits as JSON.")
@click.pass_obj
def search(
    state: State,
    query: str,
    limit: int,
    offset: int,
    language: str | None,
    kind: str | None,
    raw: bool,
    as_json: bool,
    semantic: bool = False,
    translations: bool = False,
) -> None:
    """Full-text search over every segment, in any script.

    Words match as prefixes («Курск» finds «Курске»), case and ё/е do not matter, "quoted
    words" match as a phrase. With --semantic, segments are found by meaning in any language
    («северокорейские военные в Курской области» for "North Korean soldiers in Kursk"),
    nearest first, scored by cosine similarity.

    \b
    Example:
      overheard search "North Korean troops" --limit 5
      overheard search 'батальон "К"' --json
      overheard search --semantic "North Korean soldiers in Kursk" --lang ru
      overheard search --translations "troops entered" --lang ru
    """
    from overheard.store.search import search as run_search

    if not (translations or semantic):
        # A plain search of a case at the current schema reads it on a connection of its own.
        from overheard.store import readonly

        found = readonly.search(
            state.case_dir, state.database_url, query,
            limit=limit, offset=offset, raw=raw, language=language, kind=kind,
        )  # fmt: skip
        if found is not None:
            _print_hits(query, found, as_json)
            return
    case = state.open_case()
    if translations:
        if raw or semantic:
            raise OverheardError("--translations takes plain words: not with --raw or --semantic")
        from overheard.store.search import search_translations

        hits = search_translations(
            case, query, limit=limit, offset=offset, language=language, kind=kind
        )
    elif semantic:
        if raw:
            raise OverheardError("--raw is full-text query syntax: not with --semantic")
        from overheard.store.semantic import semantic_search

        hits = semantic_search(
            case, query, limit=limit, offset=offset, language=language, kind=kind
        )
    else:
        hits = run_search(
            case, query, limit=limit, offset=offset, raw=raw, language=language, kind=kind
        )
    _print_hits(query, hits, as_json)


def _print_hits(query: str, hits: list[Any], as_json: bool) -> None:
    if as_json:
        # A hit's record is the export's SearchHit as it stands (a test holds them together),
        # printed without importing the records (pydantic and the schema: +1 s).
        found = [h.as_record() for h in hits]
        click.echo(json.dumps({"query": query, "hits": found}, ensure_ascii=False, indent=2))
        return
    out = _stdout_console()
    if not hits:
        out.print(f"no matches for {query!r}")
        return
    from overheard.visible import line as escape  # controls shown, markup escaped

    for h in hits:
        where = (
            f"{h.start_s:.1f}s {h.speaker or ''}".strip()
            if h.start_s is not None
            else f"chars {h.start_char}-{h.end_char}"
        )
        snippet = h.marked("\x02", "\x03", shown=escape).replace("\x02", "[bold yellow]")
        snippet = snippet.replace("\x03", "[/]")
        title = escape(h.document_title or "")
        out.print(f"[cyan]doc {h.document_id}[/] [dim]#{h.index} {where}[/] {title[:60]}")
        out.print(f"   {snippet}")
        if h.original is not None:
            out.print(f"   [dim]machine translation ({escape(h.backend or '')}) of:[/] "
                      f"{escape(' '.join(h.original.split())[:200])}")  # fmt: skip


# ---------------------------------------------------------------------------------- show


@cli.command()
@click.argument("document", type=str)
@click.option(
    "--json", "as_json", is_flag=True,
    help="Print the document and everything found in it as records (docs/EXPORT.md).",
)  # fmt: skip
@click.option("--no-segments", is_flag=True, help="Metadata only.")
@click.pass_obj
def show(state: State, document: str, as_json: bool, no_segments: bool) -> None:
    """Show one document: metadata and its segments (sentences or timed utterances).

    DOCUMENT is a document id (3 or document:3) or the start of an original's sha256.

    \b
    Example:
      overheard show 3
      overheard show document:3 --json
    """
    from sqlalchemy import select

    from overheard.records import DocumentBundle, Lookups
    from overheard.store.lookup import find_document
    from overheard.store.schema import Document

    case = state.open_case()
    with case.reader() as s:
        doc = find_document(s, document)
        bundle = DocumentBundle.load(
            Lookups(s), doc, with_text=False, with_segments=not no_segments
        )
        copy_score = doc.copy_score
        copied_by = list(s.scalars(select(Document.id).where(Document.copy_of == doc.id)
                                   .order_by(Document.id)))  # fmt: skip
    data = bundle.dump()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_document(data["document"], bundle.source.name if bundle.source else None,
                    data["segments"], copy_score, copied_by)  # fmt: skip
    _print_analysis(data["mentions"], data["statements"], data["events"])


def _print_analysis(
    mentions: list[dict[str, Any]], statements: list[dict[str, Any]], events: list[dict[str, Any]]
) -> None:
    from overheard.visible import line as escape  # controls shown, markup escaped

    out = _stdout_console()
    if mentions:
        by_label: dict[str, list[str]] = {}
        for m in mentions:
            names = by_label.setdefault(m["label"], [])
            name = m["normal"] if m["label"] != "DATE" and m["normal"] else m["text"]
            if name not in names:
                names.append(name)
        out.print("\n[bold]Named[/]")
        for label, names in sorted(by_label.items()):
            out.print(f"  [dim]{label:<10}[/] {escape(', '.join(names))}")
    if statements:
        out.print("\n[bold]Who said what[/]")
        for st in statements:
            speaker = st["speaker"]["text"] or "(unattributed)"
            if st["speaker_antecedent"] and st["speaker_antecedent"] != st["speaker"]["text"]:
                speaker += f" (→ {st['speaker_antecedent']})"
            flags = ("direct" if st["direct"] else "reported") + (
                f", hedged: {', '.join(st['hedges'])}" if st["hedged"] else ""
            )
            content = " ".join(st["content"].split())
            content = content if len(content) < 160 else content[:157] + "…"
            claim = f" [dim]→ {st['claim_id']}[/]" if st.get("claim_id") else ""
            out.print(f"  [cyan]{escape(speaker)}[/] [bold]{st['act']}[/] [dim]({flags})[/]: "
                      f"{escape(' '.join(content.split()))}{claim}")  # fmt: skip
    if events:
        out.print("\n[bold]Events[/]")
        for ev in events:
            who = " ".join(
                part
                for part in (
                    ev["trigger"] and f"«{ev['trigger']}»",
                    ev["actor"]["text"],
                    ev["recipient"]["text"] and f"→ {ev['recipient']['text']}",
                    ev["place"]["text"] and f"@ {ev['place']['text']}",
                    ev["time"]["text"] and f"({ev['time']['text']})",
                )
                if part
            )
            out.print(f"  [bold]{ev['event_type']}[/] {escape(who)}"
                      f"{' [dim](' + ev['context'] + ')[/]' if ev['context'] else ''}")  # fmt: skip


def _print_document(
    data: dict[str, Any],
    source: str | None,
    segs: list[dict[str, Any]],
    copy_score: float | None = None,
    copied_by: list[int] | None = None,
) -> None:
    from overheard.visible import line as escape  # controls shown, markup escaped

    out = _stdout_console()
    out.print(f"[bold]{escape(data['title'] or '(untitled)')}[/]  [dim]{data['id']}[/]")
    meta = data.get("meta") or {}
    rows = [
        ("kind", f"{data['kind']} ({data['media_type']})"),
        ("status", data["status"] + (f": {data['status_reason']}" if data["status_reason"] else "")),
        ("language", data["language"] and (f"{data['language']} ({data['language_confidence']})"
                     if data["language_confidence"] is not None else data["language"])),
        ("published", data["published_at"] or data["published_text"]),
        ("source", source),
        ("url", data["url"]),
        ("duration", data["duration_s"] and f"{data['duration_s']:.1f} s, "
                     f"{data['channels']} ch, {data['sample_rate']} Hz"),
        ("sha256", data["sha256"] + (f" record {data['part']}" if data["part"] else "")),
        ("seen as", ", ".join(data["origins"])),
        # A copy (syndication, translation) counts once on the claim board, as its original.
        ("copy of", data["copy_of"] and data["copy_of"].replace(":", " ")
                    + (f" (score {copy_score:.2f})" if copy_score is not None else "")),
        ("copied by", copied_by and ("document " if len(copied_by) == 1 else "documents ")
                      + ", ".join(map(str, copied_by))),
        # A channel message and its voice notes (docs/IMPORT.md).
        ("message", meta.get("parent_document") and f"document {meta['parent_document']}"),
        ("recordings", meta.get("recordings") and ", ".join(
            f"document {n}" for n in meta["recordings"])),
    ]  # fmt: skip
    for key, value in rows:
        if value:
            out.print(f"  [dim]{key:<10}[/] {escape(str(value))}")
    if not segs:
        if data["status"] == "no_speech":
            out.print("  [dim](no speech in this recording)[/]")
        elif data["kind"] != "text":
            out.print("  [dim](no transcript yet: run 'overheard process')[/]")
        return
    out.print()
    for seg in segs:
        ev = seg["evidence"]
        if ev["start_s"] is not None:
            label = f"{_clock(ev['start_s'])}–{_clock(ev['end_s'])} {seg['speaker'] or '?'}"
        else:
            label = f"{ev['start_char']:>6}"
        lang = (
            f" \\[{seg['language']}]"
            if seg["language"] and seg["language"] != data["language"]
            else ""
        )
        out.print(f"  [dim]{label}{lang}[/] {escape(' '.join(seg['text'].split()))}")
        for tr in seg["translations"]:
            out.print(f"  [dim]{' ' * len(label)} ({tr['language']}, machine translation by "
                      f"{tr['backend']})[/] {escape(' '.join(tr['text'].split()))}")  # fmt: skip


def _fit(name: str, width: int) -> str:
    """A title or path cut to ``width``: a path keeps its end (the file's name), a title its
    start."""
    if len(name) <= width:
        return name
    if "/" in name or "\\" in name:
        return "…" + name[-(width - 1) :]
    return name[: width - 1] + "…"


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    m, s = divmod(seconds, 60)
    return f"{int(m):02d}:{s:04.1f}"


# ---------------------------------------------------------------------------------- list


@cli.command(name="list")
@click.option("--kind", type=click.Choice(["text", "audio", "video"]))
@click.option(
    "--failures", is_flag=True,
    help="List inputs that failed to ingest and documents a stage failed on, with reasons.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def list_documents(state: State, kind: str | None, failures: bool, as_json: bool) -> None:
    """List the case's documents (or what failed: inputs that could not be ingested, and
    documents a stage such as the analysis failed on).

    \b
    Example:
      overheard list --kind audio
      overheard list --failures
    """
    from sqlalchemy import func, select

    from overheard.records import DocumentRecord, Lookups
    from overheard.store.schema import Document, DocumentStage, IngestFailure, Segment

    case = state.open_case()
    with case.reader() as s:
        if failures:
            rows = s.scalars(
                select(IngestFailure)
                .where(IngestFailure.resolved.is_(False))
                .order_by(IngestFailure.id)
            ).all()
            items = [{"path": f.path, "record": f.part, "reason": f.reason,
                      "at": f.created_at.isoformat()} for f in rows]  # fmt: skip
            failed_stages = s.execute(
                select(DocumentStage, Document.title, Document.origin_path)
                .join(Document, Document.id == DocumentStage.document_id)
                .where(DocumentStage.status == "failed")
                .order_by(DocumentStage.document_id, DocumentStage.stage)
            ).all()
            items += [{"path": path, "record": None, "reason": row.error or "failed",
                       "at": row.finished_at.isoformat(), "stage": row.stage,
                       "document": f"document:{row.document_id}", "title": title}
                      for row, title, path in failed_stages]  # fmt: skip
        else:
            query = select(Document).order_by(Document.id)
            if kind:
                query = query.where(Document.kind == kind)
            # Documents as records (docs/EXPORT.md), without their text.
            items = [
                d.dump()
                for d in DocumentRecord.from_rows(s.scalars(query).all(), Lookups(s), False)
            ]
            segments: dict[int, int] = dict(
                s.execute(
                    select(Segment.document_id, func.count()).group_by(Segment.document_id)
                ).all()  # type: ignore[arg-type]
            )
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    from overheard.visible import line as escape  # controls shown, markup escaped

    out = _stdout_console()
    if not items:
        out.print("no failures" if failures else "no documents in the case yet")
    for it in items:
        if failures and "stage" in it:
            doc_id = it["document"].split(":")[1]
            out.print(f"[red]✗[/] {escape(it['path'] or it['title'] or '')} (document "
                      f"{doc_id}): {it['stage']} failed: {escape(it['reason'])}")  # fmt: skip
        elif failures:
            out.print(f"[red]✗[/] {escape(it['path'])}"
                      f"{' record ' + str(it['record']) if it['record'] else ''}: "
                      f"{escape(it['reason'])}")  # fmt: skip
        else:
            doc_id = int(it["id"].split(":")[1])
            extra = (
                f"{it['duration_s']:.1f}s" if it["duration_s"] else f"{segments.get(doc_id, 0)} seg"
            )
            out.print(
                f"{doc_id:>5} {it['kind']:<5} {it['language'] or '-':<3} "
                f"{extra:>8}  {escape(_fit(it['title'] or it['origin_path'], 70))}"
                f"{'  [dim](' + it['status'] + ')[/]' if it['status'] != 'ready' else ''}"
            )


# ------------------------------------------------------------------------------ entities


def _actor(actor: str | None) -> str | None:
    return actor or os.environ.get("USER") or os.environ.get("USERNAME")


@cli.group()
def entities() -> None:
    """The case's entities: list them, merge two that are one, split a name off one.

    Merges and splits are recorded (who, when, why) and kept when the documents are analysed
    again ('overheard process --redo').
    """


@entities.command(name="list")
@click.option("--type", "entity_type", help="Only this type (PERSON, ORG, GPE, LOC, MIL_UNIT...).")
@click.option("--json", "as_json", is_flag=True, help="Print the entities as JSON.")
@click.pass_obj
def entities_list(state: State, entity_type: str | None, as_json: bool) -> None:
    """List entities: id, type, mentions, name and the other names it is known by.

    \b
    Example:
      overheard entities list --type PERSON
    """
    from overheard.link.merges import list_entities

    items = list_entities(state.open_case(), entity_type)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    from overheard.visible import line as escape  # controls shown, markup escaped

    out = _stdout_console()
    if not items:
        out.print("no entities" + (f" of type {entity_type}" if entity_type else ""))
    for it in items:
        others = [n for n in it["names"] if n != it["name"]]
        out.print(
            f"{it['id']:>5} {it['type']:<9} {it['mentions']:>4}  {escape(it['name'])}"
            + (f"  [dim]({escape(', '.join(others))})[/]" if others else "")
        )


@entities.command(name="merge")
@click.argument("keep", type=int)
@click.argument("other", type=int)
@click.option("--note", help="Why they are one (kept with the merge).")
@click.option("--actor", help="Who decides (default: $USER).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def entities_merge(
    state: State, keep: int, other: int, note: str | None, actor: str | None, as_json: bool
) -> None:
    """Merge entity OTHER into KEEP: its mentions, statements and events move to KEEP.

    \b
    Example:
      overheard entities merge 12 40 --note "same spokesman, two spellings"
    """
    from overheard.link.merges import merge

    done = merge(state.open_case(), keep, other, _actor(actor), note)
    if as_json:
        click.echo(json.dumps(done.as_dict(), ensure_ascii=False))
        return
    click.echo(f"merged entity {other} into {keep}: {done.moved} mention(s) moved")


@entities.command(name="split")
@click.argument("entity", type=int)
@click.argument("name")
@click.option("--note", help="Why the name is someone else (kept with the split).")
@click.option("--actor", help="Who decides (default: $USER).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def entities_split(
    state: State, entity: int, name: str, note: str | None, actor: str | None, as_json: bool
) -> None:
    """Give the mentions of ENTITY written as NAME an entity of their own.

    \b
    Example:
      overheard entities split 12 "Мельник"
    """
    from overheard.link.merges import split

    done = split(state.open_case(), entity, name, _actor(actor), note)
    if as_json:
        click.echo(json.dumps(done.as_dict(), ensure_ascii=False))
        return
    click.echo(f"split {name!r} off entity {entity}: new entity {done.entity_id}, "
               f"{done.moved} mention(s) moved")  # fmt: skip


# -------------------------------------------------------------------------------- export


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv", "ftm", "srt", "vtt"]),
    default="jsonl", show_default=True,
    help="jsonl: the whole record. csv: one --type as a table. ftm: FollowTheMoney entities "
    "(Aleph). srt/vtt: subtitles of one recording.",
)  # fmt: skip
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="File (default stdout)."
)
@click.option(
    "--type", "types", multiple=True,
    type=click.Choice(["source", "document", "segment", "mention", "entity", "statement",
                       "claim", "event"]),
    help="Only these record types (repeatable).",
)  # fmt: skip
@click.option("--no-text", is_flag=True, help="Leave documents' full text out (segments keep it).")
@click.option("--document", "document", help="The recording to subtitle (srt/vtt).")
@click.option("--masked", is_flag=True, help="srt/vtt: the publication rendering, swearing masked.")
@click.option(
    "--bom", is_flag=True,
    help="csv, for spreadsheets: a UTF-8 byte-order mark, and cells that would start a formula "
    "prefixed with '.",
)  # fmt: skip
@click.option(
    "--schema", "print_schema", is_flag=True,
    help="Print the JSON Schema of a jsonl line (no case needed) and stop.",
)  # fmt: skip
@click.pass_obj
def export(
    state: State,
    fmt: str,
    output: Path | None,
    types: tuple[str, ...],
    no_text: bool,
    document: str | None,
    masked: bool,
    bom: bool,
    print_schema: bool,
) -> None:
    """Export the whole record, one JSON object a line (schema: docs/EXPORT.md), one record
    type as a CSV table, the case as FollowTheMoney entities for Aleph, or one recording's
    transcript as subtitles with speaker labels.

    \b
    Example:
      overheard export --format jsonl -o record.jsonl
      overheard export --type statement | jq .act
      overheard export --format csv --type event --bom -o events.csv
      overheard export --format ftm -o case.ftm.json
      overheard export --format srt --document 7 -o call.srt
      overheard export --format vtt --document 7 --masked
      overheard export --schema > record.schema.json
    """
    if print_schema:
        from overheard.export.jsonl import schema_text

        click.echo(schema_text(), nl=False)
        return
    case = state.open_case()
    if fmt in ("srt", "vtt"):
        text = _subtitles(case, fmt, document, masked)
        if output:
            output.write_text(text, encoding="utf-8")
            click.echo(f"wrote {output}", err=True)
        else:
            click.echo(text, nl=False)
        return
    if fmt in ("csv", "ftm"):
        _export_flat(case, fmt, types, bom, output)
        return
    from overheard.export.jsonl import TYPES, write

    stream = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        count = write(case, stream, types or TYPES, with_text=not no_text)
    finally:
        if output:
            stream.close()
    if output:
        click.echo(f"wrote {count} records to {output}", err=True)


def _export_flat(
    case: Any, fmt: str, types: tuple[str, ...], bom: bool, output: Path | None
) -> None:
    """--format csv (one table) or ftm (FollowTheMoney entities, one JSON object a line)."""
    if fmt == "csv":
        from overheard.export import csv as table

        if len(types) != 1 or types[0] not in table.TYPES:
            raise OverheardError(f"--format csv needs one --type: {', '.join(table.TYPES)}")
        stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            count = table.write(case, stream, types[0], spreadsheet=bom)
        finally:
            if output:
                stream.close()
        if output:
            click.echo(f"wrote {count} {types[0]} rows to {output}", err=True)
        return
    from overheard.export import ftm

    stream = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        count = ftm.write(case, stream)
    finally:
        if output:
            stream.close()
    if output:
        click.echo(f"wrote {count} FollowTheMoney entities to {output}", err=True)


def _subtitles(case: Any, fmt: str, document: str | None, masked: bool) -> str:
    from dataclasses import dataclass

    from overheard.store.lookup import find_document

    if not document:
        raise OverheardError(f"--format {fmt} needs --document ID (a transcribed recording)")
    try:
        from overheard.speech.subtitles import to_srt, to_vtt
    except ImportError as exc:
        raise OverheardError(f"subtitles need the speech extra: {exc}") from None
    render = None
    if masked:
        from overheard.speech.profanity import mask

        render = mask

    @dataclass
    class Cue:
        start: float
        end: float
        speaker: str
        text: str

    with case.reader() as s:
        doc = find_document(s, document)
        if doc.kind == "text":
            raise OverheardError(f"document {doc.id} is a text, not a recording: no subtitles")
        cues = [Cue(x.start_s or 0.0, x.end_s or 0.0, x.speaker or "?", x.text)
                for x in doc.segments if x.start_s is not None]  # fmt: skip
        if not cues and doc.status == "no_speech":
            raise OverheardError(f"document {doc.id} has no speech in it: no subtitles")
        if not cues:
            raise OverheardError(
                f"document {doc.id} has no transcript ({doc.status}); run 'overheard process'"
            )
    return (to_srt if fmt == "srt" else to_vtt)(cues, render)


# --------------------------------------------------------------------------------- brief


@cli.command()
@click.option("--about", help="Only claims about this entity (any script, or entity:N) or words.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Said on or after (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Said on or before.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=Path("brief.html"),
    show_default=True, help="The HTML page.",
)  # fmt: skip
@click.option("--pdf", type=click.Path(path_type=Path, dir_okay=False), help="Also a PDF.")
@click.pass_obj
def brief(
    state: State, about: str | None, since: Any, until: Any, output: Path, pdf: Path | None
) -> None:
    """A brief for an editor: contested claims with their boards, key statements with
    citations, a timeline, a map and an entity index, as HTML (and PDF). Every line cites
    its records (statement:12, document:4).

    \b
    Example:
      overheard brief --about Kursk --since 2025-03-01 -o kursk.html --pdf kursk.pdf
    """
    from overheard.brief import build, render_html, render_pdf

    made = build(
        state.open_case(), about, since.date() if since else None, until.date() if until else None
    )
    html = render_html(made)
    output.write_text(html, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)
    if pdf:
        render_pdf(html, pdf)
        click.echo(f"wrote {pdf}", err=True)


# ---------------------------------------------------------------------------------- eval

EVALUATIONS = {
    "speech": ("overheard.eval.speech", "ASR, speakers, language ID on intercepts + speech-en"),
    "ner-ru": ("overheard.eval.ner_ru", "Russian NER on Collection5 and factRuEval (per type)"),
    "ner-uk": ("overheard.eval.ner_uk", "Ukrainian NER on NER-uk 2.0, exact and relaxed F1"),
    "polnear": ("overheard.eval.polnear", "attribution: source, cue, content span F1"),
    "plover": ("overheard.eval.plover", "PLOVER event types: accuracy, confusion matrix"),
    "geoparsing": ("overheard.eval.geoparsing", "GeoNames ids on GeoWebNews and LGL"),
    "seed": ("overheard.eval.seed", "the seed report's statements and events, for reading"),
    "entities": ("overheard.eval.entity_linking", "cross-script entity linking: pairwise F1"),
    "claims": ("overheard.eval.claims", "the claim board: statements, claims, stance, copies"),
    "copies": ("overheard.eval.copies", "independent sources: syndicated and translated copies"),
    "text": ("overheard.eval.text", "every text evaluation in one run"),
}


@cli.command(
    name="eval",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("name", required=False)
@click.pass_context
def evaluate(ctx: click.Context, name: str | None) -> None:
    """Score against the gold data in ../shared/data (or --data DIR); results go to
    docs/EVAL.md. Options after NAME go to that evaluation (see 'overheard eval NAME --help').

    \b
    Example:
      overheard eval                   # list the evaluations
      overheard eval ner-ru --limit 200
      overheard eval speech --beam-size 5
    """
    import runpy

    if name in (None, "-h", "--help"):
        click.echo(
            ctx.get_help()
            if name
            else "evaluations (overheard eval NAME [--data DIR] [--limit N]):"
        )
        for key, (_module, what) in EVALUATIONS.items():
            click.echo(f"  {key:<11} {what}")
        return
    if name not in EVALUATIONS:
        raise OverheardError(f"no evaluation {name!r}; choose one of: {', '.join(EVALUATIONS)}")
    module = EVALUATIONS[name][0]
    argv, sys.argv = sys.argv, [f"overheard eval {name}", *ctx.args]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=False)
    except ImportError as exc:
        raise OverheardError(
            f"evaluation {name} needs an extra that is not installed: {exc}"
        ) from None
    finally:
        sys.argv = argv


# --------------------------------------------------------------------------------- bench


@cli.group()
def bench() -> None:
    """Benchmarks (speed and memory), recorded in docs/BENCHMARKS.md."""


@bench.command(name="ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--repeat", default=1, show_default=True, type=click.IntRange(1, 20))
@click.option("--json", "as_json", is_flag=True)
def bench_ingest(paths: tuple[Path, ...], repeat: int, as_json: bool) -> None:
    """Documents per second and peak memory for ingesting text into a new case.

    Without PATHS, uses ../shared/data/voa and ../shared/data/polnear/*/text when present.

    \b
    Example:
      overheard bench ingest
      overheard bench ingest my-articles/ --repeat 3
    """
    from overheard.bench.ingest import default_corpora, run

    corpora = [("given", list(paths))] if paths else default_corpora()
    if not corpora:
        raise OverheardError("no benchmark data: pass PATHS, or run next to ../shared/data")
    results = run(corpora, repeat=repeat)
    if as_json:
        click.echo(json.dumps(results, indent=2))
        return
    from overheard.bench.ingest import format_table

    click.echo(format_table(results))


@bench.command(name="search")
@click.option(
    "--sizes", default="10000,100000,1000000", show_default=True,
    help="Case sizes in segments, comma-separated.",
)  # fmt: skip
@click.option("--queries", default=100, show_default=True, type=click.IntRange(10, 10000))
@click.option(
    "--fulltext", is_flag=True,
    help="Full-text search instead: in-process p50/p95 against bare FTS5, the search "
    "command's wall time and the workbench's pages, over a generated ~1M-segment case.",
)  # fmt: skip
@click.option("--case", "case_dir", type=click.Path(path_type=Path, file_okay=False),
              help="With --fulltext: an existing case instead of a generated one.")  # fmt: skip
@click.option("--documents", default=112_000, show_default=True, type=click.IntRange(10),
              help="With --fulltext: documents to generate (~9 segments each).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def bench_search(
    state: State, sizes: str, queries: int, fulltext: bool, case_dir: Path | None,
    documents: int, as_json: bool,
) -> None:  # fmt: skip
    """Semantic-search latency (p50/p95) and recall at each case size, against exact numpy
    search over the same vectors (synthetic vectors; real query embeddings). 1M segments
    need ~5 GB of memory and disk and ~15 minutes. With --fulltext, full-text search at
    ~1M segments (generating the case takes ~5 minutes); with --database-url, a case on
    PostgreSQL (e.g. one `overheard copy --to` made) with --case naming its folder.

    \b
    Example:
      overheard bench search --sizes 10000,100000
      overheard bench search --fulltext
      overheard --database-url postgresql://me@db/ourcase bench search --fulltext --case ourcase
    """
    if fulltext:
        from overheard.bench import fulltext as fts

        if state.database_url and case_dir is None:
            raise OverheardError("--fulltext with --database-url measures that case: add --case")
        report = fts.measure(case_dir, documents, database_url=state.database_url)
        click.echo(json.dumps(report, indent=2) if as_json else fts.format_table(report))
        return
    from overheard.bench.search import format_table, measure

    try:
        counts = [int(size.replace("_", "")) for size in sizes.split(",") if size.strip()]
    except ValueError:
        raise OverheardError(f"--sizes takes numbers separated by commas, not {sizes!r}") from None
    results = []
    for n in counts:
        results.append(measure(n, queries))
        if not as_json:
            click.echo(f"{n:,} segments: done", err=True)
    click.echo(json.dumps(results, indent=2) if as_json else format_table(results))


@bench.command(name="claims")
@click.option(
    "--sizes", default="1000,10000,100000", show_default=True,
    help="Board lines already in the case, comma-separated.",
)  # fmt: skip
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 20))
@click.option("--json", "as_json", is_flag=True)
def bench_claims(sizes: str, repeat: int, as_json: bool) -> None:
    """What linking a new document's statements to the claims costs, per statement, in cases
    of growing size (the bundled reports linked against N generated board lines).

    \b
    Example:
      overheard bench claims --sizes 1000,100000
    """
    from overheard.bench.claims import format_table, measure

    try:
        counts = [int(size.replace("_", "")) for size in sizes.split(",") if size.strip()]
    except ValueError:
        raise OverheardError(f"--sizes takes numbers separated by commas, not {sizes!r}") from None
    results = [measure(n, repeat) for n in counts]
    click.echo(json.dumps(results, indent=2) if as_json else format_table(results))


@bench.command(name="pipeline")
@click.argument("corpus", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 20))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--json", "as_json", is_flag=True)
def bench_pipeline(corpus: Path | None, repeat: int, workers: int, as_json: bool) -> None:
    """Store and analyse a JSONL corpus end to end (fresh processes, models loaded), against
    spaCy's NER alone over the same texts, in the same run. Default: the VOA stories.

    \b
    Example:
      overheard bench pipeline --repeat 3
    """
    from overheard.bench.pipeline import default_corpus, format_result, run

    path = corpus or default_corpus()
    if not path.exists():
        raise OverheardError(f"no corpus at {path} (pass a JSONL file with a 'text' field)")
    result = run(path, repeat, workers)
    click.echo(json.dumps(result, indent=2) if as_json else format_result(result))


@bench.command(name="scale")
@click.option("--documents", default=89, show_default=True, type=click.IntRange(1),
              help="Documents the analysis stage runs over.")  # fmt: skip
@click.option("--copies", default=10, show_default=True, type=click.IntRange(1),
              help="Copies of each text (varied) for the ingest rows.")  # fmt: skip
@click.option("--workers", default=2, show_default=True, type=click.IntRange(2, 64))
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 20))
@click.option("--postgres", metavar="URL", envvar="OVERHEARD_BENCH_POSTGRES_URL",
              help="A PostgreSQL server to ingest into (default: a throwaway one, if the "
              "server binaries are installed).")  # fmt: skip
@click.option("--no-ray", is_flag=True, help="Leave out the Ray rows.")
@click.option("--json", "as_json", is_flag=True)
def bench_scale(
    documents: int, copies: int, workers: int, repeat: int, postgres: str | None,
    no_ray: bool, as_json: bool,
) -> None:  # fmt: skip
    """Analysis docs/s with 1 and N local processes and 1 and N Ray workers, and ingest docs/s
    into SQLite and PostgreSQL, in the same run (VOA stories, else the bundled reports).

    \b
    Example:
      overheard bench scale --repeat 3
    """
    from overheard.bench.scale import format_table, run

    result = run(documents, copies, workers, repeat, postgres, ray=not no_ray)
    click.echo(json.dumps(result, indent=2) if as_json else format_table(result))


@bench.command(name="soak")
@click.option("--minutes", default=10.0, show_default=True, type=click.FloatRange(0.1, 600))
@click.option("--seed", default=7, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--keep-log",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where the server's log is kept if it answers a 5xx (default: the temp folder).",
)
def bench_soak(minutes: float, seed: int, as_json: bool, keep_log: Path | None) -> None:
    """The workbench and the CLI on one case at once: 'overheard serve' answering requests
    while overlapping ingests, list and search run and are killed with SIGKILL at random;
    then the case is checked (integrity, nothing lost or duplicated, every original, no 5xx).
    Exits 1 if any check fails.

    \b
    Example:
      overheard bench soak --minutes 10
    """
    from overheard.bench.soak import format_result, run

    result = run(minutes, seed, keep_log=keep_log)
    click.echo(json.dumps(result, indent=2) if as_json else format_result(result))
    if not result["ok"]:
        sys.exit(1)


@bench.command(name="sentences")
@click.argument("jsonl", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--limit", type=click.IntRange(1), help="Only the first N documents.")
def bench_sentences(jsonl: Path | None, limit: int | None) -> None:
    """Agreement with pysbd on English sentence boundaries, and speed of both.

    JSONL is a file of records with a 'text' field (default: ../shared/data/voa).

    \b
    Example:
      overheard bench sentences
    """
    from overheard.bench.ingest import SHARED
    from overheard.bench.sentences import run

    path = jsonl or SHARED / "voa" / "voa_stories.jsonl"
    if not path.is_file():
        raise OverheardError(f"no such file {path}: pass a JSONL file of English texts")
    result = run(path, limit)
    examples = result.pop("examples")
    for key, value in result.items():
        click.echo(f"{key:>20}: {value:.3f}" if isinstance(value, float) else f"{key:>20}: {value}")
    for who, context in examples:
        from overheard.visible import visible

        click.echo(f"  {who:<10} …{visible(' '.join(context.split()))}…")


# ---------------------------------------------------------------------------------- demo


@cli.command()
@click.option(
    "--samples",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The samples folder (default: the repository's samples/).",
)
@click.option(
    "--transcribe/--no-transcribe", default=True, show_default=True,
    help="Transcribe the sample calls (about a minute on a laptop CPU).",
)  # fmt: skip
@click.option(
    "--serve", "then_serve", is_flag=True,
    help="Then open the workbench on http://127.0.0.1:8765/ (Ctrl-C stops it).",
)  # fmt: skip
@click.pass_context
def demo(ctx: click.Context, samples: Path | None, transcribe: bool, then_serve: bool) -> None:
    """Ingest the bundled samples (reports in English and Russian, synthetic intercepted calls)
    into the case and show what was found.

    \b
    Example:
      overheard demo
      overheard --case /tmp/demo-case demo
    """
    from overheard.ingest.ingest import Ingestor

    state: State = ctx.obj
    folder = samples or _samples_dir()
    inputs = sorted((folder / "reports").glob("*")) + sorted(
        p for p in (folder / "intercepts").glob("call_*") if p.suffix != ".json"
    )
    if not inputs:
        raise OverheardError(f"no samples found in {folder}")
    case = state.open_case(create=True)
    settings = Settings()
    report = _run_with_progress(Ingestor(case, settings, source="overheard samples"), inputs)
    _print_ingest_summary(report, case)
    _print_stages(_run_stages(_runner(case, settings), skip=[] if transcribe else ["transcribe"]))
    _print_case_counts(case)
    out = _stdout_console()
    out.print()
    ctx.invoke(list_documents, kind=None, failures=False, as_json=False)
    for query in ("drones", "батальон", "Курск"):
        out.print(f"\n[bold]overheard search {query!r}[/]")
        ctx.invoke(search, query=query, limit=3, offset=0, language=None, kind=None, raw=False,
                   as_json=False)  # fmt: skip
    out.print(
        "\nNext: [bold]overheard show 4[/], [bold]overheard search WORDS[/], "
        "[bold]overheard export -o record.jsonl[/], [bold]overheard serve --open[/]"
    )
    if then_serve:
        serve = cli.get_command(ctx, "serve")
        if serve is None:
            raise OverheardError("the workbench needs the web extra: pip install 'overheard[web]'")
        ctx.invoke(serve, host="127.0.0.1", port=8765, token=None, open_browser=True)


def _samples_dir() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "samples" / "reports").is_dir():
            return parent / "samples"
    raise OverheardError("cannot find the samples folder; pass --samples DIR")


def _register_optional(name: str, loader: Callable[[], click.Command]) -> None:
    """Commands of optional parts (speech, web) appear when their packages are installed."""
    try:
        command = loader()
    except ImportError:
        return
    cli.add_command(command, name)


def _speech_command() -> click.Command:
    from overheard.speech.cli import transcribe_command

    return transcribe_command


def _serve_command() -> click.Command:
    from overheard.web.cli import serve_command

    return serve_command


_register_optional("transcribe", _speech_command)
_register_optional("serve", _serve_command)


def main() -> None:
    import warnings

    # Third-party noise that says nothing to a user (webrtcvad imports pkg_resources).
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
    cli(prog_name="overheard")


if __name__ == "__main__":
    main()
