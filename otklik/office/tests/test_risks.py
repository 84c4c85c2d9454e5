"""The risk register and the questions for the curator's decision: a block's lead keeps its
projects' risks, the head raises a question from a risk or a progress report, only the curator
decides it, and the decision's tasks are followed up until done (the overdue ones shown on the
question and in the head's list); every refusal changes nothing, the audit log included. Then the
same through the pages, per role."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from otklik.approvals.choices import Decision
from otklik.approvals.services import approval_decide, approval_submit
from otklik.audit.models import AuditEvent
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.roles import Role
from otklik.directory.models import Sector
from otklik.office import selectors, services
from otklik.office.choices import ProjectState, RiskStatus
from otklik.office.models import CuratorQuestion, DecisionTask, Project, Risk
from otklik.office.services_risks import (
    Task,
    decision_task_add,
    decision_task_done,
    question_decide,
    question_raise,
    risk_create,
    risk_status_set,
    risk_update,
)
from otklik.office.tests.shared import WHO_OPENS_THE_OFFICE, Unchanged, flashes, signed_in

NOW = dt.datetime(2026, 12, 10, 12, 0, tzinfo=ZoneInfo("Europe/Volgograd"))
TODAY = NOW.date()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    """The services run on 10.12.2026 (``timezone.now()``); a test may move the clock on."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def o(personas):
    """The personas, a ЖКХ project drafted by its lead and a roads project by the head."""
    zhkh, roads = Sector.objects.get(code="zhkh"), Sector.objects.get(code="roads")
    return {
        **personas,
        "zhkh": zhkh,
        "roads": roads,
        "heat": services.project_create(actor=personas["sector_lead"], sector=zhkh, name="Тепло"),
        "road": services.project_create(actor=personas["head"], sector=roads, name="Дороги"),
    }


def _risk(o, project=None, actor=None, **values) -> Risk:
    values = {
        "description": "Подрядчик не выйдет на объект до холодов",
        "owner": o["sector_lead"],
        "probability": "high",
        "impact": "medium",
        "due": days(10),
        **values,
    }
    return risk_create(actor=actor or o["sector_lead"], project=project or o["heat"], **values)


def _question(o, risk=None, **values) -> CuratorQuestion:
    values = {
        "text": "Расторгнуть контракт с подрядчиком?",
        "proposal": "Расторгнуть и провести новые торги",
        "due": days(5),
        **values,
    }
    return question_raise(actor=o["head"], risk=risk or _risk(o), **values)


def _approved(o, project: Project) -> Project:
    approval = services.passport_approval(project.versions.get())
    approval = approval_submit(actor=o["head"], approval=approval)
    approval = approval_decide(actor=o["head"], approval=approval, decision=Decision.AGREE)
    approval_decide(
        actor=o["curator"], approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    project.refresh_from_db()
    return project


def _events(target) -> list[tuple[str, str, dict]]:
    rows = AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).order_by("pk")
    return [(e.action, e.actor.username, e.data) for e in rows]


# --------------------------------------------------------------------------- risks
def test_a_block_lead_keeps_its_projects_risks(o):
    lead = o["sector_lead"]
    risk = _risk(o, measures="Резервный подрядчик")
    assert (risk.project, risk.owner, risk.author, risk.status, risk.due) == (
        o["heat"],
        lead,
        lead,
        RiskStatus.OPEN,
        days(10),
    )
    assert (risk.probability, risk.impact, risk.measures) == (
        "high",
        "medium",
        "Резервный подрядчик",
    )

    risk = risk_update(actor=lead, risk=risk, measures="Резервный подрядчик; штраф", due=days(20))
    assert (risk.measures, risk.due) == ("Резервный подрядчик; штраф", days(20))
    risk_update(actor=lead, risk=risk, measures="Резервный подрядчик; штраф")  # nothing changed
    risk = risk_status_set(actor=lead, risk=risk, status=RiskStatus.MITIGATING)
    risk = risk_status_set(actor=o["head"], risk=risk, status=RiskStatus.CLOSED, reason="Вышел")
    assert (risk.status, risk.status_reason) == (RiskStatus.CLOSED, "Вышел")

    assert _events(risk) == [
        (
            "office.risk_create",
            "sector_lead",
            {"project": "ЖКХ-01", "owner": lead.pk, "due": days(10).isoformat()},
        ),
        ("office.risk_update", "sector_lead", {"fields": ["due", "measures"]}),
        ("office.risk_status", "sector_lead", {"from": "open", "to": "mitigating", "reason": ""}),
        ("office.risk_status", "head", {"from": "mitigating", "to": "closed", "reason": "Вышел"}),
    ]

    # a closed risk is frozen until reopened; a closed one does not become realised
    unchanged = Unchanged(Risk)
    with pytest.raises(ApplicationError, match="Риск закрыт: откройте его снова"):
        risk_update(actor=lead, risk=risk, measures="Другое")
    with pytest.raises(ApplicationError, match="Риск «Закрыт»: перевести в «Реализовался» нельзя"):
        risk_status_set(actor=lead, risk=risk, status=RiskStatus.REALISED)
    unchanged.check()
    risk.refresh_from_db()
    assert (risk.measures, risk.status) == ("Резервный подрядчик; штраф", RiskStatus.CLOSED)
    risk = risk_status_set(actor=lead, risk=risk, status=RiskStatus.OPEN, reason="Снова сорван")
    assert risk.status == RiskStatus.OPEN


