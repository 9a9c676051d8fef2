"""`overheard export --format csv`: one row a record, made from the same records as the JSONL
export, read back with the csv module to the same values."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from overheard.cli import cli
from overheard.export import csv as table
from overheard.export.jsonl import records
from overheard.store import Case


def _export(case_dir: Path, tmp_path: Path, kind: str, *extra: str) -> tuple[bytes, list[dict]]:
    out = tmp_path / f"{kind}.csv"
    result = CliRunner().invoke(
        cli,
        ["--case", str(case_dir), "export", "--format", "csv", "--type", kind, "-o", str(out),
         *extra],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    with out.open(encoding="utf-8-sig", newline="") as f:
        return raw, list(csv.DictReader(f))


@pytest.mark.parametrize("kind", table.TYPES)
def test_one_row_a_record_and_the_values_are_the_records(analysed_case, tmp_path, kind):
    raw, rows = _export(analysed_case, tmp_path, kind)
    assert not raw.startswith(b"\xef\xbb\xbf")
    with Case.open(analysed_case) as case:
        recs = list(records(case, (kind,), with_text=False))
    assert rows and [r["id"] for r in rows] == [r["id"] for r in recs]
    assert list(rows[0]) == table.header(kind)
    for row, rec in zip(rows, recs, strict=True):
        if kind == "event":
            assert row["event_type"] == rec["event_type"]
            assert row["actor"] == (rec["actor"]["text"] or "")
            assert row["place_entity_id"] == (rec["place"]["entity_id"] or "")
            assert row["document_id"] == rec["evidence"]["document_id"]
            assert row["trigger"] in row["evidence"]  # the passage the event was coded from
        elif kind == "statement":
            assert row["content"] == rec["content"] and row["act"] == rec["act"]
            assert row["hedged"] == ("true" if rec["hedged"] else "false")
            assert row["hedges"].split("; ") == (rec["hedges"] or [""])
            assert row["claim_id"] == (rec["claim_id"] or "")
        elif kind == "claim":
            assert row["proposition"] == rec["proposition"]
            assert int(row["asserting_sources"]) == rec["asserting_sources"]
            assert int(row["statements"]) == len(rec["statements"])
            listed = ";".join(
                row[c] for c in ("asserting_statement_ids", "denying_statement_ids",
                                 "hedged_statement_ids")
            )  # fmt: skip
            assert {x.strip() for x in listed.split(";") if x.strip()} == {
                x["statement_id"] for x in rec["statements"]
            }
        else:
            assert row["name"] == rec["name"] and row["entity_type"] == rec["entity_type"]
            assert int(row["mention_count"]) == rec["evidence"]["mention_count"]
            if rec["location"]:
                assert float(row["latitude"]) == rec["location"]["latitude"]


def test_events_carry_the_plover_columns_and_a_place_point(analysed_case, tmp_path):
    _, rows = _export(analysed_case, tmp_path, "event")
    for column in ("date", "actor", "event_type", "mode", "recipient", "place", "latitude",
                   "longitude", "source", "evidence"):  # fmt: skip
        assert column in rows[0]
    placed = [r for r in rows if r["latitude"]]
    assert placed and all(-90 <= float(r["latitude"]) <= 90 for r in placed)
    assert any(r["date"] for r in rows) and any(r["source"] for r in rows)


def test_bom_and_formulas_for_spreadsheets(analysed_case, tmp_path):
    raw, rows = _export(analysed_case, tmp_path, "statement", "--bom")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Песков" in raw.decode("utf-8-sig") or "Кремль" in raw.decode("utf-8-sig")
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_one_type_is_needed(analysed_case, tmp_path):
    result = CliRunner().invoke(cli, ["--case", str(analysed_case), "export", "--format", "csv"])
    assert result.exit_code == 1
    assert "--format csv needs one --type" in result.output


def test_cells():
    assert table.cell(None) == "" and table.cell(True) == "true" and table.cell(0.5) == "0.5"
    assert table.cell(["a", "b"]) == "a; b"
    assert table.cell("=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert table.cell("=HYPERLINK(1)", spreadsheet=True) == "'=HYPERLINK(1)"
    assert table.cell(-3) == "-3"  # numbers are never quoted


@given(st.lists(st.text(), min_size=1, max_size=6))
def test_any_text_round_trips_through_the_csv_module(values):
    out = io.StringIO(newline="")
    csv.writer(out).writerow([table.cell(v) for v in values])
    assert next(csv.reader(io.StringIO(out.getvalue(), newline=""))) == values
