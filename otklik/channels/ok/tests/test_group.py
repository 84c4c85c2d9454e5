"""Одноклассники: the group's page (topics and comments) polled through the signed REST API."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from otklik.channels.models import ChannelHealth
from otklik.channels.ok import poll
from otklik.channels.ok.client import signature
from otklik.channels.ok.poll import group_poll
from otklik.channels.ok.tests.fbserver import GROUP, Raw, ok_error
from otklik.channels.services import state_get, state_set
from otklik.intake.models import Delivery, DeliveryStatus, Message

pytestmark = pytest.mark.django_db

NOW_MS = 1764280000000
OWN_TOPIC, CITIZEN_TOPIC = "155000000000101", "155000000000102"
CITIZEN_COMMENT = "MTU1MDAwMDAwMDAwMTAxOjE"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    now = dt.datetime.fromtimestamp(NOW_MS / 1000, tz=dt.UTC)
    monkeypatch.setattr(poll.timezone, "now", lambda: now)


def counts(run) -> tuple:
    return (
        run.topics_found,
        run.topics_created,
        run.comments_found,
        run.comments_created,
        run.quarantined,
        run.errors,
    )


def test_the_signature_follows_ok_s_rule():
    """The worked example of OK's signing rule (session secret md5(token + secret key))."""
    params = {"application_key": "ABCDEFGHIGKLMNOPK", "format": "json", "method": "events.get"}
    assert (
        signature(
            params,
            access_token="-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7",
            secret_key="ABC123DEF456GHI789JKL123",
        )
        == "232c8eb921951c4dba9b72606f9ddb4c"
    )


def test_citizens_topics_and_comments_are_taken_and_the_group_s_own_are_not(region, ok_rest):
    run = group_poll()
    assert counts(run) == (2, 1, 2, 1, 0, 0)
    topic = Message.objects.get(external_id=f"topic:{CITIZEN_TOPIC}")
    assert (topic.channel.code, topic.kind.code) == ("ok", "publication")
    assert topic.text.startswith("В Михайловке на ул. Обороны")
    assert (topic.author.channel_user_id, topic.author.name) == (
        "ok:user:575662066930",
        "Олег Петров",
    )
    assert topic.received_at.timestamp() == 1764275000
    comment = Message.objects.get(external_id=f"comment:{OWN_TOPIC}/{CITIZEN_COMMENT}")
    assert comment.kind.code == "publication" and comment.text.startswith("А на ул. Штеменко")
    assert comment.author.channel_user_id == "ok:user:575662066926"
    assert Message.objects.count() == 2
    discarded = Delivery.objects.filter(status=DeliveryStatus.DISCARDED)
    assert sorted(d.external_id for d in discarded) == [
        f"comment:{OWN_TOPIC}/MTU1MDAwMDAwMDAwMTAxOjI",
        f"topic:{OWN_TOPIC}",
    ]
    (listing,) = ok_rest.params("group.getStatTopics")
    assert (listing["gid"], listing["start_time"], listing["end_time"]) == (
        GROUP,
        str(NOW_MS - 86400000),
        str(NOW_MS),
    )
    (fetch,) = ok_rest.params("mediatopic.getByIds")
    assert sorted(fetch["topic_ids"].split(",")) == [OWN_TOPIC, CITIZEN_TOPIC]
    assert fetch["media_limit"] == "3"
    assert state_get("ok", "topics:since") == str(NOW_MS - 600000)
    assert state_get("ok", f"c:{OWN_TOPIC}") == "a1"
    assert ChannelHealth.objects.get(channel__code="ok").inbound_total == 4


def test_a_repeated_poll_stores_nothing_and_reads_on_from_the_cursors(region, ok_rest):
    group_poll()
    deliveries = Delivery.objects.count()
    ok_rest.topics[0]["created_ms"] = NOW_MS - 1000  # still in the next window (overlap)
    again = group_poll()
    assert counts(again) == (1, 0, 0, 0, 0, 0)
    assert Delivery.objects.count() == deliveries and Message.objects.count() == 2
    assert len(ok_rest.params("mediatopic.getByIds")) == 1  # a known topic is not fetched again
    assert ok_rest.params("group.getStatTopics")[1]["start_time"] == str(NOW_MS - 600000)
    reads = {p["discussionId"]: p["anchor"] for p in ok_rest.params("discussions.getComments")[2:]}
    assert reads == {OWN_TOPIC: "a1", CITIZEN_TOPIC: "FIRST"}


