"""Projects of the blocks through the one approval route: the passport drafted by the block's
lead, returned by the head with a reason, corrected, agreed, approved by the curator and frozen;
a change request opens version 2 with its diff; the monthly report is pre-filled with the
indicators' plan and fact (the computed ones from the data, worked out by hand below); each role
is refused what the regulation does not give it, and a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from otklik.analytics.services import rollups_refresh
from otklik.analytics.tests.conftest import case as new_case
from otklik.approvals.choices import ApprovalState, Decision
from otklik.approvals.services import approval_decide, approval_submit
from otklik.audit.models import AuditEvent
from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.roles import Role
from otklik.directory.models import Sector
from otklik.office import selectors, services
from otklik.office.choices import IndicatorSource, IndicatorState, ProjectState
from otklik.office.models import Indicator, IndicatorTarget, PassportVersion, Project

PASSPORT = {
    "goal": "Горячая вода без перерывов дольше суток",
    "indicators": "ЖКХ-1 | 62 | 2026=80\nЖКХ-2 | 5 | 2026-11=12",
    "control_points": "Договор подряда заключён | 20.11.2026 | Комитет ЖКХ\n"
    "Сети заменены | 30.09.2027 | МУП «Водоканал»",
}


def t(month: int, day: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour))  # noqa: DTZ001


@pytest.fixture
def office(personas):
    zhkh = Sector.objects.get(code="zhkh")
    computed = Indicator.objects.create(
        code="ЖКХ-1",
        name="Доля ответов в срок по ЖКХ",
        unit="процент",
        sector=zhkh,
        source=IndicatorSource.COMPUTED,
        measure="on_time_share",
        state=IndicatorState.APPROVED,
    )
    entered = Indicator.objects.create(
        code="ЖКХ-2",
        name="Заменено сетей, км",
        unit="километр",
        sector=zhkh,
        state=IndicatorState.APPROVED,
    )
    return {**personas, "zhkh": zhkh, "computed": computed, "entered": entered}


@pytest.fixture
def november():
    """November 2026, by hand: ЖКХ answers published A (on time), B (late), E (on time) — 2 of
    3 on time → 66.67 %; a roads answer on time (D) is another block's and does not count."""
    published = CaseStatus.PUBLISHED
    for topic, received, due, answered in (
        ("zhkh-hot-water", t(11, 3, 9), t(11, 10, 18), t(11, 5, 21)),  # A on time
        ("zhkh-hot-water", t(11, 4, 10), t(11, 11, 18), t(11, 14, 10)),  # B late
        ("zhkh-hot-water", t(11, 10, 8), t(11, 17, 18), t(11, 11, 20)),  # E on time
        ("roads-potholes", t(11, 5, 15), t(11, 15, 18), t(11, 6, 9)),  # D roads
    ):
        c = new_case(
            topic,
            "18410",
            "adm-18410",
            received=received,
            resolution_due=due,
            published_at=answered,
        )
        Case.objects.filter(pk=c.pk).update(status=published, clock_started_at=received)
    rollups_refresh(full=True, now=t(12, 6, 12))


