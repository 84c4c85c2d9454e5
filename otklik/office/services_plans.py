"""Consolidated plans (сводный план) of the blocks and of the ЦУР: the head assembles them from
the approved passports in force (their control points falling in the period, across projects,
on one timeline), the curator approves them through the route (kind ``plan``). An approved plan
is frozen; assembling again opens its next version with the reason, as passports do."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from otklik.approvals.choices import ApprovalState
from otklik.approvals.services import approval_open
from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.directory.models import Sector
from otklik.office import passport, periods
from otklik.office.choices import ProjectState
from otklik.office.models import ConsolidatedPlan, Project
from otklik.office.services import _user, version_approval

PLAN = "plan"
PLANNED_STATES = (ProjectState.APPROVED, ProjectState.IN_PROGRESS)


def plan_items(*, sector: Sector | None, period: str) -> list[dict]:
    """The control points of the period from the passports in force of the projects approved
    or in progress (of the block, or of every block), by date then project."""
    from otklik.office.selectors import passports_in_force

    start, end = periods.bounds(period)
    projects = Project.objects.filter(state__in=PLANNED_STATES).select_related("sector")
    if sector is not None:
        projects = projects.filter(sector=sector)
    projects = list(projects.order_by("sector__order", "code"))
    in_force = passports_in_force(projects)
    items = []
    for project in projects:
        version = in_force.get(project.pk)
        if version is None:
            continue
        for cp in passport.control_points(version.content):
            if cp.get("date") and start.isoformat() <= cp["date"] <= end.isoformat():
                items.append(
                    {
                        "project": project.code,
                        "project_name": project.name,
                        "block": project.sector.name,
                        "passport_version": version.number,
                        "name": cp["name"],
                        "date": cp["date"],
                        "responsible": cp.get("responsible", ""),
                    }
                )
    return sorted(items, key=lambda i: (i["date"], i["project"], i["name"]))


def _title(sector: Sector | None, period: str) -> str:
    whose = f"блока «{sector.name}»" if sector else "ЦУР"
    return f"Сводный план {whose} на {periods.label(period)}"


@transaction.atomic
def plan_assemble(
    *, actor: Any, sector: Sector | None, period: str, reason: str = ""
) -> ConsolidatedPlan:
    """Assemble the plan of ``sector`` (None: the ЦУР) for ``period``: a first version; a draft
    or returned one is filled again; over an approved one the next version (``reason``
    required). A version already on the route is left alone."""
    access_check(actor, Action.PLAN_PREPARE)
    periods.bounds(period)
    latest = (
        ConsolidatedPlan.objects.select_for_update()
        .filter(Q(sector=sector) if sector else Q(sector__isnull=True), period=period)
        .order_by("-number")
        .first()
    )
    items = plan_items(sector=sector, period=period)
    if latest is not None:
        approval = version_approval(PLAN, latest)
        if approval.is_editable:
            latest.items = items
            latest.save(update_fields=["items", "updated_at"])
            audit_log(
                actor=actor,
                action="office.plan_assemble",
                target=latest,
                data={"period": period, "version": latest.number, "items": len(items)},
            )
            return latest
        if approval.state != ApprovalState.APPROVED:
            raise ApplicationError("Эта версия плана на согласовании: дождитесь решения.")
        if not reason.strip():
            raise ApplicationError("План утверждён: укажите, что и почему меняется в новой версии.")
        if items == latest.items:
            raise ApplicationError("Утверждённые паспорта не изменились: план тот же.")
    plan = ConsolidatedPlan.objects.create(
        sector=sector,
        period=period,
        number=(latest.number + 1) if latest else 1,
        reason=reason.strip() if latest else "",
        items=items,
        author=_user(actor),
    )
    approval_open(
        actor=actor,
        kind=PLAN,
        target_id=plan.pk,
        title=_title(sector, period),
        sector=sector,
        version=plan.number,
        reason=plan.reason,
    )
    audit_log(
        actor=actor,
        action="office.plan_assemble",
        target=plan,
        data={"period": period, "version": plan.number, "items": len(items)},
    )
    return plan


def plan_submitted(approval, actor: Any) -> None:
    """An empty plan is not sent: no approved passport has a control point in its period."""
    plan = ConsolidatedPlan.objects.get(pk=approval.target_id)
    if not plan.items:
        raise ApplicationError(
            "В плане нет контрольных точек: в периоде их нет ни в одном утверждённом паспорте."
        )
