"""The assessment of the blocks' leads for November 2026, worked out by hand.

ЖКХ: indicators — ЖКХ-1 (computed, answers on time in the block: 2 of 3 → 66.67 %, plan 60) is
fulfilled, ЖКХ-2 (entered 10, plan 12) is not → 1 of 2 = 50 %; reports — the one report of
November sent on 04.12, due 07.12 → 1 of 1 = 100 %; answers — 66.67 %. Score = (40 × 0.5 +
30 × 1 + 30 × 0.6667) = 20 + 30 + 20.00 = 70.00.
Roads: no indicator, no report; answers — its one answer on time → 100 %: score 100.00 (the
mean over the components with data).
Every other block: nothing → no score, ranked after.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from otklik.approvals.services import approval_submit
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.office import services
from otklik.office.models import Assessment, IndicatorTarget
from otklik.office.services_assessment import assessment_compute, assessment_publish
from otklik.office.tests.shared import Unchanged
from otklik.office.tests.test_projects import (  # noqa: F401
    _approved_project,
    november,
    office,
)


@pytest.fixture
def november_office(office, november):  # noqa: F811
    IndicatorTarget.objects.create(indicator=office["computed"], period="2026", value=60)
    IndicatorTarget.objects.create(indicator=office["entered"], period="2026-11", value=12)
    services.indicator_fact_enter(
        actor=office["sector_lead"], indicator=office["entered"], period="2026-11",
        value=Decimal("10"), evidence="Акт № 7",
    )  # fmt: skip
    services.indicators_compute(period="2026-11")
    project = _approved_project(office)
    report = services.report_prepare(actor=office["sector_lead"], project=project, period="2026-11")
    services.report_update(
        actor=office["sector_lead"], report=report, comment="", risks="",
        points=[{"reached": True}],
    )  # fmt: skip
    sent = timezone.make_aware(dt.datetime(2026, 12, 4, 10))  # noqa: DTZ001
    with mock.patch("django.utils.timezone.now", return_value=sent):
        approval_submit(actor=office["sector_lead"], approval=services.approval_of_report(report))
    return office


def test_the_scorecard_by_hand(november_office):
    head = november_office["head"]
    assessment = assessment_compute(actor=head, period="2026-11")
    rows = {r["sector"]: r for r in assessment.rows}
    assert (rows["zhkh"]["score"], rows["zhkh"]["rank"]) == ("70.00", 2)
    assert rows["zhkh"]["components"] == {"indicators": 50.0, "reports": 100.0, "answers": 66.67}
    assert rows["zhkh"]["reasons"] == [
        "Показатели блока выполнены: 1 из 2",
        "Отчёты представлены в срок: 1 из 1",
        "Ответы заявителям в срок: 66.67 %",
    ]
    assert (rows["roads"]["score"], rows["roads"]["rank"]) == ("100.00", 1)
    assert [r["sector"] for r in assessment.rows[:2]] == ["roads", "zhkh"]
    assert all(r["score"] is None and r["rank"] is None for r in assessment.rows[2:])


def test_published_it_never_changes_and_only_the_head_computes(november_office):
    o = november_office
    for role in ("curator", "executor", "sector_lead", "analyst", "auditor"):
        unchanged = Unchanged(Assessment)
        with pytest.raises(AccessDenied):
            assessment_compute(actor=o[role], period="2026-11")
        unchanged.check()
    assessment = assessment_compute(actor=o["head"], period="2026-11")
    with pytest.raises(AccessDenied):
        assessment_publish(actor=o["curator"], assessment=assessment)
    assessment = assessment_publish(actor=o["head"], assessment=assessment)
    frozen = list(assessment.rows)
    with pytest.raises(ApplicationError, match="опубликована и не меняется"):
        assessment_compute(actor=o["head"], period="2026-11")
    with pytest.raises(ApplicationError, match="уже опубликована"):
        assessment_publish(actor=o["head"], assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.rows == frozen and assessment.published_by == o["head"]


def test_the_assessment_pages(november_office, client):
    from django.urls import reverse

    client.force_login(november_office["head"])
    r = client.post(reverse("office:assessments"), {"period": "2026-11"})
    assert r.url == reverse("office:assessment", args=["2026-11"])
    page = client.get(r.url).content.decode()
    assert 'data-testid="publish"' in page and "Ответы заявителям в срок: 66.67 %" in page
    client.post(r.url)
    assert Assessment.objects.get().is_published
    client.force_login(november_office["curator"])
    page = client.get(r.url).content.decode()
    assert 'data-testid="publish"' not in page and "Опубликована" in page
    assert client.post(reverse("office:assessments"), {"period": "2026-10"}).status_code == 403
