"""Answers back into VK through the outbox: message, comment, reply; refusals and retries."""

from __future__ import annotations

import json
import socket

import pytest
from django.urls import reverse

from otklik.cases.choices import CaseStatus, OutboxStatus
from otklik.cases.outbox import outbox_deliver_one
from otklik.cases.services.lifecycle import case_merge
from otklik.cases.services.opening import case_open_or_join
from otklik.channels.models import ChannelHealth
from otklik.channels.vk.tests.conftest import ANSWER, GROUP, approve, fixture
from otklik.channels.vk.tests.vkserver import vk_error
from otklik.intake.models import Message

pytestmark = pytest.mark.django_db


def vk_case(client, *names: str):
    """A case opened from VK items received through the callback (several: merged into one)."""
    cases = []
    for name in names:
        body = json.dumps(fixture(name), ensure_ascii=False)
        client.post(reverse("channels_vk:callback"), body, content_type="application/json")
        message = Message.objects.order_by("-pk").first()
        cases.append(case_open_or_join(message=message)[0])
    return cases


def test_a_community_message_is_answered_by_a_message_once(
    client, personas, vk_api, django_capture_on_commit_callbacks
):
    (case,) = vk_case(client, "message_new")
    case, outbox = approve(case, personas, django_capture_on_commit_callbacks)
    assert (outbox.status, case.status) == (OutboxStatus.SENT, CaseStatus.PUBLISHED)
    ((method, params),) = vk_api.delivered
    assert method == "messages.send"
    assert (params["peer_id"], params["message"]) == ("512345678", ANSWER)
    assert params["access_token"] == "community-key" and params["v"] == "5.199"
    assert 0 < int(params["random_id"]) < 2**31
    assert ChannelHealth.objects.get(channel__code="vk").outbound_total == 1


def test_a_wall_post_is_answered_by_a_comment_on_behalf_of_the_community(
    client, personas, vk_api, django_capture_on_commit_callbacks
):
    (case,) = vk_case(client, "wall_post_new")
    _, outbox = approve(case, personas, django_capture_on_commit_callbacks)
    assert outbox.status == OutboxStatus.SENT
    ((method, params),) = vk_api.delivered
    assert method == "wall.createComment"
    assert (params["owner_id"], params["post_id"]) == ("-218000001", "305")
    assert params["from_group"] == str(GROUP) and params["message"] == ANSWER
    assert params["access_token"] == "admin-user-key" and "reply_to_comment" not in params
    assert params["guid"] == f"otklik-{outbox.pk}-{Message.objects.get().pk}"


def test_a_comment_is_answered_by_a_reply_to_it(
    client, personas, vk_api, django_capture_on_commit_callbacks
):
    (case,) = vk_case(client, "wall_reply_new")
    approve(case, personas, django_capture_on_commit_callbacks)
    ((method, params),) = vk_api.delivered
    assert method == "wall.createComment"
    assert (params["owner_id"], params["post_id"], params["reply_to_comment"]) == (
        "-218000001",
        "300",
        "77",
    )


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (15, "Access denied"),
        (212, "Access to post comments denied"),
        (901, "Can't send messages for users without permission"),
    ],
)
def test_a_refusal_is_permanent(
    client, personas, vk_api, django_capture_on_commit_callbacks, code, text
):
    (case,) = vk_case(client, "message_new")
    vk_api.then("messages.send", vk_error(code, text))
    case, outbox = approve(case, personas, django_capture_on_commit_callbacks)
    assert (outbox.status, outbox.attempts, outbox.next_attempt_at) == (
        OutboxStatus.FAILED,
        1,
        None,
    )
    assert f"ошибка {code}" in outbox.last_error and text in outbox.last_error
    assert case.status == CaseStatus.APPROVED  # not published: the ЦУР sees the failure
    assert vk_api.delivered == []
    assert text in ChannelHealth.objects.get(channel__code="vk").last_error


@pytest.mark.parametrize(
    "failure",
    [vk_error(6, "Too many requests per second"), vk_error(10, "Internal server error"), 502],
)
def test_a_passing_failure_is_retried_and_then_delivered_once(
    client, personas, vk_api, django_capture_on_commit_callbacks, failure
):
    (case,) = vk_case(client, "message_new")
    vk_api.then("messages.send", failure)
    case, outbox = approve(case, personas, django_capture_on_commit_callbacks)
    assert (outbox.status, outbox.attempts) == (OutboxStatus.PENDING, 1)
    assert outbox.next_attempt_at is not None and case.status == CaseStatus.APPROVED
    assert outbox_deliver_one(outbox.pk) == OutboxStatus.SENT
    assert outbox_deliver_one(outbox.pk) == OutboxStatus.SENT  # a late duplicate task
    assert len(vk_api.delivered) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED


def test_an_unreachable_api_is_retried(
    client, personas, vk_api, settings, django_capture_on_commit_callbacks
):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.OTKLIK_VK_API_URL = f"http://127.0.0.1:{port}/method"
    (case,) = vk_case(client, "message_new")
    _, outbox = approve(case, personas, django_capture_on_commit_callbacks)
    assert outbox.status == OutboxStatus.PENDING and "сеть недоступна" in outbox.last_error


@pytest.fixture
def answered_with_comment_failing(client, personas, vk_api, django_capture_on_commit_callbacks):
    """A case of a private message and a comment (merged); answering the comment fails once
    with the given VK error."""

    def _run(error: dict):
        first, second = vk_case(client, "message_new", "wall_reply_new")
        case_merge(case=second, into=first, actor=personas["analyst"])
        vk_api.then("wall.createComment", error)
        return approve(first, personas, django_capture_on_commit_callbacks)

    return _run


def test_every_vk_message_of_the_case_is_answered_and_a_retry_repeats_none(
    vk_api, answered_with_comment_failing
):
    _, outbox = answered_with_comment_failing(vk_error(10, "Internal server error"))
    assert outbox.status == OutboxStatus.PENDING
    assert [m for m, _ in vk_api.delivered] == ["messages.send"]
    assert outbox_deliver_one(outbox.pk) == OutboxStatus.SENT
    assert [m for m, _ in vk_api.delivered] == ["messages.send", "wall.createComment"]
    assert [m for m, _ in vk_api.calls].count("messages.send") == 1  # not sent again


def test_a_partial_refusal_still_publishes_what_was_delivered(answered_with_comment_failing):
    error = vk_error(212, "Access to post comments denied")
    case, outbox = answered_with_comment_failing(error)
    assert (outbox.status, case.status) == (OutboxStatus.SENT, CaseStatus.PUBLISHED)
    comment = Message.objects.get(external_id="comment:-218000001_300_77")
    assert "212" in outbox.payload["vk_refused"][str(comment.pk)]
