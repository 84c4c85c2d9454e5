"""The demo's project office: a lead for every block, the projects at their places in the route,
and — after the history — reports approved, returned, waiting and overdue."""

from __future__ import annotations

from collections import Counter

import pytest

from otklik.approvals.models import Approval
from otklik.demo.office import demo_office_load, demo_office_reports
from otklik.demo.services import demo_users_create
from otklik.office import periods
from otklik.office.models import Block, ProgressReport, Project


@pytest.fixture
def office(region):
    demo_users_create()
    return demo_office_load()


def test_every_block_has_its_lead_and_projects_along_the_route(office):
    assert office == 18
    assert demo_office_load() == 0  # once
    leads = {b.sector.code: b.lead.username for b in Block.objects.exclude(sector__code="other")}
    assert leads == {
        code: f"lead-{code}"
        for code in ("zhkh", "tko", "energy", "education", "health", "roads", "transport", "social")
    }
    assert Counter(Project.objects.values_list("state", flat=True)) == {
        "in_progress": 8,  # 7 approved + 1 with a change request on its way
        "agreement": 5,  # 2 at the head's step, 3 at the curator's
        "draft": 5,  # 2 never sent, 3 returned
    }
    passports = Counter(
        Approval.objects.filter(kind="passport").values_list("state", "step_role", "version")
    )
    assert passports == {
        ("approved", "", 1): 8,
        ("in_route", "head", 1): 2,
        ("in_route", "curator", 1): 3,
        ("returned", "", 1): 3,
        ("draft", "", 1): 2,
        ("in_route", "curator", 2): 1,  # the change request, agreed by the head
    }
    # a risk on each project in progress, two questions (one decided, with its two tasks), an
    # approved working group of the ЖКХ block
    from otklik.office.models import CuratorQuestion, DecisionTask, Group, Risk

    assert Risk.objects.count() == 8
    assert sorted(bool(q.decision) for q in CuratorQuestion.objects.all()) == [False, True]
    assert DecisionTask.objects.count() == 2
    assert Approval.objects.get(kind="group").state == "approved"
    assert Group.objects.get().versions.count() == 1


def test_reports_after_the_history(office):
    assert demo_office_reports() == 8
    states = Counter(Approval.objects.filter(kind="report").values_list("state", "step_role"))
    assert states == {
        ("approved", ""): 4,
        ("in_route", "curator"): 2,
        ("returned", ""): 1,
        ("draft", ""): 1,  # the month before last, overdue
    }
    assert ProgressReport.objects.count() == 8
    # three blocks' reports: last month's approved and returned, the month before last's overdue
    blocks = Counter(Approval.objects.filter(kind="block_report").values_list("state", flat=True))
    assert blocks == {"approved": 1, "returned": 1, "draft": 1}
    from otklik.office.selectors import block_report_rows
    from otklik.office.services_risks import office_today

    overdue = [
        row["report"].period
        for block in Block.objects.all()
        for row in block_report_rows(block, office_today())
        if row["overdue"]
    ]
    last = periods.previous_month(office_today())
    # (the returned one is overdue too once last month's due day has passed)
    assert periods.previous_month(periods.bounds(last)[0]) in overdue
    from otklik.office.models import Assessment

    assert Assessment.objects.get().is_published  # last month's, frozen
    assert demo_office_reports() == 0  # once
