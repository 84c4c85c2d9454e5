"""POST /api/v1/messages: raw first, idempotent, malformed input kept in the quarantine."""

import json
from io import StringIO

from django.core.management import call_command
from rest_framework.test import APIClient

from otklik.accounts.apikeys import apikey_create, apikey_revoke
from otklik.intake.models import Attachment, Contact, Delivery, DeliveryStatus, Message

ITEM = {
    "channel": "pos",
    "external_id": "2954871",
    "text": "Третий день нет горячей воды, ул. Землячки, 16. УК не отвечает.",
    "received_at": "2026-11-27T09:15:00+03:00",
    "author": {"name": "Иванова Мария", "phone": "+79610000000", "consent": True},
    "location": {"lat": 48.75191, "lon": 44.46213, "address": "ул. Землячки, 16"},
    "municipality": "18401",
    "attachments": [
        {
            "url": "https://pos.example/f/1.jpg",
            "name": "1.jpg",
            "content_type": "image/jpeg",
            "size": 1024,
        }
    ],
}


def post(client, payload):
    body = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return client.generic("POST", "/api/v1/messages", body, content_type="application/json")


def test_one_message_is_stored_raw_then_parsed(api):
    response = post(api, ITEM)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "created"
    message = Message.objects.get(pk=body["message_id"])
    assert (message.channel.code, message.kind.code, message.external_id) == (
        "pos",
        "message",
        "2954871",
    )
    assert message.municipality.okato == "18401"
    assert str(message.latitude) == "48.75191"
    assert message.received_at.isoformat() == "2026-11-27T06:15:00+00:00"
    assert message.author.phone == "+79610000000"
    assert message.author.consent_personal_data is True
    assert Attachment.objects.get(message=message).name == "1.jpg"
    delivery = Delivery.objects.get(pk=body["delivery_id"])
    assert delivery.status == DeliveryStatus.PARSED
    assert delivery.message == message
    assert json.loads(delivery.body) == ITEM
    assert delivery.source == "api:ПОС (выгрузка)"


def test_repeated_delivery_changes_nothing(api):
    first = post(api, ITEM)
    counts = (
        Message.objects.count(),
        Delivery.objects.count(),
        Contact.objects.count(),
        Attachment.objects.count(),
    )
    again = post(api, {**ITEM, "text": "изменённый текст"})
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["message_id"] == first.json()["message_id"]
    assert (
        Message.objects.count(),
        Delivery.objects.count(),
        Contact.objects.count(),
        Attachment.objects.count(),
    ) == counts
    assert Message.objects.get().text == ITEM["text"]


def test_malformed_json_gets_400_and_is_kept_in_quarantine(api):
    response = post(api, '{"channel": "pos", "text": "Яма на дороге"')
    assert response.status_code == 400
    assert "Неверный JSON" in response.json()["detail"]
    delivery = Delivery.objects.get(pk=response.json()["delivery_id"])
    assert delivery.status == DeliveryStatus.QUARANTINED
    assert delivery.body == '{"channel": "pos", "text": "Яма на дороге"'
    assert Message.objects.count() == 0


def test_invalid_item_is_quarantined_with_the_reason(api):
    bad = {"channel": "pigeon", "text": "", "received_at": "вчера"}
    response = post(api, bad)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "rejected"
    delivery = Delivery.objects.get(pk=body["delivery_id"])
    assert delivery.status == DeliveryStatus.QUARANTINED
    for field in ("channel", "external_id", "text", "received_at"):
        assert f"{field}:" in delivery.error
    assert json.loads(delivery.body) == bad
    assert Message.objects.count() == 0


def test_email_cannot_carry_a_59fz_appeal(api):
    response = post(api, {**ITEM, "channel": "email", "kind": "appeal_59fz"})
    assert response.status_code == 400
    assert "30.03.2025" in Delivery.objects.get().error


def test_batch_reports_each_item(api):
    items = [ITEM, {**ITEM, "external_id": "2954872"}, {"channel": "pos"}, ITEM]
    response = post(api, {"messages": items})
    assert response.status_code == 207
    body = response.json()
    assert (body["created"], body["duplicates"], body["rejected"]) == (2, 1, 1)
    assert [r["status"] for r in body["results"]] == ["created", "created", "rejected", "duplicate"]
    assert Message.objects.count() == 2
    assert Delivery.objects.filter(status=DeliveryStatus.QUARANTINED).count() == 1


def test_batch_as_array_all_good_is_200(api):
    response = post(api, [{**ITEM, "external_id": str(n)} for n in range(5)])
    assert response.status_code == 200
    assert response.json()["created"] == 5


def test_social_channel_defaults_to_publication(api):
    response = post(api, {**ITEM, "channel": "vk", "external_id": "wall-1_2"})
    assert Message.objects.get(pk=response.json()["message_id"]).kind.code == "publication"


def test_without_key_or_with_revoked_key_nothing_is_stored(region):
    anonymous = APIClient()
    assert post(anonymous, ITEM).status_code in (401, 403)
    api_key, key = apikey_create(system="Старая система")
    apikey_revoke(api_key=api_key)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert post(client, ITEM).status_code == 401
    assert Delivery.objects.count() == 0
    assert Message.objects.count() == 0


def test_a_staff_session_is_not_an_ingestion_client(personas):
    client = APIClient()
    client.force_authenticate(personas["curator"])
    assert post(client, ITEM).status_code in (401, 403)
    assert Message.objects.count() == 0


def test_apikey_command_prints_a_working_key(region):
    out = StringIO()
    call_command("apikey", "create", "--system", "МФЦ", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["key"].startswith("otk_")
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=printed["key"])
    assert post(client, ITEM).status_code == 201
    from otklik.accounts.models import ApiKey

    stored = ApiKey.objects.get()
    assert printed["key"] not in (stored.key_hash, stored.prefix)
