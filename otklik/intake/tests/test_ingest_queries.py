"""Queries per message of a batch through the ingestion API, pinned: the reference lookups of
the parser, the duplicate check and the contact lookup must not come back per message."""

from __future__ import annotations

import json

from otklik.directory.cache import reference_snapshot
from otklik.intake.models import Contact, Delivery, DeliveryStatus, Message

BATCH = 20
# Per message, in its own transaction (2: a savepoint in tests): store the raw delivery; the
# contact (one lookup, one insert); the message and its audit event in a savepoint (4); the
# attachment; mark the delivery parsed. (It was 19 with the reference lookups of the parser,
# the duplicate check per message and one contact lookup per key.)
PER_MESSAGE = 11
# Per request: the API key (read, last use), the duplicate check of the whole batch, the
# reference version.
PER_REQUEST = 4


def _item(n: int, **changes) -> dict:
    return {
        "channel": "pos",
        "external_id": f"q-{n}",
        "text": f"Нет горячей воды в доме {n} на ул. Землячки. УК не отвечает.",
        "received_at": "2026-11-27T09:15:00+03:00",
        "author": {"name": "Иванова Мария", "phone": f"+7961{n:07d}", "email": f"m{n}@mail.ru"},
        "location": {"lat": 48.75191, "lon": 44.46213, "address": f"ул. Землячки, {n}"},
        "municipality": "18401",
        "topic": "zhkh-hot-water",
        "attachments": [{"url": f"https://pos.example/f/{n}.jpg", "name": f"{n}.jpg"}],
        **changes,
    }


def _post(client, items):
    body = json.dumps(items, ensure_ascii=False)
    return client.generic("POST", "/api/v1/messages", body, content_type="application/json")


def test_queries_per_message_of_a_batch(api, django_assert_max_num_queries):
    reference_snapshot()  # the books are built once per process, not per request
    items = [_item(n) for n in range(BATCH)]

    with django_assert_max_num_queries(PER_REQUEST + PER_MESSAGE * BATCH):
        response = _post(api, items)

    assert response.status_code == 200, response.content
    assert response.json()["created"] == BATCH
    assert Message.objects.count() == BATCH
    assert Contact.objects.count() == BATCH
    assert Delivery.objects.filter(status=DeliveryStatus.PARSED).count() == BATCH
    message = Message.objects.get(external_id="q-7")
    assert (message.channel.code, message.kind.code, message.topic.code) == (
        "pos",
        "message",
        "zhkh-hot-water",
    )
    assert (message.sector.code, message.municipality.okato) == ("zhkh", "18401")


def test_repeated_batch_costs_one_query_for_all_duplicates(api, django_assert_max_num_queries):
    reference_snapshot()
    items = [_item(n) for n in range(BATCH)]
    _post(api, items)

    with django_assert_max_num_queries(PER_REQUEST):
        again = _post(api, items)

    assert again.json()["duplicates"] == BATCH
    assert Message.objects.count() == BATCH


def test_a_message_twice_in_one_batch_is_stored_once(api):
    items = [_item(1), _item(2), _item(1, text="другой текст")]

    body = _post(api, items).json()

    assert [r["status"] for r in body["results"]] == ["created", "created", "duplicate"]
    assert body["results"][2]["message_id"] == body["results"][0]["message_id"]
    assert body["results"][2]["delivery_id"] is None
    assert Message.objects.get(external_id="q-1").text.startswith("Нет горячей воды")


def test_an_author_is_found_by_phone_before_e_mail(api):
    first = _post(api, [_item(1)]).json()["results"][0]
    by_email = Contact.objects.create(email="shared@mail.ru")
    author = {"name": "Иванова Мария", "phone": "+79610000001", "email": "shared@mail.ru"}

    second = _post(api, [_item(2, author=author)]).json()["results"][0]

    assert Message.objects.get(pk=second["message_id"]).author_id == (
        Message.objects.get(pk=first["message_id"]).author_id
    )
    assert by_email.pk != Message.objects.get(pk=second["message_id"]).author_id
