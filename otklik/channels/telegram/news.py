"""Telling the Telegram author about their case: the case news (``on_case_event``) enqueue a
task per event (``case_news_listener``), which queues a notice in the outbox
(``case_news_queue``) with the text of the event and its buttons."""

from __future__ import annotations

from django.db import transaction

from otklik.cases.models import Case, OutboxMessage
from otklik.cases.outbox import outbox_queue
from otklik.cases.services.common import CaseNews
from otklik.channels.telegram import texts
from otklik.channels.telegram.converter import CHANNEL, chat_of
from otklik.channels.telegram.models import TelegramChat
from otklik.channels.telegram.transport import BLOCKED, CONSENT_WITHDRAWN
from otklik.directory.models import Channel, Organization
from otklik.intake.models import Message

NEWS_KINDS = frozenset(
    {"opened", "message_joined", "accept", "assign", "take", "reject", "merge", "extended"}
    | {"publish", "reopen"}
)


def case_news_listener(news: CaseNews) -> None:
    """Told after commit; only enqueues (see ``cases.services.common.on_case_event``)."""
    if news.kind not in NEWS_KINDS:
        return
    if news.channel != CHANNEL and not (
        news.kind == "message_joined" and news.data.get("channel") == CHANNEL
    ):
        return
    from otklik.channels.telegram.tasks import case_news

    case_news.enqueue(
        {
            "case_id": news.case_id,
            "number": news.number,
            "kind": news.kind,
            "data": news.data,
            "event_id": news.event_id,
        }
    )


def _news_text(*, kind: str, number: str, data: dict) -> tuple[str, dict | None]:
    """What the author is told of a case event (plain Russian), with its buttons."""
    org = ""
    if data.get("organization"):
        name = (
            Organization.objects.filter(code=data["organization"])
            .values_list("name", flat=True)
            .first()
        )
        org = f": {name}" if name else ""
    simple = {
        "opened": texts.OPENED,
        "message_joined": texts.JOINED,
        "take": texts.TAKEN,
        "reject": texts.REJECTED_CASE,
        "reopen": texts.REOPENED,
    }
    if kind in simple:
        return simple[kind].format(number=number), None
    if kind == "accept":
        return texts.ACCEPTED.format(number=number, org=org), None
    if kind == "assign":
        return texts.ASSIGNED.format(number=number, org=org), None
    if kind == "merge":
        return texts.MERGED.format(number=number, into=data.get("into", "")), None
    if kind == "extended":
        return texts.EXTENDED.format(number=number, days=data.get("days", "")), None
    if kind == "publish" and data.get("survey"):
        survey = int(data["survey"])
        return texts.SURVEY_QUESTION.format(number=number), texts.survey_keyboard(survey)
    return "", None


def case_news_queue(
    *, case_id: int, number: str, kind: str, data: dict, event_id: int | None = None
):
    """Queue the notice of a case event for its Telegram author (of the case, or of the message
    that joined it) as an outbox row of kind ``notice``: one row per case, event and chat, so a
    repeated task queues nothing more; the outbox sends it and retries with its backoff. A chat
    that blocked the bot or an author who withdrew consent gets a row failed at once, with the
    reason (the ЦУР sees why the author was not told). Returns the row, or None."""
    if kind == "message_joined":
        message = Message.objects.select_related("author").filter(pk=data.get("message_id")).first()
        contact = message.author if message is not None else None
    else:
        case = Case.objects.select_related("author").filter(pk=case_id).first()
        contact = case.author if case is not None else None
    chat_id = chat_of(contact.channel_user_id) if contact is not None else None
    if chat_id is None:
        return None
    text, markup = _news_text(kind=kind, number=number, data=data)
    if not text:
        return None
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
        if case is None:
            return None
        key = {"payload__event": kind, "payload__chat_id": chat_id}
        if event_id is not None:
            key["payload__event_id"] = event_id
        rows = OutboxMessage.objects.filter(case=case, kind="notice", channel__code=CHANNEL)
        if rows.filter(**key).exists():
            return None
        refusal = ""
        if TelegramChat.objects.filter(chat_id=chat_id, blocked_at__isnull=False).exists():
            refusal = BLOCKED
        elif contact.consent_withdrawn_at is not None and not contact.consent_personal_data:
            refusal = CONSENT_WITHDRAWN
        return outbox_queue(
            case=case,
            channel=Channel.objects.get(code=CHANNEL),
            kind="notice",
            payload={
                "text": text,
                "reply_markup": markup,
                "event": kind,
                "event_id": event_id,
                "chat_id": chat_id,
                "private_only": True,
            },
            refusal=refusal,
        )
