"""What every adapter shares: raw first, parse after; idempotency; quarantine; health; secrets."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from otklik.channels.models import ChannelHealth
from otklik.channels.secrets import MissingSecret, channel_secret
from otklik.channels.services import channel_receive, health_error, state_get, state_set
from otklik.intake.models import Delivery, DeliveryStatus, Message
from otklik.intake.services import ChannelParseError, NotForIntake

pytestmark = pytest.mark.django_db

UPDATE = {"update_id": 7, "message": {"message_id": 70, "text": "Нет света на ул. Мира, 3"}}


def convert(update: dict):
    def _convert() -> dict:
        msg = update.get("message")
        if msg is None:
            raise NotForIntake("Служебное событие канала: сообщения нет.")
        if not isinstance(msg.get("text"), str):
            raise ChannelParseError("В сообщении нет текста.")
        return {"text": msg["text"], "kind": "message"}

    return _convert


def receive(update: dict, **kw):
    return channel_receive(
        channel_code="telegram",
        external_id=str(update.get("update_id")),
        body=json.dumps(update, ensure_ascii=False),
        convert=convert(update),
        raw=update,
        process=False,
        **kw,
    )


def test_raw_first_then_a_message_and_a_repeat_changes_nothing(region):
    sent = timezone.now() - dt.timedelta(seconds=42)
    first = receive(UPDATE, sent_at=sent)
    assert first.status == "created"
    delivery = Delivery.objects.get(pk=first.delivery_id)
    assert json.loads(delivery.body) == UPDATE and delivery.source == "channel:telegram"
    assert delivery.status == DeliveryStatus.PARSED
    message = Message.objects.get(pk=first.message_id)
    assert message.raw == UPDATE and message.channel.code == "telegram"
    again = receive(UPDATE)
    assert again.status == "duplicate" and again.message_id == first.message_id
    assert Delivery.objects.count() == 1 and Message.objects.count() == 1
    health = ChannelHealth.objects.get(channel__code="telegram")
    assert health.inbound_total == 1 and 41 <= health.last_lag_seconds < 60


def test_what_cannot_be_understood_waits_in_the_quarantine(region):
    bad = {"update_id": 8, "message": {"message_id": 71, "photo": []}}
    result = receive(bad)
    assert result.status == "rejected" and "нет текста" in result.errors
    delivery = Delivery.objects.get(pk=result.delivery_id)
    assert delivery.status == DeliveryStatus.QUARANTINED and json.loads(delivery.body) == bad
    assert ChannelHealth.objects.get(channel__code="telegram").rejected_total == 1


def test_a_service_event_is_kept_and_discarded(region):
    result = receive({"update_id": 9, "my_chat_member": {}})
    assert result.status == "ignored"
    assert Delivery.objects.get(pk=result.delivery_id).status == DeliveryStatus.DISCARDED
    assert not Message.objects.exists()


def test_a_fault_while_converting_loses_nothing(region):
    def broken() -> dict:
        raise KeyError("boom")

    result = channel_receive(
        channel_code="telegram",
        external_id="10",
        body="{}",
        convert=broken,
        process=False,
    )
    assert result.status == "rejected" and "Внутренняя ошибка" in result.errors
    assert Delivery.objects.get(pk=result.delivery_id).status == DeliveryStatus.QUARANTINED


def test_secrets_come_from_the_settings_and_name_the_variable_when_missing(settings):
    settings.OTKLIK_TELEGRAM_TOKEN = ""
    with pytest.raises(MissingSecret, match="OTKLIK_TELEGRAM_TOKEN"):
        channel_secret("telegram", "token")
    assert channel_secret("telegram", "token", required=False) == ""
    settings.OTKLIK_TELEGRAM_TOKEN = "123:abc"
    assert channel_secret("telegram", "token") == "123:abc"


def test_state_is_kept_per_channel(region):
    assert state_get("telegram", "offset", "0") == "0"
    state_set("telegram", "offset", "15")
    state_set("telegram", "offset", "16")
    assert state_get("telegram", "offset") == "16"
    assert state_get("vk", "offset") == ""


@pytest.mark.parametrize(
    ("role", "status"), [("analyst", 200), ("auditor", 200), ("org_operator", 403)]
)
def test_health_page(client, personas, role, status):
    receive(UPDATE)
    health_error("vk", "Тайм-аут при обращении к API")
    client.force_login(personas[role])
    response = client.get(reverse("channels:health"))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        row = html.split('data-channel="telegram"')[1].split("</tr>")[0]
        assert "работает" in row
        row = html.split('data-channel="vk"')[1].split("</tr>")[0]
        assert "ошибка" in row and "Тайм-аут" in row


def test_the_quarantine_retries_a_native_body_through_its_adapter(region, personas, monkeypatch):
    from otklik.intake import services as intake

    def from_body(body: str) -> dict:
        return convert(json.loads(body))()

    monkeypatch.setitem(intake.NATIVE_CONVERTERS, "channel:telegram", from_body)
    bad = {"update_id": 11, "message": {"message_id": 72, "caption": "Яма"}}
    result = receive(bad)
    assert result.status == "rejected"
    delivery = Delivery.objects.get(pk=result.delivery_id)
    fixed = {"update_id": 11, "message": {"message_id": 72, "text": "Яма у дома 5"}}
    retried = intake.delivery_retry(
        actor=personas["analyst"], delivery=delivery, body=json.dumps(fixed, ensure_ascii=False)
    )
    message = Message.objects.get(pk=retried.message_id)
    assert message.text == "Яма у дома 5" and message.external_id == "11"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PARSED and json.loads(delivery.body) == bad


def test_a_kept_value_is_changed_by_one_update(region, django_assert_max_num_queries):
    state_set("vk", "mon:x:since", "1")
    with django_assert_max_num_queries(2):  # the books' version (the channel's id), one UPDATE
        state_set("vk", "mon:x:since", "2")
    assert state_get("vk", "mon:x:since") == "2"
