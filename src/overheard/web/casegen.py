"""A synthetic case of any size, for measuring the workbench (``python -m overheard.bench.web``).

Every row is plainly synthetic (the source is named "casegen (synthetic)") and built from a
seeded generator, so two runs give the same case. Rows go in with SQLAlchemy Core, in large
batches, through the store's own schema and migrations: the full-text triggers index every
segment as ingest would. Reports get sentences with character offsets, recordings get timed
utterances with speakers; a share of documents gets mentions, statements and events, so every
page has something to show. Originals are not written (blob rows only): a recording's player has
nothing to play in a generated case.

    python -m overheard.web.casegen /tmp/bench-case --documents 10000
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from overheard.store.blobs import sha256_bytes
from overheard.store.case import Case
from overheard.store.schema import (
    Blob,
    Document,
    Entity,
    Event,
    Mention,
    Run,
    Segment,
    Source,
    Statement,
)

WORDS = {
    "en": (
        "troops forces drones artillery village bridge depot convoy shelling region ministry "
        "officials reported said denied warned claimed border attack positions night supplies "
        "battalion brigade commander soldiers evacuation residents damaged launched defence"
    ).split(),
    "ru": (
        "войска силы дроны артиллерия село мост склад колонна обстрел область министерство "
        "заявил сообщил отрицал предупредил граница атака позиции ночью пайки батальон бригада "
        "командир солдаты эвакуация жители повреждён запустили оборона приоритет связь"
    ).split(),
    "uk": (
        "війська сили дрони артилерія село міст склад колона обстріл область міністерство "
        "заявив повідомив заперечив попередив кордон атака позиції вночі батальйон бригада "
        "командир солдати евакуація мешканці пошкоджено оборона"
    ).split(),
}
PLACES = [
    ("Kursk", "Курск", 51.7373, 36.1874),
    ("Sumy", "Суми", 50.9216, 34.8003),
    ("Kharkiv", "Харків", 49.9935, 36.2304),
    ("Pokrovsk", "Покровськ", 48.2826, 37.1758),
    ("Belgorod", "Белгород", 50.5977, 36.5858),
    ("Sudzha", "Суджа", 51.1919, 35.2706),
]
ACTS = ["assert", "deny", "allege", "warn", "urge", "condemn", "concern"]
EVENT_TYPES = ["ASSAULT", "COERCE", "MOBILIZE", "ACCUSE", "THREATEN"]
BATCH = 2000


def _sentence(rng: random.Random, language: str) -> str:
    words = rng.choices(WORDS[language], k=rng.randint(6, 16))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def generate(root: Path, documents: int = 10_000, seed: int = 7, audio_share: float = 0.1) -> Case:
    """Create a case at ``root`` (which must not hold one) with ``documents`` documents."""
    if (root / "case.sqlite").exists():
        raise FileExistsError(f"{root} already holds a case")
    rng = random.Random(seed)
    case = Case.open(root)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with case.session() as s:
        run = Run(component="casegen", version="1", params={"seed": seed})
        source = Source(name="casegen (synthetic)", kind="benchmark")
        s.add_all([run, source])
        s.flush()
        run_id, source_id = run.id, source.id
        entity_rows = []
        for name, native, lat, lon in PLACES:
            entity_rows.append(
                {
                    "type": "GPE",
                    "name": name,
                    "names": [{"name": name, "lang": "en"}, {"name": native, "lang": None}],
                    "run_id": run_id,
                    "latitude": lat,
                    "longitude": lon,
                    "meta": {"geo": {"feature": "city", "role": "place"}},
                }  # fmt: skip
            )
        for i in range(200):
            entity_rows.append(
                {
                    "type": rng.choice(["PERSON", "ORG", "MIL_UNIT"]),
                    "name": f"Synthetic entity {i}",
                    "names": [{"name": f"Synthetic entity {i}", "lang": "en"}],
                    "run_id": run_id,
                    "latitude": None,
                    "longitude": None,
                    "meta": None,
                }  # fmt: skip
            )
        s.execute(insert(Entity), entity_rows)
    entity_ids = list(range(1, len(entity_rows) + 1))
    place_ids = entity_ids[: len(PLACES)]

    docs: list[dict[str, Any]] = []
    segs: list[dict[str, Any]] = []
    blobs: list[dict[str, Any]] = []
    extras: dict[str, list[dict[str, Any]]] = {"mentions": [], "statements": [], "events": []}
    segment_id = 0
    for doc_id in range(1, documents + 1):
        language = rng.choice(["en", "ru", "ru", "uk"])
        audio = rng.random() < audio_share
        sentences = [_sentence(rng, language) for _ in range(rng.randint(4, 14))]
        text = " ".join(sentences)
        raw = f"casegen {seed} {doc_id}\n{text}".encode()
        sha = sha256_bytes(raw)
        blobs.append({"sha256": sha, "size": len(raw), "media_type": "text/plain"})
        published = start + timedelta(minutes=rng.randint(0, 60 * 24 * 500))
        docs.append(
            {
                "id": doc_id,
                "blob_sha256": sha,
                "part": 0,
                "kind": "audio" if audio else "text",
                "media_type": "audio/wav" if audio else "text/plain",
                "title": f"{'Call' if audio else 'Report'} {doc_id}: {sentences[0][:60]}",
                "published_at": published,
                "source_id": source_id,
                "origin_path": f"casegen/{doc_id}.{'wav' if audio else 'txt'}",
                "language": language,
                "language_confidence": 0.99,
                "text": None if audio else text,
                "text_sha256": None if audio else sha,
                "duration_s": 4.0 * len(sentences) if audio else None,
                "status": "ready",
                "run_id": run_id,
            }  # fmt: skip
        )
        offset = 0
        for idx, sentence in enumerate(sentences):
            segment_id += 1
            row: dict[str, Any] = {
                "id": segment_id, "document_id": doc_id, "idx": idx, "language": language,
                "text": sentence, "run_id": run_id,
            }  # fmt: skip
            if audio:
                row.update(start_s=4.0 * idx, end_s=4.0 * idx + 3.5, speaker="AB"[idx % 2])
            else:
                row.update(start_char=offset, end_char=offset + len(sentence))
            segs.append(row)
            if not audio and rng.random() < 0.3:
                first_word = sentence.split(" ", 1)[0]
                extras["mentions"].append(
                    {
                        "document_id": doc_id,
                        "segment_id": segment_id,
                        "start_char": offset,
                        "end_char": offset + len(first_word),
                        "text": first_word,
                        "label": "GPE",
                        "entity_id": rng.choice(place_ids),
                        "source": "gazetteer",
                        "run_id": run_id,
                    }  # fmt: skip
                )
            offset += len(sentence) + 1
        if not audio and rng.random() < 0.4:
            content = sentences[-1]
            at = len(text) - len(content)
            speaker = f"Synthetic speaker {rng.randint(1, 40)}"
            # A share of speakers are pronouns, with what they refer to beside them.
            pronoun = rng.random() < 0.2
            extras["statements"].append(
                {
                    "document_id": doc_id,
                    "speaker_text": "he" if pronoun else speaker,
                    "speaker_antecedent": speaker if pronoun else None,
                    "speaker_entity_id": rng.choice(entity_ids),
                    "act": rng.choice(ACTS),
                    "content": content,
                    "content_start": at,
                    "content_end": len(text),
                    "direct": False,
                    "hedged": rng.random() < 0.3,
                    "hedges": [],
                    "run_id": run_id,
                }  # fmt: skip
            )
        if rng.random() < 0.1:
            event: dict[str, Any] = {
                "document_id": doc_id,
                "type": rng.choice(EVENT_TYPES),
                "actor_text": "forces",
                "place_entity_id": rng.choice(place_ids),
                "time_value": published,
                "run_id": run_id,
                "trigger_text": None,
                "trigger_start": None,
                "trigger_end": None,
            }
            if not audio:
                # The first sentence's second word stands in for the word that coded it.
                first, second = sentences[0].split(" ")[:2]
                event.update(trigger_text=second, trigger_start=len(first) + 1,
                             trigger_end=len(first) + 1 + len(second))  # fmt: skip
            extras["events"].append(event)
    tables: list[tuple[Any, list[dict[str, Any]]]] = [
        (Blob, blobs), (Document, docs), (Segment, segs), (Mention, extras["mentions"]),
        (Statement, extras["statements"]), (Event, extras["events"]),
    ]  # fmt: skip
    with case.session() as s:
        for model, rows in tables:
            for i in range(0, len(rows), BATCH):
                s.execute(insert(model), rows[i : i + BATCH])
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    case = generate(args.root, args.documents, args.seed)
    print(case.counts())
    case.close()


if __name__ == "__main__":
    main()
