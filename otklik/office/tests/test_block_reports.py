"""The blocks' progress reports: pre-filled from the data of a small block worked out by hand
(its indicators' plan and fact, where its projects' reports stand, the control points of the
period, the open risks), written by the block's lead, returned by the head, agreed and approved
by the curator; each role refused what it may not do, a refusal changing nothing; the due day
on the working calendar and the sweep that opens the drafts and reports the overdue ones once;
the printed forms; the pages; the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse

from otklik.approvals.choices import ApprovalState, Decision
from otklik.approvals.models import Approval
from otklik.approvals.services import approval_decide, approval_submit
from otklik.audit.models import AuditEvent
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.roles import Role
from otklik.directory.models import CalendarOverride, Sector
from otklik.office import periods, services
from otklik.office.choices import IndicatorState, ProjectState, RiskStatus
from otklik.office.models import Block, BlockReport, Indicator, IndicatorTarget
from otklik.office.services_block_reports import (
    approval_of_block_report,
    block_report_prepare,
    block_report_update,
)
from otklik.office.services_risks import risk_create, risk_status_set
from otklik.office.tests.shared import Unchanged, flashes, signed_in
from otklik.office.tests.test_api import _conforms, _ok, api
from otklik.office.tests.test_printing import _docx_text, _pdf_text
from otklik.office.tests.test_projects import (  # noqa: F401
    PASSPORT,
    _approved_project,
    november,
    office,
)

VOLGOGRAD = ZoneInfo("Europe/Volgograd")
# ЖКХ-01's passport: a control point in October, one in November, one in 2027
FIRST = {
    **PASSPORT,
    "indicators": "ЖКХ-1 | 62 | 2026=80",
    "control_points": "Проектная документация готова | 15.10.2026 | Комитет ЖКХ\n"
    "Договор подряда заключён | 20.11.2026 | Комитет ЖКХ\n"
    "Сети заменены | 30.09.2027 | МУП «Водоканал»",
}


def at(month: int, day: int, hour: int = 12, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=VOLGOGRAD)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The services' clock (``timezone.now``), 01.12.2026 unless a test moves it."""

    def move(moment: dt.datetime) -> None:
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    move(at(12, 1))
    return move


def _running(o, name: str, texts: dict):
    project = _approved_project(o, name=name, texts=texts)
    return services.project_state_set(
        actor=o["sector_lead"], project=project, state=ProjectState.IN_PROGRESS
    )