def test_a_new_comment_is_taken_on_the_next_poll(region, ok_rest):
    group_poll()
    ok_rest.comments.setdefault(CITIZEN_TOPIC, []).append(
        {
            "id": "MTU1MDAwMDAwMDAwMTAyOjE",
            "author_id": "575662066926",
            "author_name": "Мария Кузнецова",
            "text": "У нас на Обороны 12 то же самое.",
            "date_ms": NOW_MS - 1000,
        }
    )
    run = group_poll()
    assert (run.comments_found, run.comments_created) == (1, 1)
    assert Message.objects.filter(
        external_id=f"comment:{CITIZEN_TOPIC}/MTU1MDAwMDAwMDAwMTAyOjE"
    ).exists()
    assert state_get("ok", f"c:{CITIZEN_TOPIC}") == "a0"


def test_a_wrong_signature_is_refused_by_ok_and_nothing_is_stored(region, ok_rest, settings):
    settings.OTKLIK_OK_SECRET_KEY = "not-the-application-secret"
    run = group_poll()
    assert run.errors == 1 and not Delivery.objects.exists()
    health = ChannelHealth.objects.get(channel__code="ok")
    assert "PARAM_SIGNATURE" in health.last_error and "ошибка 104" in health.last_error
    assert state_get("ok", "topics:since") == ""


def test_malformed_items_wait_in_the_quarantine_with_a_reason(region, ok_rest):
    ok_rest.topics[1]["media"][0]["text"] = ["не", "строка"]
    ok_rest.comments[OWN_TOPIC][0].pop("id")
    run = group_poll()
    assert run.quarantined == 2 and not Message.objects.exists()
    topic = Delivery.objects.get(external_id=f"topic:{CITIZEN_TOPIC}")
    assert topic.status == DeliveryStatus.QUARANTINED and topic.error == "Текст темы не строка."
    assert json.loads(topic.body)["media_topic"]["media"][0]["text"] == ["не", "строка"]
    comment = Delivery.objects.get(
        status=DeliveryStatus.QUARANTINED, external_id__startswith="body:"
    )
    assert "нет id" in comment.error
    assert json.loads(comment.body)["discussionId"] == OWN_TOPIC
    group_poll()  # the same broken items again: kept once
    assert Delivery.objects.filter(status=DeliveryStatus.QUARANTINED).count() == 2


def test_a_topic_without_author_is_not_guessed_to_be_a_citizen_s(region, ok_rest):
    del ok_rest.topics[0]["author_ref"]
    group_poll()
    delivery = Delivery.objects.get(external_id=f"topic:{OWN_TOPIC}")
    assert delivery.status == DeliveryStatus.QUARANTINED and "author_ref" in delivery.error


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Raw("<html>502 Bad Gateway</html>"), "не в формате JSON"),
        ({"topics": "155000000000101"}, "topics не список"),
        ([1, 2], "ожидался объект"),
    ],
)
def test_a_malformed_listing_is_reported_and_the_cursor_stays(region, ok_rest, answer, reason):
    ok_rest.then("group.getStatTopics", answer)
    run = group_poll()
    assert run.errors == 1 and run.topics_found == 0
    assert reason in ChannelHealth.objects.get(channel__code="ok").last_error
    assert state_get("ok", "topics:since") == ""
    assert not Delivery.objects.filter(external_id__startswith="topic:").exists()


def test_the_quarantine_retries_a_topic_body_through_the_adapter(region, ok_rest, personas):
    from otklik.intake.services import delivery_retry

    ok_rest.topics[1]["media"][0]["text"] = 42
    group_poll()
    delivery = Delivery.objects.get(external_id=f"topic:{CITIZEN_TOPIC}")
    fixed = json.loads(delivery.body)
    fixed["media_topic"]["media"][0]["text"] = "Не горят фонари на ул. Обороны"
    result = delivery_retry(
        actor=personas["analyst"], delivery=delivery, body=json.dumps(fixed, ensure_ascii=False)
    )
    message = Message.objects.get(pk=result.message_id)
    assert (message.external_id, message.kind.code) == (f"topic:{CITIZEN_TOPIC}", "publication")


def test_a_run_stopped_at_the_page_limit_resumes_in_the_same_window(region, ok_rest, monkeypatch):
    monkeypatch.setattr(poll, "MAX_PAGES", 1)
    monkeypatch.setattr(poll, "PAGE_SIZE", 1)
    first = group_poll()
    assert first.topics_found == 1
    assert (state_get("ok", "topics:anchor"), state_get("ok", "topics:until")) == ("1", str(NOW_MS))
    assert state_get("ok", "topics:since") == ""
    second = group_poll()
    resumed = ok_rest.params("group.getStatTopics")[1]
    assert (resumed["anchor"], resumed["end_time"]) == ("1", str(NOW_MS))
    assert second.topics_found == 1 and state_get("ok", "topics:anchor") == ""
    assert state_get("ok", "topics:since") == str(NOW_MS - 600000)
    assert Delivery.objects.filter(external_id__startswith="topic:").count() == 2


