"""POST /api/v1/messages signed with HMAC-SHA256: good, bad, stale, replayed, with and without
an API key."""

from __future__ import annotations

import json
import time

import pytest
from rest_framework.test import APIClient

from otklik.accounts.apikeys import apikey_create
from otklik.intake.api.signatures import secret_variable, webhook_sign
from otklik.intake.models import Delivery, Message

SECRET = "whsec-4f1c0d7e9a"  # a test secret
ITEM = {
    "channel": "pos",
    "external_id": "sig-1",
    "text": "Не работает уличное освещение на ул. Мира, 5",
    "received_at": "2026-11-27T09:15:00+03:00",
}


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.OTKLIK_WEBHOOK_SECRETS = {"GIS_ZHKH": SECRET}
    # replays are remembered in the cache (the database cache table is made by `otklik setup`)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


def body_of(item=ITEM) -> bytes:
    return json.dumps(item, ensure_ascii=False).encode()


def signed_post(
    client: APIClient,
    body: bytes,
    *,
    system="gis-zhkh",
    secret=SECRET,
    timestamp=None,
    signature=None,
):
    timestamp = int(time.time()) if timestamp is None else timestamp
    return client.generic(
        "POST",
        "/api/v1/messages",
        body,
        content_type="application/json",
        HTTP_X_OTKLIK_SYSTEM=system,
        HTTP_X_OTKLIK_TIMESTAMP=str(timestamp),
        HTTP_X_OTKLIK_SIGNATURE=signature or webhook_sign(secret, body, timestamp),
    )


def test_secret_variable_names_the_system():
    assert secret_variable("gis-zhkh") == "OTKLIK_WEBHOOK_SECRET_GIS_ZHKH"


def test_a_signed_request_without_a_key_is_accepted(region):
    response = signed_post(APIClient(), body_of())
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["message_id"])
    assert message.external_id == "sig-1"
    assert Delivery.objects.get().source == "api:gis-zhkh"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"secret": "another-secret"}, "Подпись не совпадает"),
        ({"timestamp": int(time.time()) - 3600}, "вне допустимого окна ±300 с"),
        ({"system": "unknown-system"}, "не задан секрет подписи"),
        ({"signature": "sha256=" + "0" * 64}, "Подпись не совпадает"),
    ],
)
def test_a_bad_or_stale_signature_is_refused_with_the_reason(region, change, reason):
    response = signed_post(APIClient(), body_of(), **change)
    assert response.status_code == 401
    assert reason in response.json()["detail"]
    assert not Delivery.objects.exists() and not Message.objects.exists()


def test_a_body_changed_after_signing_is_refused(region):
    timestamp = int(time.time())
    signature = webhook_sign(SECRET, body_of(), timestamp)
    tampered = body_of({**ITEM, "text": "Подменённый текст"})
    response = signed_post(APIClient(), tampered, timestamp=timestamp, signature=signature)
    assert response.status_code == 401 and not Delivery.objects.exists()


def test_a_replayed_request_is_refused(region):
    timestamp = int(time.time())
    first = signed_post(APIClient(), body_of(), timestamp=timestamp)
    assert first.status_code == 201
    replay = signed_post(APIClient(), body_of(), timestamp=timestamp)
    assert replay.status_code == 401
    assert replay.json()["detail"] == "Повтор уже принятого подписанного запроса отклонён."
    assert Delivery.objects.count() == 1
    # a new signed request (a new time) is not a replay: the intake answers it as a duplicate
    again = signed_post(APIClient(), body_of(), timestamp=timestamp + 1)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"


def test_a_system_with_a_secret_must_sign_even_with_its_key(region):
    _, key = apikey_create(system="gis-zhkh")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    unsigned = client.generic(
        "POST", "/api/v1/messages", body_of(), content_type="application/json"
    )
    assert unsigned.status_code == 401
    assert "должны быть подписаны" in unsigned.json()["detail"]
    assert signed_post(client, body_of()).status_code == 201


def test_a_key_of_another_system_does_not_go_with_a_signature(region):
    _, key = apikey_create(system="mfc")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    response = signed_post(client, body_of())
    assert response.status_code == 401
    assert response.json()["detail"] == "Ключ API принадлежит другой системе, чем подпись."


def test_a_key_alone_still_works_for_a_system_without_a_secret(region):
    _, key = apikey_create(system="mfc")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    response = client.generic(
        "POST", "/api/v1/messages", body_of(), content_type="application/json"
    )
    assert response.status_code == 201
