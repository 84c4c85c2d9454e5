"""Receiving OK webhook events; subscribing the group's webhook."""

from __future__ import annotations

import datetime as dt
import hmac
import json

from otklik.channels.ok import api, events
from otklik.channels.secrets import MissingSecret, channel_secret
from otklik.channels.services import channel_receive


def webhook_handle(*, key: str, body: str) -> tuple[int, str]:
    """One webhook request: the status and plain-text body to answer OK."""
    try:
        expected = channel_secret("ok", "webhook_secret")
    except MissingSecret:
        return 503, "not configured"
    if not hmac.compare_digest(key.encode(), expected.encode()):
        return 403, "forbidden"
    try:
        event = json.loads(body)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        event = {}  # the address is the group's own: keep what came, in the quarantine
    stamp = event.get("timestamp")
    sent_at = dt.datetime.fromtimestamp(stamp / 1000, tz=dt.UTC) if isinstance(stamp, int) else None
    channel_receive(
        channel_code="ok",
        external_id=events.external_id_of(event, body),
        body=body,
        convert=lambda: events.convert_body(body),
        raw=event,
        sent_at=sent_at,
    )
    return 200, "ok"


def webhook_subscribe(*, url: str) -> dict:
    """Ask OK to post the group's chat events to ``url`` (``POST graph/me/subscribe``)."""
    return api.call("me/subscribe", {"url": url})
