"""The workbench and the command line on one case at once, for minutes, with kill -9.

    overheard bench soak --minutes 10
    overheard bench soak --minutes 0.5 --json        # the short version the tests run

A generated corpus of small reports (a tenth of them the same text under another name) is
ingested into one SQLite case by overlapping ``overheard ingest`` processes, two at a time,
while ``overheard list`` and ``overheard search`` run in a loop and a thread asks the running
``overheard serve`` for its document list, searches and document pages. Every few seconds a
random CLI process is killed with SIGKILL. At the end the corpus is ingested once more (what a
user does after a killed run) and the case is checked:

- integrity_check is ok; every file of the corpus is one document exactly once (by its
  original's sha256), none lost, none duplicated, and every file an ingest reported done was
  there before the final run;
- every original is present and matches its hash; no temporary file of a dead writer is left;
- the server, never restarted, answered every request without a 5xx and lists every document.

Whenever the server answers a 5xx its log (stderr, with uvicorn's tracebacks) is kept outside
the soak's temporary folder, and each distinct traceback is summarised (its exception, the last
overheard frame, how many times) in the result: a 500 is worth nothing without its cause.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

WORDS = (
    "drones artillery bridge convoy shelling ministry border village troops battalion "
    "warehouse ceasefire evacuation governor brigade positions"
).split()
PLACES = ["Kursk", "Belgorod", "Sudzha", "Kharkiv", "Bryansk", "Sumy"]


@dataclass
class Tally:
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    ingests_started: int = 0
    ingests_done: int = 0
    ingests_failed: list[str] = field(default_factory=list)
    commands: int = 0
    commands_failed: list[str] = field(default_factory=list)
    kills: int = 0
    reported_done: set[str] = field(default_factory=set)  # files an ingest that exited 0 read
    started: float = field(default_factory=time.monotonic)


def _corpus(folder: Path, count: int, rng: random.Random) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        place = rng.choice(PLACES)
        words = " ".join(rng.choices(WORDS, k=rng.randint(8, 20)))
        text = (
            f"Report {i} from {place}.\n\n{words.capitalize()} near {place}, officials said "
            f"on day {i}. Soak marker soak{i}x.\n"
        )
        path = folder / f"report-{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    # The same text under another name: a duplicate, never a second document.
    for i in range(0, count, 10):
        copy = folder / f"copy-of-{i:05d}.txt"
        copy.write_text(files[i].read_text(encoding="utf-8"), encoding="utf-8")
        files.append(copy)
    return files


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(case: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "overheard.cli", "--case", str(case), *args]


def _get(url: str, tally: Tally, lock: threading.Lock) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except OSError as exc:
        with lock:
            tally.requests += 1
            tally.server_errors.append(f"{url}: {exc}")
        return None
    with lock:
        tally.requests += 1
        if status >= 500:
            at = time.monotonic() - tally.started
            tally.server_errors.append(f"{url}: {status} at {at:.0f} s {body[:200]!r}")
    if status == 200 and url.split("?")[0].endswith(".json"):
        return json.loads(body)
    return None


def _ask_server(base: str, stop: threading.Event, tally: Tally, lock: threading.Lock) -> None:
    rng = random.Random(1)
    while not stop.is_set():
        listing = _get(f"{base}/documents.json?limit=50", tally, lock)
        _get(f"{base}/search.json?q={rng.choice(WORDS)}", tally, lock)
        _get(f"{base}/search?q={rng.choice(PLACES)}", tally, lock)
        if listing and listing.get("total"):
            doc = rng.randint(1, int(listing["total"]))
            _get(f"{base}/documents/{doc}", tally, lock)
        time.sleep(0.05)


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer {url} within {seconds:.0f} s")


_GROUPED = re.compile(r"^\s*\| ?")
_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)')


def tracebacks(log: str) -> list[str]:
    """Each distinct traceback in a server log, most frequent first: its exception line, the
    innermost frame in overheard's own code (where to look), and how many times it came."""
    seen: Counter[str] = Counter()
    for block in log.split("Traceback (most recent call last):")[1:]:
        frame, exception = "", ""
        for line in block.splitlines()[1:]:
            line = _GROUPED.sub("", line)  # an exception group's "  | " margin
            match = _FRAME.match(line)
            if match and "/overheard/" in match["file"]:
                short = match["file"].split("/overheard/", 1)[1]
                frame = f"overheard/{short}:{match['line']} in {match['func']}"
            elif line and not line[0].isspace() and not line.startswith("+"):
                exception = line.strip()[:300]
                break
        seen[f"{exception} [{frame or 'no overheard frame'}]"] += 1
    return [f"{n} x {summary}" for summary, n in seen.most_common()]