@pytest.mark.parametrize(
    "role", ["curator", "executor", "analyst", "auditor", "org_operator", "municipal_coordinator"]
)
def test_who_may_not_keep_risks_and_nothing_changes(o, role):
    risk = _risk(o)
    unchanged = Unchanged(Risk)
    with pytest.raises(AccessDenied):
        _risk(o, actor=o[role])
    with pytest.raises(AccessDenied):
        risk_update(actor=o[role], risk=risk, measures="Чужие меры")
    with pytest.raises(AccessDenied):
        risk_status_set(actor=o[role], risk=risk, status=RiskStatus.CLOSED)
    unchanged.check()
    risk.refresh_from_db()
    assert (risk.measures, risk.status) == ("", RiskStatus.OPEN)


def test_a_lead_keeps_the_risks_of_its_own_block_only(o, make_user):
    roads_lead = make_user(Role.SECTOR_LEAD, sector=o["roads"])
    risk = _risk(o)
    unchanged = Unchanged(Risk)
    with pytest.raises(AccessDenied):
        _risk(o, actor=roads_lead)
    with pytest.raises(AccessDenied):
        _risk(o, project=o["road"])  # the ЖКХ lead on the roads project
    with pytest.raises(AccessDenied):
        risk_update(actor=roads_lead, risk=risk, due=days(30))
    unchanged.check()
    assert Risk.objects.get().due == days(10)
    # the head keeps any block's risks
    assert _risk(o, project=o["road"], actor=o["head"]).project == o["road"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"description": "  "}, "Опишите риск."),
        ({"probability": "certain"}, "Вероятность риска: низкая, средняя или высокая."),
        ({"impact": ""}, "Влияние риска: низкое, среднее или высокое."),
        ({"due": TODAY - dt.timedelta(days=1)}, "уже прошёл"),
        ({"owner": "org_operator"}, "нужен действующий пользователь"),
        ({"report": "other"}, "Отчёт относится к другому проекту."),
    ],
    ids=["description", "probability", "impact", "due", "owner", "report"],
)
def test_a_risk_refused_by_the_rules_changes_nothing(o, values, message):
    if values.get("owner") == "org_operator":
        values = {"owner": o["org_operator"]}
    if values.get("report") == "other":
        road = _approved(o, o["road"])
        values = {
            "report": services.report_prepare(actor=o["head"], project=road, period="2026-11")
        }
    unchanged = Unchanged(Risk)
    with pytest.raises(ApplicationError, match=message):
        _risk(o, **values)
    unchanged.check()


def test_a_stopped_project_keeps_no_new_risks(o):
    heat = _approved(o, o["heat"])
    services.project_state_set(
        actor=o["head"], project=heat, state=ProjectState.STOPPED, reason="Нет финансирования"
    )
    unchanged = Unchanged(Risk)
    with pytest.raises(ApplicationError, match="Проект завершён или прекращён"):
        _risk(o)
    unchanged.check()


