"""Telegram Desktop's chat export ("Export chat history", JSON): ``result.json`` and its media.

Every message with text becomes a document (the n-th message of the file is its part n): its
date, its author and channel, its link, its reply and forward chain and its text entities
(links, mentions, hashtags, as offsets into the text) are kept in ``meta["telegram"]``. A
forwarded message's source is the channel it was forwarded from, so on the claim board it
counts as that channel, once, however many channels forwarded it. A voice note, round video,
video or audio file becomes a recording of its own (``Media``), which names its message.

Each message's identity is ``telegram:CHAT_ID/MESSAGE_ID`` (``documents.external_id``,
unique): a newer export of the same chat adds only the messages not already in the case.

The export does not hold a public channel's username, so links use Telegram's chat-id form,
``https://t.me/c/CHAT_ID/MESSAGE_ID``, which opens the message for anyone who can see the chat.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from overheard.errors import InputError
from overheard.ingest.formats import Media, Record, RecordError, parse_date

EXPORT_FILE = "result.json"

CHAT_TYPES = ("personal_chat", "bot_chat", "private_group", "private_supergroup",
              "public_supergroup", "private_channel", "public_channel", "saved_messages")  # fmt: skip
# Chats whose messages have a t.me/c/ link; a personal chat's or a small group's do not.
_LINKED = {"private_supergroup", "public_supergroup", "private_channel", "public_channel"}
_CHANNELS = {"private_channel", "public_channel"}
# The media that hold speech, as people call them.
RECORDINGS = {"voice_message": "voice message", "video_message": "round video",
              "video_file": "video", "audio_file": "audio file"}  # fmt: skip

_SINGLE_CHAT = re.compile(rb'"type"\s*:\s*"(' + "|".join(CHAT_TYPES).encode() + rb')"')
_ACCOUNT = re.compile(rb'^\s*\{\s*"about"\s*:\s*"Here is the data you requested')


def looks_like_export(head: bytes) -> bool:
    """Whether a JSON file's first bytes are a Telegram export's (one chat or a whole account)."""
    return bool(_ACCOUNT.match(head) or (_SINGLE_CHAT.search(head) and b'"messages"' in head))


def is_export_folder(folder: Path) -> bool:
    """Whether ``folder`` is an export: a ``result.json`` that looks like one, beside its media."""
    try:
        with (folder / EXPORT_FILE).open("rb") as handle:
            return looks_like_export(handle.read(4096))
    except OSError:
        return False


def is_export(parsed: Any) -> bool:
    if not isinstance(parsed, dict):
        return False
    if isinstance(parsed.get("messages"), list) and parsed.get("type") in CHAT_TYPES:
        return True
    chats = parsed.get("chats")
    return isinstance(chats, dict) and isinstance(chats.get("list"), list)


def read_export(parsed: dict[str, Any], path: Path) -> list[Record | RecordError | Media]:
    """The messages of a parsed ``result.json`` (one chat's export, or a whole account's)."""
    if "messages" in parsed:
        chats = [parsed]
    else:
        chats = [
            chat
            for key in ("chats", "left_chats")
            for chat in (parsed.get(key) or {}).get("list") or []
            if isinstance(chat, dict)
        ]
    out: list[Record | RecordError | Media] = []
    part = 0
    for chat in chats:
        reader = _Chat(chat, path.parent)
        for message in chat.get("messages") or []:
            part += 1
            out.extend(reader.message(message, part))
    if not out:
        raise InputError("the Telegram export holds no messages with text or recordings")
    return out


def read_truncated(text: str, path: Path, error: json.JSONDecodeError) -> list[Any]:
    """A one-chat ``result.json`` cut short (an export interrupted, a copy not finished): the
    messages before the cut, and the cut as a failure."""
    start = re.search(r'"messages"\s*:\s*\[', text)
    where = f"line {error.lineno}, column {error.colno}: {error.msg}"
    if start is None:
        raise InputError(f"the Telegram export's result.json is invalid JSON ({where})")
    try:
        header = json.loads(text[: start.start()].rstrip().rstrip(",") + "}")
    except json.JSONDecodeError:
        raise InputError(f"the Telegram export's result.json is invalid JSON ({where})") from None
    decoder = json.JSONDecoder()
    messages: list[Any] = []
    pos = start.end()
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            break
        try:
            message, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
        messages.append(message)
    chat = {**header, "messages": messages}
    out: list[Any] = read_export(chat, path) if messages else []
    last = messages[-1].get("id") if messages and isinstance(messages[-1], dict) else None
    out.append(
        RecordError(
            len(messages) + 1,
            "result.json is cut short (invalid JSON at "
            f"{where}): {len(messages)} message(s) read"
            + (f", up to message {last}" if last is not None else "")
            + "; export the chat again for the rest",
        )
    )
    return out


class _Chat:
    """One chat's messages as records, with the chat's name, id and kind."""

    def __init__(self, chat: dict[str, Any], root: Path) -> None:
        self.root = root
        self.type = str(chat.get("type") or "")
        self.id = _chat_id(chat.get("id"))
        self.name = str(chat.get("name") or ("Saved Messages" if self.type == "saved_messages"
                                               else f"Telegram chat {self.id}"))  # fmt: skip
        self.key = self.id or self.name
        self.username = chat.get("username") if isinstance(chat.get("username"), str) else None

    def link(self, message_id: Any) -> str | None:
        if self.username:
            return f"https://t.me/{self.username}/{message_id}"
        if self.type in _LINKED and self.id:
            return f"https://t.me/c/{self.id}/{message_id}"
        return None

    def message(self, msg: Any, part: int) -> list[Record | RecordError | Media]:
        if not isinstance(msg, dict) or "id" not in msg:
            return [RecordError(part, f"message {part} of the export is not a message object")]
        if msg.get("type", "message") != "message":
            return []  # service messages: joined, pinned, renamed
        msg_id = msg["id"]
        text, entities = message_text(msg)
        forwarded = msg.get("forwarded_from") or msg.get("saved_from")
        # Who published it: the channel it was forwarded from; else the channel, or in a
        # group or a personal chat the member who wrote it.
        source = forwarded or (
            self.name if self.type in _CHANNELS else (msg.get("from") or self.name)
        )
        url = self.link(msg_id)
        tg = {
            "chat": self.name,
            "chat_id": self.id,
            "chat_type": self.type,
            "message_id": msg_id,
            "date": msg.get("date"),
            "from": msg.get("from"),
            "from_id": msg.get("from_id"),
            "author": msg.get("author"),
            "edited": msg.get("edited"),
            "reply_to": msg.get("reply_to_message_id"),
            "reply_to_url": (
                self.link(msg["reply_to_message_id"])
                if msg.get("reply_to_message_id") is not None and not msg.get("reply_to_peer_id")
                else None
            ),
            "forwarded_from": msg.get("forwarded_from"),
            "forwarded_from_id": msg.get("forwarded_from_id"),
            "saved_from": msg.get("saved_from"),
            "forwarded_by": self.name if forwarded else None,
            "media_type": msg.get("media_type") or ("photo" if msg.get("photo") else None),
            "media_file": msg.get("file") or msg.get("photo"),
        }
        tg = {k: v for k, v in tg.items() if v is not None}
        published_text = msg.get("date") if isinstance(msg.get("date"), str) else None
        published_at = _published(msg)
        external_id = f"telegram:{self.key}/{msg_id}"
        title = f"{self.name}, message {msg_id}" + (
            f" (forwarded from {forwarded})" if forwarded else ""
        )
        out: list[Record | RecordError | Media] = []
        if text.strip():
            out.append(
                Record(
                    part=part,
                    text=text,
                    media_type="application/json",
                    title=title,
                    published_text=published_text,
                    published_at=published_at,
                    source=str(source),
                    url=url,
                    meta={"telegram": {**tg, "entities": entities}}
                    if entities
                    else {"telegram": tg},
                    external_id=external_id,
                )
            )
        recording = self._recording(msg, part)
        if isinstance(recording, RecordError):
            out.append(recording)
        elif recording is not None:
            label, file = recording
            out.append(
                Media(
                    part=part,
                    path=file,
                    title=f"{title}: {label}",
                    published_text=published_text,
                    published_at=published_at,
                    source=str(source),
                    url=url,
                    meta={"telegram": tg},
                    parent=external_id if text.strip() else None,
                )
            )
        return out

    def _recording(self, msg: dict[str, Any], part: int) -> tuple[str, Path] | RecordError | None:
        """The message's recording as (what it is, its file), a reason it cannot be read, or
        None where it has none (text only, a photo, a sticker)."""
        media_type = msg.get("media_type")
        mime = str(msg.get("mime_type") or "")
        if media_type not in RECORDINGS and not (
            media_type is None and msg.get("file") and mime.startswith(("audio/", "video/"))
        ):
            return None
        label = RECORDINGS.get(str(media_type), "recording")
        name = msg.get("file")
        if not isinstance(name, str) or not name or name.startswith("("):
            why = name.strip("()") if isinstance(name, str) and name else "no file named"
            return RecordError(
                part,
                f"message {msg['id']}: its {label} is not in the export ({why}); export the "
                "chat again with voice and video messages included",
            )
        root = self.root.resolve()
        file = (root / name).resolve()
        if not file.is_relative_to(root):
            return RecordError(
                part, f"message {msg['id']}: its {label} {name!r} is outside the export folder"
            )
        return label, self.root / name


def message_text(msg: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """A message's plain text and its entities (links, mentions, hashtags, formatting) as
    character offsets into that text. Newer exports give ``text_entities``; older ones a
    ``text`` that is a string or a list of strings and entity objects."""
    parts = msg.get("text_entities")
    if not isinstance(parts, list):
        raw = msg.get("text")
        if isinstance(raw, str):
            parts = [{"type": "plain", "text": raw}]
        elif isinstance(raw, list):
            parts = [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in raw]
        else:
            parts = []
    text = ""
    entities: list[dict[str, Any]] = []
    for piece in parts:
        if not isinstance(piece, dict) or not isinstance(piece.get("text"), str):
            continue
        chunk = piece["text"].replace("\r\n", "\n").replace("\r", "\n")
        kind = str(piece.get("type") or "plain")
        if kind != "plain" and chunk:
            entity: dict[str, Any] = {"type": kind, "start": len(text),
                                      "end": len(text) + len(chunk), "text": chunk}  # fmt: skip
            for extra in ("href", "user_id", "language"):
                if piece.get(extra) is not None:
                    entity[extra] = piece[extra]
            entities.append(entity)
        text += chunk
    return text, entities


def _published(msg: dict[str, Any]) -> datetime | None:
    """The message's time: ``date_unixtime`` (UTC) in newer exports; older ones give only
    ``date``, in the exporting computer's local time, read as UTC."""
    unix = msg.get("date_unixtime")
    if unix is not None:
        try:
            return datetime.fromtimestamp(int(unix), tz=UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            pass
    return parse_date(msg.get("date"))


def _chat_id(value: Any) -> str | None:
    """The bare chat id, as t.me/c/ links use it (an API's -100 prefix removed)."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if text.startswith("-100") and text[4:].isdigit():
        return text[4:]
    return text.lstrip("-") or None
