"""Writes shared by every channel adapter: receive (raw first, then parse), health, state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import F
from django.utils import timezone

from otklik.channels.models import ChannelHealth, ChannelState
from otklik.directory.cache import reference_snapshot
from otklik.directory.models import Channel
from otklik.intake.services import IngestResult, native_receive


def _channel_id(channel_code: str) -> int:
    channel_id = reference_snapshot().ids[Channel].get(channel_code)
    if channel_id is None:  # a channel newer than this process's books
        channel_id = Channel.objects.only("pk").get(code=channel_code).pk
    return channel_id


def _health(channel_code: str, **changes) -> None:
    """Apply ``changes`` to the channel's health row (one UPDATE; the row is made the first
    time)."""
    channel_id = _channel_id(channel_code)
    if not ChannelHealth.objects.filter(channel_id=channel_id).update(**changes):
        ChannelHealth.objects.get_or_create(channel_id=channel_id)
        ChannelHealth.objects.filter(channel_id=channel_id).update(**changes)


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
    _health(channel_code, **changes)


def health_outbound(channel_code: str) -> None:
    _health(channel_code, last_outbound_at=timezone.now(), outbound_total=F("outbound_total") + 1)


def health_error(channel_code: str, error: str) -> None:
    """A failure talking to the channel (either direction)."""
    _health(
        channel_code,
        last_error_at=timezone.now(),
        last_error=error[:2000],
        error_total=F("error_total") + 1,
    )


def health_delivery(*, channel_code: str, error: str = "") -> None:
    """The outbox's listener (registered in ``ready()``): an item went out, or failed."""
    if error:
        health_error(channel_code, error)
    else:
        health_outbound(channel_code)


def health_recount() -> int:
    """Set every channel's «received» and «sent» counters, and the times of the last of each,
    from what is stored: its messages, and its outbox rows sent. For history that came in
    through no adapter (the demo region, driven by ``otklik demo history``), whose channels
    would otherwise read «received 0». Errors and the quarantine are left as they are. Returns
    the channels counted."""
    from django.db.models import Count, Max

    from otklik.cases.choices import OutboxStatus
    from otklik.cases.models import OutboxMessage
    from otklik.intake.models import Message

    inbound = {
        row["channel"]: row
        for row in Message.objects.values("channel").annotate(
            n=Count("id"), last=Max("received_at")
        )
    }
    outbound = {
        row["channel"]: row
        for row in OutboxMessage.objects.filter(status=OutboxStatus.SENT)
        .values("channel")
        .annotate(n=Count("id"), last=Max("sent_at"))
    }
    channels = (set(inbound) | set(outbound)) - {None}
    for channel_id in channels:
        got, sent = inbound.get(channel_id, {}), outbound.get(channel_id, {})
        ChannelHealth.objects.update_or_create(
            channel_id=channel_id,
            defaults={
                "inbound_total": got.get("n", 0),
                "last_inbound_at": got.get("last"),
                "outbound_total": sent.get("n", 0),
                "last_outbound_at": sent.get("last"),
            },
        )
    return len(channels)


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
    source: str | None = None,
    stored_checked: bool = False,
) -> IngestResult:
    """An adapter's one entry for inbound items (see the package docstring). ``stored_checked``:
    the adapter has already looked for a stored message under ``external_id`` (and found
    none)."""
    result = native_receive(
        source=source,
        channel_code=channel_code,
        external_id=external_id,
        body=body,
        content_type=content_type,
        convert=convert,
        raw=raw,
        process=process,
        stored_checked=stored_checked,
    )
    if result.status != "duplicate":
        health_inbound(channel_code, sent_at=sent_at, rejected=result.status == "rejected")
    return result


def state_get(channel_code: str, key: str, default: str = "") -> str:
    row = ChannelState.objects.filter(channel__code=channel_code, key=key).first()
    return row.value if row is not None else default


def state_set(channel_code: str, key: str, value: str) -> None:
    """Keep ``value`` under ``key`` (one UPDATE; the row is made the first time)."""
    channel_id = _channel_id(channel_code)
    rows = ChannelState.objects.filter(channel_id=channel_id, key=key)
    if not rows.update(value=value, updated_at=timezone.now()):
        ChannelState.objects.update_or_create(
            channel_id=channel_id, key=key, defaults={"value": value}
        )


def state_delete(channel_code: str, keys: list[str]) -> None:
    if keys:
        ChannelState.objects.filter(channel__code=channel_code, key__in=keys).delete()
