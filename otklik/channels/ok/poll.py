"""Reading the group's page in OK: new topics (posts) and new comments under them, polled through
the REST API (OK pushes neither to a server).

- **Topics**: ``group.getStatTopics`` lists the group's topics of a time window (``start_time``,
  ``end_time`` in milliseconds, paged by ``anchor``); the window starts at the cursor
  ``topics:since`` in ``ChannelState`` (first run: the last 24 hours) and, while a window is
  read page by page, ``topics:until`` and ``topics:anchor`` are kept too, so a run stopped at
  the page limit resumes where it stopped; an anchor too long to keep ends the window there
  (as VK's monitor does). Topics not kept before are fetched whole with
  ``mediatopic.getByIds`` and received raw-first (``services.entry_receive``).
- **Comments**: for each topic of the group kept in the last ``COMMENT_WINDOW_DAYS`` days (the
  group's own posts included: that is where people comment most), ``discussions.getComments``
  (``discussionType=GROUP_TOPIC``, ``direction=FORWARD``) from the topic's own cursor
  ``c:<topic id>`` (OK's ``anchor``; the first read starts at ``FIRST``). The cursors are read
  in one query, written only when they moved, and dropped when their topic leaves the window;
  a topic OK no longer has (``NOT_FOUND``) is marked ``GONE`` and not read again.

Every item is idempotent on OK's ids and a repeated poll stores nothing: an item already kept
(taken, discarded or quarantined) is not received again (one lookup per page). A failed call
is reported in the channel's health and its cursor stays.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils import timezone

from otklik.channels.ok import client, converter
from otklik.channels.ok.services import comment_entry, entry_receive, topic_entry
from otklik.channels.selectors import channel_state, deliveries_kept
from otklik.channels.services import health_error, state_delete, state_set
from otklik.intake.models import Delivery

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_PAGES = 5  # per list and run
FIRST_LOOK_BACK = dt.timedelta(hours=24)
# The next window starts a little before the last one ended: a topic counted late is then still
# seen, and one seen twice is kept once anyway.
OVERLAP = dt.timedelta(minutes=10)
COMMENT_WINDOW_DAYS = 7
MAX_WATCHED_TOPICS = 200
STATE_LIMIT = 255  # ChannelState.value
# The cursor of a topic OK no longer has (deleted): it is not read again. Not an anchor OK
# gives (those are base64). Only NOT_FOUND marks it: other refusals (signature, session,
# permissions) are permanent too but would hold for every topic until the keys are fixed.
GONE = "!gone"
GONE_CODES = frozenset({300})  # NOT_FOUND
TOPIC_FIELDS = (
    "media_topic.id,media_topic.created_ms,media_topic.author_ref,media_topic.media,"
    "user.uid,user.name"
)
COMMENT_FIELDS = "comment.id,comment.author_id,comment.author_name,comment.text,comment.date_ms"


@dataclass
class GroupPoll:
    topics_found: int = 0
    topics_created: int = 0
    comments_found: int = 0
    comments_created: int = 0
    quarantined: int = 0
    errors: int = 0

    def count(self, result, *, kind: str) -> None:
        if result is None:
            return
        if result.status == "created":
            setattr(self, f"{kind}_created", getattr(self, f"{kind}_created") + 1)
        elif result.status == "rejected":
            self.quarantined += 1


def to_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _ms_delta(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() * 1000)


def _listed(answer, key: str, method: str) -> list:
    if not isinstance(answer, dict):
        raise client.OkError(f"{method}: неожиданный ответ API (ожидался объект)")
    items = answer.get(key) or []
    if not isinstance(items, list):
        raise client.OkError(f"{method}: неожиданный ответ API ({key} не список)")
    return items


def _keep(key: str, value: str, kept: str | None) -> None:
    """Keep the cursor ``key`` at ``value`` unless it is ``kept`` there already."""
    if len(value) > STATE_LIMIT:  # cannot be kept: the next run reads again (nothing doubles)
        logger.warning("ok poll: %s too long to keep", key)
        value = ""
    if value != (kept or ""):
        state_set("ok", key, value)


def _receive_new(entries: list[tuple[str, dict]], run: GroupPoll, *, kind: str) -> None:
    """Receive the entries of one page not kept before (one query for the page)."""
    kept = deliveries_kept("ok", [external_id for external_id, _ in entries])
    for external_id, envelope in entries:
        if external_id in kept:
            continue
        kept.add(external_id)  # the same item twice on a page is kept once
        run.count(entry_receive(external_id, envelope), kind=kind)


def _authors(answer: dict) -> dict[str, str]:
    entities = answer.get("entities") if isinstance(answer.get("entities"), dict) else {}
    users = entities.get("users") if isinstance(entities.get("users"), list) else []
    return {
        f"user:{u.get('uid')}": str(u.get("name") or "")
        for u in users
        if isinstance(u, dict) and u.get("uid")
    }


def _topics_fetch(ids: list[str], creds: client.Credentials, run: GroupPoll) -> None:
    answer = client.rest_call(
        "mediatopic.getByIds",
        creds,
        topic_ids=",".join(ids),
        media_limit=3 if len(ids) > 1 else None,  # required for several topics, 1..3
        fields=TOPIC_FIELDS,
    )
    topics = _listed(answer, "media_topics", "mediatopic.getByIds")
    names = _authors(answer)
    entries = []
    for topic in topics:
        if not isinstance(topic, dict):
            topic = {"unexpected": topic}
        author = names.get(str(topic.get("author_ref")), "")
        entries.append(topic_entry(topic=topic, group_id=creds.group_id, author_name=author))
    _receive_new(entries, run, kind="topics")


def _topics_poll(creds: client.Credentials, run: GroupPoll) -> None:
    now = to_ms(timezone.now())
    state = channel_state("ok", prefix="topics:")
    since = int(state.get("topics:since") or now - _ms_delta(FIRST_LOOK_BACK))
    until = int(state.get("topics:until") or now)
    anchor = state.get("topics:anchor", "")
    more = False
    for _ in range(MAX_PAGES):
        answer = client.rest_call(
            "group.getStatTopics",
            creds,
            gid=creds.group_id,
            start_time=since,
            end_time=until,
            anchor=anchor,
            count=PAGE_SIZE,
        )
        listed = _listed(answer, "topics", "group.getStatTopics")
        ids = [converter.ok_id(t.get("id")) for t in listed if isinstance(t, dict)]
        run.topics_found += len(ids)
        ids = [i for i in dict.fromkeys(ids) if i]
        kept = deliveries_kept("ok", [converter.topic_external_id(i) for i in ids])
        fresh = [i for i in ids if converter.topic_external_id(i) not in kept]
        if fresh:
            _topics_fetch(fresh, creds, run)
        anchor = str(answer.get("anchor") or "")
        if len(anchor) > STATE_LIMIT:  # cannot be kept: this window ends here (as VK's monitor)
            logger.warning("ok poll: topics:anchor too long to keep")
            anchor = ""
        more = bool(answer.get("has_more")) and bool(listed) and bool(anchor)
        if not more:
            break
    if more:  # the page limit: the next run goes on in the same window
        _keep("topics:anchor", anchor, state.get("topics:anchor"))
        _keep("topics:until", str(until), state.get("topics:until"))
        return
    _keep("topics:since", str(max(since, until - _ms_delta(OVERLAP))), state.get("topics:since"))
    _keep("topics:until", "", state.get("topics:until"))
    _keep("topics:anchor", "", state.get("topics:anchor"))


def watched_topics() -> list[str]:
    """Topics of the group kept in the comment window, newest first."""
    since = timezone.now() - dt.timedelta(days=COMMENT_WINDOW_DAYS)
    ids = (
        Delivery.objects.filter(
            channel_code="ok", external_id__startswith="topic:", received_at__gte=since
        )
        .order_by("-received_at")
        .values_list("external_id", flat=True)[:MAX_WATCHED_TOPICS]
    )
    return [i.removeprefix("topic:") for i in ids]


def _cursor_key(topic_id: str) -> str:
    return f"c:{topic_id}"[:64]


def _comments_poll(topic_id: str, anchor: str, creds: client.Credentials, run: GroupPoll) -> str:
    """Read the topic's comments after ``anchor``; the anchor to go on from next time."""
    group = creds.group_id
    for _ in range(MAX_PAGES):
        answer = client.rest_call(
            "discussions.getComments",
            creds,
            discussionId=topic_id,
            discussionType="GROUP_TOPIC",
            anchor=anchor,
            direction="FORWARD",
            count=PAGE_SIZE,
            fields=COMMENT_FIELDS,
        )
        comments = _listed(answer, "comments", "discussions.getComments")
        entries = []
        for comment in comments:
            if not isinstance(comment, dict):
                comment = {"unexpected": comment}
            run.comments_found += 1
            entries.append(comment_entry(comment=comment, topic_id=topic_id, group_id=group))
        _receive_new(entries, run, kind="comments")
        anchor = str(answer.get("anchor") or anchor)
        if not answer.get("has_more") or not comments:
            break
    return anchor


