"""Answers back into the group's chats in Одноклассники, through the outbox."""

from __future__ import annotations

from otklik.cases.models import OutboxMessage
from otklik.cases.outbox import TransportError
from otklik.channels.fanout import deliver_to_each
from otklik.channels.ok import api
from otklik.intake.models import Message

MAX_CHATS = 50


def _send(chat: str, text: str):
    def send() -> None:
        api.call(f"me/messages/{chat}", {"recipient": {"chat_id": chat}, "message": {"text": text}})

    return send


def ok_send(outbox: OutboxMessage) -> None:
    """Every OK chat the case's messages came from gets the answer once."""
    text = (outbox.payload or {}).get("text", "").strip()
    if not text:
        raise TransportError("Пустой текст ответа.", permanent=True)
    chats: list[str] = []
    ids = Message.objects.filter(case_id=outbox.case_id, channel__code="ok").values_list(
        "external_id", flat=True
    )
    for external_id in ids.order_by("received_at"):
        chat = external_id.split("/", 1)[0]
        if chat.startswith("chat:") and chat not in chats:
            chats.append(chat)
    targets = [(chat, _send(chat, text)) for chat in chats[:MAX_CHATS]]
    deliver_to_each(outbox, targets, errors=api.OkError, key="ok")