def _approved_project(o, name: str = "Тёплый дом", texts: dict | None = None) -> Project:
    lead, head, curator = o["sector_lead"], o["head"], o["curator"]
    project = services.project_create(
        actor=lead, sector=o["zhkh"], name=name, texts=texts or PASSPORT
    )
    approval = services.passport_approval(project.versions.get())
    approval = approval_submit(actor=lead, approval=approval)
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    approval_decide(
        actor=curator, approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    project.refresh_from_db()
    return project


def test_the_passport_chain(office):
    lead, head, curator = office["sector_lead"], office["head"], office["curator"]
    project = services.project_create(
        actor=lead, sector=office["zhkh"], name="Тёплый дом", texts=PASSPORT
    )
    assert (project.code, project.state) == ("ЖКХ-01", ProjectState.DRAFT)
    v1 = project.versions.get()
    approval = services.passport_approval(v1)
    approval = approval_submit(actor=lead, approval=approval)
    project.refresh_from_db()
    assert project.state == ProjectState.AGREEMENT

    approval = approval_decide(
        actor=head, approval=approval, decision=Decision.RETURN, text="Нет ответственного"
    )
    project.refresh_from_db()
    assert (approval.state, project.state) == (ApprovalState.RETURNED, ProjectState.DRAFT)
    services.passport_update(
        actor=lead, version=v1, texts={**PASSPORT, "leader": "Петров П. П., председатель"}
    )
    approval = approval_submit(actor=lead, approval=approval, text="Исправлено")
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    approval = approval_decide(
        actor=curator, approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    project.refresh_from_db()
    assert project.state == ProjectState.APPROVED
    assert selectors.passport_in_force(project) == v1

    # frozen: the approved version is not edited; a change request opens version 2
    with pytest.raises(ApplicationError, match="только новой версией"):
        services.passport_update(actor=lead, version=v1, texts=PASSPORT)
    with pytest.raises(ApplicationError, match="что меняется и почему"):
        services.passport_change_request(actor=lead, project=project, reason=" ", texts=PASSPORT)
    v2 = services.passport_change_request(
        actor=lead,
        project=project,
        reason="Подрядчик сдвинул замену сетей",
        texts={
            **PASSPORT,
            "leader": "Петров П. П., председатель",
            "control_points": "Договор подряда заключён | 20.11.2026 | Комитет ЖКХ\n"
            "Сети заменены | 31.12.2027 | МУП «Водоканал»",
        },
    )
    assert v2.number == 2
    v1.refresh_from_db()
    approval2 = services.passport_approval(v2)
    assert (approval2.version, approval2.reason) == (2, "Подрядчик сдвинул замену сетей")
    from otklik.office import passport

    assert [(d.sign, d.text) for d in passport.diff(v1.content, v2.content) if d.sign != " "] == [
        ("-", "Контрольные точки и мероприятия: Сети заменены | 30.09.2027 | МУП «Водоканал»"),
        ("+", "Контрольные точки и мероприятия: Сети заменены | 31.12.2027 | МУП «Водоканал»"),
    ]
    # version 1 stays in force until version 2 is approved; one open version at a time
    assert selectors.passport_in_force(project) == v1
    with pytest.raises(ApplicationError, match="ещё не утверждена"):
        services.passport_change_request(actor=lead, project=project, reason="ещё", texts={})
    approval2 = approval_submit(actor=lead, approval=approval2)
    approval2 = approval_decide(actor=head, approval=approval2, decision=Decision.AGREE)
    approval_decide(
        actor=curator, approval=approval2, decision=Decision.APPROVE, confirmation="password"
    )
    assert selectors.passport_in_force(project) == v2
    project.refresh_from_db()
    assert project.state == ProjectState.APPROVED  # a change does not restart the project


@pytest.mark.parametrize("role", ["curator", "executor", "analyst", "auditor", "org_operator"])
def test_who_may_not_draft_a_passport_and_nothing_is_created(office, role):
    events = AuditEvent.objects.count()
    with pytest.raises(AccessDenied):
        services.project_create(actor=office[role], sector=office["zhkh"], name="Чужой")
    assert not Project.objects.exists() and not PassportVersion.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_sector_lead_drafts_only_in_its_own_block(office, make_user):
    roads = make_user(Role.SECTOR_LEAD, sector=Sector.objects.get(code="roads"))
    with pytest.raises(AccessDenied):
        services.project_create(actor=roads, sector=office["zhkh"], name="Не свой блок")
    project = services.project_create(
        actor=office["sector_lead"], sector=office["zhkh"], name="Свой"
    )
    with pytest.raises(AccessDenied):
        services.passport_update(actor=roads, version=project.versions.get(), texts=PASSPORT)
    assert project.versions.get().content["goal"] == ""
    # the head prepares anything (the consolidated plans of the blocks)
    services.passport_update(actor=office["head"], version=project.versions.get(), texts=PASSPORT)


def test_unknown_indicator_or_problem_is_refused(office):
    lead = office["sector_lead"]
    with pytest.raises(ApplicationError, match="Нет показателей с кодами: НЕТ-1"):
        services.project_create(
            actor=lead, sector=office["zhkh"], name="x", texts={"indicators": "НЕТ-1 | 1"}
        )
    with pytest.raises(ApplicationError, match="Нет региональных проблем с номерами: 999"):
        services.project_create(
            actor=lead, sector=office["zhkh"], name="x", texts={"problems": "999"}
        )
    assert not Project.objects.exists()


def test_the_monthly_report_is_prefilled_and_goes_the_route(office, november):
    lead, head, curator = office["sector_lead"], office["head"], office["curator"]
    project = _approved_project(office)
    services.indicator_fact_enter(
        actor=lead,
        indicator=office["entered"],
        period="2026-11",
        value=Decimal("10"),
        evidence="Акт приёмки № 7 от 28.11.2026",
    )
    report = services.report_prepare(actor=lead, project=project, period="2026-11")
    # due: the 5th working day after 30.11.2026 — 1, 2, 3, 4, 7 December
    assert report.due == dt.date(2026, 12, 7)
    rows = {r["code"]: r for r in report.content["indicators"]}
    # ЖКХ-1: plan from the passport's yearly target 80; fact 2 of 3 → 66.67 → lagging
    assert (rows["ЖКХ-1"]["plan"], rows["ЖКХ-1"]["fact"], rows["ЖКХ-1"]["status"]) == (
        "80",
        "66.67",
        "lag",
    )
    assert rows["ЖКХ-1"]["computed"] is True
    # ЖКХ-2: plan 12 for November, entered fact 10 → lagging, with its evidence
    assert (rows["ЖКХ-2"]["plan"], rows["ЖКХ-2"]["fact"], rows["ЖКХ-2"]["status"]) == (
        "12",
        "10",
        "lag",
    )
    assert rows["ЖКХ-2"]["evidence"] == "Акт приёмки № 7 от 28.11.2026"
    # only the control point due by 30.11 is in the report
    assert [cp["name"] for cp in report.content["control_points"]] == ["Договор подряда заключён"]

    approval = services.approval_of_report(report)
    with pytest.raises(ApplicationError, match="Отметьте, достигнуты ли контрольные точки"):
        approval_submit(actor=lead, approval=approval)
    approval.refresh_from_db()
    assert approval.state == ApprovalState.DRAFT
    with pytest.raises(ApplicationError, match="укажите причину и новый срок"):
        services.report_update(
            actor=lead, report=report, comment="", risks="", points=[{"reached": False}]
        )
    services.report_update(
        actor=lead,
        report=report,
        comment="Отставание по срокам ответов — два органа",
        risks="Подрядчик",
        points=[{"reached": False, "reason": "Торги сорваны", "new_date": "2026-12-20"}],
    )
    approval = approval_submit(actor=lead, approval=approval)
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    approval = approval_decide(
        actor=curator, approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    assert approval.state == ApprovalState.APPROVED
    with pytest.raises(ApplicationError, match="изменить его нельзя"):
        services.report_update(actor=lead, report=report, comment="", risks="", points=[{}])
    with pytest.raises(ApplicationError, match="уже есть"):
        services.report_prepare(actor=lead, project=project, period="2026-11")


def test_a_report_only_for_an_approved_passport(office):
    project = services.project_create(
        actor=office["sector_lead"], sector=office["zhkh"], name="Черновик"
    )
    with pytest.raises(ApplicationError, match="утверждённым паспортом"):
        services.report_prepare(actor=office["sector_lead"], project=project, period="2026-11")


def test_mandatory_indicators_load_and_computed_values(office, november):
    report = services.indicators_load(actor=office["head"])
    assert "ЦУР-01" in report.created
    again = services.indicators_load(actor=office["head"])
    assert again.created == [] and "ЦУР-01" in again.updated
    cur01 = Indicator.objects.get(code="ЦУР-01")
    assert (cur01.measure, cur01.state, cur01.sector) == ("on_time_share", "approved", None)
    assert IndicatorTarget.objects.get(indicator=cur01, period="2026").value == 90
    with pytest.raises(AccessDenied):
        services.indicators_load(actor=office["analyst"])
    values = services.indicators_compute(period="2026-11")
    # the region's November: A, E and D on time of 4 published → 75.00 %; the block's 66.67
    assert values["ЦУР-01"] == Decimal("75.00")
    assert values["ЖКХ-1"] == Decimal("66.67")
    board = {
        r["indicator"].code: r
        for r in selectors.indicator_board(list(Indicator.objects.all()), "2026-11")
    }
    assert (board["ЦУР-01"]["plan"], board["ЦУР-01"]["fact"], board["ЦУР-01"]["status"]) == (
        "90",
        "75",
        "lag",
    )


def test_an_additional_indicator_is_proposed_and_approved_by_the_curator(office):
    lead, head, curator = office["sector_lead"], office["head"], office["curator"]
    with pytest.raises(AccessDenied):  # a lead proposes for its own block only
        services.indicator_propose(actor=lead, code="ЦУР-Д1", name="x", unit="процент")
    assert not Indicator.objects.filter(code="ЦУР-Д1").exists()
    ind = services.indicator_propose(
        actor=lead,
        code="ЖКХ-Д1",
        name="Доля домов с приборами учёта",
        unit="процент",
        sector=office["zhkh"],
    )
    assert ind.state == IndicatorState.PROPOSED
    approval = services.approval_of_indicator(ind)
    assert (approval.state, approval.step_role) == (ApprovalState.IN_ROUTE, Role.HEAD)
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    approval_decide(
        actor=curator, approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    ind.refresh_from_db()
    assert ind.state == IndicatorState.APPROVED
    with pytest.raises(ApplicationError, match="рассчитывается по данным"):
        services.indicator_fact_enter(
            actor=head, indicator=office["computed"], period="2026-11", value=1, evidence="x"
        )


def test_reports_sweep_opens_last_months_drafts_and_reports_the_overdue_once(
    office, django_capture_on_commit_callbacks
):
    from django.core import mail

    project = _approved_project(office)
    services.project_state_set(
        actor=office["sector_lead"], project=project, state=ProjectState.IN_PROGRESS
    )
    for user, email in (
        (office["head"], "head@cur.test"),
        (office["sector_lead"], "lead@cur.test"),
    ):
        user.email = email
        user.save()
    # 03.12.2026: the November report is opened as a draft, due 07.12 — not late yet
    first = services.reports_sweep(now=timezone.make_aware(dt.datetime(2026, 12, 3, 9)))  # noqa: DTZ001
    assert (first.opened, first.escalated) == (1, 0)
    report = project.reports.get()
    assert (report.period, report.due, report.author) == ("2026-11", dt.date(2026, 12, 7), None)
    # 08.12: past its due day and still a draft — the head and the block's lead hear, once
    with django_capture_on_commit_callbacks(execute=True):
        late = services.reports_sweep(now=timezone.make_aware(dt.datetime(2026, 12, 8, 9)))  # noqa: DTZ001
        again = services.reports_sweep(now=timezone.make_aware(dt.datetime(2026, 12, 9, 9)))  # noqa: DTZ001
    assert (late.opened, late.escalated, again.opened, again.escalated) == (0, 1, 0, 0)
    # the block's own report of November (opened by the same sweep) is late as well
    assert [(m.subject, sorted(m.to)) for m in mail.outbox] == [
        ("Не представлен отчёт: Тёплый дом", ["head@cur.test", "lead@cur.test"]),
        ("Не представлен отчёт блока «ЖКХ и благоустройство»", ["head@cur.test", "lead@cur.test"]),
    ]
    assert AuditEvent.objects.filter(action="office.report_overdue").count() == 1
