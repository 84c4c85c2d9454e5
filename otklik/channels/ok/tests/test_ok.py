"""Одноклассники: the group chat's webhook in, answers out through the Graph API."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from otklik.cases.choices import CaseStatus, OutboxStatus
from otklik.cases.outbox import outbox_deliver_one
from otklik.cases.services.opening import case_open_or_join
from otklik.channels.ok.tests.conftest import KEY, approve, event, fixture
from otklik.channels.ok.tests.okserver import ok_error
from otklik.intake.models import Delivery, DeliveryStatus, Message

pytestmark = pytest.mark.django_db

ANSWER = "Аварийная бригада восстановила электроснабжение в 14:20."


def post(client, body: str, key: str = KEY) -> tuple[int, str]:
    url = reverse("channels_ok:webhook", kwargs={"key": key})
    response = client.post(url, body, content_type="application/json")
    return response.status_code, response.content.decode()


def test_a_chat_message_becomes_a_message_and_a_repeat_changes_nothing(client, region):
    assert post(client, fixture("message_created")) == (200, "ok")
    assert post(client, fixture("message_created")) == (200, "ok")
    message = Message.objects.get()
    assert (message.channel.code, message.kind.code) == ("ok", "message")
    assert message.external_id == "chat:C3ecb9d02a600/mid:C3ecb9d02a600.1937e8a7f0e"
    assert message.text.startswith("Добрый день! В Урюпинске")
    assert (message.author.channel_user_id, message.author.name) == (
        "ok:user:575662066926",
        "Мария Кузнецова",
    )
    assert message.received_at.timestamp() == 1764276000.123
    assert [a.url for a in message.attachments.all()] == [
        "https://i.mycdn.me/i?r=AzEPZsRbOZEKgBhR0XGMT1Rk"
    ]
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize("key", ["guess", "ключ"])
def test_a_wrong_address_is_refused_and_nothing_is_stored(client, region, key):
    assert post(client, fixture("message_created"), key=key) == (403, "forbidden")
    assert not Delivery.objects.exists()


def test_other_webhook_types_are_kept_and_discarded(client, region):
    assert post(client, fixture("chat_system")) == (200, "ok")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DISCARDED and "CHAT_SYSTEM" in delivery.error


@pytest.mark.parametrize(
    ("body", "reason"),
    [(fixture("malformed"), "chat_id"), ("{oops", "JSON"), ("[1, 2]", "объект")],
)
def test_a_malformed_event_waits_in_the_quarantine(client, region, body, reason):
    assert post(client, body) == (200, "ok")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.QUARANTINED and reason in delivery.error
    assert delivery.body == body and not Message.objects.exists()


def ok_case(client, personas, capture, *names):
    for name in names:
        post(client, fixture(name))
    case, _ = case_open_or_join(message=Message.objects.order_by("pk").first())
    return approve(case, personas, capture, ANSWER)


def test_the_answer_goes_into_the_chat(
    client, personas, ok_api, django_capture_on_commit_callbacks
):
    case, outbox = ok_case(client, personas, django_capture_on_commit_callbacks, "message_created")
    assert (outbox.status, case.status) == (OutboxStatus.SENT, CaseStatus.PUBLISHED)
    ((path, query, body),) = ok_api.calls
    assert path == "/graph/me/messages/chat:C3ecb9d02a600"
    assert query == {"access_token": "tkn1-group-key"}
    assert body == {"recipient": {"chat_id": "chat:C3ecb9d02a600"}, "message": {"text": ANSWER}}


def test_a_refusal_is_permanent(client, personas, ok_api, django_capture_on_commit_callbacks):
    ok_api.queued = [ok_error(10, "PERMISSION_DENIED : user blocked the group")]
    case, outbox = ok_case(client, personas, django_capture_on_commit_callbacks, "message_created")
    assert outbox.status == OutboxStatus.FAILED and "PERMISSION_DENIED" in outbox.last_error
    assert case.status == CaseStatus.APPROVED and len(ok_api.calls) == 1


def test_a_service_error_is_retried_and_the_chat_answered_once(
    client, personas, ok_api, django_capture_on_commit_callbacks
):
    ok_api.queued = [ok_error(2, "SERVICE : Service temporary unavailable")]
    case, outbox = ok_case(client, personas, django_capture_on_commit_callbacks, "message_created")
    assert (outbox.status, case.status) == (OutboxStatus.PENDING, CaseStatus.APPROVED)
    assert outbox_deliver_one(outbox.pk) == OutboxStatus.SENT
    assert outbox_deliver_one(outbox.pk) == OutboxStatus.SENT
    assert len(ok_api.calls) == 2  # unavailable, sent — and not sent again
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED


def test_ok_subscribe_registers_the_webhook(ok_api, capsys):
    url = f"https://cur.example.ru/channels/ok/webhook/{KEY}/"
    call_command("ok_subscribe", url)
    ((path, query, body),) = ok_api.calls
    assert (path, body) == ("/graph/me/subscribe", {"url": url})
    assert query["access_token"] == "tkn1-group-key"
    assert "success" in capsys.readouterr().out


def test_the_quarantine_retries_an_ok_body_through_the_adapter(client, region, personas):
    from otklik.intake.services import delivery_retry

    post(client, fixture("malformed"))
    delivery = Delivery.objects.get()
    fixed = event("malformed")
    fixed["recipient"] = {"chat_id": "chat:C3ecb9d02a600"}
    result = delivery_retry(
        actor=personas["analyst"], delivery=delivery, body=json.dumps(fixed, ensure_ascii=False)
    )
    assert Message.objects.get(pk=result.message_id).text == "Куда писать про мусор?"


def test_the_author_hears_the_case_number_in_the_chat(
    client, region, ok_api, django_capture_on_commit_callbacks
):
    post(client, fixture("message_created"))
    with django_capture_on_commit_callbacks(execute=True):
        case, _ = case_open_or_join(message=Message.objects.get())
    ((path, _, body),) = ok_api.calls
    assert path == "/graph/me/messages/chat:C3ecb9d02a600"
    assert case.number in body["message"]["text"]
