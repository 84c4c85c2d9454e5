"""Telling an author who wrote privately (a VK community message, an OK group chat) about their
case: its number when it opens, the satisfaction survey when the answer is published.

Adapters subscribe their channel with ``notices_listen``. A notice is an outbox row of kind
``notice`` (so it has the outbox's retries and health), queued once per case and event; the
adapter's transport sends a notice only to the private messages of the case (payload
``private_only``), never as a public comment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from otklik.cases.models import Case, OutboxMessage
from otklik.cases.outbox import outbox_queue
from otklik.cases.services.surveys import survey_open

EVENTS = ("opened", "publish")
_CHANNELS: set[str] = set()


def notice_text(*, case: Case, event: str) -> str:
    if event == "opened":
        return (
            f"Ваше сообщение зарегистрировано в ЦУР Волгоградской области, номер {case.number}. "
            "Ответ придёт в этот диалог."
        )
    base = settings.OTKLIK_PUBLIC_URL.rstrip("/")
    survey = survey_open(case=case)
    if event != "publish" or not base or survey is None:
        return ""  # no address to send the citizen to: no survey by this channel
    link = base + reverse("cases:survey", args=[survey.token])
    return f"Помог ли ответ по обращению {case.number}? Оцените, пожалуйста: {link}"


@transaction.atomic
def author_notice_queue(*, case_id: int, event: str) -> OutboxMessage | None:
    """Queue the notice of ``event`` for the case's private authors (once per case and event)."""
    case = Case.objects.select_for_update(of=("self",)).select_related("channel").get(pk=case_id)
    if case.channel is None or case.channel.code not in _CHANNELS:
        return None
    if not case.messages.filter(channel=case.channel, kind__code="message").exists():
        return None  # public posts and comments get the answer, not notices
    queued = OutboxMessage.objects.filter(case=case, channel=case.channel, kind="notice")
    if queued.filter(payload__event=event).exists():
        return None
    text = notice_text(case=case, event=event)
    if not text:
        return None
    return outbox_queue(
        case=case, kind="notice", payload={"text": text, "event": event, "private_only": True}
    )


@task()
def author_notice(case_id: int, event: str) -> bool:
    return author_notice_queue(case_id=case_id, event=event) is not None


def _listener(news) -> None:
    if news.channel in _CHANNELS and news.kind in EVENTS:
        author_notice.enqueue(news.case_id, news.kind)


def notices_listen(channel_code: str) -> None:
    """Called by an adapter's ``ready()``: its authors hear of their case."""
    from otklik.cases.services.common import on_case_event

    _CHANNELS.add(channel_code)
    on_case_event(_listener)
