"""Reads of the channels: items already kept, adapters' state, their health for the ЦУР page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from otklik.channels.models import ChannelHealth, ChannelState
from otklik.core.permissions import Action, access_check
from otklik.directory.models import Channel
from otklik.intake.models import Delivery, DeliveryStatus


def delivery_kept(channel_code: str, external_id: str) -> bool:
    """An item of the channel already kept under its own id (taken, discarded or waiting in the
    quarantine): a redelivery or a repeated poll stores nothing more."""
    return Delivery.objects.filter(channel_code=channel_code, external_id=external_id).exists()


def deliveries_kept(channel_code: str, external_ids: list[str]) -> set[str]:
    """Those of ``external_ids`` already kept (as ``delivery_kept``), in one query."""
    if not external_ids:
        return set()
    return set(
        Delivery.objects.filter(channel_code=channel_code, external_id__in=external_ids)
        .values_list("external_id", flat=True)
        .distinct()
    )


def channel_state(channel_code: str, *, prefix: str) -> dict[str, str]:
    """The adapter's kept values whose keys start with ``prefix``: key → value."""
    return dict(
        ChannelState.objects.filter(channel__code=channel_code, key__startswith=prefix).values_list(
            "key", "value"
        )
    )


# A channel with no intake for this long is shown as quiet (not necessarily broken).
QUIET_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class ChannelRow:
    channel: Channel
    health: ChannelHealth | None
    quarantined: int  # waiting in the quarantine now
    state: str  # ok | error | quiet | never
    state_label: str


def channel_health_list(*, user: Any, now: datetime | None = None) -> list[ChannelRow]:
    access_check(user, Action.CHANNEL_VIEW)
    now = now or timezone.now()
    health = {h.channel_id: h for h in ChannelHealth.objects.all()}
    waiting = dict(
        Delivery.objects.filter(status=DeliveryStatus.QUARANTINED)
        .exclude(channel_code="")
        .values_list("channel_code")
        .annotate(n=Count("id", filter=Q(status=DeliveryStatus.QUARANTINED)))
    )
    rows = []
    for channel in Channel.objects.all():
        h = health.get(channel.pk)
        last_ok = (
            max((t for t in (h.last_inbound_at, h.last_outbound_at) if t), default=None)
            if h
            else None
        )
        if h is None or (last_ok is None and h.last_error_at is None):
            state, label = "never", "нет данных"
        elif h.last_error_at and (last_ok is None or h.last_error_at > last_ok):
            state, label = "error", "ошибка"
        elif last_ok and now - last_ok > QUIET_AFTER:
            state, label = "quiet", "тишина больше суток"
        else:
            state, label = "ok", "работает"
        rows.append(ChannelRow(channel, h, waiting.get(channel.code, 0), state, label))
    return rows
