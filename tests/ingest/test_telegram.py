"""Telegram Desktop channel exports: every message a document with its link, date, reply and
forward chain and entities; voice notes as recordings of their message; a newer export adds
only new messages; a forward counts as the channel it came from; damage is reported, the rest
kept. The export is written by conftest.write_export from the bundled sample calls."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from overheard.ingest.ingest import NEW, PRESENT, Ingestor
from overheard.link.board import list_claims
from overheard.store.schema import (
    Claim,
    ClaimStatement,
    Document,
    DocumentStatus,
    IngestFailure,
    Source,
    Statement,
)

from .conftest import CHANNEL, LATER, MESSAGES, message


def _by_external_id(case) -> dict[str, Document]:
    with case.reader() as s:
        docs = s.scalars(select(Document)).all()
        for d in docs:
            _ = d.source  # loaded while the session is open
        return {d.external_id or f"{d.kind}:{d.id}": d for d in docs}


def _doc(case, title: str) -> Document:
    with case.reader() as s:
        doc = s.scalars(select(Document).where(Document.title == title)).one()
        _ = doc.source
        return doc


def test_messages_become_documents(case, settings, telegram_export):
    folder = telegram_export()
    report = Ingestor(case, settings).ingest([folder])
    # Four messages with text, two voice notes; the round video the export left out is the
    # one failure; the service message and the photo without text are not documents, and
    # the media folders are not read as loose files.
    assert report.summary() == {"new": 6, "present": 0, "duplicate": 0, "failed": 1}
    docs = _by_external_id(case)
    chat = f"telegram:{CHANNEL['id']}"
    assert sorted(k for k in docs if k.startswith("telegram:")) == [
        f"{chat}/{n}" for n in (1, 2, 3, 4)
    ]

    post = docs[f"{chat}/1"]
    assert post.text.startswith("Срочно. Минобороны заявило")
    assert post.url == f"https://t.me/c/{CHANNEL['id']}/1"
    assert post.published_at.replace(tzinfo=UTC) == datetime(2024, 3, 2, 10, tzinfo=UTC)
    assert post.published_text == "2024-03-02T12:00:00"
    assert post.source.name == CHANNEL["name"]
    assert post.language == "ru"
    entities = post.meta["telegram"]["entities"]
    assert [(e["type"], post.text[e["start"] : e["end"]]) for e in entities] == [
        ("bold", "Срочно."), ("text_link", "Подробнее"), ("hashtag", "#мост"),
    ]  # fmt: skip
    assert entities[1]["href"] == "https://example.org/most"

    reply = docs[f"{chat}/3"]
    assert reply.meta["telegram"]["reply_to"] == 1
    assert reply.meta["telegram"]["reply_to_url"] == post.url

    forward = docs[f"{chat}/4"]
    assert forward.source.name == "Другой канал"  # the original's channel, not the forwarder
    assert forward.meta["telegram"]["forwarded_by"] == CHANNEL["name"]
    assert forward.url == f"https://t.me/c/{CHANNEL['id']}/4"

    # The voice note with a caption: a recording that names its message, and back.
    caption = docs[f"{chat}/2"]
    note = _doc(case, f"{CHANNEL['name']}, message 2: voice message")
    assert (note.kind, note.status) == ("audio", DocumentStatus.AWAITING_TRANSCRIPTION.value)
    assert note.duration_s == pytest.approx(29.5, abs=0.1)
    assert note.url == caption.url and note.published_at == caption.published_at
    assert note.source.name == CHANNEL["name"]
    assert note.meta["parent_document"] == caption.id
    assert caption.meta["recordings"] == [note.id]
    assert note.origin_path.endswith("voice_messages/audio_1@02-03-2024_12-00-00.ogg")
    # A voice note without text is the message's document itself.
    bare = _doc(case, f"{CHANNEL['name']}, message 7: voice message")
    assert bare.url.endswith("/7") and "parent_document" not in bare.meta
    assert bare.meta["telegram"]["media_type"] == "voice_message"

    (failure,) = report.failures
    assert failure.path == str(folder / "result.json") and failure.part == 8
    assert "message 8: its round video is not in the export (File not included" in failure.reason


def test_a_newer_export_adds_only_new_messages(case, settings, telegram_export):
    Ingestor(case, settings).ingest([telegram_export("ChatExport_2024-03-10")])
    with case.reader() as s:
        before = s.scalar(select(func.count()).select_from(Document))
    newer = telegram_export("ChatExport_2024-03-20", messages=MESSAGES + LATER)
    report = Ingestor(case, settings).ingest([newer])
    assert [o.part for o in report.outcomes if o.status == NEW] == [9, 10]
    assert report.count(PRESENT) == 6  # four messages and two voice notes, known
    with case.reader() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == before + 2
        reply = s.scalars(
            select(Document).where(Document.external_id == f"telegram:{CHANNEL['id']}/10")
        ).one()
        assert reply.meta["telegram"]["reply_to_url"].endswith("/9")
        # The message already present is now also seen in the newer export.
        first = s.scalars(
            select(Document).where(Document.external_id == f"telegram:{CHANNEL['id']}/1")
        ).one()
        assert {o.path for o in first.origins} == {
            str(newer.parent / "ChatExport_2024-03-10" / "result.json"),
            str(newer / "result.json"),
        }


def test_a_message_is_stored_once_by_the_database(case, settings, telegram_export):
    """The identity is a unique index on documents.external_id, not only the writer's check."""
    Ingestor(case, settings).ingest([telegram_export()])
    with pytest.raises(IntegrityError), case.session() as s:
        doc = s.scalars(select(Document).where(Document.kind == "text").limit(1)).one()
        s.add(Document(blob_sha256=doc.blob_sha256, part=999, kind="text", media_type="x",
                       origin_path="x", status="ready", external_id=doc.external_id))  # fmt: skip
        s.flush()