def _all_comments_poll(creds: client.Credentials, run: GroupPoll) -> None:
    """Comments of every watched topic, from the cursors read in one query; a cursor is written
    only when it moved, and those of topics no longer watched are dropped."""
    topics = watched_topics()
    cursors = channel_state("ok", prefix="c:")
    watched = {_cursor_key(t) for t in topics}
    state_delete("ok", [key for key in cursors if key not in watched])
    for topic_id in topics:
        key = _cursor_key(topic_id)
        kept = cursors.get(key)
        if kept == GONE:
            continue
        try:
            anchor = _comments_poll(topic_id, kept or "FIRST", creds, run)
        except client.OkError as exc:
            run.errors += 1
            logger.warning("ok poll comments of %s: %s", topic_id, exc)
            health_error("ok", f"Комментарии к теме {topic_id}: {exc}")
            if exc.permanent and exc.code in GONE_CODES:
                state_set("ok", key, GONE)  # reported once; not read again
            elif not exc.permanent:
                break  # OK is unavailable or limiting: the next run tries again
            continue
        _keep(key, anchor, kept or "FIRST")


def group_poll() -> GroupPoll:
    """One pass over the group's page; off (nothing called) until its credentials are given."""
    run = GroupPoll()
    creds = client.credentials(required=False)
    if creds is None:
        return run
    try:
        _topics_poll(creds, run)
    except client.OkError as exc:
        run.errors += 1
        logger.warning("ok poll topics: %s", exc)
        health_error("ok", f"Темы группы: {exc}")
    _all_comments_poll(creds, run)
    return run
