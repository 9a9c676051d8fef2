"""The Claims page and a claim's board, with their JSON twins: the CLI's filters, the same
board as `overheard claims N`, evidence links, copies folded; every statement on every page
links to its claim; a document says what it copies and what copies it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from overheard.cli import cli
from overheard.export.jsonl import records
from overheard.link import board as boards
from overheard.records import ClaimRecord, StatementRecord
from overheard.store import Case

from .conftest import Board
from .test_pages import client_for, html


@pytest.fixture(scope="module")
def client(board_case: Board) -> Iterator[TestClient]:
    with client_for(board_case.case) as c:
        yield c


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [x["id"] for x in items]


# ---------------------------------------------------------------------------------- list


def test_claims_list_most_sourced_first_with_counts(board_case: Board, client: TestClient) -> None:
    data = client.get("/claims.json").json()
    assert data["total"] == data["claims_in_case"] == 2 and data["filters"] == {}
    depot, beaches = data["claims"]
    assert depot["id"] == f"claim:{board_case.claim}" and beaches["number"] == board_case.beaches
    # The translated copy adds no source: General Staff, Smirnov (who later admits), the
    # hedged channel and the caller assert; Smirnov and the ministry's own voice deny.
    assert (depot["asserting_sources"], depot["denying_sources"]) == (4, 2)
    assert depot["statement_count"] == 7 and depot["documents"] == 7
    assert depot["languages"] == ["en", "ru", "uk"]
    assert depot["contested"] and depot["changed"]
    assert depot["first_seen"].startswith("2025-03-10") and depot["last_seen"].startswith(
        "2025-03-15"
    )
    assert not beaches["contested"] and (
        beaches["asserting_sources"],
        beaches["denying_sources"],
    ) == (1, 0)
    assert depot["url"] == f"/claims/{board_case.claim}"
    page = html(client, "/claims")
    assert f'href="/claims/{board_case.claim}"' in page and "position changed" in page
    assert '<a href="/claims" class="active" aria-current="page">Claims</a>' in page


def test_the_list_agrees_with_the_cli(board_case: Board, client: TestClient) -> None:
    with board_case.case.reader() as s:
        expected = [boards.summary_dict(c) for c in boards.list_claims(s)]
    shown = client.get("/claims.json").json()["claims"]
    for cli_row, row in zip(expected, shown, strict=True):
        assert row["number"] == cli_row["id"] and row["proposition"] == cli_row["proposition"]
        for key in ("asserting_sources", "denying_sources", "documents", "languages",
                    "contested", "changed"):  # fmt: skip
            assert row[key] == cli_row[key], key
        assert row["statement_count"] == cli_row["statements"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("about=Lgov", ["claim"]),
        ("about=Льгов", ["claim"]),  # the entity's other name, in another script
        ("about=lgov_entity", ["claim"]),
        ("about=beaches", ["beaches"]),  # a word of the statements
        ("speaker=smirnov", ["claim"]),
        ("language=uk", ["claim"]),
        ("lang=en", ["claim", "beaches"]),
        ("since=2025-03-13", ["claim"]),
        ("until=2025-03-11", ["claim"]),
        ("since=2025-03-12&until=2025-03-12", ["claim", "beaches"]),
        ("contested=true", ["claim"]),
        ("changed=true", ["claim"]),
        ("about=Atlantis", []),
        ("language=de", []),
    ],
)
def test_filters_as_the_cli_has_them(
    board_case: Board, client: TestClient, query: str, expected: list[str]
) -> None:
    query = query.replace("lgov_entity", f"entity:{board_case.lgov}")
    data = client.get(f"/claims.json?{query}").json()
    assert [c["number"] for c in data["claims"]] == [getattr(board_case, e) for e in expected]
    assert data["total"] == len(expected) and data["claims_in_case"] == 2
    assert data["filters"]
    page = html(client, f"/claims?{query}")
    if not expected:
        assert "No claim matches these filters" in page


def test_filters_are_echoed_and_paged(client: TestClient) -> None:
    data = client.get("/claims.json?contested=true&language=en&since=2025-03-01").json()
    assert data["filters"] == {"contested": True, "language": "en", "since": "2025-03-01"}
    # ``lang`` (the CLI's --lang, and the page's first links) still works.
    old = client.get("/claims.json?contested=true&lang=en&since=2025-03-01").json()
    assert old["filters"] == data["filters"] and old["claims"] == data["claims"]
    page = client.get("/claims.json?limit=1&offset=1").json()
    assert page["total"] == 2 and [c["proposition"][:11] for c in page["claims"]] == ["the beaches"]
    assert "next →" in html(client, "/claims?limit=1")


@pytest.mark.parametrize(
    "query", ["since=2025-3-1", "until=yesterday", "contested=maybe", "limit=0", "lang=" + "x" * 21]
)
def test_bad_filters_are_refused(client: TestClient, query: str) -> None:
    assert client.get(f"/claims.json?{query}").status_code == 422


def test_an_empty_case_lists_no_claims_and_says_why(empty_case: Case) -> None:
    with client_for(empty_case) as c:
        data = c.get("/claims.json").json()
        assert data["claims"] == [] and data["total"] == data["claims_in_case"] == 0
        page = html(c, "/claims")
        assert "No claims in this case yet" in page and "overheard process" in page
        assert c.get("/claims/1.json").status_code == 404


# --------------------------------------------------------------------------------- board


def test_board_columns_lines_and_evidence(board_case: Board, client: TestClient) -> None:
    st = {k: f"statement:{v}" for k, v in board_case.statements.items()}
    data = client.get(f"/claims/{board_case.claim}.json").json()
    assert data["claim"]["id"] == f"claim:{board_case.claim}"
    # Undated lines (the call) come last; the copy is folded into its original's line.
    assert ids(data["asserting"]) == [st["staff_en"], st["admitted"], st["caller"]]
    assert ids(data["denying"]) == [st["denied"], st["own_voice"]]
    assert ids(data["hedged"]) == [st["hedged"]]
    staff = data["asserting"][0]
    assert [d["id"] for d in staff["also_in"]] == [f"document:{board_case.docs[1]}"]
    assert staff["also_in"][0]["source"] == "Channel Five"
    assert staff["stance"] == "assert" and staff["claim_id"] == f"claim:{board_case.claim}"
    assert staff["document"]["source"] == "General Staff"
    assert staff["said_at"].startswith("2025-03-10T09:00")
    assert staff["url"] == f"/documents/{board_case.docs[0]}#{st['staff_en'].replace(':', '-')}"
    caller = data["asserting"][2]
    assert (
        caller["url"]
        == f"/documents/{board_case.call}?t=12.50#statement-{board_case.statements['caller']}"
    )
    assert caller["said_at"] is None and caller["evidence"]["start_s"] == 12.5
    assert data["hedged"][0]["hedges"] == ["нібито"] and data["hedged"][0]["language"] == "uk"
    assert data["changes"] == [
        {
            "speaker": "Governor Smirnov",
            "speaker_entity_id": f"entity:{board_case.smirnov}",
            "before": "deny",
            "after": "assert",
            "from_document": f"document:{board_case.docs[2]}",
            "to_document": f"document:{board_case.docs[6]}",
            "from_date": "2025-03-11T08:00:00Z",
            "to_date": "2025-03-15T18:00:00Z",
        }
    ]
    assert [(t["source"], t["stance"]) for t in data["timeline"]] == [
        ("The General Staff", "assert"),
        ("Governor Smirnov", "deny"),
        ("Місцевий канал", "assert"),
        ("Ministry of Defence", "deny"),
        ("B", "assert"),
    ]


def test_board_page_reads_as_the_cli_board(board_case: Board, client: TestClient) -> None:
    page = html(client, f"/claims/{board_case.claim}")
    columns = re.findall(
        r'<section class="column column-(\w+)" id="\w+">\s*<h2>(\w+) <span class="muted">\((\d+)\)',
        page,
    )
    assert columns == [
        ("asserting", "Asserts", "3"),
        ("denying", "Denies", "2"),
        ("hedged", "Hedged", "1"),
    ]
    assert "speaker unknown" in page  # the ministry's own voice
    assert "also in (copies, not counted again)" in page
    assert (
        f'href="/documents/{board_case.call}?t=12.50#statement-{board_case.statements["caller"]}"'
        in page
    )
    assert "▶ 0:12.5" in page
    staff_en = board_case.statements["staff_en"]
    assert f'href="/documents/{board_case.docs[0]}#statement-{staff_en}"' in page
    assert re.search(r"document \d+, chars \d+–\d+", page)
    assert "Position changes" in page and "2025-03-15" in page
    # The SVG timeline places the four dated sources; the call is listed, undated.
    assert page.count('<circle class="dot') == 4 and "undated" in page
    # The same sides and counts as the CLI prints.
    cli_out = (
        CliRunner()
        .invoke(cli, ["--case", str(board_case.case.root), "claims", str(board_case.claim)])
        .output
    )
    assert "asserts (3)" in cli_out and "denies (2)" in cli_out and "hedged (1)" in cli_out


def test_board_twin_agrees_with_the_cli_json(board_case: Board, client: TestClient) -> None:
    with board_case.case.reader() as s:
        expected = boards.board(s, board_case.claim).as_dict()
    data = client.get(f"/claims/{board_case.claim}.json").json()
    for side in ("asserting", "denying", "hedged"):
        assert ids(data[side]) == [f"statement:{ln['statement_id']}" for ln in expected[side]]
        assert [[d["id"] for d in ln["also_in"]] for ln in data[side]] == [
            [f"document:{d}" for d in ln["also_in"]] for ln in expected[side]
        ]
    assert [t["source"] for t in data["timeline"]] == [t["source"] for t in expected["timeline"]]
    for key in ("asserting_sources", "denying_sources", "contested", "changed"):
        assert data["claim"][key] == expected["claim"][key]


def test_claims_and_lines_are_the_exported_records(board_case: Board, client: TestClient) -> None:
    exported = {r["id"]: r for r in records(board_case.case)}
    for row in client.get("/claims.json").json()["claims"]:
        assert {k: v for k, v in row.items() if k in ClaimRecord.model_fields} == exported[
            row["id"]
        ]
    data = client.get(f"/claims/{board_case.claim}.json").json()
    for line in [*data["asserting"], *data["denying"], *data["hedged"]]:
        record = {k: v for k, v in line.items() if k in StatementRecord.model_fields}
        assert record == exported[line["id"]]


def test_a_missing_claim_is_404_with_a_message(client: TestClient) -> None:
    twin = client.get("/claims/99999.json")
    assert twin.status_code == 404
    assert twin.json() == {"error": "no claim 99999 in this case (2 claims in all)", "status": 404}
    page = client.get("/claims/99999", headers={"accept": "text/html"})
    assert page.status_code == 404 and "no claim 99999 in this case" in page.text
    assert client.get("/claims/abc.json").status_code == 422
    assert client.get("/claims/0").status_code == 422


def test_the_timeline_of_one_source_on_one_day(empty_case: Case) -> None:
    from overheard.web.api import timeline_chart

    one = {"timeline": [{"source": "A", "first_said": "2025-03-10T09:00:00+00:00",
                         "stance": "assert", "document_id": "document:1"}]}  # fmt: skip
    chart = timeline_chart(one)["chart"]
    assert chart["first"] == chart["last"] == "2025-03-10" and chart["points"][0]["x"] == 10
    assert timeline_chart({"timeline": []}) == {"chart": None}


# ------------------------------------------------------------ statements link to claims


def test_every_statement_links_to_its_claim(board_case: Board, client: TestClient) -> None:
    link = f'href="/claims/{board_case.claim}"'
    assert link in html(client, f"/documents/{board_case.docs[0]}")
    assert link in html(client, f"/documents/{board_case.call}")
    assert link in html(client, f"/entities/{board_case.smirnov}")
    assert link in html(client, "/statements")
    assert f'href="/claims/{board_case.beaches}"' in html(client, "/statements")
    document = client.get(f"/documents/{board_case.docs[2]}.json").json()
    assert [s["claim_id"] for s in document["statements"]] == [f"claim:{board_case.claim}"]


def test_only_linked_statements_link(rich) -> None:  # type: ignore[no-untyped-def]
    with client_for(rich.case) as c:
        page = html(c, f"/documents/{rich.report_en}")
        assert page.count('class="claim-link"') == 1
        assert f'<a class="claim-link" href="/claims/{rich.claim}"' in page
        statements = c.get("/statements.json").json()["statements"]
        linked = {s["id"]: s["claim_id"] for s in statements if s["claim_id"]}
        assert linked == {f"statement:{rich.statement_kremlin}": f"claim:{rich.claim}"}
        assert f'href="/claims/{rich.claim}"' in html(c, f"/entities/{rich.kursk}")


# ---------------------------------------------------------------------------------- copies


def test_a_document_says_what_it_copies_and_what_copies_it(
    board_case: Board, client: TestClient
) -> None:
    original, copy = board_case.docs[0], board_case.docs[1]
    data = client.get(f"/documents/{copy}.json").json()
    assert data["document"]["copy_of"] == f"document:{original}"
    assert data["original"]["id"] == f"document:{original}" and data["original"]["score"] == 0.93
    assert data["original"]["source"] == "General Staff" and data["copies"] == []
    page = html(client, f"/documents/{copy}")
    assert f'<dt>copy of</dt><dd class="copy-of"><a href="/documents/{original}">' in page
    first = client.get(f"/documents/{original}.json").json()
    assert first["original"] is None and ids(first["copies"]) == [f"document:{copy}"]
    assert f'<dt>copied by</dt><dd class="copied-by"><a href="/documents/{copy}"' in html(
        client, f"/documents/{original}"
    )
    assert "copy of" not in html(client, f"/documents/{board_case.docs[4]}")


def test_show_says_what_a_document_copies(board_case: Board) -> None:
    runner = CliRunner()
    root = str(board_case.case.root)
    original, copy = board_case.docs[0], board_case.docs[1]
    shown = runner.invoke(cli, ["--case", root, "show", str(copy)]).output
    assert re.search(rf"copy of\s+document {original}\b", shown) and "0.93" in shown
    first = runner.invoke(cli, ["--case", root, "show", str(original)]).output
    assert re.search(rf"copied by\s+document {copy}\b", first)
    data = json.loads(runner.invoke(cli, ["--case", root, "show", str(copy), "--json"]).output)
    assert data["document"]["copy_of"] == f"document:{original}"