def _claim_with(case, documents: list[Document]) -> int:
    """A claim each document asserts in its own voice (no speaker): the board's source is the
    document's."""
    with case.session() as s:
        claim = Claim(text="the bridge was struck")
        s.add(claim)
        s.flush()
        for doc in documents:
            st = Statement(document_id=doc.id, act="assert", content=doc.text[:40])
            s.add(st)
            s.flush()
            s.add(ClaimStatement(claim_id=claim.id, statement_id=st.id, stance="assert"))
        return claim.id


def test_a_forward_counts_as_its_original_channel(case, settings, telegram_export):
    original = {"name": "Другой канал", "type": "public_channel", "id": 1000000002}
    other_post = message(40, "Другой канал: удар по мосту нанесён утром 3 марта, мост повреждён.")
    Ingestor(case, settings).ingest(
        [telegram_export("other", messages=[other_post], chat=original), telegram_export("ours")]
    )
    forward = _doc(case, f"{CHANNEL['name']}, message 4 (forwarded from Другой канал)")
    own = _doc(case, f"{CHANNEL['name']}, message 3")
    theirs = _doc(case, "Другой канал, message 40")
    with case.reader() as s:
        assert (
            s.scalar(select(func.count()).select_from(Source).where(Source.name == "Другой канал"))
            == 1
        )

    _claim_with(case, [theirs, forward])
    with case.reader() as s:
        (summary,) = list_claims(s)
    assert (summary.documents, summary.asserting_sources) == (2, 1)  # one channel, said twice

    _claim_with(case, [theirs, own])  # the channel's own post is a second source
    with case.reader() as s:
        counts = sorted((c.documents, c.asserting_sources) for c in list_claims(s))
    assert counts == [(2, 1), (2, 2)]


def test_the_same_forward_in_two_channels_is_one_document(case, settings, telegram_export):
    forward = message(50, "Губернатор области заявил, что никакого удара по мосту не было.",
                      forwarded_from="Другой канал")  # fmt: skip
    second = {"name": "Третий канал", "type": "public_channel", "id": 1000000003}
    report = Ingestor(case, settings).ingest(
        [telegram_export("ours"), telegram_export("third", messages=[forward], chat=second)]
    )
    assert report.outcomes[-1].status == "duplicate"
    with case.reader() as s:
        docs = s.scalars(select(Document).where(Document.text.like("Губернатор%"))).all()
        assert len(docs) == 1 and {o.path.split("/")[-2] for o in docs[0].origins} == {
            "ours",
            "third",
        }


# ------------------------------------------------------------------------------ bad input


def test_a_truncated_result_json_keeps_the_messages_before_the_cut(case, settings, telegram_export):
    folder = telegram_export()
    result = folder / "result.json"
    data = result.read_text(encoding="utf-8")
    cut = data.index('"id": 4')  # inside message 4 (the forward)
    result.write_text(data[:cut], encoding="utf-8")
    report = Ingestor(case, settings).ingest([folder])
    titles = {d.title for d in _by_external_id(case).values()}
    assert f"{CHANNEL['name']}, message 3" in titles  # the messages before the cut are kept
    assert f"{CHANNEL['name']}, message 2: voice message" in titles
    assert report.count(NEW) == 4  # messages 1-3 and the voice note of message 2
    (failure,) = report.failures
    assert failure.part == 4
    assert failure.reason.startswith("result.json is cut short (invalid JSON at line")
    assert "3 message(s) read, up to message 3; export the chat again" in failure.reason


