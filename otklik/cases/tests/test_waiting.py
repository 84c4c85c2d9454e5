"""«Запрошены сведения у заявителя»: the case waits for its author; where the deadline policy
says so the clock stops, and when work resumes the due times move by the paused time measured
on the real calendar; the sweep leaves a paused case alone; the author's reply resumes it."""

from __future__ import annotations

import contextlib
import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from otklik.audit.models import AuditEvent
from otklik.cases.choices import CaseStatus, OutboxStatus
from otklik.cases.models import CaseEvent, CasePause, OutboxMessage
from otklik.cases.selectors import CaseFilters, case_list
from otklik.cases.services.answers import answer_submit
from otklik.cases.services.common import TransitionNotAllowed
from otklik.cases.services.deadlines import deadline_sweep
from otklik.cases.services.lifecycle import case_accept, case_take
from otklik.cases.services.opening import case_open_or_join
from otklik.cases.services.waiting import case_request_info, case_resume
from otklik.core.exceptions import ApplicationError
from otklik.directory.models import Organization

MSK = ZoneInfo("Europe/Volgograd")
QUESTION = "Уточните, пожалуйста, номер подъезда и квартиры, где нет горячей воды."
NO_SWEEP = {"warnings": 0, "breaches": 0, "escalations": 0, "skipped": 0, "paused": 0}


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MSK)


def end_of(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 23, 59, 59, 999999, tzinfo=MSK)


