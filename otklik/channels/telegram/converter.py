"""Telegram → the ingestion format (``convert``, also the quarantine's retry).

Conversion choices (a citizen on a phone):

- a private chat's text, or a photo/document with a caption, is one message (kind
  ``message``); the author is the Telegram user (``Contact.channel_user_id`` = ``tg:<id>``,
  prefixed so ids of different channels never meet);
- a location (or venue) sent **without text** is not a message of its own: shared within
  ``PENDING_LOCATION_MINUTES`` after the citizen's text (which has no place yet), it becomes
  that message's place; otherwise it waits on the chat for as long and is attached to the
  citizen's next text (the bot says which happened);
- a photo is downloaded by a background task into ``Attachment.file`` (the Bot API's file URL
  holds the token, so it is never stored); the attachment's name carries the file's
  ``file_unique_id``;
- commands, button presses, edits, chat-member events, stickers and voice notes are kept as
  deliveries and marked discarded (``NotForIntake``): the bot answers them itself;
- a message of a chat without consent to personal-data processing is converted and stored the
  same way, but held until the consent question is answered (``consent.py``).

"""

from __future__ import annotations

import datetime as dt
import json
import logging

from otklik.intake.services import ChannelParseError, NotForIntake

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
USER_PREFIX = "tg:"


def user_ref(user_id: int) -> str:
    return f"{USER_PREFIX}{user_id}"


def chat_of(channel_user_id: str) -> int | None:
    """The private chat of a Telegram contact (its chat id is the user id)."""
    if not channel_user_id.startswith(USER_PREFIX):
        return None
    try:
        return int(channel_user_id.removeprefix(USER_PREFIX))
    except ValueError:
        return None


def private_chat_id(message: dict | None) -> int | None:
    chat = (message or {}).get("chat")
    if isinstance(chat, dict) and chat.get("type") == "private":
        chat_id = chat.get("id")
        return chat_id if isinstance(chat_id, int) else None
    return None


def _epoch(value, field: str) -> dt.datetime:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ChannelParseError(f"{field}: нет времени сообщения (date).")
    return dt.datetime.fromtimestamp(value, tz=dt.UTC)


def update_message(update: dict) -> dict | None:
    message = update.get("message")
    return message if isinstance(message, dict) else None


def message_location(message: dict) -> dict | None:
    """``{lat, lon, address}`` of a location or venue message."""
    venue = message.get("venue") if isinstance(message.get("venue"), dict) else None
    location = message.get("location") or (venue or {}).get("location")
    if not isinstance(location, dict):
        return None
    try:
        lat, lon = float(location["latitude"]), float(location["longitude"])
    except (KeyError, TypeError, ValueError):
        raise ChannelParseError("location: нет координат.") from None
    address = " ".join(filter(None, [(venue or {}).get("title"), (venue or {}).get("address")]))
    return {"lat": lat, "lon": lon, "address": address[:255]}


def message_files(message: dict) -> list[dict]:
    """The files of a message to download: ``{file_id, file_unique_id, name, content_type,
    size}`` — the largest size of a photo, or a document."""
    files = []
    photo = message.get("photo")
    if isinstance(photo, list) and photo:
        best = photo[-1]
        if not isinstance(best, dict) or not best.get("file_id"):
            raise ChannelParseError("photo: нет file_id.")
        unique = str(best.get("file_unique_id") or best["file_id"])[:64]
        files.append(
            {
                "file_id": best["file_id"],
                "file_unique_id": unique,
                "name": f"telegram-{unique}.jpg",
                "content_type": "image/jpeg",
                "size": best.get("file_size"),
            }
        )
    document = message.get("document")
    if isinstance(document, dict) and document.get("file_id"):
        unique = str(document.get("file_unique_id") or document["file_id"])[:64]
        files.append(
            {
                "file_id": document["file_id"],
                "file_unique_id": unique,
                "name": f"telegram-{unique}-{document.get('file_name') or 'file'}"[:255],
                "content_type": str(document.get("mime_type") or "")[:128],
                "size": document.get("file_size"),
            }
        )
    return files


def convert_update(update: dict, *, pending_location: dict | None = None) -> dict:
    """One update → an item of the ingestion format (see the module docstring)."""
    if not isinstance(update, dict):
        raise ChannelParseError("Обновление Telegram: ожидается объект JSON.")
    if not isinstance(update.get("update_id"), int):
        raise ChannelParseError("Обновление Telegram без номера (update_id).")
    message = update_message(update)
    if message is None:
        for key, reason in (
            ("edited_message", "Правка отправленного сообщения: не принимается."),
            ("callback_query", "Нажатие кнопки бота."),
            ("my_chat_member", "Служебное событие чата (бот запущен или остановлен)."),
        ):
            if key in update:
                raise NotForIntake(reason)
        if "message" in update:
            raise ChannelParseError("message: ожидается объект.")
        raise NotForIntake("Событие Telegram без сообщения.")
    chat = message.get("chat")
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
        raise ChannelParseError("message.chat: нет номера чата.")
    if chat.get("type") != "private":
        raise NotForIntake("Сообщение не из личного чата с ботом.")
    received_at = _epoch(message.get("date"), "message")
    text = message.get("text") or message.get("caption") or ""
    if not isinstance(text, str):
        raise ChannelParseError("message.text: ожидается строка.")
    text = text.strip()
    if text.startswith("/"):
        raise NotForIntake("Команда бота.")
    location = message_location(message)
    files = message_files(message)
    if not text:
        if location is not None:
            raise NotForIntake("Геопозиция без текста: ждёт следующего сообщения автора.")
        if files:
            raise NotForIntake("Фото или файл без подписи.")
        raise NotForIntake("Сообщение без текста (стикер, голосовое, контакт …).")
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    author: dict = {}
    if isinstance(sender.get("id"), int):
        name = " ".join(filter(None, [sender.get("first_name"), sender.get("last_name")]))
        author = {"id": user_ref(sender["id"]), "name": name[:255]}
    item: dict = {
        "kind": "message",
        "text": text,
        "received_at": received_at.isoformat(),
        "attachments": [
            {"name": f["name"], "content_type": f["content_type"], "size": f["size"]} for f in files
        ],
    }
    if author:
        item["author"] = author
    if pending_location is not None:
        item["location"] = pending_location
    return item


def convert(body: str) -> dict:
    """The quarantine's retry: the stored body read again (a pending location is not
    re-applied)."""
    try:
        update = json.loads(body)
    except ValueError:
        raise ChannelParseError("Неверный JSON обновления Telegram.") from None
    return convert_update(update)
