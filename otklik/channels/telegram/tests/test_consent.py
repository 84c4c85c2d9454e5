"""Consent to personal-data processing (152-ФЗ) in the bot, against the local fake Bot API:
the first message is held with the question; «Согласен» opens the case; «Не согласен», no
answer in time, or /stop pass messages on anonymously; the callback is idempotent."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from otklik.audit.models import AuditEvent
from otklik.cases.choices import OutboxStatus
from otklik.cases.models import Case, OutboxMessage
from otklik.channels.telegram import texts
from otklik.channels.telegram.consent import consent_holds_expire
from otklik.channels.telegram.models import ConsentHold, HoldOutcome, TelegramChat
from otklik.channels.telegram.news import case_news_queue
from otklik.channels.telegram.services import update_receive
from otklik.channels.telegram.tests.conftest import CHAT, load
from otklik.channels.telegram.transport import CONSENT_WITHDRAWN
from otklik.intake.consent import consent_text
from otklik.intake.models import Contact, Delivery, Message

pytestmark = pytest.mark.django_db
TEXT = "Третий день нет горячей воды в доме на ул. Мира, 12 в Волжском. Звоните +7 905 123-45-67"


def receive(update):
    return update_receive(body=json.dumps(update, ensure_ascii=False))


def write(capture, *, update_id=734561201, text=TEXT):
    update = load("message_text", update_id=update_id, message__text=text)
    update["message"]["message_id"] = update_id
    with capture(execute=True):
        receive(update)
    return Message.objects.get(external_id=str(update_id))


def press(capture, data, *, update_id=734562000):
    update = load("callback_query", update_id=update_id)
    update["callback_query"]["data"] = data
    update["callback_query"]["id"] = f"cb-{update_id}"
    update["callback_query"]["message"]["message_id"] = 1001
    with capture(execute=True):
        return receive(update)


def agree():
    return f"cs:1:{consent_text().version}"


def contact():
    return Contact.objects.filter(channel_user_id=f"tg:{CHAT}").first()


def test_the_first_message_is_stored_and_held_with_the_consent_question(
    region, bot, django_capture_on_commit_callbacks
):
    message = write(django_capture_on_commit_callbacks)
    assert message.case_id is None and Case.objects.count() == 0  # not processed
    assert json.loads(Delivery.objects.get().body)["message"]["text"] == TEXT  # raw first
    hold = ConsentHold.objects.get()
    assert (hold.message, hold.released_at, hold.outcome) == (message, None, "")
    consent = consent_text()
    [question] = bot.sent()
    assert question["chat_id"] == CHAT
    assert consent.text in question["text"] and consent.version in question["text"]
    assert question["reply_markup"] == {
        "inline_keyboard": [
            [
                {"text": "✅ Согласен", "callback_data": f"cs:1:{consent.version}"},
                {"text": "❌ Не согласен", "callback_data": "cs:0"},
            ]
        ]
    }
    assert len(question["text"]) <= 4096
    assert contact().consent_personal_data is False
    # a second message while the question waits: held too, not asked again
    write(django_capture_on_commit_callbacks, update_id=734561202, text="И холодной тоже нет")
    assert [m["text"] for m in bot.sent()[1:]] == [texts.CONSENT_STILL_WAITING]
    assert ConsentHold.objects.filter(released_at__isnull=True).count() == 2


def test_accept_records_the_consent_and_opens_the_case(
    region, bot, django_capture_on_commit_callbacks
):
    message = write(django_capture_on_commit_callbacks)
    press(django_capture_on_commit_callbacks, agree())
    author = contact()
    assert author.consent_personal_data is True
    assert author.consent_text_version == consent_text().version
    assert author.consent_channel == "telegram"
    assert author.consent_at is not None and author.consent_withdrawn_at is None
    [event] = AuditEvent.objects.filter(action="contact.consent")
    assert event.target_id == str(author.pk)
    assert event.data == {"version": consent_text().version, "channel": "telegram"}
    message.refresh_from_db()
    case = Case.objects.get()
    assert message.case == case and case.author == author and message.text == TEXT
    hold = ConsentHold.objects.get()
    assert (hold.outcome, hold.reason) == (HoldOutcome.PERSONAL, "consent")
    [edit] = bot.sent("editMessageText")
    assert edit["text"] == texts.CONSENT_GIVEN.format(version=consent_text().version)
    assert bot.sent()[-1]["text"] == texts.OPENED.format(number=case.number)


def test_the_callback_again_changes_nothing(region, bot, django_capture_on_commit_callbacks):
    write(django_capture_on_commit_callbacks)
    press(django_capture_on_commit_callbacks, agree(), update_id=1)
    sent_before = len(bot.calls)
    # Telegram delivers the same update again: stored once, not acted on
    assert press(django_capture_on_commit_callbacks, agree(), update_id=1).status == "duplicate"
    assert len(bot.calls) == sent_before
    # the citizen taps «Согласен» again (a new update): told so, nothing recorded again
    press(django_capture_on_commit_callbacks, agree(), update_id=2)
    assert bot.sent("answerCallbackQuery")[-1]["text"] == texts.CONSENT_ALREADY
    assert AuditEvent.objects.filter(action="contact.consent").count() == 1
    assert Case.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="notice", payload__event="opened").count() == 1


def test_a_consented_chat_is_never_asked_again(
    region, bot, consented, django_capture_on_commit_callbacks
):
    write(django_capture_on_commit_callbacks)
    case = Case.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        receive(load("message_text", update_id=5, message__text="/start"))
    assert [m["text"] for m in bot.sent()] == [
        texts.OPENED.format(number=case.number),
        texts.GREETING,
    ]
    assert ConsentHold.objects.count() == 0


def test_refuse_passes_the_message_on_anonymously(region, bot, django_capture_on_commit_callbacks):
    message = write(django_capture_on_commit_callbacks)
    press(django_capture_on_commit_callbacks, "cs:0")
    message.refresh_from_db()
    assert message.author is None
    assert "+7 905" not in message.text and "ул. Мира, 12" in message.text
    assert "from" not in message.raw["message"] and message.raw["message"]["chat"] == {
        "type": "private"
    }
    assert json.dumps(message.raw, ensure_ascii=False).count("Петрова") == 0
    assert contact() is None  # the contact held nothing else: deleted
    # the record of the update as it arrived keeps nothing of the author either
    record = Delivery.objects.get(message=message)
    assert "Петрова" not in record.body and "+7 905" not in record.body
    assert json.loads(record.body) == message.raw and message.raw["update_id"] is not None
    case = Case.objects.get()
    assert message.case == case and case.author is None  # the problem still reaches the ЦУР
    hold = ConsentHold.objects.get()
    assert (hold.outcome, hold.reason) == (HoldOutcome.ANONYMOUS, "refused")
    assert TelegramChat.objects.get(chat_id=CHAT).consent_refused_at is not None
    assert [e["text"] for e in bot.sent("editMessageText")] == [texts.CONSENT_REFUSED]
    assert len(bot.sent()) == 1  # the question only: no case number to an anonymous author
    assert OutboxMessage.objects.count() == 0
    # the next message of the chat goes on anonymously at once, without the question
    later = write(django_capture_on_commit_callbacks, update_id=734561300, text="Опять нет воды")
    later.refresh_from_db()
    assert later.author is None and later.case_id is not None
    assert bot.sent()[-1]["text"] == texts.ANONYMOUS_REGISTERED


def test_no_answer_within_the_wait_passes_the_message_on_anonymously_and_a_late_yes_counts(
    region, bot, settings, django_capture_on_commit_callbacks
):
    settings.OTKLIK_TELEGRAM_CONSENT_WAIT_MINUTES = 5
    message = write(django_capture_on_commit_callbacks)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert consent_holds_expire(now=now + dt.timedelta(minutes=4)) == 0
    assert Case.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert consent_holds_expire(now=now + dt.timedelta(minutes=6)) == 1
    message.refresh_from_db()
    assert message.author is None and message.case_id is not None
    assert ConsentHold.objects.get().reason == "timeout"
    assert bot.sent()[-1]["text"] == texts.CONSENT_TIMEOUT
    with django_capture_on_commit_callbacks(execute=True):
        assert consent_holds_expire(now=now + dt.timedelta(minutes=7)) == 0  # told once
    # the citizen answers later: recorded for what comes next; the first stays anonymous
    press(django_capture_on_commit_callbacks, agree())
    assert contact().consent_personal_data is True
    assert bot.sent("editMessageText")[-1]["text"] == (
        texts.CONSENT_GIVEN.format(version=consent_text().version) + texts.CONSENT_GIVEN_LATE
    )
    later = write(django_capture_on_commit_callbacks, update_id=734561300, text="Опять нет воды")
    later.refresh_from_db()
    assert later.author == contact() and later.case.author == contact()


def test_a_stale_text_version_records_nothing_and_asks_again(
    region, bot, django_capture_on_commit_callbacks
):
    write(django_capture_on_commit_callbacks)
    press(django_capture_on_commit_callbacks, "cs:1:web-00000000")
    assert contact().consent_personal_data is False and Case.objects.count() == 0
    assert bot.sent("answerCallbackQuery")[-1]["text"] == texts.CONSENT_STALE
    assert bot.sent()[-1]["reply_markup"] == texts.consent_keyboard(consent_text().version)


def test_stop_withdraws_the_consent(region, bot, consented, django_capture_on_commit_callbacks):
    write(django_capture_on_commit_callbacks)
    case = Case.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        receive(load("message_text", update_id=7, message__text="/stop"))
    author = contact()
    assert author.consent_personal_data is False and author.consent_withdrawn_at is not None
    assert author.consent_text_version == consent_text().version  # what they had agreed to
    [event] = AuditEvent.objects.filter(action="contact.consent_withdraw")
    assert event.data == {"version": consent_text().version, "channel": "telegram"}
    assert bot.sent()[-1]["text"] == texts.CONSENT_WITHDRAWN
    calls = len(bot.calls)
    # news of the case is no longer sent: the row says why, on the case page
    with django_capture_on_commit_callbacks(execute=True):
        row = case_news_queue(case_id=case.pk, number=case.number, kind="take", data={})
    assert (row.status, row.last_error, row.attempts) == (
        OutboxStatus.FAILED,
        CONSENT_WITHDRAWN,
        0,
    )
    assert len(bot.calls) == calls
    # a new message of the chat is passed on anonymously
    later = write(django_capture_on_commit_callbacks, update_id=734561300, text="Опять нет воды")
    later.refresh_from_db()
    assert later.author is None


def quarantined(text=TEXT):
    """An update that did not parse (no date): kept in the quarantine; and its fixed body."""
    update = load("message_text", message__text=text)
    del update["message"]["date"]
    delivery = Delivery.objects.get(pk=receive(update).delivery_id)
    return delivery, json.dumps(load("message_text", message__text=text), ensure_ascii=False)


def test_a_message_retried_from_the_quarantine_is_held_without_consent(
    region, bot, personas, django_capture_on_commit_callbacks
):
    """The ЦУР's retry goes through the same consent check as the webhook: the chat is asked,
    nothing opens; «Не согласен» then passes it on anonymously."""
    from otklik.intake.services import delivery_retry

    delivery, fixed = quarantined()
    with django_capture_on_commit_callbacks(execute=True):
        result = delivery_retry(actor=personas["analyst"], delivery=delivery, body=fixed)
    message = Message.objects.get(pk=result.message_id)
    assert message.case_id is None and Case.objects.count() == 0
    assert ConsentHold.objects.get().message == message
    assert consent_text().text in bot.sent()[-1]["text"]
    press(django_capture_on_commit_callbacks, "cs:0")
    message.refresh_from_db()
    assert message.author is None and message.case_id is not None
    assert "Петрова" not in Delivery.objects.get(message=message).body


def test_a_message_retried_from_the_quarantine_of_a_consented_chat_opens_its_case(
    region, bot, consented, personas, django_capture_on_commit_callbacks
):
    from otklik.intake.services import delivery_retry

    delivery, fixed = quarantined()
    with django_capture_on_commit_callbacks(execute=True):
        result = delivery_retry(actor=personas["analyst"], delivery=delivery, body=fixed)
    message = Message.objects.get(pk=result.message_id)
    assert message.case_id is not None and message.author.channel_user_id == f"tg:{CHAT}"
    assert ConsentHold.objects.count() == 0
