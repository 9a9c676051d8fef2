"""An analyst's merges and splits through the workbench: the JSON API, the entity page's forms,
their errors (404 for a missing entity, 400 with the reason otherwise), the record of who and
when, and the guards every POST passes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from overheard.link import merges
from overheard.web.app import create_app

from .conftest import Board
from .test_pages import client_for, html


def test_merge_then_split_recorded_with_who_and_why(fresh_board: Board) -> None:
    b = fresh_board
    with client_for(b.case) as c:
        merged = c.post(
            f"/api/entities/{b.smirnov}/merge",
            json={"other": b.governor, "note": "the same governor", "actor": "anna"},
        )
        assert merged.status_code == 200, merged.text
        assert merged.json() == {
            "action": "merge",
            "entity_id": f"entity:{b.smirnov}",
            "other_id": f"entity:{b.governor}",
            "keys": ["PERSON:governor smirnov"],
            "moved": 1,
            "actor": "anna (workbench, testclient)",
            "url": f"/entities/{b.smirnov}",
        }
        assert c.get(f"/entities/{b.governor}.json").status_code == 404
        entity = c.get(f"/entities/{b.smirnov}.json").json()
        assert entity["entity"]["evidence"]["mention_count"] == 2
        assert "Governor Smirnov" in [n["name"] for n in entity["entity"]["names"]]

        split = c.post(f"/api/entities/{b.smirnov}/split", json={"name": "Governor Smirnov"})
        assert split.status_code == 200, split.text
        new_id = int(split.json()["entity_id"].split(":")[1])
        assert split.json()["moved"] == 1 and split.json()["actor"] == "workbench (testclient)"
        assert c.get(f"/entities/{new_id}.json").json()["entity"]["name"] == "Governor Smirnov"

        history = c.get(f"/api/entities/{b.smirnov}/history").json()
        assert history["entity_id"] == f"entity:{b.smirnov}"
        assert [(d["action"], d["name"]) for d in history["decisions"]] == [
            ("split", "Governor Smirnov"),
            ("merge", "Governor Smirnov"),
        ]
        assert history["decisions"][1]["note"] == "the same governor"
        assert history["decisions"][1]["actor"] == "anna (workbench, testclient)"
        assert history["decisions"][0]["entity_id"] == f"entity:{new_id}"
        # The split is also in the new entity's history, and on both pages.
        assert [
            d["action"] for d in c.get(f"/api/entities/{new_id}/history").json()["decisions"]
        ] == ["split"]
        assert c.get(f"/entities/{b.smirnov}.json").json()["history"] == history["decisions"]
        page = html(c, f"/entities/{b.smirnov}")
        assert "the same governor" in page and f'href="/entities/{new_id}"' in page
    # The same record the CLI reads.
    assert [d["action"] for d in merges.history(b.case)] == ["split", "merge"]


@pytest.mark.parametrize(
    ("url", "body", "status", "message"),
    [
        ("/api/entities/{smirnov}/merge", {"other": "{smirnov}"}, 400, "with itself"),
        ("/api/entities/{smirnov}/merge", {"other": 999999}, 404, "no entity 999999"),
        ("/api/entities/999999/merge", {"other": "{smirnov}"}, 404, "no entity 999999"),
        ("/api/entities/{smirnov}/split", {"name": "Smith"}, 400, "has no name 'Smith'"),
        ("/api/entities/{smirnov}/split", {"name": "Smirnov"}, 400, "nothing would be left"),
        ("/api/entities/999999/split", {"name": "Smirnov"}, 404, "no entity 999999"),
    ],
)
def test_decisions_that_cannot_be_made_say_why(
    fresh_board: Board, url: str, body: dict[str, object], status: int, message: str
) -> None:
    ids = {"smirnov": fresh_board.smirnov}
    url = url.format(**ids)
    body = {k: int(str(v).format(**ids)) if k == "other" else v for k, v in body.items()}
    with client_for(fresh_board.case) as c:
        response = c.post(url, json=body)
        assert response.status_code == status, response.text
        assert message in response.json()["error"]
        assert merges.history(fresh_board.case) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"other": 0},
        {"other": "x"},
        {"other": 1, "extra": True},
        {"other": 1, "note": "n" * 2001},
    ],
)
def test_malformed_merge_bodies_are_refused(board_case: Board, body: dict[str, object]) -> None:
    with client_for(board_case.case) as c:
        assert c.post(f"/api/entities/{board_case.smirnov}/merge", json=body).status_code == 422
        assert (
            c.post(f"/api/entities/{board_case.smirnov}/split", json={"name": ""}).status_code
            == 422
        )


def test_history_of_a_missing_entity_is_404(board_case: Board) -> None:
    with client_for(board_case.case) as c:
        missing = c.get("/api/entities/999999/history")
        assert (
            missing.status_code == 404
            and missing.json()["error"] == "no entity 999999 in this case"
        )
        assert c.get(f"/api/entities/{board_case.staff}/history").json()["decisions"] == []


def test_the_entity_page_forms_merge_and_split(fresh_board: Board) -> None:
    b = fresh_board
    with client_for(b.case) as c:
        page = html(c, f"/entities/{b.governor}")
        assert f'action="/entities/{b.governor}/merge-into"' in page
        assert f'<option value="{b.smirnov}">Smirnov' in page  # the same type only
        assert f'<option value="{b.staff}">' not in page
        done = c.post(
            f"/entities/{b.governor}/merge-into",
            data={"into": str(b.smirnov), "note": "same man"},
            follow_redirects=False,
        )
        assert (
            done.status_code == 303 and done.headers["location"] == f"/entities/{b.smirnov}#history"
        )
        page = html(c, f"/entities/{b.smirnov}")
        assert 'name="name" value="Governor Smirnov"' in page and "same man" in page
        split = c.post(f"/entities/{b.smirnov}/split", data={"name": "Governor Smirnov"},
                       follow_redirects=False)  # fmt: skip
        assert (
            split.status_code == 303
            and split.headers["location"] == f"/entities/{b.smirnov}#history"
        )
        # A refusal is a page that says why.
        refused = c.post(f"/entities/{b.smirnov}/split", data={"name": "Smirnov"},
                         headers={"accept": "text/html"})  # fmt: skip
        assert refused.status_code == 400 and "nothing would be left" in refused.text
        gone = c.post(f"/entities/{b.governor}/merge-into", data={"into": str(b.smirnov)},
                      headers={"accept": "text/html"})  # fmt: skip
        assert gone.status_code == 404 and "Not found" in gone.text
    assert [d["action"] for d in merges.history(b.case)] == ["split", "merge"]


def test_cross_site_decisions_are_refused(board_case: Board) -> None:
    url = f"/api/entities/{board_case.smirnov}/merge"
    body = {"other": board_case.governor}
    with client_for(board_case.case) as c:
        assert c.post(url, json=body, headers={"origin": "http://evil.example"}).status_code == 403
        assert c.post(url, json=body, headers={"origin": "null"}).status_code == 403
        assert c.post(url, json=body, headers={"sec-fetch-site": "cross-site"}).status_code == 403
        form = f"/entities/{board_case.governor}/merge-into"
        refused = c.post(form, data={"into": str(board_case.smirnov)},
                         headers={"origin": "http://evil.example"})  # fmt: skip
        assert refused.status_code == 403
    assert merges.history(board_case.case) == []


def test_decisions_need_the_token(board_case: Board) -> None:
    token = "s3cret-token-123"
    app = create_app(board_case.case, token=token, allowed_hosts=["*"])
    with TestClient(app, base_url="http://192.0.2.10:8765") as c:
        url = f"/api/entities/{board_case.smirnov}/merge"
        assert c.post(url, json={"other": board_case.governor}).status_code == 401
        assert c.get(f"/api/entities/{board_case.smirnov}/history").status_code == 401
        bad = c.post(f"/api/entities/{board_case.smirnov}/merge", json={"other": board_case.smirnov},
                     headers={"authorization": f"Bearer {token}"})  # fmt: skip
        assert bad.status_code == 400  # past the guard, refused by the merge itself
    assert merges.history(board_case.case) == []


def test_the_spec_declares_the_decisions(board_case: Board) -> None:
    with client_for(board_case.case) as c:
        paths = c.get("/openapi.json").json()["paths"]
    merge = paths["/api/entities/{entity_id}/merge"]["post"]
    assert merge["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "MergeRequest"
    )
    assert {"200", "400", "403", "404", "422"} <= set(merge["responses"])
    assert (
        "/api/entities/{entity_id}/split" in paths and "/api/entities/{entity_id}/history" in paths
    )
    assert "/entities/{entity_id}/merge-into" not in paths  # the page's form, not the API
