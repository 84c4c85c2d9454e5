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


def test_the_roadmap_and_the_synchronisation(region, monkeypatch):
    """On Wednesday 18.11.2026: twelve items by section; five done with their evidence (one
    late), three in work, three planned, one cancelled; overdue — item 3 (in work, due
    06.11), item 6 (planned, due 13.11) and item 10 (in work, due Sunday 15.11 → Monday 16.11),
    all before the 18th. The programmes: ФКГС linked to «Чистый двор» and its national
    indicators, lag (24 − 18) / 24 = 25.0 % and 31.5 of 30 → 0, mean 12.5 %; the roads'
    (55 − 52.3) / 55 = 4.9 %."""
    import datetime as dt
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from otklik.accounts.models import User
    from otklik.office import selectors_roadmap
    from otklik.office.models import RoadmapItem

    now = dt.datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/Volgograd"))
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    demo_users_create()
    demo_office_load(now=now)
    items = RoadmapItem.objects.order_by("number")
    assert items.count() == 12
    assert Counter(items.values_list("status", flat=True)) == {
        "done": 5, "in_work": 3, "planned": 3, "cancelled": 1,
    }  # fmt: skip
    assert all(i.evidence or i.evidence_url for i in items.filter(status="done"))
    auditor = User.objects.filter(role="auditor").first() or User.objects.get(role="executor")
    late = selectors_roadmap.roadmap_overdue(user=auditor, today=now.date())
    assert sorted(i.number for i in late) == [3, 6, 10]
    sections = selectors_roadmap.roadmap_sections(list(items))
    assert [s for s, _ in sections] == [
        "Организационное обеспечение", "Кадры и обучение", "Информационные системы",
        "Синхронизация с национальными проектами",
    ]  # fmt: skip
    overview = selectors_roadmap.sync_overview(user=auditor, today=now.date())
    rows = {r.programme.code: r for r in overview}
    fkgs = rows["FP-FKGS"]
    assert [p.name for p in fkgs.projects] == ["Чистый двор: благоустройство дворовых территорий"]
    assert fkgs.lag == Decimal("12.5")
    assert rows["FP-ROADS"].lag == Decimal("4.9")
    assert {i.number for i in fkgs.items} == {10, 11}
    # item 4: due 90 days before 18.11 = 20.08.2026 (a Thursday), done six days later
    done = RoadmapItem.objects.get(number=4).events.get(kind="done")
    assert done.text.startswith("Выполнен 26.08.2026 (с опозданием)")
