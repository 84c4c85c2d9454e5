"""Reads of the project office, scoped by ``office.view``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast

from otklik.approvals.choices import ApprovalState
from otklik.approvals.models import Approval
from otklik.core.exceptions import NotFound
from otklik.core.permissions import MATRIX, Action, Scope, access_check, visible_to
from otklik.office import composition, periods
from otklik.office.choices import (
    RISK_ACTIVE,
    Direction,
    IndicatorSource,
    IndicatorState,
    PlanStatus,
    ReportStanding,
)
from otklik.office.measures import measure_value
from otklik.office.models import (
    Block,
    BlockReport,
    CuratorQuestion,
    DecisionTask,
    Group,
    GroupVersion,
    Indicator,
    IndicatorFact,
    PassportVersion,
    ProgressReport,
    Project,
    Risk,
)
from otklik.office.passport import DiffLine, diff_lines

PASSPORT, REPORT, GROUP = "passport", "report", "group"
BLOCK_REPORT = "block_report"


def block_list(*, user: Any) -> list[Block]:
    access_check(user, Action.OFFICE_VIEW)
    return list(
        visible_to(Block.objects.all(), user, Action.OFFICE_VIEW).select_related("sector", "lead")
    )


def block_get(*, user: Any, code: str) -> Block:
    access_check(user, Action.OFFICE_VIEW)
    block = (
        visible_to(Block.objects.all(), user, Action.OFFICE_VIEW)
        .select_related("sector", "lead")
        .filter(sector__code=code)
        .first()
    )
    if block is None:
        raise NotFound("Нет такого блока.")
    return block


def project_list(*, user: Any, sector=None, state: str | None = None) -> QuerySet[Project]:
    qs = visible_to(Project.objects.all(), user, Action.OFFICE_VIEW).select_related("sector")
    if state:
        qs = qs.filter(state=state)
    return qs.filter(sector=sector) if sector is not None else qs


def project_get(*, user: Any, pk: int) -> Project:
    project = project_list(user=user).filter(pk=pk).first()
    if project is None:
        raise NotFound("Нет такого проекта или он вне вашей зоны.")
    return project


def approvals_by_target(kind: str, ids: list[int]) -> dict[int, Approval]:
    rows = Approval.objects.filter(kind=kind, target_id__in=[str(i) for i in ids])
    return {int(a.target_id): a for a in rows}


@dataclass
class VersionRow:
    version: PassportVersion | GroupVersion
    approval: Approval | None


def version_rows(kind: str, versions: QuerySet) -> list[VersionRow]:
    """The versions of a document (a passport, a group's composition) with their approvals."""
    versions = list(versions.select_related("author").order_by("number"))
    approvals = approvals_by_target(kind, [v.pk for v in versions])
    return [VersionRow(v, approvals.get(v.pk)) for v in versions]


def passport_versions(project: Project) -> list[VersionRow]:
    return version_rows(PASSPORT, project.versions.all())


def passports_in_force(projects) -> dict[int, PassportVersion]:
    """The latest approved version of each of ``projects`` (a queryset or a list), by project
    id; a project before its first approval is absent. One query, however many projects."""
    approved = Approval.objects.filter(
        kind=PASSPORT,
        state=ApprovalState.APPROVED,
        target_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    versions = (
        PassportVersion.objects.filter(project__in=projects)
        .filter(Exists(approved))
        .order_by("project_id", "-number")
    )
    in_force: dict[int, PassportVersion] = {}
    for version in versions:
        in_force.setdefault(version.project_id, version)
    return in_force


def passport_in_force(project: Project) -> PassportVersion | None:
    """The latest approved version (None before the first approval)."""
    return passports_in_force([project]).get(project.pk)


def passport_latest(project: Project) -> PassportVersion | None:
    return project.versions.order_by("-number").first()


def passport_get(*, user: Any, pk: int) -> PassportVersion:
    qs = visible_to(PassportVersion.objects.all(), user, Action.OFFICE_VIEW)
    version = qs.select_related("project", "project__sector", "author").filter(pk=pk).first()
    if version is None:
        raise NotFound("Нет такой версии паспорта или она вне вашей зоны.")
    return version


def passport_previous(version: PassportVersion) -> PassportVersion | None:
    """The version before ``version`` (what its change request changes)."""
    before = version.project.versions.filter(number__lt=version.number)
    return before.order_by("-number").first()


def report_rows(project: Project) -> list[tuple[ProgressReport, Approval | None]]:
    reports = list(project.reports.order_by("-period"))
    approvals = approvals_by_target(REPORT, [r.pk for r in reports])
    return [(r, approvals.get(r.pk)) for r in reports]


def report_get(*, user: Any, pk: int) -> ProgressReport:
    qs = visible_to(ProgressReport.objects.all(), user, Action.OFFICE_VIEW)
    report = qs.select_related("project", "project__sector").filter(pk=pk).first()
    if report is None:
        raise NotFound("Нет такого отчёта или он вне вашей зоны.")
    return report


def report_late(due: dt.date, approval: Approval | None, today: dt.date) -> bool:
    """A report (a project's or a block's) past its due day and not sent: a draft or returned."""
    open_states = (ApprovalState.DRAFT, ApprovalState.RETURNED)
    return due < today and approval is not None and approval.state in open_states


def report_standing(
    report: ProgressReport | None, approval: Approval | None, today: dt.date
) -> str:
    """Where a project's report of a period stands on ``today`` (``ReportStanding``)."""
    if report is None:
        return ReportStanding.MISSING
    if approval is not None and approval.state == ApprovalState.APPROVED:
        return ReportStanding.APPROVED
    if approval is not None and approval.state == ApprovalState.IN_ROUTE:
        return ReportStanding.SUBMITTED
    late = report_late(report.due, approval, today)
    return ReportStanding.OVERDUE if late else ReportStanding.IN_WORK


def block_report_rows(block: Block, today: dt.date) -> list[dict]:
    """A block's reports (the newest period first), each with its approval and ``overdue``."""
    reports = list(block.reports.order_by("-period"))
    approvals = approvals_by_target(BLOCK_REPORT, [r.pk for r in reports])
    return [
        {
            "report": r,
            "approval": approvals.get(r.pk),
            "period_label": periods.label(r.period),
            "overdue": report_late(r.due, approvals.get(r.pk), today),
        }
        for r in reports
    ]


def block_report_get(*, user: Any, pk: int) -> BlockReport:
    qs = visible_to(BlockReport.objects.all(), user, Action.OFFICE_VIEW)
    report = qs.select_related("block", "block__sector", "author").filter(pk=pk).first()
    if report is None:
        raise NotFound("Нет такого отчёта блока или он вне вашей зоны.")
    return report


# --------------------------------------------------------------------------- plan / fact
def status_of(direction: str, plan: Decimal | None, fact: Decimal | None) -> str:
    if plan is None or fact is None:
        return PlanStatus.NONE
    good = fact >= plan if direction == Direction.UP else fact <= plan
    return PlanStatus.DONE if good else PlanStatus.LAG


def _norm(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize()


def _fmt(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def own_targets(ind: Indicator) -> dict[str, str]:
    """The indicator's own targets by period (prefetch ``targets`` for a list)."""
    return {t.period: str(t.value) for t in ind.targets.all()}


def _plan(targets: dict[str, str], period: str) -> Decimal | None:
    text = periods.target_for(targets, period) if targets else None
    return Decimal(text) if text is not None else None


def plan_fact(ind: Indicator, period: str, targets: dict[str, str]) -> dict:
    """An indicator's plan and fact in ``period``: the plan from ``targets`` (a passport's, by
    period; else the indicator's own), the fact computed from the data (a computed indicator,
    over its block or the region) or as entered."""
    plan = _plan(targets, period)
    if plan is None:
        plan = _plan(own_targets(ind), period)
    if ind.source == IndicatorSource.COMPUTED:
        start, end = periods.bounds(period)
        fact = measure_value(ind.measure, start=start, end=end, sector_id=ind.sector_id)
        evidence = "рассчитано по данным платформы"
    else:
        row = IndicatorFact.objects.filter(indicator=ind, period=period).first()
        fact = row.value if row else None
        evidence = row.evidence if row else ""
    return {
        "code": ind.code,
        "name": ind.name,
        "unit": ind.unit,
        "direction": ind.direction,
        "computed": ind.source == IndicatorSource.COMPUTED,
        "plan": _fmt(plan),
        "fact": _fmt(fact),
        "status": status_of(ind.direction, plan, fact),
        "evidence": evidence,
    }


def indicator_list(*, user: Any, sector=None, whole: bool = False) -> QuerySet[Indicator]:
    access_check(user, Action.OFFICE_VIEW)
    qs = Indicator.objects.select_related("sector", "owner").prefetch_related("targets")
    if whole:
        return qs.filter(sector__isnull=True)
    return qs.filter(sector=sector) if sector is not None else qs


def indicator_get(*, user: Any, pk: int) -> Indicator:
    qs = visible_to(Indicator.objects.all(), user, Action.OFFICE_VIEW)
    indicator = qs.select_related("sector", "owner").filter(pk=pk).first()
    if indicator is None:
        raise NotFound("Нет такого показателя.")
    return indicator


AHEAD = 4  # the targets ahead a chart shows after its months


@dataclass(frozen=True)
class Point:
    """One period of a plan/fact chart (and of the table under it)."""

    period: str
    plan: Decimal | None
    fact: Decimal | None
    status: str
    ahead: bool = False  # a target after the period asked: no fact yet

    @property
    def label(self) -> str:
        return periods.label(self.period)


def targets_ahead(targets: dict[str, str], period: str, limit: int = AHEAD) -> list[str]:
    """The periods of ``targets`` that begin after ``period`` ends, the nearest first."""
    _, end = periods.bounds(period)
    later = [(periods.bounds(p), p) for p in targets if periods.bounds(p)[0] > end]
    return [p for _, p in sorted(later)][:limit]


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def chart_spec(ind: Indicator, points: list[Point]) -> dict:
    """A plan/fact chart's data for ``static/otklik/charts.js`` (kind ``planfact``)."""
    return {
        "kind": "planfact",
        "name": f"{ind.code} {ind.name}",
        "unit": ind.unit,
        "direction": ind.direction,
        "labels": [periods.label(p.period, short=True) for p in points],
        "titles": [p.label for p in points],
        "plan": [_num(p.plan) for p in points],
        "fact": [_num(p.fact) for p in points],
        "status": [p.status for p in points],
        "ahead": sum(1 for p in points if p.ahead),
    }


def _point(ind: Indicator, period: str, plan: Decimal | None, fact: Decimal | None) -> Point:
    return Point(period, _norm(plan), _norm(fact), status_of(ind.direction, plan, fact))


def indicator_board(
    indicators: list[Indicator], period: str, months: int = 6, chart: int = 0
) -> list[dict]:
    """Per indicator: plan/fact of ``period`` from the stored facts (computed by
    ``indicators_compute``, or entered), the ``trend`` of the ``months`` up to it and, with
    ``chart`` months, the ``series`` of a plan/fact chart (those months, then the targets
    ahead) with its ``chart`` data. The facts of all of them in one query; prefetch
    ``targets`` (``indicator_list`` does)."""
    trail = periods.months_to(period, max(months, chart))
    facts: dict[tuple[int, str], Decimal | None] = {
        (f.indicator_id, f.period): f.value
        for f in IndicatorFact.objects.filter(indicator__in=indicators, period__in=[*trail, period])
    }
    rows = []
    for ind in indicators:
        own = own_targets(ind)
        plan = _plan(own, period)
        fact = facts.get((ind.pk, period))
        row = {
            "indicator": ind,
            "plan": _fmt(plan),
            "fact": _fmt(fact),
            "status": status_of(ind.direction, plan, fact),
            "trend": [{"period": p, "fact": _fmt(facts.get((ind.pk, p)))} for p in trail[-months:]],
            "approved": ind.state == IndicatorState.APPROVED,
        }
        if chart:
            points = [_point(ind, p, _plan(own, p), facts.get((ind.pk, p))) for p in trail[-chart:]]
            points += [
                Point(p, _norm(_plan(own, p)), None, PlanStatus.NONE, ahead=True)
                for p in targets_ahead(own, period)
            ]
            row.update(series=points, chart=chart_spec(ind, points), chart_id=f"chart-i{ind.pk}")
        rows.append(row)
    return rows


def reports_due(*, user: Any, today: dt.date) -> QuerySet[ProgressReport]:
    """Reports past their due day and not yet on the route or approved."""
    open_states = [ApprovalState.DRAFT, ApprovalState.RETURNED]
    waiting = Approval.objects.filter(kind=REPORT, state__in=open_states).values("target_id")
    qs = visible_to(ProgressReport.objects.all(), user, Action.OFFICE_VIEW)
    return (
        qs.filter(due__lt=today, pk__in=[int(t["target_id"]) for t in waiting])
        .select_related("project", "project__sector")
        .order_by("due")
    )


def block_projects(*, user: Any, block: Block) -> list[Project]:
    return list(
        project_list(user=user, sector=block.sector).prefetch_related(
            Prefetch("versions", queryset=PassportVersion.objects.order_by("number"))
        )
    )


def project_counts(*, user: Any) -> dict[int, dict[str, int]]:
    """Projects per block and state: {sector id: {state: count}}."""
    out: dict[int, dict[str, int]] = {}
    rows = project_list(user=user).values("sector_id", "state").annotate(n=Count("pk"))
    for row in rows.order_by():
        counts = out.setdefault(row["sector_id"], {"total": 0})
        counts[row["state"]] = row["n"]
        counts["total"] += row["n"]
    return out


def timeline(
    content: dict, start: dt.date, reached: dict[str, bool | None] | None = None
) -> list[dict]:
    """The passport's control points as the bars of a Gantt chart: each from the previous
    point (the first from ``start``, the project's beginning) to its own date; done (progress
    100) where the latest report marks it reached."""
    from otklik.office import passport

    reached = reached or {}
    bars, since = [], start
    for i, cp in enumerate(passport.control_points(content), 1):
        if not cp.get("date"):
            continue
        end = dt.date.fromisoformat(cp["date"])
        bars.append(
            {
                "id": f"cp{i}",
                "name": cp["name"],
                "start": min(since, end).isoformat(),
                "end": end.isoformat(),
                "date": end,
                "progress": 100 if reached.get(cp["name"]) else 0,
                "responsible": cp.get("responsible", ""),
                "missed": reached.get(cp["name"]) is False,
            }
        )
        since = end
    return bars


def points_reached(project: Project) -> dict[str, bool | None]:
    """What the latest report with marks says of each control point (by name)."""
    for report in project.reports.order_by("-period"):
        points = report.content.get("control_points", [])
        if any(cp.get("reached") is not None for cp in points):
            return {cp["name"]: cp.get("reached") for cp in points}
    return {}


# --------------------------------------------------------------------------- risks, questions
def office_people() -> QuerySet:
    """Who may own a risk or answer for a task: active users of the roles that see the office."""
    roles = [role for role, scope in MATRIX[Action.OFFICE_VIEW].items() if scope is not Scope.NONE]
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=roles)
        .order_by("last_name", "first_name", "username")
    )


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def risk_list(
    *,
    user: Any,
    today: dt.date,
    sector=None,
    status: str = "",
    overdue: bool = False,
    project: Project | None = None,
) -> QuerySet[Risk]:
    """The risk register across projects (or of one), each with ``overdue``: still open or
    being mitigated past its due date."""
    access_check(user, Action.OFFICE_VIEW)
    late = Q(status__in=RISK_ACTIVE, due__lt=today)
    qs = (
        visible_to(Risk.objects.all(), user, Action.OFFICE_VIEW)
        .select_related("project", "project__sector", "owner", "report")
        .annotate(overdue=_flag(late))
    )
    if project is not None:
        qs = qs.filter(project=project)
    if sector is not None:
        qs = qs.filter(project__sector=sector)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(late)
    return qs.order_by("due", "pk")


def risk_get(*, user: Any, pk: int, today: dt.date) -> Risk:
    risk = risk_list(user=user, today=today).filter(pk=pk).first()
    if risk is None:
        raise NotFound("Нет такого риска или он вне вашей зоны.")
    return risk


def question_list(
    *,
    user: Any,
    today: dt.date,
    waiting: bool = False,
    project: Project | None = None,
    risk: Risk | None = None,
    report: ProgressReport | None = None,
) -> QuerySet[CuratorQuestion]:
    """Questions for the curator's decision (``waiting``: not decided yet), each with
    ``overdue`` (undecided past its due date) and ``tasks_late`` (its tasks overdue)."""
    access_check(user, Action.OFFICE_VIEW)
    qs = (
        visible_to(CuratorQuestion.objects.all(), user, Action.OFFICE_VIEW)
        .select_related("project", "project__sector", "risk", "report", "decided_by")
        .annotate(
            overdue=_flag(Q(decided_on__isnull=True, due__lt=today)),
            tasks_late=Count("tasks", filter=Q(tasks__done_on__isnull=True, tasks__due__lt=today)),
        )
    )
    for name, value in (("project", project), ("risk", risk), ("report", report)):
        if value is not None:
            qs = qs.filter(**{name: value})
    if waiting:
        qs = qs.filter(decided_on__isnull=True)
    return qs.order_by("due", "pk")


def question_get(*, user: Any, pk: int, today: dt.date) -> CuratorQuestion:
    question = question_list(user=user, today=today).filter(pk=pk).first()
    if question is None:
        raise NotFound("Нет такого вопроса или он вне вашей зоны.")
    return question


def task_list(*, question: CuratorQuestion, today: dt.date) -> list[DecisionTask]:
    """The tasks of a decision, each with ``overdue`` (not done past its due date)."""
    return list(
        question.tasks.select_related("responsible", "done_by")
        .annotate(overdue=_flag(Q(done_on__isnull=True, due__lt=today)))
        .order_by("due", "pk")
    )


def tasks_overdue(*, user: Any, today: dt.date) -> QuerySet[DecisionTask]:
    """Tasks of the curator's decisions not done by their due date, the oldest first."""
    access_check(user, Action.OFFICE_VIEW)
    return (
        visible_to(DecisionTask.objects.all(), user, Action.OFFICE_VIEW)
        .filter(done_on__isnull=True, due__lt=today)
        .select_related("question", "question__project", "responsible")
        .order_by("due", "pk")
    )


def tasks_of(*, user: Any, today: dt.date, done: bool | None = None) -> QuerySet[DecisionTask]:
    """The tasks of the curator's decisions that ``user`` answers for (``done``: only the done
    or only the open ones), each with ``overdue``; the nearest due date first."""
    access_check(user, Action.OFFICE_VIEW)
    qs = visible_to(DecisionTask.objects.all(), user, Action.OFFICE_VIEW).filter(responsible=user)
    if done is not None:
        qs = qs.filter(done_on__isnull=not done)
    return (
        qs.select_related("question", "question__project", "responsible", "done_by")
        .annotate(overdue=_flag(Q(done_on__isnull=True, due__lt=today)))
        .order_by("due", "pk")
    )


def task_get(*, user: Any, pk: int, today: dt.date) -> DecisionTask:
    """A task of a decision the user may see (not only one of their own)."""
    access_check(user, Action.OFFICE_VIEW)
    task = (
        visible_to(DecisionTask.objects.all(), user, Action.OFFICE_VIEW)
        .select_related("question", "question__project", "responsible", "done_by")
        .annotate(overdue=_flag(Q(done_on__isnull=True, due__lt=today)))
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise NotFound("Нет такого поручения или оно вне вашей зоны.")
    return task


# --------------------------------------------------------------------------- groups
def group_list(*, user: Any, sector=None) -> QuerySet[Group]:
    access_check(user, Action.OFFICE_VIEW)
    qs = visible_to(Group.objects.all(), user, Action.OFFICE_VIEW).select_related(
        "sector", "in_force"
    )
    qs = qs.annotate(
        members_in_force=Count("in_force__members", distinct=True),
        version_count=Count("versions", distinct=True),
    )
    return qs.filter(sector=sector) if sector is not None else qs


def group_get(*, user: Any, pk: int) -> Group:
    group = group_list(user=user).filter(pk=pk).first()
    if group is None:
        raise NotFound("Нет такой группы или она вне вашей зоны.")
    return group


def group_versions(group: Group) -> list[VersionRow]:
    return version_rows(GROUP, group.versions.all())


def group_members(version: GroupVersion) -> list:
    return list(version.members.select_related("user").order_by("order"))


def group_diff(version: GroupVersion) -> list[DiffLine]:
    """What a version changes in the composition against the version before it."""
    before = version.group.versions.filter(number__lt=version.number).order_by("-number").first()
    if before is None:
        return []
    return diff_lines(
        composition.lines(group_members(before)), composition.lines(group_members(version))
    )


# --------------------------------------------------------------------------- consolidated plans
def plan_list(*, user: Any) -> list:
    """The plans (newest period first) with their approvals."""
    from otklik.office.models import ConsolidatedPlan

    access_check(user, Action.OFFICE_VIEW)
    plans = list(
        visible_to(ConsolidatedPlan.objects.all(), user, Action.OFFICE_VIEW).select_related(
            "sector"
        )[:200]
    )
    approvals = approvals_by_target("plan", [p.pk for p in plans])
    return [(p, approvals.get(p.pk)) for p in plans]


def plan_get(*, user: Any, pk: int):
    from otklik.office.models import ConsolidatedPlan

    access_check(user, Action.OFFICE_VIEW)
    qs = visible_to(ConsolidatedPlan.objects.all(), user, Action.OFFICE_VIEW)
    return qs.select_related("sector", "author").filter(pk=pk).first()


def plan_timeline(plan) -> list[dict]:
    """The plan's items as Gantt bars: each from the previous point of the same project (the
    first from the period's start) to its date."""
    start, _ = periods.bounds(plan.period)
    since: dict[str, dt.date] = {}
    bars = []
    for n, item in enumerate(sorted(plan.items, key=lambda i: (i["project"], i["date"])), 1):
        end = dt.date.fromisoformat(item["date"])
        begin = since.get(item["project"], start)
        bars.append(
            {
                "id": f"p{n}",
                "name": f"{item['project']}: {item['name']}",
                "start": min(begin, end).isoformat(),
                "end": end.isoformat(),
                "date": end,
                "progress": 0,
                "responsible": item.get("responsible", ""),
                "missed": False,
                "project_name": item["project_name"],
                "block": item["block"],
            }
        )
        since[item["project"]] = end
    return bars


# --------------------------------------------------------------------------- assessment
def assessment_list(*, user: Any) -> QuerySet:
    """The assessments of the blocks' leads, the newest period first."""
    from otklik.office.models import Assessment

    access_check(user, Action.OFFICE_VIEW)
    return Assessment.objects.select_related("published_by").order_by("-period")


def assessment_get(*, user: Any, period: str):
    assessment = assessment_list(user=user).filter(period=period).first()
    if assessment is None:
        raise NotFound("Оценки за этот период нет.")
    return assessment