def _keep_log(log: Path, keep: Path | None) -> Path:
    """The server's log, copied where it outlives the soak's temporary folder."""
    if keep is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        keep = Path(tempfile.gettempdir()) / f"overheard-soak-server-{stamp}-{os.getpid()}.log"
    keep.parent.mkdir(parents=True, exist_ok=True)
    if log.resolve() != keep.resolve():
        shutil.copyfile(log, keep)
    return keep


def run(
    minutes: float,
    seed: int = 7,
    files: int = 400,
    root: Path | None = None,
    keep_log: Path | None = None,
) -> dict[str, Any]:
    """Soak a fresh case for ``minutes``; the figures and the checks as a dict. The server's
    log is kept (at ``keep_log``, else in the temporary folder) whenever it answered a 5xx."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="overheard-soak-") as tmp:
        base_dir = root or Path(tmp)
        case = base_dir / "case"
        corpus = _corpus(base_dir / "corpus", files, rng)
        env = dict(os.environ, OVERHEARD_LANGUAGES="en")
        tally, lock = Tally(), threading.Lock()
        first = subprocess.run(
            _cli(case, "ingest", str(corpus[0]), "--no-analyze"), env=env, capture_output=True
        )
        if first.returncode != 0:
            raise RuntimeError(f"the first ingest failed: {first.stderr.decode()[-500:]}")
        port = _free_port()
        server_log = (base_dir / "server.log").open("wb")  # a pipe nobody reads would fill
        server = subprocess.Popen(
            _cli(case, "serve", "--port", str(port)),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
        )
        base = f"http://127.0.0.1:{port}"
        started = tally.started = time.monotonic()
        try:
            _wait_for(f"{base}/documents.json", 120)
            stop = threading.Event()
            asker = threading.Thread(target=_ask_server, args=(base, stop, tally, lock))
            asker.start()
            _churn(case, corpus, env, started + minutes * 60, rng, tally)
            stop.set()
            asker.join()
            final = subprocess.run(
                _cli(case, "ingest", str(base_dir / "corpus"), "--no-analyze", "--json"),
                env=env,
                capture_output=True,
            )
            listing = _get(f"{base}/documents.json?limit=1", tally, lock)
            served_total = listing.get("total") if listing else None
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            server_log.close()
        errors_seen = len(tally.server_errors)
        kept_log, causes = None, []
        if errors_seen:
            kept_log = _keep_log(base_dir / "server.log", keep_log)
            causes = tracebacks(kept_log.read_text(errors="replace"))
        elapsed = time.monotonic() - started
        checks = _check(case, corpus, tally)
        checks["final_ingest_exit"] = final.returncode
        checks["server_lists_every_document"] = served_total == checks["documents"]
        checks["server_errors"] = errors_seen
        return {
            "minutes": round(elapsed / 60, 2),
            "files": len(corpus),
            "requests_served": tally.requests,
            "ingests_started": tally.ingests_started,
            "ingests_completed": tally.ingests_done,
            "cli_commands": tally.commands,
            "kills": tally.kills,
            "checks": checks,
            "server_log": str(kept_log) if kept_log else None,
            "server_tracebacks": causes,
            "problems": [
                *causes[:5],
                *tally.server_errors[:5],
                *tally.ingests_failed[:5],
                *tally.commands_failed[:5],
            ],  # fmt: skip
            "ok": _ok(checks) and not tally.ingests_failed and not tally.commands_failed,
        }


def _churn(
    case: Path,
    corpus: list[Path],
    env: dict[str, str],
    deadline: float,
    rng: random.Random,
    tally: Tally,
) -> None:
    """Two ingests of overlapping random batches and a list or search at any time; every
    3-10 s one running CLI process (most often an ingest) is killed with SIGKILL."""
    running: dict[subprocess.Popen[bytes], tuple[str, list[Path]]] = {}
    next_kill = time.monotonic() + rng.uniform(3, 10)
    while time.monotonic() < deadline or running:
        for proc, (kind, batch) in list(running.items()):
            code = proc.poll()
            if code is None:
                continue
            del running[proc]
            err = proc.stderr.read().decode(errors="replace")[-300:] if proc.stderr else ""
            if code == -signal.SIGKILL:
                continue
            if kind == "ingest":
                if code == 0:
                    tally.ingests_done += 1
                    tally.reported_done.update(str(p) for p in batch)
                else:
                    tally.ingests_failed.append(f"ingest exit {code}: {err}")
            elif code != 0:
                tally.commands_failed.append(f"{kind} exit {code}: {err}")
        if time.monotonic() >= deadline:  # time's up: whatever still runs is killed too
            for proc in running:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    tally.kills += 1
        else:
            kinds = [k for k, _ in running.values()]
            if kinds.count("ingest") < 2:
                batch = rng.sample(corpus, k=min(len(corpus), rng.randint(5, 40)))
                proc = subprocess.Popen(
                    _cli(case, "ingest", *map(str, batch), "--no-analyze"),
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                running[proc] = ("ingest", batch)
                tally.ingests_started += 1
            if "list" not in kinds and "search" not in kinds:
                args = ["list"] if rng.random() < 0.5 else ["search", rng.choice(PLACES)]
                proc = subprocess.Popen(
                    _cli(case, *args), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
                )
                running[proc] = (args[0], [])
                tally.commands += 1
            if time.monotonic() >= next_kill and running:
                victims = [p for p, (k, _) in running.items() if k == "ingest"] or list(running)
                victim = rng.choice(victims)
                if victim.poll() is None:
                    victim.send_signal(signal.SIGKILL)
                    tally.kills += 1
                next_kill = time.monotonic() + rng.uniform(3, 10)
        time.sleep(0.05)


def _check(case: Path, corpus: list[Path], tally: Tally) -> dict[str, Any]:
    from overheard.store import Case

    shas = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus}
    texts = {p.read_text(encoding="utf-8") for p in corpus}
    with Case.open(case, create=False) as opened:  # also removes dead writers' temp files
        db = sqlite3.connect(case / "case.sqlite")
        try:
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
            by_blob = dict(db.execute("SELECT blob_sha256, count(*) FROM documents GROUP BY 1"))
            origins = {row[0] for row in db.execute("SELECT blob_sha256 FROM origins")}
            failures = db.execute(
                "SELECT count(*) FROM ingest_failures WHERE resolved = 0"
            ).fetchone()[0]
            blobs = [row[0] for row in db.execute("SELECT sha256 FROM blobs")]
        finally:
            db.close()
        # A copy (same text, another name) is an origin of the first document, not a document.
        stored = {sha for sha in shas.values() if sha in by_blob or sha in origins}
        lost = sorted(path for path, sha in shas.items() if sha not in stored)
        lost_reported = sorted(p for p in tally.reported_done if p in lost)
        duplicated = sum(n - 1 for n in by_blob.values() if n > 1)
        missing_originals = [sha for sha in blobs if not opened.blobs.verify(sha)]
        leftovers = list((case / "originals").glob("**/.incoming-*"))
    return {
        "integrity": integrity,
        "documents": documents,
        "distinct_texts": len(texts),
        "lost": len(lost),
        "lost_after_a_completed_ingest": len(lost_reported),
        "duplicated": duplicated,
        "unresolved_failures": failures,
        "originals_missing_or_damaged": len(missing_originals),
        "temporary_files_left": len(leftovers),
    }


def _ok(checks: dict[str, Any]) -> bool:
    return (
        checks["integrity"] == "ok"
        and checks["documents"] == checks["distinct_texts"]
        and checks["lost"] == 0
        and checks["lost_after_a_completed_ingest"] == 0
        and checks["duplicated"] == 0
        and checks["unresolved_failures"] == 0
        and checks["originals_missing_or_damaged"] == 0
        and checks["temporary_files_left"] == 0
        and checks["final_ingest_exit"] == 0
        and checks["server_lists_every_document"]
        and checks["server_errors"] == 0
    )


def format_result(result: dict[str, Any]) -> str:
    c = result["checks"]
    lines = [
        f"soak: {result['minutes']} min, {result['files']} files",
        f"  server: {result['requests_served']:,} requests, {c['server_errors']} 5xx or "
        f"refused; lists every document: {c['server_lists_every_document']}",
        f"  ingests: {result['ingests_started']} started, {result['ingests_completed']} "
        f"completed; list/search: {result['cli_commands']}; kills: {result['kills']}",
        f"  case: integrity {c['integrity']}, {c['documents']} documents for "
        f"{c['distinct_texts']} distinct texts, {c['lost']} lost "
        f"({c['lost_after_a_completed_ingest']} after a completed ingest), {c['duplicated']} "
        f"duplicated, {c['unresolved_failures']} failures, "
        f"{c['originals_missing_or_damaged']} originals missing or damaged, "
        f"{c['temporary_files_left']} temporary files left",
        "  " + ("OK" if result["ok"] else "FAILED: " + "; ".join(result["problems"])),
    ]
    if result.get("server_log"):
        lines.append(f"  server log kept: {result['server_log']}")
        lines += [f"    {cause}" for cause in result["server_tracebacks"]] or [
            "    (no traceback in it)"
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep-log", type=Path, help="where the server's log goes on a 5xx")
    args = parser.parse_args()
    result = run(args.minutes, args.seed, keep_log=args.keep_log)
    print(json.dumps(result, indent=2) if args.json else format_result(result))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
