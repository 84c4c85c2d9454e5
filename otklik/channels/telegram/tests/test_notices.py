"""Status news go out as outbox rows of kind ``notice``: retried when the Bot API fails,
failed for good when the user blocked the bot, one row per case, event and chat, shown on the
case page."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from otklik.cases.choices import OutboxStatus
from otklik.cases.models import Case, CaseEvent, OutboxMessage
from otklik.cases.outbox import outbox_retry_due
from otklik.cases.services.lifecycle import case_accept
from otklik.channels.models import ChannelHealth
from otklik.channels.telegram import texts
from otklik.channels.telegram.models import TelegramChat
from otklik.channels.telegram.news import case_news_queue
from otklik.channels.telegram.services import update_receive
from otklik.channels.telegram.tests.conftest import CHAT, load
from otklik.channels.telegram.transport import BLOCKED
from otklik.directory.models import Organization

pytestmark = pytest.mark.django_db


def write(capture):
    with capture(execute=True):
        update_receive(body=json.dumps(load("message_text"), ensure_ascii=False))
    return Case.objects.get()


def notices(case):
    return list(OutboxMessage.objects.filter(case=case, kind="notice").order_by("pk"))


def test_a_failing_api_retries_the_notice_and_delivers_it_later(
    region, bot, consented, django_capture_on_commit_callbacks
):
    bot.fail_next("sendMessage", 502, "Bad Gateway")
    case = write(django_capture_on_commit_callbacks)
    [row] = notices(case)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "502" in row.last_error and row.next_attempt_at is not None
    assert [(m["chat_id"], m["text"]) for m in bot.sent()] == [(CHAT, row.payload["text"])]
    assert ChannelHealth.objects.get(channel__code="telegram").error_total == 1
    # before the backoff is over nothing is tried; after it, the notice goes out
    assert outbox_retry_due(now=row.next_attempt_at - dt.timedelta(seconds=1)) == 0
    assert outbox_retry_due(now=row.next_attempt_at) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 2, "")
    assert [m["text"] for m in bot.sent()] == [texts.OPENED.format(number=case.number)] * 2


def test_a_blocked_bot_fails_the_notice_for_good_and_marks_the_chat(
    region, bot, consented, personas, django_capture_on_commit_callbacks
):
    bot.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    case = write(django_capture_on_commit_callbacks)
    [row] = notices(case)
    assert (row.status, row.attempts, row.next_attempt_at) == (OutboxStatus.FAILED, 1, None)
    assert "bot was blocked" in row.last_error
    assert TelegramChat.objects.get(chat_id=CHAT).blocked_at is not None
    assert outbox_retry_due() == 0
    calls = len(bot.sent())
    # the next news: a row failed at once with the reason, nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(
            case=case,
            actor=personas["analyst"],
            organization=Organization.objects.get(code="adm-18410"),
        )
    accepted = notices(case)[-1]
    assert (accepted.payload["event"], accepted.status, accepted.last_error) == (
        "accept",
        OutboxStatus.FAILED,
        BLOCKED,
    )
    assert len(bot.sent()) == calls


def test_one_row_per_case_event_and_chat(
    region, bot, consented, django_capture_on_commit_callbacks
):
    case = write(django_capture_on_commit_callbacks)
    opened = CaseEvent.objects.get(case=case, kind="opened")
    with django_capture_on_commit_callbacks(execute=True):  # the task run twice
        again = case_news_queue(
            case_id=case.pk, number=case.number, kind="opened", data={}, event_id=opened.pk
        )
    assert again is None and len(notices(case)) == 1
    # the same kind of event happening again (another timeline entry) is news again
    with django_capture_on_commit_callbacks(execute=True):
        other = case_news_queue(
            case_id=case.pk, number=case.number, kind="take", data={}, event_id=opened.pk + 1000
        )
    other.refresh_from_db()
    assert other.status == OutboxStatus.SENT
    assert [n.payload["event"] for n in notices(case)] == ["opened", "take"]
    assert bot.sent()[-1]["text"] == texts.TAKEN.format(number=case.number)


def test_the_case_page_shows_the_notices(
    client, region, bot, consented, personas, django_capture_on_commit_callbacks
):
    bot.fail_next("sendMessage", 502, "Bad Gateway")
    case = write(django_capture_on_commit_callbacks)
    client.force_login(personas["analyst"])
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Уведомления заявителю" in page
    assert "ожидает отправки, попыток: 1" in page and "502 Bad Gateway" in page