def test_the_register_across_projects_by_block_state_and_overdue(o):
    head = o["head"]
    late = _risk(o, description="Поздний", due=days(3))
    soon = _risk(o, description="Скоро", due=days(30))
    road = _risk(o, project=o["road"], actor=head, description="Дорожный", due=days(2))
    done = _risk(o, description="Снят", due=days(1))
    risk_status_set(actor=head, risk=done, status=RiskStatus.CLOSED)
    risk_status_set(actor=head, risk=road, status=RiskStatus.MITIGATING)
    later = days(5)

    def seen(**filters) -> list[str]:
        return [r.description for r in selectors.risk_list(user=head, today=later, **filters)]

    assert seen() == ["Снят", "Дорожный", "Поздний", "Скоро"]  # by due date
    assert seen(sector=o["zhkh"]) == ["Снят", "Поздний", "Скоро"]
    assert seen(status=RiskStatus.MITIGATING) == ["Дорожный"]
    # overdue: open or mitigated past the due date; a closed one never is
    assert seen(overdue=True) == ["Дорожный", "Поздний"]
    assert seen(overdue=True, sector=o["roads"]) == ["Дорожный"]
    flags = {r.pk: r.overdue for r in selectors.risk_list(user=head, today=later)}
    assert flags == {late.pk: True, soon.pk: False, road.pk: True, done.pk: False}
    with pytest.raises(AccessDenied):
        selectors.risk_list(user=o["org_operator"], today=later)


# --------------------------------------------------------------------------- questions
def test_a_question_from_a_risk_decided_by_the_curator_and_its_tasks_followed(o):
    head, curator, lead, executor = o["head"], o["curator"], o["sector_lead"], o["executor"]
    risk = _risk(o)
    question = _question(o, risk=risk)
    assert (question.project, question.risk, question.report, question.raised_by) == (
        o["heat"],
        risk,
        None,
        head,
    )
    assert [q.pk for q in selectors.question_list(user=curator, today=TODAY, waiting=True)] == [
        question.pk
    ]

    question = question_decide(
        actor=curator,
        question=question,
        decision="Расторгнуть контракт, торги до 1 марта",
        tasks=[
            Task(text="Направить уведомление о расторжении", responsible=lead, due=days(3)),
            Task(text="Объявить новые торги", responsible=executor, due=days(20)),
        ],
    )
    assert (question.decision, question.decided_on, question.decided_by) == (
        "Расторгнуть контракт, торги до 1 марта",
        TODAY,
        curator,
    )
    notice, tender = selectors.task_list(question=question, today=TODAY)
    assert [(t.text, t.responsible, t.due, t.done_on) for t in (notice, tender)] == [
        ("Направить уведомление о расторжении", lead, days(3), None),
        ("Объявить новые торги", executor, days(20), None),
    ]
    assert list(selectors.question_list(user=curator, today=TODAY, waiting=True)) == []

    # decided once
    unchanged = Unchanged(CuratorQuestion, DecisionTask)
    with pytest.raises(ApplicationError, match="Решение по вопросу уже принято"):
        question_decide(actor=curator, question=question, decision="Иное")
    unchanged.check()

    # five days on: the notice is overdue, on the question and in the head's list
    later = days(5)
    assert [(t.pk, t.overdue) for t in selectors.task_list(question=question, today=later)] == [
        (notice.pk, True),
        (tender.pk, False),
    ]
    assert [t.pk for t in selectors.tasks_overdue(user=head, today=later)] == [notice.pk]
    (row,) = selectors.question_list(user=head, today=later)
    assert (row.overdue, row.tasks_late) == (False, 1)

    # the block's lead marks it done; then nothing is overdue
    done = decision_task_done(actor=lead, task=notice)
    assert (done.done_on, done.done_by) == (TODAY, lead)
    with pytest.raises(ApplicationError, match="Поручение уже исполнено"):
        decision_task_done(actor=head, task=notice)
    assert list(selectors.tasks_overdue(user=head, today=later)) == []

    # one more task: the curator's only
    unchanged = Unchanged(DecisionTask)
    with pytest.raises(AccessDenied):
        decision_task_add(
            actor=head, question=question, task=Task("Доложить", responsible=lead, due=days(9))
        )
    unchanged.check()
    extra = decision_task_add(
        actor=curator, question=question, task=Task("Доложить", responsible=lead, due=days(9))
    )
    assert (extra.question, extra.responsible, extra.due) == (question, lead, days(9))

    assert _events(question) == [
        (
            "office.question_raise",
            "head",
            {"project": "ЖКХ-01", "risk": risk.pk, "report": None, "due": days(5).isoformat()},
        ),
        ("office.question_decide", "curator", {"decided_on": TODAY.isoformat(), "tasks": 2}),
        (
            "office.task_done",
            "sector_lead",
            {"task": notice.pk, "done_on": TODAY.isoformat(), "late": False},
        ),
        (
            "office.task_add",
            "curator",
            {"task": extra.pk, "responsible": lead.pk, "due": days(9).isoformat()},
        ),
    ]


