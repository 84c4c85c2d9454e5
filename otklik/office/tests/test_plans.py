"""Consolidated plans: the head assembles the control points of the approved passports in force
for a period — of a block or of the whole ЦУР —, the curator approves; frozen once approved, a
new version over it with its reason; nobody else assembles, and a refusal writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otklik.approvals.selectors import approval_of
from otklik.approvals.services import approval_decide, approval_submit
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.directory.models import Sector
from otklik.office import services
from otklik.office.models import ConsolidatedPlan
from otklik.office.services_plans import plan_assemble
from otklik.office.tests.shared import Unchanged
from otklik.office.tests.test_projects import _approved_project, office  # noqa: F401


def _approve(o, project, texts):
    approval = services.passport_approval(project.versions.order_by("-number").first())
    approval = approval_submit(actor=o["head"], approval=approval)
    approval = approval_decide(actor=o["head"], approval=approval, decision="agree")
    return approval_decide(
        actor=o["curator"], approval=approval, decision="approve", confirmation="password"
    )


@pytest.fixture
def two_blocks(office):  # noqa: F811
    """ЖКХ-01 (points 20.11.2026 and 30.09.2027) and ДОР-01 (15.03.2027), both approved; a
    draft ЖКХ project whose point in 2027 must not enter any plan."""
    zhkh = _approved_project(office)
    roads = services.project_create(
        actor=office["head"],
        sector=Sector.objects.get(code="roads"),
        name="Ямочный ремонт",
        texts={"control_points": "Контракты заключены | 15.03.2027 | Комитет дорог"},
    )
    _approve(office, roads, None)
    services.project_create(
        actor=office["sector_lead"],
        sector=office["zhkh"],
        name="Черновик",
        texts={"control_points": "Не в плане | 01.06.2027 | Комитет ЖКХ"},
    )
    return {**office, "zhkh_project": zhkh, "roads_project": roads}


def test_block_and_cur_plans_from_the_passports_in_force(two_blocks):
    o = two_blocks
    block = plan_assemble(actor=o["head"], sector=o["zhkh"], period="2027")
    assert [(i["project"], i["name"], i["date"]) for i in block.items] == [
        ("ЖКХ-01", "Сети заменены", "2027-09-30")
    ]
    whole = plan_assemble(actor=o["head"], sector=None, period="2027")
    assert [(i["project"], i["date"]) for i in whole.items] == [
        ("ДОР-01", "2027-03-15"),
        ("ЖКХ-01", "2027-09-30"),
    ]
    quarter = plan_assemble(actor=o["head"], sector=None, period="2026-Q4")
    assert [i["name"] for i in quarter.items] == ["Договор подряда заключён"]


@pytest.mark.parametrize("role", ["curator", "executor", "sector_lead", "analyst", "auditor"])
def test_only_the_head_assembles(two_blocks, role):
    unchanged = Unchanged(ConsolidatedPlan)
    with pytest.raises(AccessDenied):
        plan_assemble(actor=two_blocks[role], sector=two_blocks["zhkh"], period="2027")
    unchanged.check()


def test_frozen_once_approved_and_a_new_version_with_its_reason(two_blocks):
    o = two_blocks
    plan = plan_assemble(actor=o["head"], sector=None, period="2027")
    again = plan_assemble(actor=o["head"], sector=None, period="2027")  # a draft: refilled
    assert again.pk == plan.pk and again.number == 1
    approval = approval_submit(
        actor=o["head"], approval=approval_of(kind="plan", target_id=plan.pk)
    )
    assert approval.step_role == "curator"  # the plan's route: the curator approves
    with pytest.raises(ApplicationError, match="на согласовании"):
        plan_assemble(actor=o["head"], sector=None, period="2027")
    approval_decide(
        actor=o["curator"], approval=approval, decision="approve", confirmation="password"
    )
    with pytest.raises(ApplicationError, match="укажите, что и почему меняется"):
        plan_assemble(actor=o["head"], sector=None, period="2027")
    with pytest.raises(ApplicationError, match="план тот же"):
        plan_assemble(actor=o["head"], sector=None, period="2027", reason="Обновить")
    # the roads passport changes its point; its version 2 approved → the plan's version 2
    texts = {"control_points": "Контракты заключены | 31.05.2027 | Комитет дорог"}
    services.passport_change_request(
        actor=o["head"], project=o["roads_project"], reason="Торги перенесены", texts=texts
    )
    _approve(o, o["roads_project"], texts)
    v2 = plan_assemble(actor=o["head"], sector=None, period="2027", reason="Перенос торгов ДОР-01")
    assert (v2.number, v2.reason) == (2, "Перенос торгов ДОР-01")
    assert [(i["project"], i["date"], i["passport_version"]) for i in v2.items] == [
        ("ДОР-01", "2027-05-31", 2),
        ("ЖКХ-01", "2027-09-30", 1),
    ]
    plan.refresh_from_db()
    assert plan.items[0]["date"] == "2027-03-15"  # version 1 is as it was approved


def test_an_empty_plan_is_not_sent(two_blocks):
    o = two_blocks
    plan = plan_assemble(actor=o["head"], sector=None, period="2030")
    with pytest.raises(ApplicationError, match="В плане нет контрольных точек"):
        approval_submit(actor=o["head"], approval=approval_of(kind="plan", target_id=plan.pk))


def test_the_plan_pages(two_blocks, client):
    o = two_blocks
    client.force_login(o["head"])
    r = client.post(reverse("office:plans"), {"sector": "", "period": "2027", "reason": ""})
    plan = ConsolidatedPlan.objects.get()
    assert r.url == reverse("office:plan", args=[plan.pk])
    page = client.get(r.url).content.decode()
    assert "Контракты заключены" in page and 'data-gantt="timeline-data"' in page
    assert client.get(reverse("office:plan_print", args=[plan.pk, "pdf"])).status_code == 200
    client.force_login(o["sector_lead"])
    assert 'data-testid="plan-form"' not in client.get(reverse("office:plans")).content.decode()
    r = client.post(reverse("office:plans"), {"sector": "", "period": "2027"})
    assert r.status_code == 404 and ConsolidatedPlan.objects.count() == 1
