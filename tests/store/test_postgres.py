"""The same schema, ingest, search and export on PostgreSQL (DESIGN: embedded by default, real
engines at scale). Runs when OVERHEARD_TEST_POSTGRES_URL names an empty database that may be
written to; .ci/run starts a throwaway server for it."""

from __future__ import annotations

import os
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
