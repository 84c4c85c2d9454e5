"""Receiving VK items: one path for the Callback API and the monitor."""

from __future__ import annotations

import datetime as dt
import hmac
import json
from dataclasses import dataclass

from otklik.channels.secrets import MissingSecret, channel_secret
from otklik.channels.selectors import delivery_kept
from otklik.channels.services import channel_receive
from otklik.channels.vk import converter
from otklik.intake.services import IngestResult


@dataclass(frozen=True)
class CallbackAnswer:
    status: int
    text: str


def own_group_id() -> int:
    value = channel_secret("vk", "group_id", required=False)
    try:
        return abs(int(value)) if value else 0
    except ValueError:
        return 0


def _sent_at(event: dict) -> dt.datetime | None:
    obj = event.get("object") if isinstance(event.get("object"), dict) else {}
    item = obj.get("message") if isinstance(obj.get("message"), dict) else obj
    try:
        return dt.datetime.fromtimestamp(int(item.get("date")), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def callback_handle(*, body: str) -> CallbackAnswer:
    """One Callback API request: what to answer VK (status and plain-text body).

    Not JSON or a wrong secret: refused and nothing stored (the sender is not known to be VK).
    """
    try:
        event = json.loads(body)
    except ValueError:
        return CallbackAnswer(400, "bad request")
    if not isinstance(event, dict):
        return CallbackAnswer(400, "bad request")
    own = own_group_id()
    group = event.get("group_id")
    if own and str(group) != str(own):
        return CallbackAnswer(403, "forbidden")
    try:
        if event.get("type") == "confirmation":
            return CallbackAnswer(200, channel_secret("vk", "confirmation"))
        expected = channel_secret("vk", "secret")
    except MissingSecret:  # not configured: VK must not think the event was taken
        return CallbackAnswer(503, "not configured")
    given = event.get("secret")
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), expected.encode()):
        return CallbackAnswer(403, "forbidden")
    external_id = converter.external_id_of(event, body)
    if external_id.startswith("event:") and delivery_kept("vk", external_id):
        return CallbackAnswer(200, "ok")  # a retried service event: kept once already
    stored = dict(event)
    stored.pop("secret", None)  # the key is not kept with the body
    channel_receive(
        channel_code="vk",
        external_id=external_id,
        body=json.dumps(stored, ensure_ascii=False),
        convert=lambda: converter.convert_event(event, own_group=own),
        raw=stored,
        sent_at=_sent_at(event),
    )
    return CallbackAnswer(200, "ok")


def post_receive(post: dict, *, names: dict[int, str] | None = None) -> IngestResult:
    """A post found by the monitor (the same external id as the callback's wall_post_new)."""
    own = own_group_id()
    return channel_receive(
        channel_code="vk",
        external_id=converter.post_id(post.get("owner_id"), post.get("id")),
        body=json.dumps(post, ensure_ascii=False),
        convert=lambda: converter.convert_post(post, names=names, own_group=own),
        raw=post,
        sent_at=_sent_at({"object": post}),
    )
