"""The community's Callback API: confirmation, secret, each event type, retries, quarantine."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from otklik.channels.models import ChannelHealth
from otklik.channels.vk.tests.conftest import fixture
from otklik.intake.models import Delivery, DeliveryStatus, Message

pytestmark = pytest.mark.django_db


def post(client, payload) -> tuple[int, str]:
    body = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    response = client.post(reverse("channels_vk:callback"), body, content_type="application/json")
    return response.status_code, response.content.decode()


def test_confirmation_returns_the_string_as_plain_text(client, region):
    response = client.post(
        reverse("channels_vk:callback"), fixture("confirmation"), content_type="application/json"
    )
    assert (response.status_code, response.content.decode()) == (200, "a1b2c3d4")
    assert response["Content-Type"].startswith("text/plain")
    assert not Delivery.objects.exists()


def test_confirmation_for_another_community_is_refused(client, region):
    assert post(client, {"type": "confirmation", "group_id": 1}) == (403, "forbidden")


@pytest.mark.parametrize("secret", ["wrong", "ключ", None])
def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(client, region, secret):
    event = fixture("message_new")
    if secret is None:
        del event["secret"]
    else:
        event["secret"] = secret
    assert post(client, event) == (403, "forbidden")
    assert not Delivery.objects.exists() and not Message.objects.exists()


def test_without_a_configured_secret_nothing_is_taken(client, region, settings):
    settings.OTKLIK_VK_SECRET = ""
    assert post(client, fixture("message_new")) == (503, "not configured")
    assert not Delivery.objects.exists()


def test_a_community_message_becomes_a_message_with_its_photo(client, region):
    assert post(client, fixture("message_new")) == (200, "ok")
    message = Message.objects.get()
    assert (message.channel.code, message.kind.code) == ("vk", "message")
    assert message.external_id == "msg:512345678_41"
    assert message.text.startswith("Здравствуйте! В Волжском")
    assert message.received_at.timestamp() == 1764270000
    assert message.author.channel_user_id == "vk:512345678"
    assert [a.url for a in message.attachments.all()] == ["https://sun9-1.userapi.com/impg/w.jpg"]
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PARSED and delivery.source == "channel:vk"
    assert "secret" not in json.loads(delivery.body) and "secret" not in message.raw
    assert ChannelHealth.objects.get(channel__code="vk").inbound_total == 1


def test_a_wall_post_is_a_publication_with_place_and_photo(client, region):
    assert post(client, fixture("wall_post_new")) == (200, "ok")
    message = Message.objects.get()
    assert (message.kind.code, message.external_id) == ("publication", "wall:-218000001_305")
    assert (float(message.latitude), float(message.longitude)) == (50.089, 45.413)
    assert message.address == "Камышин"
    assert [a.url for a in message.attachments.all()] == ["https://sun9-2.userapi.com/impg/z.jpg"]


def test_a_comment_is_a_publication_named_by_post_and_comment(client, region):
    assert post(client, fixture("wall_reply_new")) == (200, "ok")
    message = Message.objects.get()
    assert (message.kind.code, message.external_id) == ("publication", "comment:-218000001_300_77")
    assert message.author.channel_user_id == "vk:512345680"


def test_the_community_s_own_post_is_kept_and_discarded(client, region):
    event = fixture("wall_post_new")
    event["object"]["from_id"] = -218000001
    assert post(client, event) == (200, "ok")
    assert not Message.objects.exists()
    assert Delivery.objects.get().status == DeliveryStatus.DISCARDED


def test_other_events_are_kept_once_and_discarded(client, region):
    assert post(client, fixture("group_join")) == (200, "ok")
    assert post(client, fixture("group_join")) == (200, "ok")  # VK retried it
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DISCARDED and "group_join" in delivery.error
    assert not Message.objects.exists()


def test_retried_deliveries_change_nothing(client, region):
    assert post(client, fixture("message_new")) == (200, "ok")
    assert post(client, fixture("message_new")) == (200, "ok")  # the same event again
    assert post(client, fixture("message_new_retry")) == (200, "ok")  # same message, new event id
    assert Message.objects.count() == 1 and Delivery.objects.count() == 1
    assert ChannelHealth.objects.get(channel__code="vk").inbound_total == 1


def test_a_malformed_event_waits_in_the_quarantine_and_vk_hears_ok(client, region):
    assert post(client, fixture("malformed")) == (200, "ok")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.QUARANTINED
    assert delivery.external_id == "msg:512345678_42" and "не строка" in delivery.error
    assert not Message.objects.exists()


def test_the_quarantine_retries_a_vk_body_through_the_adapter(client, region, personas):
    from otklik.intake.services import delivery_retry

    post(client, fixture("malformed"))
    delivery = Delivery.objects.get()
    fixed = json.loads(delivery.body)
    fixed["object"]["message"]["text"] = "Нет света в подъезде"
    result = delivery_retry(
        actor=personas["analyst"], delivery=delivery, body=json.dumps(fixed, ensure_ascii=False)
    )
    assert Message.objects.get(pk=result.message_id).external_id == "msg:512345678_42"


def test_not_json_is_refused_and_not_stored(client, region):
    assert post(client, "{not json") == (400, "bad request")
    assert not Delivery.objects.exists()


def test_only_post_is_served(client, region):
    assert client.get(reverse("channels_vk:callback")).status_code == 405


def test_the_original_photo_wins_and_an_overlong_address_is_left_out():
    from otklik.channels.vk.converter import convert_event

    event = fixture("message_new")
    photo = event["object"]["message"]["attachments"][0]["photo"]
    photo["orig_photo"] = {
        "url": "https://sun9-1.userapi.com/impg/orig.jpg",
        "width": 3000,
        "height": 4000,
    }
    photo["sizes"].append(
        {"type": "y", "width": 5000, "height": 5000, "url": "https://x/" + "a" * 1100}
    )
    assert convert_event(event)["attachments"] == [
        {"url": "https://sun9-1.userapi.com/impg/orig.jpg", "content_type": "image/jpeg"}
    ]
