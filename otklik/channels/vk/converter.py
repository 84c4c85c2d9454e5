"""VK items (Callback API events, posts found by the monitor) → the ingestion format.

The external id names the item, whatever delivered it: ``wall:<owner>_<post>`` for a post,
``comment:<owner>_<post>_<comment>`` for a comment, ``msg:<peer>_<conversation_message_id>``
for a private message to the community.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from otklik.intake.services import ChannelParseError, NotForIntake

TAKEN = {"message_new", "wall_post_new", "wall_reply_new"}
NO_TEXT = "(фото без текста)"
URL_LIMIT = 1024  # Attachment.url


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def post_id(owner_id: Any, post: Any) -> str:
    return f"wall:{owner_id}_{post}"


def external_id_of(event: dict, body: str) -> str:
    """The item's own id; for what is not an item (a service event, a broken one) the event's
    id, or a hash of the body."""
    obj = event.get("object") if isinstance(event.get("object"), dict) else {}
    kind = event.get("type")
    if kind == "message_new":
        message = obj.get("message") if isinstance(obj.get("message"), dict) else {}
        peer, cmid = _int(message.get("peer_id")), _int(message.get("conversation_message_id"))
        if peer is not None and cmid is not None:
            return f"msg:{peer}_{cmid}"
    elif kind == "wall_post_new":
        owner, post = _int(obj.get("owner_id")), _int(obj.get("id"))
        if owner is not None and post is not None:
            return post_id(owner, post)
    elif kind == "wall_reply_new":
        owner, post, comment = (_int(obj.get(k)) for k in ("owner_id", "post_id", "id"))
        if None not in (owner, post, comment):
            return f"comment:{owner}_{post}_{comment}"
    event_id = event.get("event_id")
    if isinstance(event_id, str) and event_id:
        return f"event:{event_id}"[:128]
    return "body:" + hashlib.sha256(body.encode()).hexdigest()[:40]


def _when(value: Any) -> str | None:
    stamp = _int(value)
    if stamp is None:
        return None
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC).isoformat()


def _photos(attachments: Any) -> list[dict]:
    """The largest size of each photo (VK lists sizes; the widest is the original)."""
    found = []
    for a in attachments if isinstance(attachments, list) else []:
        if not isinstance(a, dict) or a.get("type") != "photo":
            continue
        photo = a.get("photo") or {}
        candidates = [*(photo.get("sizes") or []), photo.get("orig_photo")]  # 5.199: original
        sizes = [
            s
            for s in candidates
            if isinstance(s, dict) and 0 < len(str(s.get("url") or "")) <= URL_LIMIT
        ]
        if sizes:
            best = max(sizes, key=lambda s: (s.get("width") or 0) * (s.get("height") or 0))
            found.append({"url": best["url"], "content_type": "image/jpeg"})
    return found


def _voice(attachments: Any) -> str:
    for a in attachments if isinstance(attachments, list) else []:
        if isinstance(a, dict) and a.get("type") == "audio_message":
            return ((a.get("audio_message") or {}).get("transcript") or "").strip()
    return ""


def _text(obj: dict, photos: list[dict]) -> str:
    text = obj.get("text")
    if text is not None and not isinstance(text, str):
        raise ChannelParseError("Текст записи не строка.")
    text = (text or "").strip() or _voice(obj.get("attachments"))
    if text:
        return text
    if photos:
        return NO_TEXT
    raise NotForIntake("Нет ни текста, ни фото (стикер, репост или пустое сообщение).")


def _author(from_id: Any, names: dict[int, str] | None = None) -> dict:
    author_id = _int(from_id)
    if author_id is None:
        return {}
    return {"id": f"vk:{author_id}", "name": (names or {}).get(author_id, "")[:255]}


def geo_location(obj: dict) -> dict:
    geo = obj.get("geo") if isinstance(obj.get("geo"), dict) else {}
    coordinates = geo.get("coordinates")
    if isinstance(coordinates, dict):  # newer versions: {"latitude": …, "longitude": …}
        lat, lon = coordinates.get("latitude"), coordinates.get("longitude")
    elif isinstance(coordinates, str) and len(coordinates.split()) == 2:
        lat, lon = coordinates.split()
    else:
        return {}
    try:
        location = {"lat": float(lat), "lon": float(lon)}
    except (TypeError, ValueError):
        return {}
    title = (geo.get("place") or {}).get("title")
    if title:
        location["address"] = str(title)[:255]
    return location


def _item(kind: str, obj: dict, *, author_id: Any, url: str = "", names=None) -> dict:
    """The ingestion item of one post, comment or message (``obj`` as VK gives it)."""
    photos = _photos(obj.get("attachments"))
    item = {
        "kind": kind,
        "text": _text(obj, photos),
        "received_at": _when(obj.get("date")),
        "author": _author(author_id, names),
        "attachments": photos,
        "url": url,
        "location": geo_location(obj),
    }
    return {k: v for k, v in item.items() if v not in (None, "", {}, [])}


def convert_post(post: dict, *, names: dict[int, str] | None = None, own_group: int = 0) -> dict:
    """A wall post (from the Callback API or from newsfeed.search)."""
    owner, number = _int(post.get("owner_id")), _int(post.get("id"))
    if owner is None or number is None:
        raise ChannelParseError("В записи нет owner_id или id.")
    if own_group and _int(post.get("from_id")) == -own_group:
        raise NotForIntake("Запись самого сообщества (официальный аккаунт).")
    return _item(
        "publication",
        post,
        author_id=post.get("from_id") or owner,
        url=f"https://vk.com/wall{owner}_{number}",
        names=names,
    )


def convert_event(event: dict, *, own_group: int = 0) -> dict:
    """A Callback API event (its secret already checked)."""
    kind = event.get("type")
    if kind not in TAKEN:
        raise NotForIntake(f"Событие ВКонтакте «{kind}» не содержит сообщения для Отклика.")
    obj = event.get("object")
    if not isinstance(obj, dict):
        raise ChannelParseError(f"Событие {kind}: нет object.")
    if kind == "wall_post_new":
        return convert_post(obj, own_group=own_group)
    if kind == "wall_reply_new":
        owner, post, comment = (_int(obj.get(k)) for k in ("owner_id", "post_id", "id"))
        if None in (owner, post, comment):
            raise ChannelParseError("Комментарий без owner_id, post_id или id.")
        if own_group and _int(obj.get("from_id")) == -own_group:
            raise NotForIntake("Комментарий самого сообщества (официальный аккаунт).")
        url = f"https://vk.com/wall{owner}_{post}?reply={comment}"
        return _item("publication", obj, author_id=obj.get("from_id"), url=url)
    message = obj.get("message")
    if not isinstance(message, dict):
        raise ChannelParseError("message_new без object.message.")
    if _int(message.get("peer_id")) is None or _int(message.get("conversation_message_id")) is None:
        raise ChannelParseError("message_new без peer_id или conversation_message_id.")
    return _item("message", message, author_id=message.get("from_id"))


def convert(body: str) -> dict:
    """A stored raw body (a callback event or a monitored post) again, for the quarantine."""
    try:
        data = json.loads(body)
    except ValueError:
        raise ChannelParseError("Тело не в формате JSON.") from None
    if not isinstance(data, dict):
        raise ChannelParseError("Ожидается объект JSON.")
    if "type" in data:
        return convert_event(data)
    return convert_post(data)
