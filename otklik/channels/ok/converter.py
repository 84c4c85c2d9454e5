"""OK items → the ingestion format: chat messages of the webhook, and the group's topics and
their comments read through the REST API.

External ids name the item: ``<chat_id>/<mid>`` for a chat message, ``topic:<topic id>`` for a
topic (post) of the group, ``comment:<topic id>/<comment id>`` for a comment under it.
"""

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
    stamp = _stamp_ms(event.get("timestamp"))
    if stamp:
        item["received_at"] = stamp
    return item


# What the poll of the group keeps of each item: the object as OK gave it, in an envelope naming
# the method it came from and the group (and, for a comment, its topic).
TOPIC_SOURCE = "mediatopic.getByIds"
COMMENT_SOURCE = "discussions.getComments"
ID_LIMIT = 128  # Message.external_id


def ok_id(value: Any) -> str:
    return str(value) if isinstance(value, str | int) and str(value).strip() else ""


def topic_external_id(topic_id: str) -> str:
    return f"topic:{topic_id}"


def comment_external_id(topic_id: str, comment_id: str) -> str:
    """``comment:<topic>/<comment>``; a comment id too long to keep whole is hashed (the answer
    then goes under the topic, not as a reply to the comment)."""
    whole = f"comment:{topic_id}/{comment_id}"
    if len(whole) <= ID_LIMIT:
        return whole
    return f"comment:{topic_id}/sha:" + hashlib.sha256(comment_id.encode()).hexdigest()[:40]


def from_ms(value: Any) -> dt.datetime | None:
    """OK's time in milliseconds since the epoch; ``None`` when it is not a usable number."""
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _stamp_ms(value: Any) -> str | None:
    moment = from_ms(value)
    return moment.isoformat() if moment is not None else None


def _topic_text(topic: dict) -> str:
    media = topic.get("media")
    if media is not None and not isinstance(media, list):
        raise ChannelParseError("Поле media темы не список.")
    texts, photo = [], False
    for block in media or []:
        if not isinstance(block, dict):
            raise ChannelParseError("Блок media темы не объект.")
        if block.get("type") == "text":
            text = block.get("text")
            if not isinstance(text, str):
                raise ChannelParseError("Текст темы не строка.")
            texts.append(text.strip())
        elif block.get("type") == "photo":
            photo = True
    text = "\n\n".join(t for t in texts if t)
    if text:
        return text
    if photo:
        return NO_TEXT
    raise NotForIntake("В теме нет ни текста, ни фото (видео, опрос, репост).")


def convert_topic(envelope: dict) -> dict:
    """A topic of the group (``mediatopic.getByIds``): a citizen's post → ``publication``; the
    group's own posts are not messages to it."""
    topic = envelope.get("media_topic")
    if not isinstance(topic, dict):
        raise ChannelParseError("Нет объекта media_topic.")
    topic_id, group = ok_id(topic.get("id")), ok_id(envelope.get("group_id"))
    if not topic_id:
        raise ChannelParseError("В теме нет id.")
    author = topic.get("author_ref")
    if not isinstance(author, str) or not author:
        raise ChannelParseError("Не указан автор темы (author_ref).")
    if group and author == f"group:{group}":
        raise NotForIntake("Тема самой группы (официальный аккаунт).")
    item = {
        "kind": "publication",
        "text": _topic_text(topic),
        "received_at": _stamp_ms(topic.get("created_ms")),
        "author": {
            "id": f"ok:{author}"[:128],
            "name": str(envelope.get("author_name") or "")[:255],
        },
        "url": f"https://ok.ru/group/{group}/topic/{topic_id}" if group else "",
    }
    return {k: v for k, v in item.items() if v not in (None, "")}


def convert_comment(envelope: dict) -> dict:
    """A comment under a topic of the group (``discussions.getComments``): a citizen's comment →
    ``publication``; the group's own comments (its answers) are not messages to it."""
    comment = envelope.get("comment")
    if not isinstance(comment, dict):
        raise ChannelParseError("Нет объекта comment.")
    topic_id, group = ok_id(envelope.get("discussionId")), ok_id(envelope.get("group_id"))
    if not topic_id or not ok_id(comment.get("id")):
        raise ChannelParseError("У комментария нет id или discussionId.")
    author = ok_id(comment.get("author_id"))
    if group and (author == group or comment.get("author_ref") == f"group:{group}"):
        raise NotForIntake("Комментарий самой группы (официальный аккаунт).")
    text = comment.get("text")
    if text is not None and not isinstance(text, str):
        raise ChannelParseError("Текст комментария не строка.")
    if not (text or "").strip():
        raise NotForIntake("Комментарий без текста (стикер или фото без подписи).")
    item = {
        "kind": "publication",
        "text": text.strip(),
        "received_at": _stamp_ms(comment.get("date_ms")),
        "url": f"https://ok.ru/group/{group}/topic/{topic_id}" if group else "",
    }
    if author:
        name = str(comment.get("author_name") or "")[:255]
        item["author"] = {"id": f"ok:user:{author}"[:128], "name": name}
    return {k: v for k, v in item.items() if v not in (None, "")}


def convert(body: str) -> dict:
    """A stored raw body (a webhook event, or a topic or comment of the poll) again, for the
    quarantine."""
    try:
        data = json.loads(body)
    except ValueError:
        raise ChannelParseError("Тело не в формате JSON.") from None
    if not isinstance(data, dict):
        raise ChannelParseError("Ожидается объект JSON.")
    if data.get("source") == TOPIC_SOURCE:
        return convert_topic(data)
    if data.get("source") == COMMENT_SOURCE:
        return convert_comment(data)
    return convert_event(data)