def test_a_question_from_a_progress_report(o):
    heat = _approved(o, o["heat"])
    report = services.report_prepare(actor=o["sector_lead"], project=heat, period="2026-11")
    question = question_raise(
        actor=o["head"],
        report=report,
        text="Нужна доплата подрядчику",
        proposal="Выделить из резервного фонда",
        due=days(7),
    )
    assert (question.project, question.report, question.risk) == (heat, report, None)
    assert [
        q.pk for q in selectors.question_list(user=o["auditor"], today=TODAY, report=report)
    ] == [question.pk]


def test_a_question_past_its_due_date_is_overdue_until_decided(o):
    question = _question(o, due=days(2))
    later = days(3)
    (row,) = selectors.question_list(user=o["head"], today=later, waiting=True)
    assert (row.pk, row.overdue) == (question.pk, True)
    question_decide(actor=o["curator"], question=question, decision="Отказать")
    (row,) = selectors.question_list(user=o["head"], today=later)
    assert (row.overdue, row.tasks_late) == (False, 0)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"both": True}, "Вопрос ставится по риску или по отчёту о ходе реализации."),
        ({"text": " "}, "Сформулируйте вопрос."),
        ({"proposal": ""}, "Укажите предлагаемое решение."),
        ({"due": TODAY - dt.timedelta(days=1)}, "уже прошёл"),
        ({"closed": True}, "Риск закрыт: вопрос по нему не ставится."),
    ],
    ids=["both", "text", "proposal", "due", "closed"],
)
def test_a_question_refused_by_the_rules_changes_nothing(o, values, message):
    risk = _risk(o)
    kwargs = {"text": "Вопрос", "proposal": "Решение", "due": days(5), "risk": risk}
    if values.pop("both", False):
        heat = _approved(o, o["heat"])
        kwargs["report"] = services.report_prepare(actor=o["head"], project=heat, period="2026-11")
    if values.pop("closed", False):
        risk_status_set(actor=o["head"], risk=risk, status=RiskStatus.CLOSED)
    kwargs.update(values)
    unchanged = Unchanged(CuratorQuestion)
    with pytest.raises(ApplicationError, match=message):
        question_raise(actor=o["head"], **kwargs)
    unchanged.check()


@pytest.mark.parametrize(
    ("decision", "decided_on", "task", "message"),
    [
        ("  ", None, None, "Запишите решение."),
        ("Да", TODAY + dt.timedelta(days=1), None, "не может быть позже сегодняшней"),
        ("Да", TODAY - dt.timedelta(days=1), None, "раньше постановки вопроса"),
        ("Да", None, ("", "sector_lead", 3), "Поручение 1: текст пустой."),
        ("Да", None, ("Сделать", "org_operator", 3), "Поручение 1, ответственный"),
        ("Да", None, ("Сделать", "sector_lead", -1), "Поручение 1: срок раньше даты решения."),
    ],
    ids=["empty", "future", "before-raised", "task-text", "task-person", "task-due"],
)
def test_a_decision_refused_by_the_rules_changes_nothing(o, decision, decided_on, task, message):
    question = _question(o)
    tasks = []
    if task:
        text, who, n = task
        tasks = [Task(text=text, responsible=o[who], due=days(n))]
    unchanged = Unchanged(CuratorQuestion, DecisionTask)
    with pytest.raises(ApplicationError, match=message):
        question_decide(
            actor=o["curator"], question=question, decision=decision, decided_on=decided_on,
            tasks=tasks,
        )  # fmt: skip
    unchanged.check()
    question.refresh_from_db()
    assert (question.decision, question.decided_on) == ("", None)


def test_no_task_before_the_decision(o):
    question = _question(o)
    unchanged = Unchanged(DecisionTask)
    with pytest.raises(ApplicationError, match="сначала запишите решение"):
        decision_task_add(
            actor=o["curator"],
            question=question,
            task=Task("Сделать", responsible=o["sector_lead"], due=days(3)),
        )
    unchanged.check()