def test_a_passing_error_on_comments_stops_the_run_and_the_cursor_stays(region, ok_rest):
    ok_rest.then("discussions.getComments", ok_error(8, "FLOOD_BLOCKED : Flood"))
    run = group_poll()
    assert run.errors == 1 and run.comments_found == 0
    assert len(ok_rest.params("discussions.getComments")) == 1
    assert state_get("ok", f"c:{CITIZEN_TOPIC}") == "" and state_get("ok", f"c:{OWN_TOPIC}") == ""


def test_without_credentials_the_page_is_not_read(region, ok_rest, settings):
    settings.OTKLIK_OK_ACCESS_TOKEN = ""
    assert counts(group_poll()) == (0, 0, 0, 0, 0, 0)
    assert ok_rest.calls == []


def test_the_periodic_task_polls_the_group(region, ok_rest):
    from otklik.channels.ok.tasks import poll as poll_task

    result = poll_task.call()
    assert (result["topics_created"], result["comments_created"]) == (1, 1)


def test_a_poll_with_nothing_new_reads_the_cursors_once(
    region, ok_rest, monkeypatch, django_assert_max_num_queries
):
    group_poll()
    later = dt.datetime.fromtimestamp(NOW_MS / 1000 + 60, tz=dt.UTC)
    monkeypatch.setattr(poll.timezone, "now", lambda: later)  # the topics window moves on
    calls = len(ok_rest.calls)
    # The topics' cursors, the watched topics, their cursors, the moved ``since`` (the channel
    # id from the books, one UPDATE); a topic with nothing new writes nothing.
    with django_assert_max_num_queries(5):
        run = group_poll()
    assert counts(run) == (0, 0, 0, 0, 0, 0)
    assert len(ok_rest.calls) - calls == 3  # the listing, one read per watched topic
    assert state_get("ok", "topics:since") == str(NOW_MS + 60000 - 600000)


def test_already_kept_comments_are_looked_up_once_per_page(
    region, ok_rest, django_assert_max_num_queries
):
    group_poll()
    state_set("ok", f"c:{OWN_TOPIC}", "FIRST")  # the same two comments are read again
    # As above, less the moved ``since``; the page's comments looked up in one query; the
    # anchor written again (two).
    with django_assert_max_num_queries(6):
        run = group_poll()
    assert (run.comments_found, run.comments_created, run.quarantined) == (2, 0, 0)
    assert Delivery.objects.filter(external_id__startswith="comment:").count() == 2


def test_an_anchor_too_long_to_keep_ends_the_topics_window(region, ok_rest, monkeypatch):
    monkeypatch.setattr(poll, "MAX_PAGES", 1)
    long_anchor = {"topics": [{"id": OWN_TOPIC}], "anchor": "x" * 300, "has_more": True}
    ok_rest.then("group.getStatTopics", long_anchor)
    group_poll()
    assert state_get("ok", "topics:since") == str(NOW_MS - 600000)  # the window moved on
    assert (state_get("ok", "topics:until"), state_get("ok", "topics:anchor")) == ("", "")


def test_a_deleted_topic_is_reported_once_and_not_read_again(region, ok_rest):
    group_poll()
    ok_rest.then("discussions.getComments", ok_error(300, "NOT_FOUND : topic"))
    reads = len(ok_rest.params("discussions.getComments"))
    run = group_poll()
    assert run.errors == 1
    gone = ok_rest.params("discussions.getComments")[reads]["discussionId"]
    other = ({OWN_TOPIC, CITIZEN_TOPIC} - {gone}).pop()
    assert state_get("ok", f"c:{gone}") == poll.GONE
    errors = ChannelHealth.objects.get(channel__code="ok").error_total
    reads = len(ok_rest.params("discussions.getComments"))
    again = group_poll()
    assert again.errors == 0
    assert ChannelHealth.objects.get(channel__code="ok").error_total == errors
    assert [p["discussionId"] for p in ok_rest.params("discussions.getComments")[reads:]] == [other]


def test_cursors_of_topics_no_longer_watched_are_dropped(region, ok_rest):
    group_poll()
    Delivery.objects.filter(external_id=f"topic:{OWN_TOPIC}").update(
        received_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    group_poll()
    assert state_get("ok", f"c:{OWN_TOPIC}") == ""


def test_ok_s_milliseconds_are_read_in_one_place():
    from otklik.channels.ok.converter import from_ms

    assert from_ms(NOW_MS) == dt.datetime(2025, 11, 27, 21, 46, 40, tzinfo=dt.UTC)
    assert poll.to_ms(from_ms(NOW_MS)) == NOW_MS
    assert [from_ms(v) for v in (0, -5, True, "1764280000000", None, 10**30)] == [None] * 6
