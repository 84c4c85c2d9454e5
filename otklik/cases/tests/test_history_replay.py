"""Replaying history (``cases.history``): what the services deliver at past moments is recorded
as delivered then, and nothing reaches the outside world today."""

import datetime as dt

import pytest
from django.utils import timezone

from otklik.cases import outbox as outbox_module
from otklik.cases.choices import CaseStatus, OutboxStatus
from otklik.cases.history import is_replaying, replaying
from otklik.cases.models import OutboxMessage, Survey
from otklik.cases.outbox import outbox_replay
from otklik.cases.services import common
from otklik.cases.services.answers import answer_approve, answer_submit
from otklik.cases.services.lifecycle import case_accept, case_take

ANSWER = "Проведена проверка, течь устранена, подача горячей воды восстановлена 12.11."


@pytest.fixture
def spies(monkeypatch):
    """The Telegram transport and the case-news listeners, recording instead of acting."""
    seen = {"sent": [], "news": []}
    monkeypatch.setitem(
        outbox_module.TRANSPORTS, "telegram", lambda outbox: seen["sent"].append(outbox.pk)
    )
    monkeypatch.setattr(common, "_LISTENERS", [lambda news: seen["news"].append(news.kind)])
    return seen


def _answered(case, personas, at):
    """The case accepted, taken and answered, each step at its past moment; the answer
    approved at ``at``."""
    operator, analyst = personas["org_operator"], personas["analyst"]
    case = case_accept(case=case, actor=analyst, now=at - dt.timedelta(hours=5))
    case = case_take(case=case, actor=operator, now=at - dt.timedelta(hours=4))
    answer = answer_submit(case=case, actor=operator, text=ANSWER, now=at - dt.timedelta(hours=2))
    answer_approve(answer=answer, actor=analyst, quality_score=5, now=at)
    return answer


def test_a_replayed_answer_is_delivered_then_and_sends_nothing_today(
    personas, volzhsky_rule, make_case, spies, django_capture_on_commit_callbacks
):
    at = timezone.now() - dt.timedelta(days=30)
    case = make_case(channel="telegram", received_at=at - dt.timedelta(hours=6))
    spies["news"].clear()
    with django_capture_on_commit_callbacks(execute=True), replaying():
        assert is_replaying()
        answer = _answered(case, personas, at)
        outbox = OutboxMessage.objects.get(answer=answer)
        assert outbox.status == OutboxStatus.PENDING  # waits for the replay, not the queue
        assert outbox_replay() == 1
    assert not is_replaying()
    outbox.refresh_from_db()
    case.refresh_from_db()
    assert (outbox.status, outbox.sent_at) == (OutboxStatus.SENT, at)
    assert (case.status, case.published_at) == (CaseStatus.PUBLISHED, at)
    assert Survey.objects.filter(case=case).exists()
    assert spies["sent"] == []  # the transport was never called
    assert spies["news"] == []  # no author notice, no channel post about the past


def test_the_same_steps_today_go_out(
    personas, volzhsky_rule, make_case, spies, django_capture_on_commit_callbacks
):
    """The control: outside a replay the delivery is queued and the transport called."""
    at = timezone.now()
    case = make_case(channel="telegram", received_at=at - dt.timedelta(hours=6))
    with django_capture_on_commit_callbacks(execute=True):
        answer = _answered(case, personas, at)
    outbox = OutboxMessage.objects.get(answer=answer)
    assert spies["sent"] == [outbox.pk]
    assert "approve_answer" in spies["news"]
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED


def test_a_replay_leaves_manual_channels_to_the_cur(
    personas, make_case, spies, django_capture_on_commit_callbacks
):
    from otklik.directory.models import Organization

    at = timezone.now() - dt.timedelta(days=10)
    case = make_case(channel="paper", kind="appeal_59fz", received_at=at - dt.timedelta(days=1))
    org = Organization.objects.get(code="adm-18410")
    with django_capture_on_commit_callbacks(execute=True), replaying():
        case = case_accept(
            case=case, actor=personas["analyst"], organization=org, now=at - dt.timedelta(hours=3)
        )
        answer = answer_submit(
            case=case, actor=personas["org_operator"], text=ANSWER, now=at - dt.timedelta(hours=2)
        )
        answer_approve(answer=answer, actor=personas["analyst"], now=at)
        outbox_replay()
    outbox = OutboxMessage.objects.get(answer=answer)
    case.refresh_from_db()
    assert (case.status, outbox.status) == (CaseStatus.APPROVED, OutboxStatus.PENDING)
    assert "вручную" in outbox.last_error
