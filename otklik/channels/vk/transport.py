"""Answers back into VK through the outbox, on behalf of the community.

Every VK message of the case gets the answer: a private message by ``messages.send`` (to its
peer), a post by ``wall.createComment`` under it, a comment by a reply to it
(``reply_to_comment``). Each target is tried once per attempt; what was delivered is noted in
the outbox row's payload (``vk_done``) and both methods are idempotent on VK's side
(``random_id`` / ``guid`` derived from the outbox row and the message), so a retry after a
partial failure sends nothing twice (``otklik.channels.fanout``).
"""

from __future__ import annotations

import functools
import hashlib

from otklik.cases.models import OutboxMessage
from otklik.cases.outbox import TransportError
from otklik.channels.fanout import deliver_to_each
from otklik.channels.secrets import channel_secret
from otklik.channels.vk import client
from otklik.intake.models import Message

MESSAGE_LIMIT = 4000  # messages.send takes up to 4096 characters
MAX_TARGETS = 50


def _stable_int(*parts: object) -> int:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()
    return int(digest[:8], 16) & 0x7FFFFFFF  # random_id is a signed 32-bit integer


def _chunks(text: str) -> list[str]:
    return [text[i : i + MESSAGE_LIMIT] for i in range(0, len(text), MESSAGE_LIMIT)] or [""]


def _send_one(outbox: OutboxMessage, message: Message, text: str) -> None:
    kind, _, ident = message.external_id.partition(":")
    parts = ident.split("_")
    if kind == "msg" and len(parts) == 2:
        token = channel_secret("vk", "token")
        for n, chunk in enumerate(_chunks(text)):
            client.call(
                "messages.send",
                token=token,
                peer_id=parts[0],
                message=chunk,
                random_id=_stable_int("otklik", outbox.pk, message.pk, n),
            )
        return
    if kind in ("wall", "comment") and len(parts) == (2 if kind == "wall" else 3):
        token = channel_secret("vk", "user_token", required=False) or channel_secret("vk", "token")
        client.call(
            "wall.createComment",
            token=token,
            owner_id=parts[0],
            post_id=parts[1],
            from_group=client.group_id(),
            message=text,
            reply_to_comment=parts[2] if kind == "comment" else None,
            guid=f"otklik-{outbox.pk}-{message.pk}",
        )
        return
    raise client.VkError(
        f"Не указан способ ответа: номер «{message.external_id}» не относится ни к личному "
        "сообщению, ни к записи, ни к комментарию ВКонтакте.",
        permanent=True,
    )


def send(outbox: OutboxMessage) -> None:
    """The outbox transport of the ``vk`` channel."""
    text = (outbox.payload or {}).get("text", "").strip()
    if not text:
        raise TransportError("Пустой текст ответа.", permanent=True)
    messages = Message.objects.filter(case_id=outbox.case_id, channel__code="vk")
    if outbox.payload.get("private_only"):  # a notice: private messages only, never a comment
        messages = messages.filter(kind__code="message")
    targets = [
        (str(m.pk), functools.partial(_send_one, outbox, m, text))
        for m in messages.order_by("received_at")[:MAX_TARGETS]
    ]
    deliver_to_each(outbox, targets, errors=client.VkError, key="vk")
