"""The scale and full-text benchmarks' own parts (the measurements themselves are run by hand:
``overheard bench scale``, ``overheard bench search --fulltext``; see docs/BENCHMARKS.md)."""

import json

from overheard.bench import fulltext, scale


def test_every_copy_of_a_text_is_a_new_document(tmp_path):
    path = tmp_path / "inputs.jsonl"
    assert scale.write_inputs(path, ["Один текст.", "Another text."], copies=3) == 6
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len({r["text"] for r in records}) == 6
    assert all(r["text"].endswith(("Один текст.", "Another text.")) for r in records)


def test_the_corpus_falls_back_to_the_bundled_reports(monkeypatch, tmp_path):
    monkeypatch.setattr(scale, "SHARED", tmp_path / "nothing here")
    name, texts = scale.corpus_texts()
    assert name == "bundled sample reports" and len(texts) >= 3 and all(texts)


def test_the_scale_table_gives_efficiency_against_one_worker():
    row = {"documents": 10, "segments": 100, "seconds": 5.0, "bytes_per_document": 1000,
           "bytes_per_segment": 100, "start_s": 0.1}  # fmt: skip
    result = {
        "corpus": "c", "texts": 2, "analyse_documents": 10, "ingest_documents": 20,
        "repeat": 1, "load_before": "1.0", "load_after": "1.0", "workers": 2,
        "notes": ["PostgreSQL ingest skipped: no server"],
        "rows": {
            "analyse local 1": {**row, "docs_per_s": 2.0, "steady_docs_per_s": 3.0},
            "analyse local 2": {**row, "docs_per_s": 3.0, "steady_docs_per_s": 5.4},
            "ingest sqlite": {**row, "docs_per_s": 100.0},
        },
    }  # fmt: skip
    table = scale.format_table(result)
    assert "| analyse | local | 2 | 10 | 5.0 | 3.0 | 0.75 | 5.4 | 0.90 |" in table
    assert "ingest | sqlite" in table and "PostgreSQL ingest skipped" in table


def test_fulltext_queries_include_words_pairs_and_places():
    asked = fulltext.queries()
    assert "drones" in asked and "Курск" in asked and any(" " in q for q in asked)
