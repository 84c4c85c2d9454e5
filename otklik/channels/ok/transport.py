"""Answers back into Одноклассники through the outbox, on behalf of the group.

Every OK item of the case gets the answer once: a chat by a message into it (Graph API
``me/messages/<chat_id>``), a topic of the group by a comment under it and a comment by a reply
to it (REST ``discussions.addDiscussionComment`` with ``entityType=GROUP_TOPIC`` and
``as_admin=true`` — the group administration's official answer). A notice (``private_only``)
goes to the chats only, never as a public comment. What was delivered or refused is noted on the
outbox row (``otklik.channels.fanout``), so a retry after a partial failure repeats nothing.
Neither API takes an idempotency key: a delivery whose answer was lost in the network may, when
retried, reach its place twice.
"""

from __future__ import annotations

from otklik.cases.models import OutboxMessage
from otklik.cases.outbox import TransportError
from otklik.channels.fanout import deliver_to_each
from otklik.channels.ok import client
from otklik.intake.models import Message

MAX_TARGETS = 50


def _chat(chat: str, text: str):
    def deliver() -> None:
        client.call(
            f"me/messages/{chat}", {"recipient": {"chat_id": chat}, "message": {"text": text}}
        )

    return deliver


def _comment(topic_id: str, reply_to: str | None, text: str):
    def deliver() -> None:
        creds = client.credentials()
        client.rest_call(
            "discussions.addDiscussionComment",
            creds,
            entityId=topic_id,
            entityType="GROUP_TOPIC",
            comment=text,
            reply_to_comment_id=reply_to,
            as_admin="true",
        )

    return deliver


def _target(external_id: str, text: str):
    """Where an OK item is answered: ``(name, send)``, or ``None`` for an unknown id."""
    if external_id.startswith("chat:"):
        chat = external_id.split("/", 1)[0]
        return chat, _chat(chat, text)
    kind, _, ident = external_id.partition(":")
    if kind == "topic" and ident:
        return external_id, _comment(ident, None, text)
    topic_id, _, comment_id = ident.partition("/")
    if kind == "comment" and topic_id and comment_id:
        reply_to = None if comment_id.startswith("sha:") else comment_id  # hashed: the topic
        return external_id, _comment(topic_id, reply_to, text)
    return None


def send(outbox: OutboxMessage) -> None:
    """The outbox transport of the ``ok`` channel."""
    text = (outbox.payload or {}).get("text", "").strip()
    if not text:
        raise TransportError("Пустой текст ответа.", permanent=True)
    ids = Message.objects.filter(case_id=outbox.case_id, channel__code="ok").order_by("received_at")
    if outbox.payload.get("private_only"):  # a notice: the chats only, never a public comment
        ids = ids.filter(kind__code="message")
    targets: dict[str, object] = {}
    for external_id in ids.values_list("external_id", flat=True):
        found = _target(external_id, text)
        if found is not None and found[0] not in targets:
            targets[found[0]] = found[1]
    deliver_to_each(outbox, list(targets.items())[:MAX_TARGETS], errors=client.OkError, key="ok")