@pytest.fixture
def block(office, november):  # noqa: F811
    """The ЖКХ block on 01.12.2026, by hand:
    - indicators: ЖКХ-1 (computed: November's on-time share 66.67 %, see ``november``) with its
      own yearly target 70; ЖКХ-2 (entered: 10 km with its act) with November's target 8; a
      proposed additional one ЖКХ-Д1 (not approved: not in the report);
    - projects: ЖКХ-01 in progress, its November report approved (the October point reached, the
      November one missed: «Торги сорваны», new date 20.12); ЖКХ-02 in progress, its report a
      draft with its November point unmarked (due 07.12); ЖКХ-03 in progress, no report;
      ЖКХ-04 a draft passport (no report expected); a roads project (another block);
    - risks: ЖКХ-01's open, due 04.12; ЖКХ-02's being mitigated, due 20.12, and a closed one;
      the roads project's open one."""
    o = office
    lead, head, curator = o["sector_lead"], o["head"], o["curator"]
    IndicatorTarget.objects.create(indicator=o["computed"], period="2026", value=70)
    IndicatorTarget.objects.create(indicator=o["entered"], period="2026-11", value=8)
    services.indicator_fact_enter(
        actor=lead, indicator=o["entered"], period="2026-11", value=Decimal("10"), evidence="Акт 7"
    )
    proposed = Indicator.objects.create(
        code="ЖКХ-Д1", name="Предложен", unit="штука", sector=o["zhkh"]
    )
    IndicatorTarget.objects.create(indicator=proposed, period="2026", value=1)
    assert proposed.state == IndicatorState.PROPOSED

    first = _running(o, "Тёплый дом", FIRST)
    report = services.report_prepare(actor=lead, project=first, period="2026-11")
    services.report_update(
        actor=lead,
        report=report,
        comment="",
        risks="",
        points=[
            {"reached": True},
            {"reached": False, "reason": "Торги сорваны", "new_date": "2026-12-20"},
        ],
    )
    approval = approval_submit(actor=lead, approval=services.approval_of_report(report))
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    approval_decide(
        actor=curator, approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    second = _running(o, "Чистая вода", PASSPORT)
    services.report_prepare(actor=lead, project=second, period="2026-11")
    _running(o, "Светлый двор", PASSPORT)
    services.project_create(actor=lead, sector=o["zhkh"], name="Черновик")
    roads = services.project_create(
        actor=head, sector=Sector.objects.get(code="roads"), name="Дороги"
    )

    def risk(project, text, due, status=None):
        row = risk_create(
            actor=head,
            project=project,
            description=text,
            owner=lead,
            probability="medium",
            impact="high",
            due=dt.date(2026, 12, due),
        )
        return risk_status_set(actor=head, risk=row, status=status) if status else row

    risk(first, "Подрядчик не выйдет на объекты", 4)
    risk(second, "Нет средств на софинансирование", 20, RiskStatus.MITIGATING)
    risk(second, "Закрытый риск", 10, RiskStatus.CLOSED)
    risk(roads, "Риск другого блока", 10)
    return {**o, "block": Block.objects.get(sector=o["zhkh"])}


def test_the_report_is_prefilled_from_the_data_and_filled_again(block, clock):
    lead = block["sector_lead"]
    clock(at(12, 4))  # Friday 04.12: ЖКХ-02's report (due 07.12) is not late yet
    report = block_report_prepare(actor=lead, block=block["block"], period="2026-11")
    c = report.content
    # due: the 5th working day after 30.11.2026 — 1, 2, 3, 4, 7 December
    assert report.due == dt.date(2026, 12, 7)
    assert (c["from"], c["to"], c["as_of"], c["comment"]) == (
        "2026-11-01",
        "2026-11-30",
        "2026-12-04",
        "",
    )
    # ЖКХ-1: the own yearly target 70 against 2 of 3 answers on time = 66.67 → lagging;
    # ЖКХ-2: November's target 8 against the entered 10 → done (more is better)
    assert [
        (r["code"], r["plan"], r["fact"], r["status"], r["computed"], r["evidence"])
        for r in c["indicators"]
    ] == [
        ("ЖКХ-1", "70", "66.67", "lag", True, "рассчитано по данным платформы"),
        ("ЖКХ-2", "8", "10", "done", False, "Акт 7"),
    ]
    # the three projects in progress; ЖКХ-03 has no report: its due is the period's
    assert [(p["code"], p["standing"], p["due"]) for p in c["projects"]] == [
        ("ЖКХ-01", "approved", "2026-12-07"),
        ("ЖКХ-02", "in_work", "2026-12-07"),
        ("ЖКХ-03", "missing", "2026-12-07"),
    ]
    assert c["summary"] == {
        "approved": 1,
        "submitted": 0,
        "in_work": 1,
        "overdue": 0,
        "missing": 1,
    }
    # the November points only (ЖКХ-01's October one is of another period)
    assert [
        (p["project"], p["name"], p["reached"], p["reason"], p["new_date"])
        for p in c["control_points"]
    ] == [
        ("ЖКХ-01", "Договор подряда заключён", False, "Торги сорваны", "2026-12-20"),
        ("ЖКХ-02", "Договор подряда заключён", None, "", ""),
    ]
    # the open and mitigated risks of the block's projects, by due date; 04.12 is not past
    assert [(r["project"], r["due"], r["status"], r["overdue"]) for r in c["risks"]] == [
        ("ЖКХ-01", "2026-12-04", "Открыт", False),
        ("ЖКХ-02", "2026-12-20", "Принимаются меры", False),
    ]
    assert (c["risks"][0]["probability"], c["risks"][0]["impact"]) == ("средняя", "высокое")

    # the lead's words, then Tuesday 08.12 the data again: ЖКХ-02's report is late now, and
    # so is ЖКХ-01's risk; the comment and the reasons stay
    block_report_update(
        actor=lead,
        report=report,
        comment="Отставание по ответам в срок",
        reasons=["Торги сорваны, повторные 15.12", "Ждём отчёт"],
    )
    clock(at(12, 8))
    report = block_report_update(
        actor=lead, report=report, comment="Отставание по ответам в срок", refresh=True
    )
    c = report.content
    assert c["as_of"] == "2026-12-08"
    assert [p["standing"] for p in c["projects"]] == ["approved", "overdue", "missing"]
    assert (c["summary"]["in_work"], c["summary"]["overdue"]) == (0, 1)
    assert [r["overdue"] for r in c["risks"]] == [True, False]
    assert [p["reason"] for p in c["control_points"]] == [
        "Торги сорваны, повторные 15.12",
        "Ждём отчёт",
    ]
    assert c["comment"] == "Отставание по ответам в срок"
    assert AuditEvent.objects.filter(action="office.block_report_update").count() == 2


@pytest.mark.parametrize("role", ["curator", "executor", "analyst", "auditor", "org_operator"])
def test_who_may_not_prepare_or_edit_a_block_report_and_nothing_changes(block, role):
    actor = block[role]
    unchanged = Unchanged(BlockReport, Approval)
    with pytest.raises(AccessDenied):
        block_report_prepare(actor=actor, block=block["block"], period="2026-11")
    unchanged.check()
    report = block_report_prepare(
        actor=block["sector_lead"], block=block["block"], period="2026-11"
    )
    unchanged = Unchanged(BlockReport, Approval)
    with pytest.raises(AccessDenied):
        block_report_update(actor=actor, report=report, comment="чужой комментарий")
    with pytest.raises(AccessDenied):
        approval_submit(actor=actor, approval=approval_of_block_report(report))
    unchanged.check()
    report.refresh_from_db()
    assert report.content["comment"] == ""
    assert approval_of_block_report(report).state == ApprovalState.DRAFT


def test_another_blocks_lead_is_refused(block, make_user):
    roads_lead = make_user(Role.SECTOR_LEAD, sector=Sector.objects.get(code="roads"))
    unchanged = Unchanged(BlockReport, Approval)
    with pytest.raises(AccessDenied):
        block_report_prepare(actor=roads_lead, block=block["block"], period="2026-11")
    unchanged.check()
    # the head prepares anything; the block's deputy (a sector lead of it) edits it
    report = block_report_prepare(actor=block["head"], block=block["block"], period="2026-11")
    deputy = make_user(Role.SECTOR_LEAD)
    block_report_update(actor=deputy, report=report, comment="Заместитель")
    with pytest.raises(AccessDenied):
        block_report_update(actor=roads_lead, report=report, comment="Не свой блок")
    report.refresh_from_db()
    assert report.content["comment"] == "Заместитель"


def test_the_route_through_the_head_and_the_curator_with_a_return(block, clock):
    lead, head, curator = block["sector_lead"], block["head"], block["curator"]
    clock(at(12, 3))
    report = block_report_prepare(actor=lead, block=block["block"], period="2026-11")
    with pytest.raises(ApplicationError, match="уже есть"):
        block_report_prepare(actor=lead, block=block["block"], period="2026-11")
    approval = approval_of_block_report(report)
    with pytest.raises(ApplicationError, match="Напишите комментарий ответственного за блок"):
        approval_submit(actor=lead, approval=approval)
    approval.refresh_from_db()
    assert approval.state == ApprovalState.DRAFT
    with pytest.raises(ApplicationError, match=r"«Договор подряда заключён» \(ЖКХ-01\)"):
        block_report_update(actor=lead, report=report, comment="x", reasons=[" ", ""])
    with pytest.raises(ApplicationError, match="обновите страницу"):
        block_report_update(actor=lead, report=report, comment="x", reasons=["один"])
    report.refresh_from_db()
    assert report.content["control_points"][0]["reason"] == "Торги сорваны"
    block_report_update(actor=lead, report=report, comment="Два проекта из трёх отчитались")
    approval = approval_submit(actor=lead, approval=approval)
    assert (approval.state, approval.step_role) == (ApprovalState.IN_ROUTE, Role.HEAD)
    # on the route: nobody edits it; the curator does not act at the head's step
    with pytest.raises(ApplicationError, match="изменить его нельзя"):
        block_report_update(actor=lead, report=report, comment="позже")
    unchanged = Unchanged(BlockReport, Approval)
    with pytest.raises(AccessDenied):
        approval_decide(actor=curator, approval=approval, decision=Decision.AGREE)
    with pytest.raises(AccessDenied):
        approval_decide(actor=lead, approval=approval, decision=Decision.AGREE)
    unchanged.check()
    approval = approval_decide(
        actor=head, approval=approval, decision=Decision.RETURN, text="Нет отчёта ЖКХ-03"
    )
    assert approval.state == ApprovalState.RETURNED
    block_report_update(
        actor=lead, report=report, comment="ЖКХ-03 начат 25.11: отчитается за декабрь"
    )
    approval = approval_submit(actor=lead, approval=approval, text="Дополнено")
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    assert approval.step_role == Role.CURATOR
    with pytest.raises(AccessDenied):
        approval_decide(
            actor=head, approval=approval, decision=Decision.APPROVE, confirmation="password"
        )
    approval = approval_decide(
        actor=curator, approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    assert approval.state == ApprovalState.APPROVED
    with pytest.raises(ApplicationError, match="изменить его нельзя"):
        block_report_update(actor=lead, report=report, comment="после утверждения")
    report.refresh_from_db()
    assert report.content["comment"] == "ЖКХ-03 начат 25.11: отчитается за декабрь"


def test_the_sweep_opens_the_drafts_and_reports_the_overdue_once(
    office,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    _running(office, "Тёплый дом", PASSPORT)
    for user, email in (
        (office["head"], "head@cur.test"),
        (office["sector_lead"], "lead@cur.test"),
    ):
        user.email = email
        user.save()
    # Thursday 03.12.2026 declared a day off: the 5th working day after 30.11 is now Tuesday
    # 08.12 — 1, 2, (3 off), 4, 7, 8 December
    CalendarOverride.objects.create(date=dt.date(2026, 12, 3), is_working=False, reason="тест")

    def sweep(month, day):
        return services.reports_sweep(now=at(month, day, 9))

    first = sweep(12, 8)
    assert (first.opened, first.block_opened, first.escalated, first.block_escalated) == (
        1,
        1,
        0,
        0,
    )
    report = BlockReport.objects.get()  # the ЖКХ block only: no other has a project running
    assert (report.block.sector.code, report.period, report.due, report.author) == (
        "zhkh",
        "2026-11",
        dt.date(2026, 12, 8),
        None,
    )
    assert [p["code"] for p in report.content["projects"]] == ["ЖКХ-01"]
    # 09.12: both the project's and the block's reports are past their due day — told once
    with django_capture_on_commit_callbacks(execute=True):
        late = sweep(12, 9)
        again = sweep(12, 10)
    assert (late.block_opened, late.escalated, late.block_escalated) == (0, 1, 1)
    assert (again.opened, again.block_opened, again.escalated, again.block_escalated) == (
        0,
        0,
        0,
        0,
    )
    assert [(m.subject, sorted(m.to)) for m in mail.outbox] == [
        ("Не представлен отчёт: Тёплый дом", ["head@cur.test", "lead@cur.test"]),
        ("Не представлен отчёт блока «ЖКХ и благоустройство»", ["head@cur.test", "lead@cur.test"]),
    ]
    assert "срок был 08.12.2026" in mail.outbox[1].body
    assert AuditEvent.objects.filter(action="office.block_report_overdue").count() == 1
    assert approval_of_block_report(report).escalated_on == dt.date(2026, 12, 9)


def test_a_submitted_report_is_not_overdue(office, clock):  # noqa: F811
    _running(office, "Тёплый дом", PASSPORT)
    services.reports_sweep(now=at(12, 2, 9))
    report = BlockReport.objects.get()
    block_report_update(actor=office["sector_lead"], report=report, comment="В срок")
    approval_submit(actor=office["sector_lead"], approval=approval_of_block_report(report))
    assert services.reports_sweep(now=at(12, 9, 9)).block_escalated == 0


def test_the_reporting_period_is_configurable(office):  # noqa: F811
    assert periods.previous(dt.date(2026, 5, 5), "quarter") == "2026-Q1"
    assert periods.previous(dt.date(2027, 1, 11), "quarter") == "2026-Q4"
    assert periods.previous(dt.date(2027, 1, 11), "year") == "2026"
    with pytest.raises(ApplicationError, match="month, quarter или year"):
        periods.previous(dt.date(2027, 1, 11), "week")
    _running(office, "Тёплый дом", PASSPORT)
    with override_settings(OTKLIK_OFFICE_REPORT_PERIOD="quarter"):
        result = services.reports_sweep(now=at(1, 11, 9, year=2027))
    assert (result.opened, result.block_opened) == (1, 1)
    report = BlockReport.objects.get()
    # the 5th working day after 31.12.2026: 1–8 January are holidays, 9–10 a weekend — 11, 12,
    # 13, 14, 15 January
    assert (report.period, report.due) == ("2026-Q4", dt.date(2027, 1, 15))


# --------------------------------------------------------------------------- printing
def test_the_approved_block_report_in_both_forms(block, client, clock):
    lead, head, curator = block["sector_lead"], block["head"], block["curator"]
    clock(at(12, 4))
    report = block_report_prepare(actor=lead, block=block["block"], period="2026-11")
    block_report_update(actor=lead, report=report, comment="Отставание по ответам в срок")
    approval = approval_submit(actor=lead, approval=approval_of_block_report(report))
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    approval_decide(
        actor=curator, approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    client.force_login(block["auditor"])
    texts = {}
    for fmt in ("pdf", "docx"):
        response = client.get(reverse("office:block_report_print", args=[report.pk, fmt]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f'attachment; filename="block-report-zhkh-2026-11.{fmt}"'
        )
        texts[fmt] = (_pdf_text if fmt == "pdf" else _docx_text)(response.content)
    for fmt, text in texts.items():
        for expected in (
            "УТВЕРЖДАЮ",
            f"____________ {curator.get_full_name()}",
            "ОТЧЁТ О ХОДЕ РЕАЛИЗАЦИИ ОТРАСЛЕВОГО БЛОКА",
            "«ЖКХ и благоустройство» за ноябрь 2026",
            "Срок представления: 07.12.2026. Данные на 04.12.2026.",
            "66.67",
            "утверждён — 1; на согласовании — 0; готовится — 1; не представлен в срок — 0;",
            "Чистая вода",
            "нет: Торги сорваны, 20.12.2026",
            "Подрядчик не выйдет на объекты",
            "средняя / высокое",
            "Отставание по ответам в срок",
            "Лист согласования",
            "Утверждено",
        ):
            assert expected in text, (fmt, expected)
    assert "Риск другого блока" not in texts["pdf"]


def test_the_printed_draft_has_no_stamp(block, client):
    report = block_report_prepare(
        actor=block["sector_lead"], block=block["block"], period="2026-11"
    )
    client.force_login(block["sector_lead"])
    response = client.get(reverse("office:block_report_print", args=[report.pk, "pdf"]))
    text = _pdf_text(response.content)
    assert text.startswith("ПРОЕКТ") and "УТВЕРЖДАЮ" not in text
    assert (
        client.get(reverse("office:block_report_print", args=[report.pk, "odt"])).status_code == 404
    )


# --------------------------------------------------------------------------- pages
def test_the_pages(block, client, clock, make_user):
    lead, auditor = block["sector_lead"], block["auditor"]
    clock(at(12, 8))
    page = reverse("office:block", args=["zhkh"])
    # the lead prepares the report from the block's page, offered last month
    response = signed_in(client, lead).get(page)
    assert response.context["block_report_period"] == "2026-11"
    assert 'data-testid="block-report-form"' in response.content.decode()
    response = client.post(
        reverse("office:block_report_prepare", args=["zhkh"]), {"period": "2026-11"}, follow=True
    )
    report = BlockReport.objects.get()
    assert response.redirect_chain[-1][0] == reverse("office:block_report", args=[report.pk])
    body = response.content.decode()
    assert "Отчёт блока «ЖКХ и благоустройство» о ходе реализации за ноябрь 2026" in body
    assert 'data-testid="block-report-edit"' in body and 'data-testid="approval"' in body
    # the lead's part through the form
    response = client.post(
        reverse("office:block_report_edit", args=[report.pk]),
        {"comment": "С формы", "cp-0-reason": "Торги сорваны", "cp-1-reason": "Ждём"},
        follow=True,
    )
    assert flashes(response) == ["Отчёт блока сохранён."]
    report.refresh_from_db()
    assert [p["reason"] for p in report.content["control_points"]] == ["Торги сорваны", "Ждём"]
    response = client.post(
        reverse("office:block_report_prepare", args=["zhkh"]), {"period": "2026-11"}, follow=True
    )
    assert flashes(response) == ["Отчёт блока за ноябрь 2026 уже есть."]
    # the auditor reads: the block's page shows the report late in red, no form, no editing
    response = signed_in(client, auditor).get(page)
    body = response.content.decode()
    assert response.context["block_report_period"] is None
    assert 'data-testid="block-report-form"' not in body
    assert 'data-testid="block-report-overdue"' in body  # due 07.12, still a draft on 08.12
    response = client.get(reverse("office:block_report", args=[report.pk]))
    assert response.status_code == 200 and not response.context["may_edit"]
    assert response.context["overdue"] is True
    unchanged = Unchanged(BlockReport)
    assert client.post(reverse("office:block_report_edit", args=[report.pk]), {}).status_code == 403
    unchanged.check()
    # another block's lead reads it (every lead sees the office) and may not change it
    roads_lead = make_user(Role.SECTOR_LEAD, sector=Sector.objects.get(code="roads"))
    signed_in(client, roads_lead)
    response = client.get(reverse("office:block_report", args=[report.pk]))
    assert response.status_code == 200 and not response.context["may_edit"]
    response = client.post(reverse("office:block_report_edit", args=[report.pk]), {"comment": "x"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.content["comment"] == "С формы"


# --------------------------------------------------------------------------- API
def test_the_api(block, clock, make_user):
    lead, head, auditor = block["sector_lead"], block["head"], block["auditor"]
    clock(at(12, 4))
    url = "/api/v1/office/blocks/zhkh/reports"
    created = _ok(api(lead).post(url, {"period": "2026-11"}, format="json"), 201)
    pk = created["id"]
    assert (created["block"], created["period_label"], created["due"]) == (
        "zhkh",
        "ноябрь 2026",
        "2026-12-07",
    )
    assert created["content"]["summary"]["missing"] == 1
    assert created["approval"]["state"] == "draft"
    r = api(lead).post(url, {"period": "ноябрь"}, format="json")
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Период «ноябрь»: ожидается «2026-11», «2026-Q4» или «2026».",
    )
    # the lead's part; a refusal is a 403 and changes nothing
    detail = f"/api/v1/office/block-reports/{pk}"
    unchanged = Unchanged(BlockReport, Approval)
    r = api(auditor).patch(detail, {"comment": "аудитор"}, format="json")
    assert r.status_code == 403
    r = api(auditor).post(url, {"period": "2026-10"}, format="json")
    assert r.status_code == 403
    unchanged.check()
    r = api(lead).post(f"{detail}/submit", {}, format="json")
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Напишите комментарий ответственного за блок.",
    )
    patched = _ok(
        api(lead).patch(
            detail, {"comment": "По API", "reasons": ["Торги сорваны", "Ждём"]}, format="json"
        )
    )
    assert patched["content"]["comment"] == "По API"
    assert [p["reason"] for p in patched["content"]["control_points"]] == ["Торги сорваны", "Ждём"]
    sent = _ok(api(lead).post(f"{detail}/submit", {"text": "Прошу согласовать"}, format="json"))
    assert (sent["approval"]["state"], sent["approval"]["step_role"]) == ("in_route", "head")
    # the head agrees over the approvals API; reads for everyone who sees the block
    _ok(api(head).post(f"/api/v1/approvals/{sent['approval']['id']}/agree", {"text": ""}))
    rows = _ok(api(auditor).get(url))
    assert [(r["id"], r["approval"]["step_role"]) for r in rows] == [(pk, "curator")]
    roads_lead = make_user(Role.SECTOR_LEAD, sector=Sector.objects.get(code="roads"))
    assert api(roads_lead).get(detail).status_code == 200  # every lead reads the office
    r = api(roads_lead).patch(detail, {"comment": "не свой блок"}, format="json")
    assert r.status_code == 403
    assert api(lead).get("/api/v1/office/block-reports/999").status_code == 404
    # an organisation's operator has no office: the list is refused, a report is not found
    assert api(block["org_operator"]).get(url).status_code == 403
    assert api(block["org_operator"]).get(detail).status_code == 404
    _conforms(auditor, "/api/v1/office/blocks/{code}/reports", url)
    _conforms(auditor, "/api/v1/office/block-reports/{id}", detail)