def test_a_task_is_marked_done_by_the_projects_side_only(o, make_user):
    question = _question(o)
    question_decide(
        actor=o["curator"],
        question=question,
        decision="Да",
        tasks=[Task("Сделать", responsible=o["executor"], due=days(3))],
    )
    task = DecisionTask.objects.get()
    roads_lead = make_user(Role.SECTOR_LEAD, sector=o["roads"])
    unchanged = Unchanged(DecisionTask)
    for actor in (o["curator"], o["executor"], o["auditor"], roads_lead):
        with pytest.raises(AccessDenied):
            decision_task_done(actor=actor, task=task)
    with pytest.raises(ApplicationError, match="не может быть позже сегодняшней"):
        decision_task_done(actor=o["head"], task=task, done_on=days(1))
    unchanged.check()
    task.refresh_from_db()
    assert (task.done_on, task.done_by) == (None, None)


# --------------------------------------------------------------------------- pages
def test_risks_and_questions_through_the_pages(client, o, monkeypatch):
    lead, head, curator = o["sector_lead"], o["head"], o["curator"]
    heat = o["heat"]

    c = signed_in(client, lead)
    page = c.get(reverse("office:project", args=[heat.pk])).content.decode()
    assert 'data-testid="risk-form"' in page
    r = c.post(
        reverse("office:risk_create", args=[heat.pk]),
        {
            "description": "Подрядчик не выйдет на объект",
            "owner": lead.pk,
            "probability": "high",
            "impact": "high",
            "measures": "Резерв",
            "due": days(3).isoformat(),
        },
        follow=True,
    )
    assert "Риск внесён в реестр." in flashes(r)
    risk = Risk.objects.get()
    assert (risk.description, risk.owner, risk.due) == (
        "Подрядчик не выйдет на объект",
        lead,
        days(3),
    )
    risk_page = c.get(reverse("office:risk", args=[risk.pk])).content.decode()
    assert 'data-testid="risk-form"' in risk_page and 'data-testid="question-form"' not in risk_page
    # a lead may not raise a question: 403, nothing is created
    r = c.post(
        reverse("office:risk", args=[risk.pk]),
        {"verb": "question", "text": "x", "proposal": "y", "due": days(5).isoformat()},
    )
    assert r.status_code == 403
    assert not CuratorQuestion.objects.exists()

    c = signed_in(client, head)
    r = c.post(
        reverse("office:risk", args=[risk.pk]),
        {
            "verb": "question",
            "text": "Сменить подрядчика?",
            "proposal": "Да",
            "due": days(5).isoformat(),
        },
        follow=True,
    )
    question = CuratorQuestion.objects.get()
    assert r.redirect_chain[-1][0] == reverse("office:question", args=[question.pk])
    page = r.content.decode()
    assert "ждёт решения до" in page and 'data-testid="decide-form"' not in page
    # the head may not decide: 403, nothing changes
    r = c.post(reverse("office:question", args=[question.pk]), {"verb": "decide", "decision": "Да"})
    assert r.status_code == 403
    question.refresh_from_db()
    assert question.decision == ""

    c = signed_in(client, curator)
    page = c.get(reverse("office:question", args=[question.pk])).content.decode()
    assert 'data-testid="decide-form"' in page
    r = c.post(
        reverse("office:question", args=[question.pk]),
        {
            "verb": "decide",
            "decision": "Да",
            "tasks": "Уведомить подрядчика | @nobody | 01.01.2030",
        },
    )
    assert "нет пользователя с логином «nobody»" in r.content.decode()
    assert not DecisionTask.objects.exists()
    c.post(
        reverse("office:question", args=[question.pk]),
        {
            "verb": "decide",
            "decision": "Сменить подрядчика",
            "tasks": f"Уведомить подрядчика | @sector_lead | {days(2):%d.%m.%Y}",
        },
    )
    question.refresh_from_db()
    task = DecisionTask.objects.get()
    assert (question.decision, task.responsible, task.due) == ("Сменить подрядчика", lead, days(2))

    # four days on, the task and the risk are overdue, on the question and in the head's list
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW + dt.timedelta(days=4))
    c = signed_in(client, head)
    page = c.get(reverse("office:question", args=[question.pk])).content.decode()
    assert page.count('data-testid="task-overdue"') == 1
    page = c.get(reverse("office:risks")).content.decode()
    assert 'data-testid="tasks-late"' in page and "Уведомить подрядчика" in page
    page = c.get(reverse("office:risks"), {"overdue": "on"}).content.decode()
    assert f'data-risk="{risk.pk}"' in page

    c = signed_in(client, lead)
    c.post(reverse("office:question", args=[question.pk]), {"verb": "done", "task": task.pk})
    task.refresh_from_db()
    assert (task.done_on, task.done_by) == (days(4), lead)
    page = signed_in(client, head).get(reverse("office:risks")).content.decode()
    assert 'data-testid="tasks-late"' not in page


