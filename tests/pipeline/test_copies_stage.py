"""The copies stage in a case: a rewrite points at its original, another report of the event
does not; a new document is compared with its candidates only; an original ingested after
its copies takes the group over; a translation joins the group (with the embeddings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from overheard.ingest.ingest import Ingestor
from overheard.link import copies
from overheard.pipeline import registry
from overheard.pipeline.runner import Runner
from overheard.pipeline.stage import StageConfig
from overheard.store.schema import CopySketch, Document

pytest.importorskip("datasketch", reason="copy detection needs the text extra (datasketch)")

ORIGINAL = """VILNIUS, July 3 (Amber Wire) - Lithuania closed a rail bridge over the Neris river near Jonava on Thursday after inspectors found cracks in two of its steel girders, the national railway company said.

Freight trains to the port of Klaipeda will be diverted through Kaunas for at least 10 days, adding about 90 minutes to each journey, the company said.

"Safety comes first. We will not reopen the bridge until every girder has been checked," railway chief executive Ruta Vaitkiene told a news conference.

The bridge, built in 1962, carries about 40 freight trains a day. Passenger services are not affected."""

COPY = """Lithuania closed a rail bridge over the Neris river near Jonava on Thursday after inspectors found cracks in two of its steel girders, the national railway company said, according to Amber Wire.

Freight trains to the port of Klaipeda will be diverted through Kaunas for at least 10 days, the company said.

"Safety comes first. We will not reopen the bridge until every girder has been checked," chief executive Ruta Vaitkiene said.

The bridge carries about 40 freight trains a day. Lithuania's rail network links the Baltic coast with Belarus and Poland."""

FLASH = """Lithuania closed a rail bridge over the Neris river near Jonava on Thursday after inspectors found cracks in two of its steel girders, the national railway company said. Freight trains to the port of Klaipeda will be diverted through Kaunas for at least 10 days."""

OTHER = """Engineers began replacing two cracked girders on the Jonava rail bridge on Saturday, two days after the Lithuanian railway company shut the crossing.

The company said the repairs would cost about 2 million euros and that freight to Klaipeda would keep running via Kaunas in the meantime.

Ruta Vaitkiene, the company's chief executive, said an audit of all bridges built before 1970 would begin next month."""

TRANSLATION = """ВІЛЬНЮС, 3 липня (Amber Wire) — Литва в четвер закрила залізничний міст через річку Нерис поблизу Йонави після того, як інспектори виявили тріщини у двох його сталевих балках, повідомила національна залізнична компанія.

Вантажні потяги до порту Клайпеда прямуватимуть в обхід через Каунас щонайменше 10 днів, що додасть близько 90 хвилин до кожного рейсу, повідомили в компанії.

«Безпека понад усе. Ми не відкриємо міст, доки не перевіримо кожну балку», — сказала на пресконференції генеральна директорка залізниці Рута Вайткене.

Міст, збудований у 1962 році, щодня пропускає близько 40 вантажних потягів. Пасажирського сполучення це не стосується."""

TOWNS = ["Tartu", "Parnu", "Liepaja", "Daugavpils", "Siauliai", "Narva", "Rezekne", "Alytus"]
TOPICS = [
    ("school", "opened a new library wing with {n} computers for pupils"),
    ("council", "approved a budget of {n} thousand euros for street lighting"),
    ("hospital", "hired {n} nurses after a recruitment drive abroad"),
    ("museum", "reported {n} visitors to its summer exhibition of folk costumes"),
    ("bakery", "won a regional prize for rye bread baked by {n} apprentices"),
]


def _unrelated(i: int) -> str:
    town = TOWNS[i % len(TOWNS)]
    place, what = TOPICS[i % len(TOPICS)]
    return (
        f"The {place} in {town} {what.format(n=10 + 7 * i)}, local officials said on a "
        f"{'rainy' if i % 2 else 'sunny'} morning. Residents interviewed in the market square "
        f"had mixed views, and the mayor promised a public meeting in week {i + 1}."
    )


def _ingest(case, settings, tmp_path: Path, name: str, docs: list[tuple[str, str, str]]) -> None:
    path = tmp_path / f"{name}.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": key, "text": text, "published_at": when, "source": key}) + "\n"
            for key, text, when in docs
        ),
        encoding="utf-8",
    )
    Ingestor(case, settings, workers=1).ingest([path])


def _run(case):
    runner = Runner(case, StageConfig(lexicon_dir=case.root / "lexicons"), workers=1)
    report = runner.run(["copies"], required=True)
    assert not report.failures(), report.failures()
    return runner, report


