"""Writes shared by every channel adapter: receive (raw first, then parse), health, state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import F
from django.utils import timezone

from otklik.channels.models import ChannelHealth, ChannelState
from otklik.directory.models import Channel
from otklik.intake.services import IngestResult, native_receive


def _health(channel_code: str):
    channel = Channel.objects.only("pk").get(code=channel_code)
    ChannelHealth.objects.get_or_create(channel=channel)
    return ChannelHealth.objects.filter(channel=channel)


def health_inbound(
    channel_code: str, *, sent_at: dt.datetime | None = None, rejected: bool = False
) -> None:
    """An item came in (``rejected``: it went to the quarantine)."""
    now = timezone.now()
    changes = {"last_inbound_at": now, "inbound_total": F("inbound_total") + 1}
    if rejected:
        changes["rejected_total"] = F("rejected_total") + 1
    if sent_at is not None:
        changes["last_lag_seconds"] = max(0.0, (now - sent_at).total_seconds())
    _health(channel_code).update(**changes)


def health_outbound(channel_code: str) -> None:
    _health(channel_code).update(
        last_outbound_at=timezone.now(), outbound_total=F("outbound_total") + 1
    )


def health_error(channel_code: str, error: str) -> None:
    """A failure talking to the channel (either direction)."""
    _health(channel_code).update(
        last_error_at=timezone.now(), last_error=error[:2000], error_total=F("error_total") + 1
    )


def channel_receive(
    *,
    channel_code: str,
    external_id: str,
    body: str,
    content_type: str = "application/json",
    convert: Callable[[], dict],
    raw: dict | None = None,
    sent_at: dt.datetime | None = None,
    process: bool = True,
) -> IngestResult:
    """An adapter's one entry for inbound items (see the package docstring)."""
    result = native_receive(
        channel_code=channel_code,
        external_id=external_id,
        body=body,
        content_type=content_type,
        convert=convert,
        raw=raw,
        process=process,
    )
    if result.status != "duplicate":
        health_inbound(channel_code, sent_at=sent_at, rejected=result.status == "rejected")
    return result


def state_get(channel_code: str, key: str, default: str = "") -> str:
    row = ChannelState.objects.filter(channel__code=channel_code, key=key).first()
    return row.value if row is not None else default


def state_set(channel_code: str, key: str, value: str) -> None:
    channel = Channel.objects.only("pk").get(code=channel_code)
    ChannelState.objects.update_or_create(channel=channel, key=key, defaults={"value": value})
