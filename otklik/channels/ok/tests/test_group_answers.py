"""Answers to the group's topics and comments: a comment on behalf of the group through the
signed REST API, with the outbox's retries; a case of a chat and a topic answers both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from otklik.cases.choices import CaseStatus, OutboxStatus
from otklik.cases.models import OutboxMessage
from otklik.cases.outbox import outbox_deliver_one
from otklik.cases.services.lifecycle import case_merge
from otklik.cases.services.opening import case_open_or_join
from otklik.channels.ok import poll
from otklik.channels.ok.poll import group_poll
from otklik.channels.ok.tests import conftest
from otklik.channels.ok.tests.conftest import KEY, fixture
from otklik.channels.ok.tests.fbserver import APP_KEY, GROUP, TOKEN, ok_error
from otklik.intake.models import Message

pytestmark = pytest.mark.django_db

ANSWER = "Фонари на ул. Обороны включены, подрядчик заменил кабель."
CITIZEN_TOPIC, OWN_TOPIC = "155000000000102", "155000000000101"
CITIZEN_COMMENT = "MTU1MDAwMDAwMDAwMTAxOjE"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    now = dt.datetime.fromtimestamp(1764280000, tz=dt.UTC)
    monkeypatch.setattr(poll.timezone, "now", lambda: now)


def case_of(external_id: str):
    return case_open_or_join(message=Message.objects.get(external_id=external_id))[0]


def approve(case, personas, capture):
    return conftest.approve(case, personas, capture, ANSWER)


@pytest.fixture
def chat_and_topic_case(client, region, personas, ok_api, ok_rest):
    """A case of a message in the group's chat merged with a citizen's topic."""
    client.post(
        reverse("channels_ok:webhook", kwargs={"key": KEY}),
        fixture("message_created"),
        content_type="application/json",
    )
    group_poll()
    case = case_of("chat:C3ecb9d02a600/mid:C3ecb9d02a600.1937e8a7f0e")
    case_merge(case=case_of(f"topic:{CITIZEN_TOPIC}"), into=case, actor=personas["analyst"])
    ok_api.calls.clear()  # the case-number notice into the chat
    return case


def test_a_citizen_s_topic_is_answered_by_a_comment_of_the_group(
    region, personas, ok_rest, django_capture_on_commit_callbacks
):
    group_poll()
    case, outbox = approve(
        case_of(f"topic:{CITIZEN_TOPIC}"), personas, django_capture_on_commit_callbacks
    )
    assert (outbox.status, case.status) == (OutboxStatus.SENT, CaseStatus.PUBLISHED)
    (sent,) = ok_rest.delivered
    assert (sent["method"], sent["entityId"], sent["entityType"]) == (
        "discussions.addDiscussionComment",
        CITIZEN_TOPIC,
        "GROUP_TOPIC",
    )
    assert (sent["comment"], sent["as_admin"]) == (ANSWER, "true")
    assert (sent["application_key"], sent["access_token"]) == (APP_KEY, TOKEN)
    assert "reply_to_comment_id" not in sent
    assert ok_rest.comments[CITIZEN_TOPIC][-1]["author_id"] == GROUP


def test_a_comment_is_answered_by_a_reply_to_it_and_the_answer_is_not_taken_back_in(
    region, personas, ok_rest, django_capture_on_commit_callbacks
):
    group_poll()
    approve(
        case_of(f"comment:{OWN_TOPIC}/{CITIZEN_COMMENT}"),
        personas,
        django_capture_on_commit_callbacks,
    )
    (sent,) = ok_rest.delivered
    assert (sent["entityId"], sent["reply_to_comment_id"]) == (OWN_TOPIC, CITIZEN_COMMENT)
    messages = Message.objects.count()
    run = group_poll()  # the group's own answer comes back in the comments: not a message
    assert (run.comments_found, run.comments_created) == (1, 0)
    assert Message.objects.count() == messages


def test_a_refusal_is_permanent(region, personas, ok_rest, django_capture_on_commit_callbacks):
    group_poll()
    ok_rest.then(
        "discussions.addDiscussionComment", ok_error(10, "PERMISSION_DENIED : comments closed")
    )
    case, outbox = approve(
        case_of(f"topic:{CITIZEN_TOPIC}"), personas, django_capture_on_commit_callbacks
    )
    assert (outbox.status, outbox.attempts) == (OutboxStatus.FAILED, 1)
    assert "PERMISSION_DENIED" in outbox.last_error and "ошибка 10" in outbox.last_error
    assert case.status == CaseStatus.APPROVED and ok_rest.delivered == []


@pytest.mark.parametrize(
    "failure", [ok_error(2, "SERVICE : Service temporary unavailable"), ok_error(8, "FLOOD"), 502]
)
def test_a_passing_failure_is_retried_and_then_delivered_once(
    region, personas, ok_rest, django_capture_on_commit_callbacks, failure
):
    group_poll()
    ok_rest.then("discussions.addDiscussionComment", failure)
    case, outbox = approve(
        case_of(f"topic:{CITIZEN_TOPIC}"), personas, django_capture_on_commit_callbacks
    )
    assert (outbox.status, case.status) == (OutboxStatus.PENDING, CaseStatus.APPROVED)
    assert outbox_deliver_one(outbox.pk) == OutboxStatus.SENT
    assert outbox_deliver_one(outbox.pk) == OutboxStatus.SENT  # a late duplicate task
    assert len(ok_rest.delivered) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED


def test_missing_credentials_are_retried_once_given(
    region, personas, ok_rest, settings, django_capture_on_commit_callbacks
):
    group_poll()
    settings.OTKLIK_OK_SECRET_KEY = ""
    _, outbox = approve(
        case_of(f"topic:{CITIZEN_TOPIC}"), personas, django_capture_on_commit_callbacks
    )
    assert outbox.status == OutboxStatus.PENDING and "OTKLIK_OK_SECRET_KEY" in outbox.last_error
    settings.OTKLIK_OK_SECRET_KEY = "5D3E1A9B7C2F4E6A8B0C1D2E"
    assert outbox_deliver_one(outbox.pk) == OutboxStatus.SENT


def test_a_case_of_a_chat_and_a_topic_answers_both_and_a_retry_repeats_none(
    chat_and_topic_case, personas, ok_api, ok_rest, django_capture_on_commit_callbacks
):
    chat_case = chat_and_topic_case
    ok_rest.then("discussions.addDiscussionComment", ok_error(2, "SERVICE : unavailable"))
    _, outbox = approve(chat_case, personas, django_capture_on_commit_callbacks)
    assert outbox.status == OutboxStatus.PENDING
    assert [path for path, _, _ in ok_api.calls] == ["/graph/me/messages/chat:C3ecb9d02a600"]
    assert outbox_deliver_one(outbox.pk) == OutboxStatus.SENT
    assert len(ok_api.calls) == 1 and len(ok_rest.delivered) == 1  # the chat is not sent again
    outbox.refresh_from_db()
    assert outbox.payload["ok_done"] == ["chat:C3ecb9d02a600", f"topic:{CITIZEN_TOPIC}"]


def test_a_notice_goes_to_the_chat_only(
    chat_and_topic_case, ok_api, ok_rest, django_capture_on_commit_callbacks
):
    from otklik.channels.notices import author_notice_queue

    chat_case = chat_and_topic_case
    OutboxMessage.objects.filter(kind="notice").delete()
    with django_capture_on_commit_callbacks(execute=True):
        notice = author_notice_queue(case_id=chat_case.pk, event="opened")
    notice.refresh_from_db()
    assert notice.status == OutboxStatus.SENT and ok_rest.delivered == []
    ((path, _, body),) = ok_api.calls
    assert path == "/graph/me/messages/chat:C3ecb9d02a600" and chat_case.number in str(body)