def test_a_risk_edited_and_closed_on_its_page(client, o):
    risk = _risk(o)
    url = reverse("office:risk", args=[risk.pk])
    form = {
        "verb": "edit",
        "description": risk.description,
        "owner": o["head"].pk,
        "probability": "low",
        "impact": "medium",
        "measures": "Резервный подрядчик",
        "due": days(12).isoformat(),
    }
    # the curator reads the risk, may not change it: 403, nothing changes
    c = signed_in(client, o["curator"])
    assert 'data-testid="risk-form"' not in c.get(url).content.decode()
    assert c.post(url, form).status_code == 403
    assert c.post(url, {"verb": "status", "status": "closed"}).status_code == 403
    risk.refresh_from_db()
    assert (risk.owner, risk.status) == (o["sector_lead"], RiskStatus.OPEN)

    c = signed_in(client, o["sector_lead"])
    r = c.post(url, {**form, "due": days(-1).isoformat()})
    assert "Срок реагирования 09.12.2026 уже прошёл." in flashes(r)
    c.post(url, form)
    risk.refresh_from_db()
    assert (risk.owner, risk.probability, risk.measures, risk.due) == (
        o["head"],
        "low",
        "Резервный подрядчик",
        days(12),
    )
    c.post(url, {"verb": "status", "status": "closed", "reason": "Подрядчик вышел"})
    risk.refresh_from_db()
    assert (risk.status, risk.status_reason) == (RiskStatus.CLOSED, "Подрядчик вышел")
    page = c.get(url).content.decode()
    assert 'data-testid="risk-form"' not in page  # closed: reopen first
    assert '<option value="open">Открыт</option>' in page


def test_a_question_raised_from_the_report_page(client, o):
    heat = _approved(o, o["heat"])
    report = services.report_prepare(actor=o["sector_lead"], project=heat, period="2026-11")
    c = signed_in(client, o["head"])
    page = c.get(reverse("office:report", args=[report.pk])).content.decode()
    assert 'data-testid="question-form"' in page
    c.post(
        reverse("office:report_question", args=[report.pk]),
        {"text": "Доплата подрядчику", "proposal": "Из резерва", "due": days(4).isoformat()},
    )
    question = CuratorQuestion.objects.get()
    assert (question.report, question.risk, question.due) == (report, None, days(4))
    c = signed_in(client, o["sector_lead"])
    assert (
        'data-testid="question-form"'
        not in c.get(reverse("office:report", args=[report.pk])).content.decode()
    )
    r = c.post(
        reverse("office:report_question", args=[report.pk]),
        {"text": "x", "proposal": "y", "due": days(4).isoformat()},
    )
    assert r.status_code == 403
    assert CuratorQuestion.objects.count() == 1


@pytest.mark.parametrize(("role", "status"), WHO_OPENS_THE_OFFICE)
def test_who_opens_the_risk_pages(client, o, role, status):
    question = _question(o)
    c = signed_in(client, o[role])
    for url in (
        reverse("office:risks"),
        reverse("office:risk", args=[question.risk.pk]),
        reverse("office:question", args=[question.pk]),
        reverse("office:project", args=[o["heat"].pk]),
    ):
        assert c.get(url).status_code == status, url


def test_the_journal_names_the_risks_and_questions(o):
    from otklik.audit import registry
    from otklik.audit.selectors import event_details

    risk = _risk(o, description="Подрядчик не выйдет")
    question = _question(o, risk=risk, text="Сменить подрядчика?")
    risk_status_set(actor=o["head"], risk=risk, status=RiskStatus.MITIGATING)
    refs = registry.targets_resolve(
        [("office.risk", str(risk.pk)), ("office.curatorquestion", str(question.pk))]
    )
    assert refs[("office.risk", str(risk.pk))] == registry.TargetRef(
        "риск ЖКХ-01: «Подрядчик не выйдет»", reverse("office:risk", args=[risk.pk])
    )
    assert refs[("office.curatorquestion", str(question.pk))] == registry.TargetRef(
        f"вопрос на решение куратора № {question.pk} (ЖКХ-01): «Сменить подрядчика?»",
        reverse("office:question", args=[question.pk]),
    )
    event = AuditEvent.objects.filter(action="office.risk_status").get()
    assert registry.action_label(event.action) == "Изменено состояние риска"
    assert event_details(event.data, event.target_type) == [
        "состояние: Открыт → Принимаются меры",
        "причина: —",
    ]
