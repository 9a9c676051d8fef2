"""A case with every part of the record filled in, built once for the workbench tests.

The bundled samples are ingested through the real ingest. What later rooms will add (a
transcript with speakers, translations, mentions, entities, statements, events) is written as
rows here, with offsets found in the ingested texts, so the pages are tested against the record
as it will look when those rooms land. Hostile reports (script tags, onerror, javascript: links)
go through the same ingest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from overheard.config import Settings
from overheard.ingest.ingest import Ingestor
from overheard.store import Case
from overheard.store.schema import (
    Claim,
    ClaimStatement,
    Document,
    Entity,
    Event,
    Mention,
    Run,
    Segment,
    Source,
    Statement,
    Translation,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"

HOSTILE_TEXT = (
    "Officials said <script>window.__pwned = 1</script> the depot burned.\n\n"
    'A photo <img src=x onerror="window.__pwned = 2"> was posted with '
    '<a href="javascript:window.__pwned = 3">a link</a> in it.'
)
HOSTILE_RECORD = {
    "title": "<script>window.__pwned = 4</script>Claims about the depot",
    "text": "The channel claimed the depot was hit. <b onmouseover=alert(1)>bold</b>",
    "url": "javascript:window.__pwned = 5",
    "source": "<img src=x onerror=alert(6)> channel",
    "date": "2025-03-07T10:00:00Z",
}


@dataclass
class Rich:
    case: Case
    report_en: int  # intercepted-calls-en.txt
    report_ru: int
    call: int  # call_01.wav, with a transcript
    call_untranscribed: int  # call_02.ogg, awaiting transcription
    hostile: int
    hostile_record: int
    kursk: int  # a place entity with coordinates
    unit: int  # "K Battalion"
    person: int  # Peskov
    statement_hedged: int
    statement_person: int
    statement_pronoun: int  # "he warned": the speaker's antecedent is "A second soldier"
    event: int  # with its trigger, "hit"
    statement_kremlin: int  # the only statement on a claim
    claim: int


def _doc_by_origin(case: Case, name: str) -> int:
    with case.reader() as s:
        for doc in s.scalars(select(Document)):
            if doc.origin_path.endswith(name):
                return doc.id
    raise AssertionError(f"{name} was not ingested")


def _span(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    at = text.index(needle, start)
    return at, at + len(needle)


def _segment_at(s: object, doc_id: int, offset: int) -> int | None:
    from sqlalchemy.orm import Session

    assert isinstance(s, Session)
    return s.scalar(
        select(Segment.id).where(
            Segment.document_id == doc_id, Segment.start_char <= offset, Segment.end_char > offset
        )
    )


def build_rich_case(root: Path) -> Rich:
    case = Case.open(root / "case")
    inputs = root / "inputs"
    inputs.mkdir()
    (inputs / "hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (inputs / "hostile.jsonl").write_text(json.dumps(HOSTILE_RECORD) + "\n", encoding="utf-8")
    paths = [
        *sorted((SAMPLES / "reports").iterdir()),
        SAMPLES / "intercepts" / "call_01.wav",
        SAMPLES / "intercepts" / "call_02.ogg",
        SAMPLES / "intercepts" / "bad_truncated.ogg",
        inputs / "hostile.txt",
        inputs / "hostile.jsonl",
    ]
    Ingestor(case, Settings(), source="overheard samples", workers=1).ingest(paths)
    report_en = _doc_by_origin(case, "intercepted-calls-en.txt")
    report_ru = _doc_by_origin(case, "perehvat-ru.txt")
    call = _doc_by_origin(case, "call_01.wav")
    call2 = _doc_by_origin(case, "call_02.ogg")
    hostile = _doc_by_origin(case, "hostile.txt")
    hostile_record = _doc_by_origin(case, "hostile.jsonl")
    reference = json.loads((SAMPLES / "intercepts" / "call_01.json").read_text(encoding="utf-8"))

    with case.session() as s:
        speech = Run(component="test-fixture:transcript", version="0")
        text_run = Run(component="test-fixture:text", version="0")
        s.add_all([speech, text_run])
        s.flush()
        # The reference transcript of call_01 stands in for the speech pipeline's output.
        for i, seg in enumerate(reference["segments"]):
            row = Segment(
                document_id=call, idx=i, start_s=seg["start"], end_s=seg["end"],
                speaker=seg["speaker"], language=seg["lang"], text=seg["text"], run_id=speech.id,
            )  # fmt: skip
            s.add(row)
            s.flush()
            if i < 3:
                s.add(
                    Translation(
                        segment_id=row.id,
                        language="en",
                        text=f"[fixture rendering {i}]",
                        backend="test-fixture-translator",
                        machine=True,
                        run_id=speech.id,
                    )  # fmt: skip
                )

        en = s.get(Document, report_en)
        ru = s.get(Document, report_ru)
        assert en is not None and en.text and ru is not None and ru.text
        kursk = Entity(
            type="GPE", name="Kursk",
            names=[{"name": "Kursk", "lang": "en"}, {"name": "Курск", "lang": "ru"}],
            external_ids={"geonames": "538560"}, latitude=51.7373, longitude=36.1874,
            meta={"geo": {"feature": "city", "country": "RU", "role": "place"}},
            run_id=text_run.id,
        )  # fmt: skip
        unit = Entity(type="MIL_UNIT", name="K Battalion",
                      names=[{"name": "K Battalion", "lang": "en"},
                             {"name": "батальон К", "lang": "ru"}])  # fmt: skip
        person = Entity(type="PERSON", name="Dmitry Peskov",
                        names=[{"name": "Dmitry Peskov", "lang": "en"},
                               {"name": "Дмитрий Песков", "lang": "ru"}])  # fmt: skip
        s.add_all([kursk, unit, person])
        s.flush()
        for doc, needle, label, entity, found_by in [
            (en, "Kursk", "GPE", kursk, "gazetteer"),
            (en, "K Battalion", "MIL_UNIT", unit, "rules"),
            (en, "Dmitry Peskov", "PERSON", person, "spacy"),
            (ru, "Курском", "GPE", kursk, "natasha"),
        ]:
            start = 0
            while True:
                try:
                    a, b = _span(doc.text or "", needle, start)
                except ValueError:
                    break
                s.add(
                    Mention(
                        document_id=doc.id,
                        segment_id=_segment_at(s, doc.id, a),
                        start_char=a,
                        end_char=b,
                        text=needle,
                        label=label,
                        normal=entity.name,
                        entity_id=entity.id,
                        source=found_by,
                        run_id=text_run.id,
                    )  # fmt: skip
                )
                start = b
        # In a recording, offsets are into the utterance's own text (docs/EXPORT.md).
        utterance = s.scalar(
            select(Segment).where(Segment.document_id == call, Segment.text.contains("батальон К"))
        )
        assert utterance is not None
        a, b = _span(utterance.text, "батальон К")
        s.add(
            Mention(
                document_id=call,
                segment_id=utterance.id,
                start_char=a,
                end_char=b,
                text="батальон К",
                label="MIL_UNIT",
                normal="K Battalion",
                entity_id=unit.id,
                run_id=text_run.id,
            )  # fmt: skip
        )
        text = en.text
        sp = _span(text, "A second soldier")
        cue = _span(text, "told", sp[1])
        content = _span(text, "drones had hit two armoured vehicles overnight")
        hedged = Statement(
            document_id=en.id, segment_id=_segment_at(s, en.id, sp[0]),
            speaker_text="A second soldier", speaker_start=sp[0], speaker_end=sp[1],
            cue="told", cue_start=cue[0], cue_end=cue[1], act="assert",
            content=text[content[0]:content[1]], content_start=content[0], content_end=content[1],
            direct=False, hedged=True, hedges=["allegedly"], confidence=0.8, run_id=text_run.id,
        )  # fmt: skip
        sp2 = _span(text, "Dmitry Peskov")
        cue2 = _span(text, "said", sp2[1])
        content2 = _span(text, "the recordings were fabricated")
        by_person = Statement(
            document_id=en.id, segment_id=_segment_at(s, en.id, sp2[0]),
            speaker_text="Dmitry Peskov", speaker_entity_id=person.id,
            speaker_start=sp2[0], speaker_end=sp2[1], cue="said", cue_start=cue2[0],
            cue_end=cue2[1], act="deny", content=text[content2[0]:content2[1]],
            content_start=content2[0], content_end=content2[1], direct=False, hedged=False,
            hedges=[], confidence=0.9, run_id=text_run.id,
        )  # fmt: skip
        sp3 = _span(text, "The Kremlin")
        content3 = _span(text, "any foreign units were fighting in the Kursk region")
        about_kursk = Statement(
            document_id=en.id, segment_id=_segment_at(s, en.id, sp3[0]),
            speaker_text="The Kremlin", speaker_start=sp3[0], speaker_end=sp3[1], cue="denied",
            act="deny", content=text[content3[0]:content3[1]], content_start=content3[0],
            content_end=content3[1], direct=False, hedged=False, run_id=text_run.id,
        )  # fmt: skip
        quote = _span(text, "Don't tell anyone I said this")
        he = _span(text, "he", quote[1])
        pronoun = Statement(
            document_id=en.id, segment_id=_segment_at(s, en.id, he[0]), speaker_text="he",
            speaker_start=he[0], speaker_end=he[1], speaker_antecedent="A second soldier",
            speaker_antecedent_start=sp[0], speaker_antecedent_end=sp[1], cue="warned",
            cue_start=he[1] + 1, cue_end=he[1] + 7, act="warn", content=text[quote[0]:quote[1]],
            content_start=quote[0], content_end=quote[1], direct=True, hedged=False,
            run_id=text_run.id,
        )  # fmt: skip
        s.add_all([hedged, by_person, about_kursk, pronoun])
        s.flush()
        # One statement on the claim board, the others on none: pages link only what is linked.
        # Its label comes from a report's words, so it is hostile content too.
        troops = Claim(text="foreign units were fighting in the Kursk region "
                       "<script>window.__pwned = 8</script>", run_id=text_run.id)  # fmt: skip
        s.add(troops)
        s.flush()
        s.add(ClaimStatement(claim_id=troops.id, statement_id=about_kursk.id, stance="deny",
                             stance_source="rules", similarity=1.0, confidence=0.9))  # fmt: skip
        ev_span = _span(text, "drones had hit two armoured vehicles overnight")
        trigger = _span(text, "hit", ev_span[0])
        event = Event(
            document_id=en.id, segment_id=_segment_at(s, en.id, ev_span[0]), type="ASSAULT",
            mode=None, context="military", actor_text="drones", recipient_text="armoured vehicles",
            place_text="Kursk", place_entity_id=kursk.id, time_text="overnight",
            time_value=datetime(2025, 3, 3, tzinfo=UTC), trigger_text="hit",
            trigger_start=trigger[0], trigger_end=trigger[1], start_char=ev_span[0],
            end_char=ev_span[1], confidence=0.7, run_id=text_run.id,
        )  # fmt: skip
        undated = Event(
            document_id=ru.id, type="COERCE", actor_text="<script>window.__pwned = 7</script>",
            place_text="Курск", place_entity_id=kursk.id, run_id=text_run.id,
        )  # fmt: skip
        s.add_all([event, undated])
        s.flush()
        ids = (hedged.id, by_person.id, event.id, kursk.id, unit.id, person.id, pronoun.id,
               about_kursk.id, troops.id)  # fmt: skip
    return Rich(
        case=case, report_en=report_en, report_ru=report_ru, call=call,
        call_untranscribed=call2, hostile=hostile, hostile_record=hostile_record,
        kursk=ids[3], unit=ids[4], person=ids[5], statement_hedged=ids[0],
        statement_person=ids[1], statement_pronoun=ids[6], event=ids[2],
        statement_kremlin=ids[7], claim=ids[8],
    )  # fmt: skip


# ------------------------------------------------------------------------------ claims

# One story told by several sources over a week: the General Staff's report (and a translated
# copy of it), a governor who denies and later admits, the ministry's own voice denying, a
# hedged channel, a caller; and an unrelated claim about beaches.
BOARD_RECORDS = [
    {"title": "Strike on the Lgov depot", "source": "General Staff", "date": "2025-03-10T09:00:00Z",
     "text": "KYIV — The General Staff said that twelve Russian servicemen were killed in the "
             "strike on the fuel depot in Lgov."},
    {"title": "Удар по нефтебазе во Льгове", "source": "Channel Five", "date": "2025-03-10T15:00:00Z",
     "text": "Генштаб ВСУ заявил, что при ударе по нефтебазе во Льгове погибли двенадцать "
             "российских военнослужащих."},
    {"title": "Governor: no losses", "source": "Kursk regional administration",
     "date": "2025-03-11T08:00:00Z",
     "text": "Governor Smirnov denied that any servicemen were killed in the strike on the depot."},
    {"title": "Місцевий канал про Льгов", "source": "Local channel", "date": "2025-03-12T10:00:00Z",
     "text": "Місцевий канал повідомив, що нібито загинули дванадцять військових."},
    {"title": "Beaches", "source": "Odesa city council", "date": "2025-03-12T12:00:00Z",
     "text": "The city council said that the beaches will open for swimming on 1 June."},
    {"title": "Ministry statement", "source": "Ministry of Defence", "date": "2025-03-13T07:00:00Z",
     "text": "No servicemen were killed in Lgov."},
    {"title": "Governor admits losses", "source": "TASS", "date": "2025-03-15T18:00:00Z",
     "text": "Governor Smirnov admitted that servicemen were killed at the Lgov depot."},
]  # fmt: skip


@dataclass
class Board:
    case: Case
    docs: list[int]  # BOARD_RECORDS in order
    call: int  # call_01.wav: an utterance on the board, by its seconds
    claim: int  # the depot
    beaches: int
    staff: int  # entities
    smirnov: int
    governor: int  # "Governor Smirnov", a second entity for the same man
    lgov: int
    statements: dict[str, int]


def build_board_case(root: Path) -> Board:
    """A case with claim rows written here over ingested reports: a contested claim with a copy
    folded, a position change, a hedged line, the document's own voice, a call's utterance."""
    case = Case.open(root / "case")
    inputs = root / "inputs"
    inputs.mkdir()
    board_file = inputs / "board.jsonl"
    board_file.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in BOARD_RECORDS), encoding="utf-8"
    )
    Ingestor(case, Settings(), workers=1).ingest(
        [board_file, SAMPLES / "intercepts" / "call_01.wav"]
    )
    with case.session() as s:
        docs = [
            d.id for d in s.scalars(select(Document).where(Document.origin_path.endswith(".jsonl"))
                                    .order_by(Document.part))
        ]  # fmt: skip
        call = s.scalar(select(Document.id).where(Document.origin_path.endswith("call_01.wav")))
        assert len(docs) == len(BOARD_RECORDS) and call is not None
        run = Run(component="test-fixture:claims", version="0")
        s.add(run)
        s.flush()
        staff = Entity(type="ORG", name="General Staff", key="ORG:general staff",
                       names=[{"name": "General Staff", "lang": "en"},
                              {"name": "Генштаб ВСУ", "lang": "ru"}])  # fmt: skip
        smirnov = Entity(type="PERSON", name="Smirnov", key="PERSON:smirnov",
                         names=[{"name": "Smirnov", "lang": "en"},
                                {"name": "Смирнов", "lang": "ru"}])  # fmt: skip
        governor = Entity(type="PERSON", name="Governor Smirnov", key="PERSON:governor smirnov",
                          names=[{"name": "Governor Smirnov", "lang": "en"}])  # fmt: skip
        lgov = Entity(type="GPE", name="Lgov", key="GPE:lgov",
                      names=[{"name": "Lgov", "lang": "en"}, {"name": "Льгов", "lang": "ru"}])  # fmt: skip
        s.add_all([staff, smirnov, governor, lgov])
        s.flush()
        texts = {i: s.get(Document, i).text or "" for i in docs}  # type: ignore[union-attr]

        def mention(doc: int, needle: str, label: str, entity: Entity) -> None:
            a, b = _span(texts[doc], needle)
            s.add(Mention(document_id=doc, segment_id=_segment_at(s, doc, a), start_char=a,
                          end_char=b, text=needle, label=label, normal=entity.name,
                          entity_id=entity.id, run_id=run.id))  # fmt: skip

        mention(docs[0], "General Staff", "ORG", staff)
        mention(docs[0], "Lgov", "GPE", lgov)
        mention(docs[1], "Генштаб ВСУ", "ORG", staff)
        mention(docs[1], "Льгове", "GPE", lgov)
        mention(docs[2], "Smirnov", "PERSON", smirnov)
        mention(docs[6], "Governor Smirnov", "PERSON", governor)
        mention(docs[6], "Lgov", "GPE", lgov)

        def said(
            doc: int,
            speaker: str | None,
            cue: str | None,
            content: str,
            act: str,
            entity: Entity | None = None,
            hedges: list[str] | None = None,
        ) -> Statement:
            text = texts[doc]
            c = _span(text, content)
            sp = _span(text, speaker) if speaker else (None, None)
            st = Statement(
                document_id=doc, segment_id=_segment_at(s, doc, c[0]), speaker_text=speaker,
                speaker_start=sp[0], speaker_end=sp[1], speaker_entity_id=entity.id if entity else None,
                cue=cue, act=act, content=content, content_start=c[0], content_end=c[1],
                direct=speaker is None, hedged=bool(hedges), hedges=hedges or [], run_id=run.id,
            )  # fmt: skip
            s.add(st)
            return st

        staff_en = said(docs[0], "The General Staff", "said",
                        "twelve Russian servicemen were killed in the strike on the fuel depot in Lgov",
                        "assert", staff)  # fmt: skip
        staff_ru = said(docs[1], "Генштаб ВСУ", "заявил",
                        "при ударе по нефтебазе во Льгове погибли двенадцать российских "
                        "военнослужащих", "assert", staff)  # fmt: skip
        denied = said(
            docs[2],
            "Governor Smirnov",
            "denied",
            "any servicemen were killed in the strike on the depot",
            "deny",
            smirnov,
        )
        hedged = said(
            docs[3],
            "Місцевий канал",
            "повідомив",
            "нібито загинули дванадцять військових",
            "assert",
            hedges=["нібито"],
        )
        beaches = said(
            docs[4],
            "The city council",
            "said",
            "the beaches will open for swimming on 1 June",
            "assert",
        )
        own_voice = said(docs[5], None, None, "No servicemen were killed in Lgov.", "assert")
        admitted = said(
            docs[6],
            "Governor Smirnov",
            "admitted",
            "servicemen were killed at the Lgov depot",
            "assert",
            smirnov,
        )
        # In a recording, offsets are into the utterance's own text (docs/EXPORT.md).
        utterance_text = "Двенадцать наших на складе погибли, я тебе говорю."
        utterance = Segment(document_id=call, idx=0, start_s=12.5, end_s=15.25, speaker="B",
                            language="ru", text=utterance_text, run_id=run.id)  # fmt: skip
        s.add(utterance)
        s.flush()
        c = _span(utterance_text, "Двенадцать наших на складе погибли")
        caller = Statement(
            document_id=call, segment_id=utterance.id, speaker_text="B", act="assert",
            content=utterance_text[c[0]:c[1]], content_start=c[0], content_end=c[1],
            start_s=12.5, end_s=15.25, direct=True, hedged=False, hedges=[], run_id=run.id,
        )  # fmt: skip
        s.add(caller)
        s.flush()
        depot = Claim(text="twelve Russian servicemen were killed in the strike on the fuel "
                      "depot in Lgov", key="killed|12", run_id=run.id)  # fmt: skip
        beach = Claim(text="the beaches will open for swimming on 1 June", run_id=run.id)
        s.add_all([depot, beach])
        s.flush()
        for claim, st, stance in [
            (depot, staff_en, "assert"), (depot, staff_ru, "assert"), (depot, denied, "deny"),
            (depot, hedged, "assert"), (depot, own_voice, "deny"), (depot, admitted, "assert"),
            (depot, caller, "assert"), (beach, beaches, "assert"),
        ]:  # fmt: skip
            s.add(ClaimStatement(claim_id=claim.id, statement_id=st.id, stance=stance,
                                 stance_source="rules", similarity=0.9, confidence=0.8))  # fmt: skip
        # The Russian report is a translated re-publication of the General Staff's.
        copy = s.get(Document, docs[1])
        assert copy is not None
        copy.copy_of, copy.copy_score = docs[0], 0.93
        statements = {
            "staff_en": staff_en.id, "staff_ru": staff_ru.id, "denied": denied.id,
            "hedged": hedged.id, "beaches": beaches.id, "own_voice": own_voice.id,
            "admitted": admitted.id, "caller": caller.id,
        }  # fmt: skip
        found = Board(case=case, docs=docs, call=call, claim=depot.id, beaches=beach.id,
                      staff=staff.id, smirnov=smirnov.id, governor=governor.id, lgov=lgov.id,
                      statements=statements)  # fmt: skip
    return found


@pytest.fixture(scope="session")
def board_case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Board]:
    built = build_board_case(tmp_path_factory.mktemp("board"))
    yield built
    built.case.close()


@pytest.fixture
def fresh_board(tmp_path: Path) -> Iterator[Board]:
    """A board case of one's own, for tests that change it (merges, splits)."""
    built = build_board_case(tmp_path)
    yield built
    built.case.close()


@pytest.fixture(scope="session")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rich]:
    built = build_rich_case(tmp_path_factory.mktemp("rich"))
    yield built
    built.case.close()


@pytest.fixture
def empty_case(tmp_path: Path) -> Iterator[Case]:
    case = Case.open(tmp_path / "empty")
    yield case
    case.close()


def source_count(case: Case) -> int:
    with case.reader() as s:
        return len(list(s.scalars(select(Source))))