def _by_key(case) -> dict[str, Document]:
    with case.reader() as s:
        docs = list(s.scalars(select(Document)))
        s.expunge_all()
    return {(d.meta or {})["id"]: d for d in docs}


def test_a_rewrite_points_at_its_original_and_another_report_does_not(case, settings, tmp_path):
    _ingest(case, settings, tmp_path, "a", [
        ("original", ORIGINAL, "2025-07-03T06:00:00Z"),
        ("copy", COPY, "2025-07-03T09:40:00Z"),
        ("other", OTHER, "2025-07-05T08:00:00Z"),
        ("changed", COPY.replace("at least 10 days", "at least 30 days"), "2025-07-03T10:00:00Z"),
    ])  # fmt: skip
    runner, report = _run(case)
    docs = _by_key(case)
    assert docs["copy"].copy_of == docs["original"].id and docs["copy"].copy_score > 0.5
    assert docs["original"].copy_of is None and docs["original"].copy_score is None
    assert docs["other"].copy_of is None
    assert docs["changed"].copy_of is None  # 30 days is another report, not a copy
    assert "1 found to copy an earlier one" in report.summaries["copies"]
    with case.reader() as s:
        links = s.get(CopySketch, docs["copy"].id).links
    assert [(x["document_id"], x["kind"]) for x in links] == [(docs["original"].id, "near")]
    assert runner.pending("copies") == []
    assert registry.stage_class("copies").name == "copies"


def test_a_new_document_is_compared_with_its_candidates_only(case, settings, tmp_path, monkeypatch):
    _ingest(case, settings, tmp_path, "a", [
        ("original", ORIGINAL, "2025-07-03T06:00:00Z"),
        *((f"u{i}", _unrelated(i), "2025-07-01T00:00:00Z") for i in range(20)),
    ])  # fmt: skip
    _run(case)
    compared: list[int] = []
    real = copies.compare

    def counting(a, b):
        compared.append(1)
        return real(a, b)

    monkeypatch.setattr(copies, "compare", counting)
    _ingest(case, settings, tmp_path, "b", [("copy", COPY, "2025-07-03T09:40:00Z")])
    runner, report = _run(case)
    assert len(report.outcomes["copies"]) == 1  # only the new document ran
    assert 1 <= len(compared) <= 3  # 21 texts in the case, a handful of candidates
    docs = _by_key(case)
    assert docs["copy"].copy_of == docs["original"].id


def test_an_original_ingested_after_its_copies_takes_the_group_over(case, settings, tmp_path):
    _ingest(case, settings, tmp_path, "a", [("copy", COPY, "2025-07-03T09:40:00Z")])
    _run(case)
    _ingest(case, settings, tmp_path, "b", [("original", ORIGINAL, "2025-07-03T06:00:00Z")])
    _run(case)
    docs = _by_key(case)
    assert docs["original"].copy_of is None
    assert docs["copy"].copy_of == docs["original"].id
    # An even earlier flash joins both: every member now points at it.
    _ingest(case, settings, tmp_path, "c", [("flash", FLASH, "2025-07-03T05:30:00Z")])
    _run(case)
    docs = _by_key(case)
    assert docs["flash"].copy_of is None
    assert docs["original"].copy_of == docs["flash"].id and docs["original"].copy_score > 0.5
    assert docs["copy"].copy_of == docs["flash"].id

    # Done again from scratch (a new version of the stage), the group comes out the same.
    runner = Runner(case, StageConfig(lexicon_dir=case.root / "lexicons"), workers=1)
    runner.run(["copies"], redo=True)
    again = _by_key(case)
    assert {k: d.copy_of for k, d in again.items()} == {k: d.copy_of for k, d in docs.items()}


def test_a_translation_joins_the_group(case, settings, tmp_path):
    embed = pytest.importorskip("overheard.embed", reason="no embeddings module")
    if embed.unavailable():
        pytest.skip(f"translated copies need the embeddings: {embed.unavailable()}")
    _ingest(case, settings, tmp_path, "a", [
        ("original", ORIGINAL, "2025-07-03T06:00:00Z"),
        ("translation", TRANSLATION, "2025-07-03T08:15:00Z"),
        ("other", OTHER, "2025-07-05T08:00:00Z"),
    ])  # fmt: skip
    _run(case)
    docs = _by_key(case)
    assert docs["translation"].language == "uk"
    assert docs["translation"].copy_of == docs["original"].id
    assert docs["other"].copy_of is None
    with case.reader() as s:
        links = s.get(CopySketch, docs["translation"].id).links
    assert [x["kind"] for x in links] == ["translation"]
