"""The JSON twins hold the export's records (plus page fields), declared once per page, with typed
response models in the OpenAPI spec; the pages show the fields the analysis computes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from overheard.export.jsonl import records, schema
from overheard.records import (
    DocumentRecord,
    EntityRecord,
    EventRecord,
    MentionRecord,
    StatementRecord,
)
from overheard.web import api

from .test_pages import client_for, html

PAGES = ["/documents", "/search", "/entities", "/statements", "/claims", "/events"]


@pytest.fixture(scope="module")
def client(rich) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with client_for(rich.case) as c:
        yield c


@pytest.fixture(scope="module")
def exported(rich) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    return {r["id"]: r for r in records(rich.case)}


def _record(row: dict[str, Any], model: type) -> dict[str, Any]:
    """A page row without the page's own fields: the record it extends."""
    return {k: v for k, v in row.items() if k in model.model_fields}


def test_every_record_in_the_twins_validates_and_is_the_exported_one(
    rich,  # type: ignore[no-untyped-def]
    client: TestClient,
    exported: dict[str, dict[str, Any]],
) -> None:
    validator = jsonschema.Draft202012Validator(schema())
    document = client.get(f"/documents/{rich.report_en}.json").json()
    call = client.get(f"/documents/{rich.call}.json").json()
    entity = client.get(f"/entities/{rich.kursk}.json").json()
    rows: list[tuple[dict[str, Any], type]] = [
        *[(d, DocumentRecord) for d in client.get("/documents.json").json()["documents"]],
        *[(e, EntityRecord) for e in client.get("/entities.json").json()["entities"]],
        *[(s, StatementRecord) for s in client.get("/statements.json").json()["statements"]],
        *[(e, EventRecord) for e in client.get("/events.json").json()["events"]],
        (entity["entity"], EntityRecord),
        *[(m, MentionRecord) for m in entity["mentions"]],
        *[(s, StatementRecord) for s in entity["statements_about"]],
    ]
    for page in (document, call):
        rows.append((page["document"], DocumentRecord))
        rows += [
            (x, dict) for k in ("segments", "mentions", "statements", "events") for x in page[k]
        ]
    assert len(rows) > 50
    for row, model in rows:
        record = row if model is dict else _record(row, model)
        validator.validate(record)
        expected = exported[record["id"]]
        if record["type"] == "document" and "text" not in record:
            expected = {k: v for k, v in expected.items() if k != "text"}  # the list leaves it out
        if record["type"] == "entity":
            # A page lists as many mention ids as it shows (the list none), and counts them all.
            listed = record["evidence"]["mention_ids"]
            assert listed == expected["evidence"]["mention_ids"][: len(listed)]
            record = {**record, "evidence": expected["evidence"]}
        assert record == expected


def test_each_page_and_its_twin_are_one_route_function() -> None:
    routes = {
        (r.path, method): r
        for r in api.router.routes
        if isinstance(r, APIRoute)
        for method in r.methods
    }
    for path in [*PAGES, "/documents/{doc_id}", "/entities/{entity_id}", "/claims/{claim_id}"]:
        html_route, twin = routes[(path, "GET")], routes[(path + ".json", "GET")]
        assert html_route.endpoint is twin.endpoint, path
        # Query parameters are declared once, so both answer to the same ones.
        assert [p.name for p in html_route.dependant.query_params] == [
            p.name for p in twin.dependant.query_params
        ]
    assert routes[("/upload", "POST")].endpoint is routes[("/upload.json", "POST")].endpoint


def test_openapi_shows_the_fields_of_every_twin(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    components = spec["components"]["schemas"]

    def fields(ref: str) -> dict[str, Any]:
        return components[ref.rsplit("/", 1)[-1]]["properties"]  # type: ignore[no-any-return]

    for path, item in spec["paths"].items():
        for operation in item.values():
            if not path.endswith(".json"):
                continue
            body = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert "$ref" in body, path
            page_fields = fields(body["$ref"])
            assert page_fields, path
            for value in page_fields.values():
                assert value.get("additionalProperties") is not True, path
    statement = fields("#/components/schemas/StatementRow")
    assert {"speaker_antecedent", "speaker_entity", "claim_id", "document", "url"} <= set(statement)
    assert "trigger" in fields("#/components/schemas/EventRow")
    assert "source" in fields("#/components/schemas/MentionRecord")
    status = spec["paths"]["/documents.json"]["get"]["parameters"]
    assert any(p["name"] == "status" and "$ref" in str(p["schema"]) for p in status)


def test_document_page_shows_trigger_antecedent_and_mention_source(
    rich,  # type: ignore[no-untyped-def]
    client: TestClient,
) -> None:
    page = html(client, f"/documents/{rich.report_en}")
    record = page.split('id="record"')[1].split("</section>")[0]
    # The event's trigger is marked in the evidence, and its list entry points at it.
    assert re.search(rf'<span class="anchor" id="trigger-{rich.event}"></span>'
                     r'<span class="[^"]*trigger[^"]*"[^>]*>hit</span>', record)  # fmt: skip
    assert f'href="#trigger-{rich.event}"' in page
    assert "(→ A second soldier)" in page
    assert 'title="GPE · found by gazetteer"' in record
    assert "st-antecedent" in record
    data = client.get(f"/documents/{rich.report_en}.json").json()
    pronoun = next(s for s in data["statements"] if s["speaker"]["text"] == "he")
    assert pronoun["speaker_antecedent"] == "A second soldier"
    assert {m["source"] for m in data["mentions"]} == {"gazetteer", "rules", "spacy"}


def test_entity_names_point_and_source_in_context(rich, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    page = html(client, f"/entities/{rich.kursk}")
    assert '<span class="name" lang="ru" title="ru">Курск</span>' in page
    assert "51.7373, 36.1874" in page and "natasha" in page
    listing = html(client, "/entities")
    assert "Курск" in listing and "{&#39;name&#39;" not in listing
    unit = client.get(f"/entities/{rich.unit}.json").json()["entity"]
    assert unit["location"] is None


def test_a_page_lists_the_first_mention_ids_and_counts_them_all(rich) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from overheard.records import Lookups
    from overheard.store.schema import Entity

    with rich.case.reader() as s:
        kursk = s.scalars(select(Entity).where(Entity.id == rich.kursk)).one()
        (whole,) = EntityRecord.from_rows([kursk], Lookups(s))
        (first,) = EntityRecord.from_rows([kursk], Lookups(s), mention_limit=1)
    assert whole.evidence.mention_count == first.evidence.mention_count == 3
    assert len(whole.evidence.mention_ids) == 3
    assert first.evidence.mention_ids == whole.evidence.mention_ids[:1]
