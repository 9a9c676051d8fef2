"""Inputs written here for the importers' tests: a synthetic Telegram channel export (its voice
notes are the bundled sample calls), never real channel data."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "intercepts"

CHANNEL = {"name": "Синтетический канал", "type": "public_channel", "id": 1000000001}


def message(msg_id: int, text: Any = "", **fields: Any) -> dict[str, Any]:
    """A message as Telegram Desktop writes it (date 2024-03-0N 10:00 UTC for message N)."""
    day = 1 + msg_id % 28
    return {
        "id": msg_id,
        "type": "message",
        "date": f"2024-03-{day:02d}T12:00:00",
        "date_unixtime": str(1709287200 + (day - 1) * 86400),
        "from": CHANNEL["name"],
        "from_id": f"channel{CHANNEL['id']}",
        "text": text,
        "text_entities": _entities(text),
        **fields,
    }


def _entities(text: Any) -> list[dict[str, Any]]:
    if isinstance(text, str):
        return [{"type": "plain", "text": text}] if text else []
    return [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in text]


def voice(msg_id: int, file: str, text: str = "", **fields: Any) -> dict[str, Any]:
    return message(msg_id, text, file=file, media_type="voice_message",
                   mime_type="audio/ogg", duration_seconds=30, **fields)  # fmt: skip


# The channel's history: a post with entities, a voice note with a caption, a reply, a forward
# from another channel, a service message, a photo without text, a voice note without text and
# a round video the export left out.
MESSAGES = [
    message(
        1,
        [
            {"type": "bold", "text": "Срочно."},
            " Минобороны заявило, что мост через реку был повреждён ударом 3 марта. ",
            {"type": "text_link", "text": "Подробнее", "href": "https://example.org/most"},
            " ",
            {"type": "hashtag", "text": "#мост"},
        ],
    ),
    voice(
        2,
        "voice_messages/audio_1@02-03-2024_12-00-00.ogg",
        "Перехват: военные обсуждают пополнение.",
    ),  # fmt: skip
    message(3, "Местные жители сообщают, что мост закрыт для движения.", reply_to_message_id=1),
    message(
        4,
        "Губернатор области заявил, что никакого удара по мосту не было.",
        forwarded_from="Другой канал",
    ),
    {
        "id": 5,
        "type": "service",
        "date": "2024-03-06T12:00:00",
        "date_unixtime": "1709726400",
        "actor": CHANNEL["name"],
        "action": "pin_message",
        "message_id": 1,
        "text": "",
        "text_entities": [],
    },  # fmt: skip
    message(6, "", photo="photos/photo_1@07-03-2024_12-00-00.jpg", width=10, height=10),
    voice(7, "voice_messages/audio_2@08-03-2024_12-00-00.ogg"),
    message(
        8,
        "",
        file="(File not included. Change data exporting settings to download.)",
        media_type="video_message",
        mime_type="video/mp4",
    ),  # fmt: skip
]
LATER = [
    message(9, "Минобороны опубликовало новые снимки моста."),
    message(10, "Вечерняя сводка: обстановка без изменений.", reply_to_message_id=9),
]


def write_export(
    folder: Path, messages: list[dict[str, Any]] | None = None, chat: dict[str, Any] | None = None
) -> Path:
    """A channel export folder: result.json, its voice notes and a photo."""
    (folder / "voice_messages").mkdir(parents=True, exist_ok=True)
    (folder / "photos").mkdir(exist_ok=True)
    msgs = MESSAGES if messages is None else messages
    files = {m.get("file") for m in msgs if isinstance(m, dict)}
    clips = {"voice_messages/audio_1@02-03-2024_12-00-00.ogg": "call_02.ogg",
             "voice_messages/audio_2@08-03-2024_12-00-00.ogg": "call_07.ogg"}  # fmt: skip
    for target, clip in clips.items():
        if target in files:
            shutil.copyfile(SAMPLES / clip, folder / target)
    (folder / "photos" / "photo_1@07-03-2024_12-00-00.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    export = {**(chat or CHANNEL), "messages": msgs}
    (folder / "result.json").write_text(
        json.dumps(export, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return folder


@pytest.fixture
def telegram_export(tmp_path: Path) -> Callable[..., Path]:
    """Write a channel export folder under tmp_path (write_export's arguments)."""

    def write(name: str = "ChatExport_2024-03-10", **kwargs: Any) -> Path:
        return write_export(tmp_path / name, **kwargs)

    return write
