"""Updates in: the webhook (secret), polling (offset, failures), conversion, idempotency."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from otklik.channels.models import ChannelHealth
from otklik.channels.services import state_get, state_set
from otklik.channels.telegram import texts
from otklik.channels.telegram.models import TelegramChat
from otklik.channels.telegram.services import update_receive, updates_poll
from otklik.channels.telegram.tests.conftest import WEBHOOK_SECRET, load
from otklik.channels.telegram.tests.fakebot import TOKEN
from otklik.intake.models import Attachment, Delivery, DeliveryStatus, Message

pytestmark = pytest.mark.django_db
CHAT = 381554912


def post(client, update, secret=WEBHOOK_SECRET):
    body = update if isinstance(update, str) else json.dumps(update, ensure_ascii=False)
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret is not None else {}
    return client.post(
        reverse("channels_telegram:webhook"), body, content_type="application/json", **headers
    )


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
def test_webhook_without_the_secret_is_refused_and_stores_nothing(client, region, bot, secret):
    response = post(client, load("message_text"), secret=secret)
    assert response.status_code == 403
    assert Delivery.objects.count() == 0 and Message.objects.count() == 0 and bot.calls == []


def test_webhook_is_refused_when_no_secret_is_configured(client, region, bot, settings):
    settings.OTKLIK_TELEGRAM_WEBHOOK_SECRET = ""
    assert post(client, load("message_text"), secret="").status_code == 403
    assert Delivery.objects.count() == 0


def test_webhook_text_becomes_a_message_once(client, region, bot, consented):
    update = load("message_text")
    assert post(client, update).status_code == 200
    message = Message.objects.get()
    assert message.channel.code == "telegram" and message.kind.code == "message"
    assert message.external_id == "734561201"
    assert message.text == update["message"]["text"]
    assert message.received_at == dt.datetime.fromtimestamp(1764268800, tz=dt.UTC)
    assert message.author.channel_user_id == f"tg:{CHAT}"
    assert message.author.name == "Анна Петрова"
    assert message.raw == update
    assert json.loads(Delivery.objects.get().body) == update
    # Telegram repeats the delivery: nothing changes, nothing is said.
    assert post(client, update).status_code == 200
    assert Delivery.objects.count() == 1 and Message.objects.count() == 1
    assert bot.calls == []
    assert ChannelHealth.objects.get(channel__code="telegram").inbound_total == 1


def test_a_repeated_command_is_answered_once(client, region, bot):
    start = load("message_text", message__text="/start")
    post(client, start)
    post(client, start)
    # no consent yet: the greeting, then the consent question (once: the repeat is ignored)
    assert [m["text"][:40] for m in bot.sent()] == [
        texts.GREETING[:40],
        texts.CONSENT_QUESTION[:40],
    ]
    assert bot.sent()[0]["reply_markup"]["keyboard"][0][0] == {
        "text": texts.LOCATION_BUTTON,
        "request_location": True,
    }
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DISCARDED and "Команда" in delivery.error


def test_a_malformed_update_waits_in_the_quarantine(client, region, bot):
    update = load("message_text")
    del update["message"]["date"]
    assert post(client, update).status_code == 200
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.QUARANTINED and "date" in delivery.error
    assert json.loads(delivery.body) == update and Message.objects.count() == 0
    assert [(m["chat_id"], m["text"]) for m in bot.sent()] == [(CHAT, texts.REJECTED)]
    assert post(client, "{not json").status_code == 200
    broken = Delivery.objects.get(body="{not json")
    assert broken.status == DeliveryStatus.QUARANTINED and "JSON" in broken.error
    assert ChannelHealth.objects.get(channel__code="telegram").rejected_total == 2


def test_an_edit_and_a_group_message_are_kept_but_not_messages(client, region, bot):
    post(client, load("edited_message"))
    group = load("message_text", update_id=734561299)
    group["message"]["chat"] = {"id": -100123, "title": "Соседи", "type": "supergroup"}
    post(client, group)
    assert Message.objects.count() == 0
    assert list(Delivery.objects.values_list("status", flat=True)) == [
        DeliveryStatus.DISCARDED,
        DeliveryStatus.DISCARDED,
    ]
    assert [(m["chat_id"], m["text"]) for m in bot.sent()] == [(CHAT, texts.EDITED)]


def test_a_location_then_a_text_gives_the_message_its_place(region, bot):
    update_receive(body=json.dumps(load("location")))
    assert Message.objects.count() == 0
    [reply] = bot.sent()
    assert reply["text"] == texts.LOCATION_KEPT
    assert reply["reply_markup"]["inline_keyboard"] == [
        [{"text": "Подписаться на новости: Волжский", "callback_data": "sub:18410"}]
    ]
    chat = TelegramChat.objects.get(chat_id=CHAT)
    assert chat.pending_latitude == Decimal("48.78641")
    later = load("message_text", message__date=1764268900 + 120)
    update_receive(body=json.dumps(later, ensure_ascii=False))
    message = Message.objects.get()
    assert (message.latitude, message.longitude) == (Decimal("48.78641"), Decimal("44.77987"))
    chat.refresh_from_db()
    assert chat.pending_at is None  # used once


def test_a_location_too_old_is_not_attached(region, bot):
    update_receive(body=json.dumps(load("location")))
    later = load(
        "message_text", message__date=1764268900 + (texts.PENDING_LOCATION_MINUTES + 1) * 60
    )
    update_receive(body=json.dumps(later, ensure_ascii=False))
    assert Message.objects.get().latitude is None


def test_a_photo_with_a_caption_is_a_message_with_the_photo_downloaded(
    region, bot, django_capture_on_commit_callbacks
):
    content = b"\xff\xd8\xff\xe0 a photo of a pothole"
    bot.files["AgACAgIAAxkBAAIBAmYlarge"] = ("photos/file_7.jpg", content)
    update = load("photo_caption")
    with django_capture_on_commit_callbacks(execute=True):
        update_receive(body=json.dumps(update, ensure_ascii=False))
    message = Message.objects.get()
    assert message.text == update["message"]["caption"]
    attachment = Attachment.objects.get(message=message)
    assert attachment.name == "telegram-AQADlarge.jpg" and attachment.url == ""
    assert attachment.file.read() == content
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content)
    assert [p["file_id"] for p in bot.sent("getFile")] == ["AgACAgIAAxkBAAIBAmYlarge"]
    assert TOKEN not in json.dumps(list(Attachment.objects.values("url", "name")))


def test_a_photo_without_caption_is_not_registered(region, bot):
    update = load("photo_caption")
    del update["message"]["caption"]
    update_receive(body=json.dumps(update))
    assert Message.objects.count() == 0
    assert [m["text"] for m in bot.sent()] == [texts.PHOTO_WITHOUT_TEXT]


def test_polling_advances_the_offset_and_survives_a_server_error(region, bot):
    first = load("message_text")
    second = load("edited_message")
    bot.updates = [first, second]
    assert updates_poll() == 2
    assert state_get("telegram", "offset") == str(second["update_id"] + 1)
    assert Message.objects.count() == 1
    bot.fail_next("getUpdates", 502, "Bad Gateway")
    bot.updates.append(load("message_text", update_id=second["update_id"] + 1))
    assert updates_poll() == 0
    health = ChannelHealth.objects.get(channel__code="telegram")
    assert health.error_total == 1 and "502 Bad Gateway" in health.last_error
    assert state_get("telegram", "offset") == str(second["update_id"] + 1)
    assert updates_poll() == 1
    offsets = [p.get("offset") for p in bot.sent("getUpdates")]
    assert offsets == [
        None,
        second["update_id"] + 1,
        second["update_id"] + 1,
        second["update_id"] + 1,
        second["update_id"] + 2,
    ]
    assert Message.objects.count() == 2


def test_polling_a_batch_read_twice_stores_each_update_once(region, bot):
    bot.updates = [load("message_text")]
    state_set("telegram", "offset", "0")
    updates_poll()
    bot.updates = [load("message_text")]  # served again (e.g. offset lost)
    state_set("telegram", "offset", "0")
    updates_poll()
    assert Message.objects.count() == 1 and Delivery.objects.count() == 1


def test_the_periodic_job_polls_only_in_polling_mode(region, bot, settings):
    from otklik.channels.telegram.tasks import poll

    bot.updates = [load("message_text")]
    settings.OTKLIK_TELEGRAM_MODE = "off"
    assert poll.call() == {"skipped": "mode off"}
    assert bot.calls == []
    settings.OTKLIK_TELEGRAM_MODE = "polling"
    assert poll.call() == {"read": 1}
    assert Message.objects.count() == 1


def test_commands_set_and_delete_the_webhook_and_poll_once(region, bot, capsys):
    call_command("telegram", "webhook", "set", "https://cur.example.ru/channels/telegram/webhook/")
    assert bot.webhook["url"] == "https://cur.example.ru/channels/telegram/webhook/"
    assert bot.webhook["secret_token"] == WEBHOOK_SECRET
    call_command("telegram", "webhook", "delete")
    assert bot.webhook == {}
    bot.updates = [load("message_text")]
    call_command("telegram", "poll", "--once")
    assert "read 1 update(s)" in capsys.readouterr().out
    assert Message.objects.count() == 1


def test_the_webhook_takes_only_post(client, region, bot):
    url = reverse("channels_telegram:webhook")
    assert client.get(url, HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=WEBHOOK_SECRET).status_code == 405
    assert Delivery.objects.count() == 0


def test_the_quarantine_retries_a_telegram_update_through_the_adapter(region, bot, personas):
    from otklik.intake.services import delivery_retry

    update = load("message_text")
    del update["message"]["date"]
    result = update_receive(body=json.dumps(update, ensure_ascii=False))
    delivery = Delivery.objects.get(pk=result.delivery_id)
    fixed = load("message_text")
    retried = delivery_retry(
        actor=personas["analyst"], delivery=delivery, body=json.dumps(fixed, ensure_ascii=False)
    )
    message = Message.objects.get(pk=retried.message_id)
    assert message.external_id == "734561201" and message.author.channel_user_id == f"tg:{CHAT}"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PARSED and json.loads(delivery.body) == update


def test_an_album_photo_without_caption_joins_the_albums_message(
    region, bot, consented, django_capture_on_commit_callbacks
):
    bot.files["AgACAgIAAxkBAAIBAmYlarge"] = ("photos/file_7.jpg", b"first")
    bot.files["AgACAgIAAxkBAAIBAmYsecond"] = ("photos/file_8.jpg", b"second")
    first = load("photo_caption", message__media_group_id="13612345678901234")
    second = load("photo_caption", update_id=first["update_id"] + 1)
    second["message"].update(message_id=514, media_group_id="13612345678901234")
    del second["message"]["caption"]
    second["message"]["photo"] = [
        {"file_id": "AgACAgIAAxkBAAIBAmYsecond", "file_unique_id": "AQADsecond", "file_size": 6}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        update_receive(body=json.dumps(first, ensure_ascii=False))
        update_receive(body=json.dumps(second, ensure_ascii=False))
    message = Message.objects.get()
    files = {a.name: a.file.read() for a in message.attachments.order_by("pk")}
    assert files == {"telegram-AQADlarge.jpg": b"first", "telegram-AQADsecond.jpg": b"second"}
    # the case's number, and no «add a caption» for the album's second photo
    assert [m["text"][:30] for m in bot.sent()] == ["Ваше сообщение зарегистрирован"]


def test_a_location_just_after_a_text_is_that_messages_place(region, bot, consented):
    update_receive(body=json.dumps(load("message_text"), ensure_ascii=False))
    location = load("location")  # 100 s after the text
    update_receive(body=json.dumps(location))
    message = Message.objects.get()
    assert (message.latitude, message.longitude) == (Decimal("48.78641"), Decimal("44.77987"))
    assert [m["text"] for m in bot.sent()] == ["Геопозиция добавлена к вашему сообщению."]
    assert TelegramChat.objects.get(chat_id=CHAT).pending_at is None
    # a second location does not move the place; it waits for the next text
    update_receive(body=json.dumps(load("location", update_id=734561300)))
    message.refresh_from_db()
    assert message.latitude == Decimal("48.78641")
    assert bot.sent()[-1]["text"] == texts.LOCATION_KEPT


def test_a_waiting_location_is_forgotten_when_it_can_no_longer_be_used(region, bot):
    from otklik.channels.telegram.chats import pending_locations_expire

    update_receive(body=json.dumps(load("location")))
    at = dt.datetime.fromtimestamp(1764268900, tz=dt.UTC)
    minutes = texts.PENDING_LOCATION_MINUTES
    assert pending_locations_expire(now=at + dt.timedelta(minutes=minutes - 1)) == 0
    assert pending_locations_expire(now=at + dt.timedelta(minutes=minutes + 1)) == 1
    chat = TelegramChat.objects.get(chat_id=CHAT)
    assert (chat.pending_latitude, chat.pending_longitude, chat.pending_at) == (None, None, None)