def test_a_result_json_cut_in_its_header_is_a_clear_failure(case, settings, telegram_export):
    """Cut before its first message, result.json no longer says it is an export: the folder
    is read as loose files, so its recordings are still kept, and the JSON's failure says why."""
    folder = telegram_export()
    header = '{\n "name": "Синтетический канал",\n "type": "public_channel",\n "id": 10'
    (folder / "result.json").write_text(header, encoding="utf-8")
    report = Ingestor(case, settings).ingest([folder])
    assert report.count(NEW) == 2  # the two voice notes
    reasons = {o.path.split("/")[-1]: o.reason for o in report.failures}
    assert reasons["result.json"].startswith("invalid JSON at line 4")
    assert reasons["photo_1@07-03-2024_12-00-00.jpg"].endswith("look like a JPEG image")


def test_a_missing_voice_note_is_a_failure_and_the_rest_is_kept(case, settings, telegram_export):
    folder = telegram_export()
    missing = folder / "voice_messages" / "audio_2@08-03-2024_12-00-00.ogg"
    missing.unlink()
    report = Ingestor(case, settings).ingest([folder])
    assert report.count(NEW) == 5  # four messages, one voice note
    reasons = {o.path: o.reason for o in report.failures}
    assert reasons[str(missing)] == (
        f"message 7 of {CHANNEL['name']}: missing: the file is not in the export folder"
    )
    with case.reader() as s:
        assert s.scalar(select(func.count()).select_from(IngestFailure)) == 2
    # Exported again with the file: the failure is resolved, nothing else changes.
    telegram_export()
    again = Ingestor(case, settings).ingest([folder])
    assert [o.status for o in again.outcomes if o.path == str(missing)] == [NEW]
    with case.reader() as s:
        open_failures = s.scalars(
            select(IngestFailure.path).where(IngestFailure.resolved.is_(False))
        ).all()
    assert open_failures == [str(folder / "result.json")]  # the round video, still not exported


def test_a_damaged_voice_note_and_a_path_outside_the_export(
    case, settings, telegram_export, samples
):
    msgs = [
        message(1, "Пост с текстом."),
        message(2, "", file="voice_messages/broken.ogg", media_type="voice_message"),
        message(3, "", file="../../outside.ogg", media_type="voice_message"),
    ]
    folder = telegram_export(messages=msgs)
    (folder / "voice_messages" / "broken.ogg").write_bytes(
        (samples / "intercepts" / "bad_truncated.ogg").read_bytes()
    )
    report = Ingestor(case, settings).ingest([folder])
    assert report.count(NEW) == 1
    reasons = sorted(o.reason for o in report.failures)
    assert reasons[0] == (
        "message 2 of Синтетический канал: cannot read audio: truncated or damaged "
        "(unexpected end of file)"
    )
    assert (
        reasons[1]
        == "message 3: its voice message '../../outside.ogg' is outside the export folder"
    )


def test_a_whole_account_export_and_old_style_text(case, settings, tmp_path):
    """The account-wide export (chats.list) and the older text format (a list of strings and
    entity objects, no text_entities, no date_unixtime)."""
    old = {"id": 7, "type": "message", "date": "2022-05-01T09:30:00", "from": "Канал",
           "text": ["Официально: ", {"type": "bold", "text": "мост открыт"}, "."]}  # fmt: skip
    export = {
        "about": "Here is the data you requested. Remember: Telegram is ad free...",
        "chats": {"about": "", "list": [
            {"name": "Канал", "type": "private_channel", "id": 555, "messages": [old]},
            {"name": "Друг", "type": "personal_chat", "id": 9, "messages": [
                {"id": 7, "type": "message", "date": "2022-05-02T10:00:00", "from": "Друг",
                 "text": "Привет, видел новости про мост?"}]},
        ]},
    }  # fmt: skip
    folder = tmp_path / "DataExport_2022-05-03"
    folder.mkdir()
    (folder / "result.json").write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    report = Ingestor(case, settings).ingest([folder])
    assert report.count(NEW) == 2
    docs = _by_external_id(case)
    channel, chat = docs["telegram:555/7"], docs["telegram:9/7"]  # same message id, two chats
    assert channel.text == "Официально: мост открыт."
    assert channel.meta["telegram"]["entities"] == [
        {"type": "bold", "start": 12, "end": 23, "text": "мост открыт"}
    ]
    assert channel.url == "https://t.me/c/555/7" and channel.published_text == "2022-05-01T09:30:00"
    assert chat.url is None and chat.source.name == "Друг"  # a personal chat has no link
