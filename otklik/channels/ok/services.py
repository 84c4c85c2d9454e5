"""Receiving OK items (webhook events, the group's topics and comments); subscribing the
group's webhook."""

from __future__ import annotations

import hmac
import json

from otklik.channels.ok import client, converter
from otklik.channels.secrets import MissingSecret, channel_secret
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
    channel_receive(
        channel_code="ok",
        external_id=converter.external_id_of(event, body),
        body=body,
        convert=lambda: converter.convert(body),
        raw=event,
        sent_at=converter.from_ms(event.get("timestamp")),
    )
    return 200, "ok"


def webhook_subscribe(*, url: str) -> dict:
    """Ask OK to post the group's chat events to ``url`` (``POST graph/me/subscribe``)."""
    return client.call("me/subscribe", {"url": url})


def _hashed_id(envelope: dict) -> str:
    return converter.external_id_of({}, json.dumps(envelope, ensure_ascii=False, sort_keys=True))


def topic_entry(*, topic: dict, group_id: str, author_name: str = "") -> tuple[str, dict]:
    """A topic of the group as ``mediatopic.getByIds`` gave it: its external id and the envelope
    kept. A topic without an id is kept too, under a hash of its body, and waits in the
    quarantine."""
    envelope = {
        "source": converter.TOPIC_SOURCE,
        "group_id": group_id,
        "author_name": author_name,
        "media_topic": topic,
    }
    topic_id = converter.ok_id(topic.get("id"))
    return (converter.topic_external_id(topic_id) if topic_id else _hashed_id(envelope)), envelope


def comment_entry(*, comment: dict, topic_id: str, group_id: str) -> tuple[str, dict]:
    """A comment under a topic of the group as ``discussions.getComments`` gave it: its external
    id and the envelope kept."""
    envelope = {
        "source": converter.COMMENT_SOURCE,
        "group_id": group_id,
        "discussionId": topic_id,
        "discussionType": "GROUP_TOPIC",
        "comment": comment,
    }
    comment_id = converter.ok_id(comment.get("id"))
    external_id = (
        converter.comment_external_id(topic_id, comment_id) if comment_id else _hashed_id(envelope)
    )
    return external_id, envelope


def entry_receive(external_id: str, envelope: dict) -> IngestResult:
    """An entry of the group's page not kept before (the caller looked: ``deliveries_kept``)."""
    if envelope["source"] == converter.TOPIC_SOURCE:
        stamp, convert = envelope["media_topic"].get("created_ms"), converter.convert_topic
    else:
        stamp, convert = envelope["comment"].get("date_ms"), converter.convert_comment
    return channel_receive(
        channel_code="ok",
        external_id=external_id,
        body=json.dumps(envelope, ensure_ascii=False),
        convert=lambda: convert(envelope),
        raw=envelope,
        sent_at=converter.from_ms(stamp),
        stored_checked=True,  # a race is still caught by the unique key
    )
