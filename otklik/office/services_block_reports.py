"""Writes of the blocks' progress reports (отчёт блока о ходе реализации): keyword-only,
transactional, audited (split from ``services`` by concern, as ``services_risks``).

A block's report of a period is pre-filled from the data when it is opened: the plan and fact
of each of the block's approved indicators (``selectors.plan_fact``, as a project's report: the
computed ones from the data), where each of its projects' reports of the period stands
(approved, on the route, in work, overdue, missing), the control points of the period across
those reports reached or missed with their reasons, and the open risks of its projects. The
block's lead (or a deputy; the head prepares anything) writes the comment and the reasons and
may fill the data again while the report is a draft or returned; it travels the route (kind
``block_report``: the head agrees, the curator approves). Due as a project's report
(``services.report_due``); the reports sweep opens the drafts and reports the overdue ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from otklik.approvals.models import Approval
from otklik.approvals.selectors import approval_of
from otklik.approvals.services import approval_open
from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.office import periods
from otklik.office.choices import RISK_ACTIVE, IndicatorState, ProjectState, ReportStanding
from otklik.office.models import Block, BlockReport, Indicator, ProgressReport, Project, Risk
from otklik.office.services import REPORT, _user, report_due, tell_overdue

BLOCK_REPORT = "block_report"


def _iso(day: dt.date) -> str:
    return day.isoformat()


def block_report_prefill(block: Block, period: str, *, today: dt.date) -> dict:
    """A block report's content as the data gives it on ``today`` (the comment left empty)."""
    from otklik.office.selectors import approvals_by_target, plan_fact, report_standing

    start, end = periods.bounds(period)
    indicators = (
        Indicator.objects.filter(sector=block.sector_id, state=IndicatorState.APPROVED)
        .prefetch_related("targets")
        .order_by("code")
    )
    reports = {
        r.project_id: r
        for r in ProgressReport.objects.filter(project__sector=block.sector_id, period=period)
    }
    approvals = approvals_by_target(REPORT, [r.pk for r in reports.values()])
    projects, points = [], []
    for project in Project.objects.filter(sector=block.sector_id).order_by("code"):
        report = reports.get(project.pk)
        if report is None and project.state != ProjectState.IN_PROGRESS:
            continue  # no report is expected of it
        approval = approvals.get(report.pk) if report else None
        projects.append(
            {
                "project_id": project.pk,
                "code": project.code,
                "name": project.name,
                "report_id": report.pk if report else None,
                "due": _iso(report.due if report else report_due(period)),
                "standing": report_standing(report, approval, today),
            }
        )
        for cp in report.content.get("control_points", []) if report else []:
            if _iso(start) <= cp.get("date", "") <= _iso(end):
                points.append(
                    {
                        "project": project.code,
                        "name": cp["name"],
                        "date": cp["date"],
                        "responsible": cp.get("responsible", ""),
                        "reached": cp.get("reached"),
                        "reason": cp.get("reason", ""),
                        "new_date": cp.get("new_date", ""),
                    }
                )
    risks = (
        Risk.objects.filter(project__sector=block.sector_id, status__in=RISK_ACTIVE)
        .select_related("project", "owner")
        .order_by("due", "pk")
    )
    return {
        "period": period,
        "from": _iso(start),
        "to": _iso(end),
        "as_of": _iso(today),
        "indicators": [plan_fact(ind, period, {}) for ind in indicators],
        "projects": projects,
        "summary": {
            s.value: sum(1 for p in projects if p["standing"] == s) for s in ReportStanding
        },
        "control_points": points,
        "risks": [
            {
                "id": r.pk,
                "project": r.project.code,
                "description": r.description,
                "owner": r.owner.get_full_name() or r.owner.username,
                "probability": r.get_probability_display(),
                "impact": r.get_impact_display(),
                "status": r.get_status_display(),
                "measures": r.measures,
                "due": _iso(r.due),
                "overdue": r.due < today,
            }
            for r in risks
        ],
        "comment": "",
    }


def _office_today() -> dt.date:
    from otklik.office.services_risks import office_today

    return office_today()


