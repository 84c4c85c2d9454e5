"""OK webhook events → the ingestion format."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from otklik.intake.services import ChannelParseError, NotForIntake

NO_TEXT = "(фото без текста)"


def _message(event: dict) -> dict:
    message = event.get("message")
    return message if isinstance(message, dict) else {}


def _chat(event: dict) -> str:
    recipient = event.get("recipient")
    chat = recipient.get("chat_id") if isinstance(recipient, dict) else None
    return chat if isinstance(chat, str) else ""


def external_id_of(event: dict, body: str) -> str:
    mid = _message(event).get("mid") or event.get("mid")
    chat = _chat(event)
    if chat and isinstance(mid, str) and mid:
        return f"{chat}/{mid}"[:128]
    return "body:" + hashlib.sha256(body.encode()).hexdigest()[:40]


def _photos(message: dict) -> list[dict]:
    items = message.get("attachments")
    if not isinstance(items, list):
        items = [message["attachment"]] if isinstance(message.get("attachment"), dict) else []
    found = []
    for a in items:
        if isinstance(a, dict) and a.get("type") == "IMAGE":
            url = (a.get("payload") or {}).get("url")
            if (
                isinstance(url, str)
                and url.startswith(("https://", "http://"))
                and len(url) <= 1024
            ):
                found.append({"url": url, "content_type": "image/jpeg"})
    return found


def convert_event(event: dict) -> dict:
    kind = event.get("webhookType")
    if kind != "MESSAGE_CREATED":
        raise NotForIntake(f"Событие Одноклассников «{kind}» не содержит сообщения для Отклика.")
    if not _chat(event):
        raise ChannelParseError("Нет recipient.chat_id.")
    message = _message(event)
    text = message.get("text")
    if text is not None and not isinstance(text, str):
        raise ChannelParseError("Текст сообщения не строка.")
    photos = _photos(message)
    text = (text or "").strip() or (NO_TEXT if photos else "")
    if not text:
        raise NotForIntake("Нет ни текста, ни фото (стикер или пустое сообщение).")
    sender = event.get("sender") if isinstance(event.get("sender"), dict) else {}
    item: dict[str, Any] = {"kind": "message", "text": text, "attachments": photos}
    if sender.get("user_id"):
        name = str(sender.get("name") or "")[:255]
        item["author"] = {"id": f"ok:{sender['user_id']}"[:128], "name": name}
    stamp = event.get("timestamp")
    if isinstance(stamp, int | float):
        item["received_at"] = dt.datetime.fromtimestamp(stamp / 1000, tz=dt.UTC).isoformat()
    return item


def convert_body(body: str) -> dict:
    try:
        event = json.loads(body)
    except ValueError:
        raise ChannelParseError("Тело не в формате JSON.") from None
    if not isinstance(event, dict):
        raise ChannelParseError("Ожидается объект JSON.")
    return convert_event(event)
