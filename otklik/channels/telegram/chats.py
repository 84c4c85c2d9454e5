"""The bot's chats: replies (failures counted on the channel's health, never raised), chats
touched and blocked, a location waiting for the next text, subscriptions to area news."""

from __future__ import annotations

import datetime as dt
import logging
import math
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.channels.services import health_error
from otklik.channels.telegram import texts
from otklik.channels.telegram.client import BotApi, BotApiError
from otklik.channels.telegram.converter import (
    CHANNEL,
    user_ref,
)
from otklik.channels.telegram.models import AreaSubscription, TelegramChat
from otklik.core.exceptions import ApplicationError
from otklik.directory.models import Municipality
from otklik.intake.models import Message

logger = logging.getLogger(__name__)


def bot_reply(chat_id: int, text: str, reply_markup: dict | None = None, api: BotApi | None = None):
    """A reply of the bot; a failure is counted on the channel's health, never raised."""
    try:
        (api or BotApi()).send_message(chat_id=chat_id, text=text, reply_markup=reply_markup)
    except BotApiError as exc:
        if exc.code == 403:
            chat_blocked(chat_id=chat_id)
        health_error(CHANNEL, f"Ответ в чат: {exc}")
        return False
    except ApplicationError as exc:  # no token configured
        health_error(CHANNEL, str(exc))
        return False
    return True


def bot_call(method: str, **params: Any) -> None:
    try:
        BotApi().call(method, **params)
    except (BotApiError, ApplicationError) as exc:
        health_error(CHANNEL, f"{method}: {exc}")


def chat_touch(*, chat_id: int) -> TelegramChat:
    chat, _ = TelegramChat.objects.get_or_create(chat_id=chat_id)
    if chat.blocked_at is not None:
        chat.blocked_at = None
        chat.save(update_fields=["blocked_at"])
    return chat


def chat_blocked(*, chat_id: int) -> None:
    """The user stopped the bot: nothing more is sent, subscriptions end."""
    now = timezone.now()
    with transaction.atomic():
        chat, _ = TelegramChat.objects.get_or_create(chat_id=chat_id)
        TelegramChat.objects.filter(pk=chat.pk).update(blocked_at=now)
        ended = AreaSubscription.objects.filter(chat=chat, cancelled_at__isnull=True).update(
            cancelled_at=now
        )
        if ended:
            audit_log(
                actor=None,
                action="telegram.unsubscribe",
                target=chat,
                data={"why": "blocked", "count": ended},
            )


def chat_location_keep(*, chat_id: int, location: dict, at: dt.datetime) -> TelegramChat:
    chat = chat_touch(chat_id=chat_id)
    chat.pending_latitude = Decimal(str(round(location["lat"], 5)))
    chat.pending_longitude = Decimal(str(round(location["lon"], 5)))
    chat.pending_address = location.get("address", "")
    chat.pending_at = at
    chat.save()
    return chat


def message_locate_recent(*, chat_id: int, location: dict, at: dt.datetime) -> Message | None:
    """A location shared just after a text (within ``PENDING_LOCATION_MINUTES``) is the place
    of that text: it is set on the message when the message has none yet. Returns the message,
    or None when there is no such message (the location then waits for the next text)."""
    since = at - dt.timedelta(minutes=texts.PENDING_LOCATION_MINUTES)
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(
                channel__code=CHANNEL,
                author__channel_user_id=user_ref(chat_id),
                received_at__gte=since,
                received_at__lte=at,
            )
            .order_by("-received_at", "-pk")
            .first()
        )
        if message is None or message.latitude is not None:
            return None
        message.latitude = Decimal(str(round(location["lat"], 5)))
        message.longitude = Decimal(str(round(location["lon"], 5)))
        fields = ["latitude", "longitude", "updated_at"]
        if location.get("address") and not message.address:
            message.address = location["address"]
            fields.append("address")
        message.save(update_fields=fields)
        audit_log(actor=None, action="message.locate", target=message, data={"channel": CHANNEL})
    return message


def pending_location(chat_id: int, at: dt.datetime) -> dict | None:
    chat = TelegramChat.objects.filter(chat_id=chat_id, pending_at__isnull=False).first()
    if chat is None:
        return None
    age = at - chat.pending_at
    if not dt.timedelta(minutes=-1) <= age <= dt.timedelta(minutes=texts.PENDING_LOCATION_MINUTES):
        return None
    return {
        "lat": float(chat.pending_latitude),
        "lon": float(chat.pending_longitude),
        "address": chat.pending_address,
    }


def pending_locations_expire(*, now: dt.datetime | None = None) -> int:
    """Forget locations that waited longer than ``PENDING_LOCATION_MINUTES`` (personal data
    kept no longer than it can be used)."""
    since = (now or timezone.now()) - dt.timedelta(minutes=texts.PENDING_LOCATION_MINUTES)
    return TelegramChat.objects.filter(pending_at__lt=since).update(
        pending_latitude=None, pending_longitude=None, pending_address="", pending_at=None
    )


def pending_clear(chat_id: int) -> None:
    TelegramChat.objects.filter(chat_id=chat_id).update(
        pending_latitude=None, pending_longitude=None, pending_address="", pending_at=None
    )


def subscription_start(*, chat_id: int, municipality: Municipality) -> AreaSubscription:
    """Subscribe a chat to a municipality's news (again subscribing changes nothing)."""
    chat = chat_touch(chat_id=chat_id)
    existing = AreaSubscription.objects.filter(
        chat=chat, municipality=municipality, cancelled_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            subscription = AreaSubscription.objects.create(chat=chat, municipality=municipality)
            audit_log(
                actor=None,
                action="telegram.subscribe",
                target=chat,
                data={"municipality": municipality.okato},
            )
    except IntegrityError:  # the same button pressed twice at once
        return AreaSubscription.objects.get(
            chat=chat, municipality=municipality, cancelled_at__isnull=True
        )
    return subscription


@transaction.atomic
def subscription_cancel(*, chat_id: int, okato: str | None = None) -> list[str]:
    """End the chat's subscription to one municipality (or all); returns the names ended."""
    rows = AreaSubscription.objects.select_for_update().filter(
        chat__chat_id=chat_id, cancelled_at__isnull=True
    )
    if okato is not None:
        rows = rows.filter(municipality__okato=okato)
    names = list(rows.values_list("municipality__name", flat=True))
    ended = rows.update(cancelled_at=timezone.now())
    if ended:
        chat = TelegramChat.objects.get(chat_id=chat_id)
        audit_log(
            actor=None,
            action="telegram.unsubscribe",
            target=chat,
            data={"municipality": okato or "all", "count": ended},
        )
    return names


def municipality_nearest(lat: float, lon: float) -> Municipality | None:
    """The municipality whose administrative centre is nearest (a rough choice: centres, not
    boundaries; good enough to offer, the citizen confirms with a button)."""
    best, best_d = None, math.inf
    for m in Municipality.objects.filter(centre_in_other=False):
        dlat = math.radians(float(m.latitude) - lat)
        dlon = math.radians(float(m.longitude) - lon) * math.cos(math.radians(lat))
        d = dlat * dlat + dlon * dlon
        if d < best_d:
            best, best_d = m, d
    return best


def municipality_choices() -> list[tuple[str, str]]:
    return list(Municipality.objects.order_by("-kind", "name").values_list("okato", "name"))