@transaction.atomic
def block_report_prepare(*, actor: Any, block: Block, period: str) -> BlockReport:
    """Open a block's report of a period, pre-filled from the data."""
    access_check(actor, Action.OFFICE_PREPARE, block)
    periods.bounds(period)
    if BlockReport.objects.filter(block=block, period=period).exists():
        raise ApplicationError(f"Отчёт блока за {periods.label(period)} уже есть.")
    return _open(actor, block, period, _office_today())


def _open(actor: Any, block: Block, period: str, today: dt.date) -> BlockReport:
    report = BlockReport.objects.create(
        block=block,
        period=period,
        due=report_due(period),
        content=block_report_prefill(block, period, today=today),
        author=_user(actor),
    )
    approval_open(
        actor=actor,
        kind=BLOCK_REPORT,
        target_id=report.pk,
        title=f"Блок «{block.sector.name}»: отчёт за {periods.label(period)}",
        sector=block.sector,
    )
    audit_log(
        actor=actor, action="office.block_report_prepare", target=block, data={"period": period}
    )
    return report


def block_reports_open(*, period: str, today: dt.date) -> int:
    """The sweep's part: the draft of ``period``'s report of every block with a project in
    progress and no report of the period yet (by the system). Returns how many were opened."""
    running = Project.objects.filter(state=ProjectState.IN_PROGRESS).values("sector_id")
    due = Block.objects.filter(sector__in=running).exclude(reports__period=period)
    opened = 0
    for block in due.select_related("sector"):
        with transaction.atomic():
            _open(None, block, period, today)
        opened += 1
    return opened


def overdue_tell(report: BlockReport) -> None:
    """A block's report not sent by its due day: recorded and told to the head and the block's
    leads (the sweep calls it once per report)."""
    block = report.block
    tell_overdue(
        report=report,
        action="office.block_report_overdue",
        target=block,
        subject=f"Не представлен отчёт блока «{block.sector.name}»",
        what=f"Отчёт блока «{block.sector.name}» о ходе реализации",
    )


def approval_of_block_report(report: BlockReport) -> Approval:
    approval = approval_of(kind=BLOCK_REPORT, target_id=report.pk)
    if approval is None:  # every report opens its approval in the same transaction
        raise ApplicationError("У отчёта блока нет листа согласования.")
    return approval


def _point_key(cp: dict) -> tuple[str, str]:
    return cp["project"], cp["name"]


@transaction.atomic
def block_report_update(
    *,
    actor: Any,
    report: BlockReport,
    comment: str,
    reasons: list[str] | None = None,
    refresh: bool = False,
) -> BlockReport:
    """The lead's part of a draft or returned block report: the comment and the reasons of the
    control points (``reasons``: one per point, in order; a missed point keeps a reason);
    ``refresh`` fills the data in again (as of today), keeping the comment and the reasons."""
    access_check(actor, Action.OFFICE_PREPARE, report)
    report = BlockReport.objects.select_for_update().select_related("block").get(pk=report.pk)
    if not approval_of_block_report(report).is_editable:
        raise ApplicationError("Отчёт блока на согласовании или утверждён: изменить его нельзя.")
    content = dict(report.content)
    points = content.get("control_points", [])
    if reasons is not None:
        if len(reasons) != len(points):
            raise ApplicationError("Контрольные точки отчёта изменились: обновите страницу.")
        for cp, reason in zip(points, reasons, strict=True):
            cp["reason"] = reason.strip()
    for cp in points:
        if cp.get("reached") is False and not cp["reason"]:
            raise ApplicationError(
                f"Контрольная точка «{cp['name']}» ({cp['project']}) не достигнута: укажите "
                "причину."
            )
    if refresh:
        given = {_point_key(cp): cp["reason"] for cp in points}
        content = block_report_prefill(report.block, report.period, today=_office_today())
        for cp in content["control_points"]:
            cp["reason"] = given.get(_point_key(cp)) or cp["reason"]
    content["comment"] = comment.strip()
    report.content = content
    report.save()
    audit_log(
        actor=actor,
        action="office.block_report_update",
        target=report.block,
        data={"period": report.period, "refresh": refresh},
    )
    return report


def block_report_submitted(approval: Approval, actor: Any) -> None:
    """A block report goes on with the lead's comment."""
    report = BlockReport.objects.get(pk=approval.target_id)
    if not report.content.get("comment", "").strip():
        raise ApplicationError("Напишите комментарий ответственного за блок.")
