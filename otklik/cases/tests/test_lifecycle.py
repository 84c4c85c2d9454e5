"""The whole path of a case through the services, and the refusals on the way."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from otklik.cases.choices import AnswerStatus, CaseStatus, OutboxStatus
from otklik.cases.models import Case, CaseEvent, ExtensionRequest, OutboxMessage, Survey
from otklik.cases.services.answers import (
    answer_approve,
    answer_return,
    answer_submit,
    case_publish,
    survey_respond,
)
from otklik.cases.services.common import TransitionNotAllowed
from otklik.cases.services.lifecycle import (
    case_accept,
    case_merge,
    case_reject,
    case_reopen,
    case_split,
    case_take,
    extension_decide,
    extension_request,
    redirect_decide,
    redirect_request,
)
from otklik.cases.services.opening import case_open_or_join
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.directory.models import Organization

ANSWER = "Бригада восстановила горячее водоснабжение 27.11, давление в норме, проверено."
VOLGOGRAD = ZoneInfo("Europe/Volgograd")


def test_message_to_reopened_case(
    personas, volzhsky_rule, make_case, django_capture_on_commit_callbacks
):
    operator, analyst = personas["org_operator"], personas["analyst"]
    case = make_case()
    assert case.status == CaseStatus.NEW
    assert case.sla_policy != ""
    assert case.resolution_due is not None

    case = case_accept(case=case, actor=analyst)
    assert (case.status, case.organization.code) == (CaseStatus.ASSIGNED, "adm-18410")

    case = case_take(case=case, actor=operator)
    assert case.status == CaseStatus.IN_WORK
    assert case.first_response_at is not None

    first = answer_submit(case=case, actor=operator, text=ANSWER)
    case.refresh_from_db()
    assert case.status == CaseStatus.ANSWER_REVIEW

    answer_return(answer=first, actor=analyst, reason="Укажите адрес и дату работ", quality_score=2)
    case.refresh_from_db()
    first.refresh_from_db()
    assert (case.status, first.status) == (CaseStatus.IN_WORK, AnswerStatus.RETURNED)

    second = answer_submit(case=case, actor=operator, text=ANSWER + " Адрес: ул. Мира, 12.")
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(answer=second, actor=analyst, quality_score=5)
    case.refresh_from_db()
    # the web form publishes on Otklik's own page: delivered at once, the case is published
    assert OutboxMessage.objects.get(answer=second).status == OutboxStatus.SENT
    assert case.status == CaseStatus.PUBLISHED
    survey = Survey.objects.get(case=case)

    survey_respond(token=survey.token, solved=False, rating=2, comment="Вода снова холодная")
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED
    assert case.reopen_count == 1
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == [
        "opened",
        "accept",
        "take",
        "submit_answer",
        "return_answer",
        "submit_answer",
        "approve_answer",
        "publish",
        "survey",
        "reopen",
    ]


def test_wrong_order_is_refused_and_changes_nothing(personas, volzhsky_rule, make_case):
    case = make_case()
    with pytest.raises(
        TransitionNotAllowed, match=r"«Новый \(модерация ЦУР\)»: действие недоступно"
    ):
        case_take(case=case, actor=personas["analyst"])  # not accepted yet
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    assert case.events.count() == 1


def test_operator_of_another_organisation_cannot_act(personas, volzhsky_rule, make_case, make_user):
    case = case_accept(case=make_case(), actor=personas["analyst"])
    stranger = make_user("org_operator", organization=Organization.objects.get(code="adm-18415"))
    with pytest.raises(AccessDenied, match="«Работа по инциденту:"):
        case_take(case=case, actor=stranger)
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED


def test_accept_without_a_rule_needs_an_organisation(personas, make_case):
    case = make_case(okato="18415")
    with pytest.raises(ApplicationError, match="укажите её вручную"):
        case_accept(case=case, actor=personas["analyst"])
    org = Organization.objects.get(code="adm-18415")
    assert case_accept(case=case, actor=personas["analyst"], organization=org).organization == org


def test_reject_needs_a_reason(personas, make_case):
    case = make_case()
    with pytest.raises(ApplicationError, match="почему ответ не требуется"):
        case_reject(case=case, actor=personas["analyst"], reason="  ")
    case = case_reject(case=case, actor=personas["analyst"], reason="Благодарность, не проблема")
    assert case.status == CaseStatus.NO_ANSWER


def test_same_author_same_topic_joins_the_case(make_message):
    first = make_message(phone="+79610000001")
    case, opened = case_open_or_join(message=first)
    again, opened_again = case_open_or_join(
        message=make_message(phone="+79610000001", channel="telegram")
    )
    assert opened and not opened_again
    assert again == case
    assert case.messages.count() == 2


def test_reported_again_after_publication_reopens(
    personas, volzhsky_rule, make_message, django_capture_on_commit_callbacks
):
    case, _ = case_open_or_join(message=make_message(phone="+79610000002"))
    case_accept(case=case, actor=personas["analyst"])
    answer = answer_submit(case=case, actor=personas["org_operator"], text=ANSWER)
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED
    case_open_or_join(message=make_message(phone="+79610000002"))
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED


def test_merge_and_split(personas, make_case):
    a, b = make_case(), make_case()
    into = case_merge(case=b, into=a, actor=personas["analyst"])
    b.refresh_from_db()
    assert into == a and b.status == CaseStatus.MERGED and b.merged_into == a
    assert a.messages.count() == 2
    moved = a.messages.order_by("-pk").first()
    new = case_split(case=a, messages=[moved], actor=personas["analyst"])
    assert new.status == CaseStatus.NEW
    assert list(new.messages.all()) == [moved]
    assert a.messages.count() == 1


def test_redirect_refused_then_accepted(personas, volzhsky_rule, make_case):
    case = case_accept(case=make_case(), actor=personas["analyst"])
    water = Organization.objects.filter(kind="resource_supplier").first()
    req = redirect_request(
        case=case,
        actor=personas["org_operator"],
        to_organization=water,
        reason="Сети принадлежат ресурсоснабжающей организации",
    )
    with pytest.raises(ApplicationError, match="почему переадресация не обоснована"):
        redirect_decide(request=req, actor=personas["analyst"], accept=False, comment="")
    redirect_decide(
        request=req,
        actor=personas["analyst"],
        accept=False,
        comment="Внутридомовые сети — ответственность УК и администрации",
    )
    case.refresh_from_db()
    assert case.organization.code == "adm-18410"
    req2 = redirect_request(
        case=case,
        actor=personas["org_operator"],
        to_organization=water,
        reason="Авария на магистральной сети, акт прилагается",
    )
    redirect_decide(request=req2, actor=personas["analyst"], accept=True)
    case.refresh_from_db()
    assert case.organization == water


def test_extension_refused_where_the_policy_allows_none(personas, volzhsky_rule, make_case):
    # a message from the web form: its deadline (ПОС-like) is not extended
    case = case_accept(case=make_case(), actor=personas["analyst"])
    due_before = case.resolution_due
    assert extension_limit(case) == 0
    with pytest.raises(ApplicationError, match=r"не больше 0 дн\. всего \(уже продлено на 0\)"):
        extension_request(case=case, actor=personas["org_operator"], days=1, reason="x")
    case.refresh_from_db()
    assert (case.extension_days, case.resolution_due) == (0, due_before)
    assert not ExtensionRequest.objects.filter(case=case).exists()


def test_extension_bounded_by_the_policy(personas, make_case):
    # a 59-ФЗ appeal received and registered on Friday 20.02.2026: due Monday 23.03 (30 days
    # end on Sunday 22.03); extended by at most 30 days, counted over the whole 60: 21.04
    received = dt.datetime(2026, 2, 20, 10, tzinfo=VOLGOGRAD)
    case = make_case(channel="paper", kind="appeal_59fz", received_at=received)
    Case.objects.filter(pk=case.pk).update(registered_at=received)
    case.refresh_from_db()
    org = Organization.objects.get(code="adm-18410")
    case = case_accept(case=case, actor=personas["analyst"], organization=org)
    assert case.resolution_due == dt.datetime(2026, 3, 23, 23, 59, 59, 999999, tzinfo=VOLGOGRAD)
    assert extension_limit(case) == 30
    with pytest.raises(ApplicationError, match=r"не больше 30 дн\. всего \(уже продлено на 0\)"):
        extension_request(
            case=case,
            actor=personas["org_operator"],
            days=31,
            reason="Нужны земляные работы",
        )
    req = extension_request(
        case=case, actor=personas["org_operator"], days=30, reason="Нужны земляные работы"
    )
    extension_decide(request=req, actor=personas["analyst"], approve=True)
    case.refresh_from_db()
    assert case.extension_days == 30
    assert case.resolution_due == dt.datetime(2026, 4, 21, 23, 59, 59, 999999, tzinfo=VOLGOGRAD)


def extension_limit(case):
    from otklik.cases.selectors import case_extension_limit

    return case_extension_limit(case=case)


def test_manual_publication_for_paper(personas, make_case, django_capture_on_commit_callbacks):
    case = make_case(channel="paper", kind="appeal_59fz")
    org = Organization.objects.get(code="adm-18410")
    case_accept(case=case, actor=personas["analyst"], organization=org)
    answer = answer_submit(case=case, actor=personas["org_operator"], text=ANSWER)
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    case.refresh_from_db()
    outbox = OutboxMessage.objects.get(answer=answer)
    assert (case.status, outbox.status) == (CaseStatus.APPROVED, OutboxStatus.PENDING)
    assert "вручную" in outbox.last_error
    case_publish(case=case, actor=personas["analyst"])
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED


def test_survey_solved_closes_and_a_second_answer_is_refused(
    personas, volzhsky_rule, make_case, django_capture_on_commit_callbacks
):
    case = case_accept(case=make_case(), actor=personas["analyst"])
    answer = answer_submit(case=case, actor=personas["org_operator"], text=ANSWER)
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    survey = Survey.objects.get(case=case)
    survey_respond(token=survey.token, solved=True, rating=5)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    with pytest.raises(ApplicationError, match="уже ответили"):
        survey_respond(token=survey.token, solved=False)


def test_reopen_restarts_the_clock(
    personas, volzhsky_rule, make_case, django_capture_on_commit_callbacks
):
    case = case_accept(case=make_case(), actor=personas["analyst"])
    answer = answer_submit(case=case, actor=personas["org_operator"], text=ANSWER)
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    case.refresh_from_db()
    old_due = case.resolution_due
    case = case_reopen(case=case, actor=personas["analyst"], reason="Повторная жалоба")
    assert case.resolution_due >= old_due
    assert case.clock_started_at > case.received_at
