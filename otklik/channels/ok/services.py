"""Receiving OK items (webhook events, the group's topics and comments); subscribing the
group's webhook."""

from __future__ import annotations

import datetime as dt
import hmac
import json

from otklik.channels.ok import api, events
from otklik.channels.secrets import MissingSecret, channel_secret
from otklik.channels.selectors import delivery_kept
from otklik.channels.services import channel_receive
from otklik.intake.services import IngestResult


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


def _ms(value) -> dt.datetime | None:
    if isinstance(value, int) and value > 0:
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
    return None


def item_seen(external_id: str) -> bool:
    return delivery_kept("ok", external_id)


def _receive(external_id: str, envelope: dict, convert, sent_at) -> IngestResult | None:
    if item_seen(external_id):
        return None
    body = json.dumps(envelope, ensure_ascii=False)
    return channel_receive(
        channel_code="ok",
        external_id=external_id,
        body=body,
        convert=lambda: convert(envelope),
        raw=envelope,
        sent_at=sent_at,
    )


def topic_receive(*, topic: dict, group_id: str, author_name: str = "") -> IngestResult | None:
    """A topic of the group as ``mediatopic.getByIds`` gave it (``None``: kept before).

    A topic without an id is kept too, under a hash of its body, and waits in the quarantine."""
    envelope = {
        "source": events.TOPIC_SOURCE,
        "group_id": group_id,
        "author_name": author_name,
        "media_topic": topic,
    }
    topic_id = events.ok_id(topic.get("id"))
    external_id = (
        events.topic_external_id(topic_id)
        if topic_id
        else events.external_id_of({}, json.dumps(envelope, ensure_ascii=False, sort_keys=True))
    )
    return _receive(external_id, envelope, events.convert_topic, _ms(topic.get("created_ms")))


def comment_receive(*, comment: dict, topic_id: str, group_id: str) -> IngestResult | None:
    """A comment under a topic of the group as ``discussions.getComments`` gave it."""
    envelope = {
        "source": events.COMMENT_SOURCE,
        "group_id": group_id,
        "discussionId": topic_id,
        "discussionType": "GROUP_TOPIC",
        "comment": comment,
    }
    comment_id = events.ok_id(comment.get("id"))
    external_id = (
        events.comment_external_id(topic_id, comment_id)
        if comment_id
        else events.external_id_of({}, json.dumps(envelope, ensure_ascii=False, sort_keys=True))
    )
    return _receive(external_id, envelope, events.convert_comment, _ms(comment.get("date_ms")))