@contextlib.contextmanager
def clock(moment: dt.datetime):
    """The services run at ``moment`` (``timezone.now()``), as the demo drives its stream."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def overdue(user) -> list[str]:
    return [c.number for c in case_list(user=user, filters=CaseFilters(queue="overdue"))]


def kinds(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


@pytest.fixture
def web_case(personas, volzhsky_rule, make_message):
    """A web-form message (policy «message»: 10 working days, first response 1 working day,
    the clock stops while the author is asked) received on Monday 27.04.2026 10:00, accepted
    and taken in work the same morning."""
    with clock(at(2026, 4, 27, 10, 5)):
        case, _ = case_open_or_join(message=make_message(received_at=at(2026, 4, 27, 10)))
        case = case_accept(case=case, actor=personas["analyst"])
    with clock(at(2026, 4, 27, 11)):
        case = case_take(case=case, actor=personas["org_operator"])
    assert case.sla_policy == "message"
    assert (case.first_response_due, case.resolution_due) == (
        end_of(2026, 4, 28),
        end_of(2026, 5, 13),
    )
    return case


def test_a_pause_over_the_may_holidays_moves_the_answer_deadline(
    web_case, personas, django_capture_on_commit_callbacks
):
    operator = personas["org_operator"]
    # Thursday 30.04 12:00: the organisation asks the author
    with clock(at(2026, 4, 30, 12)), django_capture_on_commit_callbacks(execute=True):
        case = case_request_info(case=web_case, actor=operator, question=QUESTION)
    assert case.status == CaseStatus.AWAITING_CITIZEN
    assert (case.clock_paused_at, case.next_alert_at) == (at(2026, 4, 30, 12), None)
    pause = CasePause.objects.get(case=case)
    assert (pause.status, pause.started_at, pause.ended_at, pause.question, pause.asked_by) == (
        CaseStatus.AWAITING_CITIZEN,
        at(2026, 4, 30, 12),
        None,
        QUESTION,
        operator,
    )
    # the question went to the author through the outbox, in the channel of the case
    outbox = OutboxMessage.objects.get(case=case)
    assert (outbox.kind, outbox.channel.code, outbox.payload["text"], outbox.status) == (
        "question",
        "web",
        QUESTION,
        OutboxStatus.SENT,
    )
    event = CaseEvent.objects.get(case=case, kind="request_info")
    assert (event.from_status, event.to_status, event.text, event.data) == (
        CaseStatus.IN_WORK,
        CaseStatus.AWAITING_CITIZEN,
        QUESTION,
        {"clock_stopped": True},
    )
    assert (
        AuditEvent.objects.filter(action="case.request_info", target_id=str(case.pk)).count() == 1
    )

    # Thursday 14.05, past the deadline the case had (13.05): the sweep leaves it alone
    assert deadline_sweep(now=at(2026, 5, 14, 12)) == NO_SWEEP
    case.refresh_from_db()
    assert (case.warning_level, case.breached_at) == (0, None)
    with clock(at(2026, 5, 14, 12)):  # nor is it listed as overdue
        assert overdue(personas["analyst"]) == []

    # Monday 18.05 10:00: resumed by hand. Paused working days after 30.04 up to 18.05:
    # 04–08.05, 12–15.05 and 18.05 (01–03.05 and 09–11.05 are the May holidays) = 10
    with clock(at(2026, 5, 18, 10)):
        case = case_resume(case=case, actor=operator, reason="Заявитель уточнил адрес по телефону")
    assert case.status == CaseStatus.IN_WORK
    assert case.resolution_due == end_of(2026, 5, 27)  # 20 working days after 27.04
    assert case.first_response_due == end_of(2026, 4, 28)  # was due before the pause began
    assert case.clock_paused_at is None
    assert case.next_alert_at is not None
    pause.refresh_from_db()
    assert (pause.ended_at, pause.ended_by, pause.reply) == (at(2026, 5, 18, 10), operator, None)
    resume = CaseEvent.objects.get(case=case, kind="resume")
    assert (resume.from_status, resume.to_status) == (CaseStatus.AWAITING_CITIZEN, "in_work")
    assert resume.data["by_hand"] is True
    assert resume.data["clock_stopped"] is True
    assert dt.datetime.fromisoformat(resume.data["resolution_due_before"]) == end_of(2026, 5, 13)
    assert dt.datetime.fromisoformat(resume.data["resolution_due"]) == end_of(2026, 5, 27)
    assert AuditEvent.objects.filter(action="case.resume", target_id=str(case.pk)).count() == 1

    # the clock runs again: no breach before the new deadline, a breach after it
    assert deadline_sweep(now=at(2026, 5, 27, 18))["breaches"] == 0
    assert deadline_sweep(now=at(2026, 5, 28, 9))["breaches"] == 1
    case.refresh_from_db()
    assert case.breached_at == at(2026, 5, 28, 9)


def test_two_pauses_add_up(web_case, personas):
    operator = personas["org_operator"]
    with clock(at(2026, 4, 28, 11)):
        case_request_info(case=web_case, actor=operator, question=QUESTION)
    with clock(at(2026, 4, 29, 16)):  # one working day (29.04)
        case_resume(case=web_case, actor=operator, reason="Сведения получены")
    with clock(at(2026, 5, 5, 10)):
        case_request_info(case=web_case, actor=operator, question="Приложите фото счётчика.")
    with clock(at(2026, 5, 7, 10)):  # two working days (06.05, 07.05)
        case = case_resume(case=web_case, actor=operator, reason="Фото пришло на почту")
    assert case.resolution_due == end_of(2026, 5, 18)  # 13 working days after 27.04
    assert CasePause.objects.filter(case=case, ended_at__isnull=False).count() == 2


@pytest.fixture
def appeal(personas, make_message):
    """A 59-ФЗ appeal on paper received on 27.04.2026, registered and accepted at once."""
    with clock(at(2026, 4, 27, 10, 5)):
        message = make_message(channel="paper", kind="appeal_59fz", received_at=at(2026, 4, 27))
        case, _ = case_open_or_join(message=message)
        return case_accept(
            case=case,
            actor=personas["analyst"],
            organization=Organization.objects.get(code="adm-18410"),
        )


def test_a_59fz_appeal_keeps_its_clock_running(personas, appeal):
    """59-ФЗ knows no suspension of the 30 days (policies.toml): asking the author stops
    nothing, the sweep still breaches the waiting case, and resuming moves nothing."""
    operator = personas["org_operator"]
    assert (appeal.sla_policy, appeal.resolution_due) == ("appeal_59fz", end_of(2026, 5, 27))
    with clock(at(2026, 5, 20, 10)):
        case = case_request_info(case=appeal, actor=operator, question=QUESTION)
    assert case.status == CaseStatus.AWAITING_CITIZEN
    assert case.clock_paused_at is None
    assert case.next_alert_at is not None
    assert CaseEvent.objects.get(case=case, kind="request_info").data == {"clock_stopped": False}

    assert deadline_sweep(now=at(2026, 5, 28, 9))["breaches"] == 1
    case.refresh_from_db()
    assert (case.status, case.breached_at) == (CaseStatus.AWAITING_CITIZEN, at(2026, 5, 28, 9))
    with clock(at(2026, 5, 28, 9)):
        assert overdue(personas["analyst"]) == [case.number]

    with clock(at(2026, 6, 1, 10)):
        case = case_resume(case=case, actor=operator, reason="Заявитель ответил письмом")
    assert case.resolution_due == end_of(2026, 5, 27)
    assert case.breached_at == at(2026, 5, 28, 9)
    assert CaseEvent.objects.get(case=case, kind="resume").data["clock_stopped"] is False
    assert CasePause.objects.get(case=case).ended_at == at(2026, 6, 1, 10)


def test_the_authors_reply_resumes_the_case(personas, volzhsky_rule, make_case, make_message):
    operator = personas["org_operator"]
    case = case_accept(case=make_case(phone="+79610001122"), actor=personas["analyst"])
    case = case_request_info(case=case, actor=operator, question=QUESTION)

    # another author writing about the same problem does not resume it
    other, opened = case_open_or_join(message=make_message(phone="+79610009999"))
    assert (opened, other.pk != case.pk) == (True, True)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CITIZEN

    # the author answers (the classifier put the short reply under another topic)
    reply = make_message(
        phone="+79610001122", topic="roads-potholes", text="Подъезд 3, квартира 45, пятый этаж."
    )
    joined, opened = case_open_or_join(message=reply)
    assert (joined.pk, opened) == (case.pk, False)
    case.refresh_from_db()
    reply.refresh_from_db()
    assert (case.status, case.clock_paused_at, reply.case_id) == (
        CaseStatus.IN_WORK,
        None,
        case.pk,
    )
    pause = CasePause.objects.get(case=case)
    assert (pause.reply, pause.ended_by) == (reply, None)
    assert kinds(case)[-2:] == ["message_joined", "resume"]
    assert CaseEvent.objects.get(case=case, kind="resume").data["message_id"] == reply.pk


def test_an_answer_without_the_reply_ends_the_wait(web_case, personas):
    operator = personas["org_operator"]
    with clock(at(2026, 4, 28, 11)):
        case_request_info(case=web_case, actor=operator, question=QUESTION)
    with clock(at(2026, 5, 12, 12)):
        answer_submit(
            case=web_case,
            actor=operator,
            text="Заявитель на связь не вышел; проверка по адресу проведена, воду дали 12.05.",
        )
    web_case.refresh_from_db()
    assert (web_case.status, web_case.clock_paused_at) == (CaseStatus.ANSWER_REVIEW, None)
    assert CasePause.objects.get(case=web_case).ended_at == at(2026, 5, 12, 12)


def test_refusals_change_nothing(personas, volzhsky_rule, make_case):
    operator = personas["org_operator"]
    new = make_case()
    with pytest.raises(
        TransitionNotAllowed, match=r"«Новый \(модерация ЦУР\)»: действие недоступно"
    ):
        case_request_info(case=new, actor=personas["analyst"], question=QUESTION)
    case = case_accept(case=make_case(), actor=personas["analyst"])
    with pytest.raises(ApplicationError, match="Сформулируйте вопрос"):
        case_request_info(case=case, actor=operator, question="  адрес? ")
    with pytest.raises(TransitionNotAllowed, match="«Назначен»: действие недоступно"):
        case_resume(case=case, actor=operator, reason="нечего возобновлять")
    case = case_request_info(case=case, actor=operator, question=QUESTION)
    with pytest.raises(ApplicationError, match="почему работа возобновлена"):
        case_resume(case=case, actor=operator, reason=" ")
    with pytest.raises(
        TransitionNotAllowed, match="«Запрошены сведения у заявителя»: действие недоступно"
    ):
        case_request_info(case=case, actor=operator, question=QUESTION)
    assert CasePause.objects.filter(case__in=[new, case]).count() == 1
    assert OutboxMessage.objects.filter(case__in=[new, case]).count() == 1
    new.refresh_from_db()
    case.refresh_from_db()
    assert (new.status, case.status) == (CaseStatus.NEW, CaseStatus.AWAITING_CITIZEN)


def test_a_policy_that_starts_pausing_stops_the_sweep_on_a_waiting_case(personas, appeal, tmp_path):
    """The ЦУР adds the waiting state to a policy's pause states (policies.toml) while a case
    already waits: the next sweep leaves the case alone instead of breaching it."""
    from otklik.sla.services import DATA_FILE, policies_load

    with clock(at(2026, 5, 20, 10)):
        case = case_request_info(case=appeal, actor=personas["org_operator"], question=QUESTION)
    assert case.next_alert_at is not None  # the 59-ФЗ clock runs on

    text = DATA_FILE.read_text(encoding="utf-8")
    path = tmp_path / "policies.toml"
    path.write_text(
        text.replace(
            "max_extension = 30\n", 'max_extension = 30\npause_states = ["awaiting_citizen"]\n', 1
        ),
        encoding="utf-8",
    )
    policies_load(actor=None, path=path)

    assert deadline_sweep(now=at(2026, 5, 28, 9)) == {**NO_SWEEP, "paused": 1}
    case.refresh_from_db()
    assert (case.breached_at, case.next_alert_at) == (None, None)
    # resumed on Monday 01.06: the 12 calendar days after 20.05 move the 27.05 deadline to 08.06
    with clock(at(2026, 6, 1, 10)):
        case = case_resume(case=case, actor=personas["org_operator"], reason="Ответ получен")
    assert case.resolution_due == end_of(2026, 6, 8)


def test_an_older_message_of_the_author_delivered_late_is_not_the_reply(
    personas, volzhsky_rule, make_case, make_message
):
    operator = personas["org_operator"]
    with clock(at(2026, 5, 12, 10)):
        case = case_accept(
            case=make_case(phone="+79610001122", received_at=at(2026, 5, 12, 9)),
            actor=personas["analyst"],
        )
    with clock(at(2026, 5, 14, 10)):
        case = case_request_info(case=case, actor=operator, question=QUESTION)
    # written on 13.05 (same author, same topic), delivered after the question
    with clock(at(2026, 5, 14, 12)):
        late = make_message(phone="+79610001122", received_at=at(2026, 5, 13, 18))
        joined, opened = case_open_or_join(message=late)
    assert (joined.pk, opened) == (case.pk, False)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CITIZEN
    assert CasePause.objects.get(case=case).ended_at is None
