"""The only code that changes the project office: keyword-only, transactional, audited.

Rights (docs/permissions.md): a sector lead prepares its block's passports and reports
(``office.prepare``, its own block), the head prepares anything and agrees, the curator approves
(``approval.*`` — the route's steps, ``otklik.approvals``); indicators are kept by the head and
the responsible executor, a block's by its lead (``indicator.manage``). The scope is checked on
the object as it will be, inside the transaction, so a refused call changes nothing.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.approvals.choices import ApprovalState
from otklik.approvals.models import Approval
from otklik.approvals.selectors import approval_of
from otklik.approvals.services import approval_open, approval_submit
from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.mail import mail_on_commit
from otklik.core.permissions import Action, access_check
from otklik.core.roles import Role
from otklik.directory.calendar import calendar_from_db
from otklik.directory.models import Sector
from otklik.office import passport, periods
from otklik.office.choices import (
    PROJECT_TRANSITIONS,
    Direction,
    IndicatorKind,
    IndicatorSource,
    IndicatorState,
    ProjectState,
)
from otklik.office.measures import INDICATOR_MEASURES, measure_value
from otklik.office.models import (
    Block,
    Indicator,
    IndicatorFact,
    IndicatorTarget,
    PassportVersion,
    ProgressReport,
    Project,
)

PASSPORT, REPORT, INDICATOR = "passport", "report", "indicator"
# A monthly report is due by this working day of the following month.
REPORT_DUE_WORKING_DAY = 5
INDICATORS_FILE = Path(__file__).resolve().parent / "data" / "indicators.toml"


# --------------------------------------------------------------------------- blocks
def blocks_ensure() -> int:
    """A block for every sector (idempotent); returns how many were created."""
    have = set(Block.objects.values_list("sector_id", flat=True))
    new = [Block(sector=s) for s in Sector.objects.exclude(pk__in=have)]
    Block.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def block_lead_set(*, actor: Any, block: Block, lead: Any, deputies: list | tuple = ()) -> Block:
    """Name the block's lead and deputies: sector leads of the block's sector (accounts made by
    the responsible executor or the head)."""
    access_check(actor, Action.USER_MANAGE)
    for user in [lead, *deputies]:
        if user is None:
            continue
        if user.role != Role.SECTOR_LEAD or user.sector_id != block.sector_id or not user.is_active:
            raise ApplicationError(
                f"{user.get_full_name() or user.username}: ответственным за блок и заместителем "
                f"может быть только ответственный за отраслевой блок «{block.sector}»."
            )
    block = Block.objects.select_for_update().get(pk=block.pk)
    block.lead = lead
    block.save()
    block.deputies.set(deputies)
    audit_log(
        actor=actor,
        action="office.block_lead",
        target=block,
        data={"lead": getattr(lead, "pk", None), "deputies": [d.pk for d in deputies]},
    )
    return block


# --------------------------------------------------------------------------- projects
# How a project's code begins, by its block (the codes people say aloud: «ЖКХ-03»).
CODE_PREFIX = {
    "zhkh": "ЖКХ",
    "tko": "ТКО",
    "energy": "ЭНЕРГ",
    "education": "ОБР",
    "health": "ЗДРАВ",
    "roads": "ДОР",
    "transport": "ТРАНС",
    "social": "СОЦ",
}


def _next_code(sector: Sector) -> str:
    prefix = CODE_PREFIX.get(sector.code, sector.code.upper())
    taken = set(
        Project.objects.filter(code__startswith=f"{prefix}-").values_list("code", flat=True)
    )
    n = 1
    while f"{prefix}-{n:02d}" in taken:
        n += 1
    return f"{prefix}-{n:02d}"


def _check_problems(content: dict) -> None:
    from otklik.problems.models import Problem

    wanted = set(content.get("problems", []))
    found = set(Problem.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - found:
        raise ApplicationError(
            "Нет региональных проблем с номерами: "
            + ", ".join(str(n) for n in sorted(wanted - found))
        )


def _check_indicators(content: dict) -> None:
    codes = {i["code"] for i in content.get("indicators", [])}
    found = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    if codes - found:
        raise ApplicationError("Нет показателей с кодами: " + ", ".join(sorted(codes - found)))


@transaction.atomic
def project_create(
    *, actor: Any, sector: Sector, name: str, texts: dict[str, str] | None = None
) -> Project:
    """A project of a block with the draft of its passport (version 1) opened on the route."""
    name = name.strip()
    if not name:
        raise ApplicationError("Укажите наименование проекта.")
    content = passport.content_from_text(texts or {})
    _check_problems(content)
    _check_indicators(content)
    project = Project.objects.create(
        code=_next_code(sector), name=name[:512], sector=sector, created_by=_user(actor)
    )
    access_check(actor, Action.OFFICE_PREPARE, project)
    version = PassportVersion.objects.create(
        project=project, number=1, content=content, author=_user(actor)
    )
    approval_open(
        actor=actor, kind=PASSPORT, target_id=version.pk, title=project.name, sector=sector
    )
    audit_log(
        actor=actor, action="office.project_create", target=project, data={"code": project.code}
    )
    return project


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def version_approval(kind: str, version: Any) -> Approval:
    """The approval of a document's version (a passport's, a group's composition's)."""
    approval = approval_of(kind=kind, target_id=version.pk)
    if approval is None:  # every version opens its approval in the same transaction
        raise ApplicationError(f"У версии {version.number} нет листа согласования.")
    return approval


def next_version_allowed(kind: str, last: Any) -> None:
    """A new version opens only over an approved one: one open version at a time."""
    if version_approval(kind, last).state != ApprovalState.APPROVED:
        raise ApplicationError(
            f"Версия {last.number} ещё не утверждена: измените её, новую версию открывать рано."
        )


def passport_approval(version: PassportVersion) -> Approval:
    return version_approval(PASSPORT, version)


@transaction.atomic
def passport_update(
    *, actor: Any, version: PassportVersion, texts: dict[str, str], name: str | None = None
) -> PassportVersion:
    """Edit a draft or a returned version; an approved or routed one is frozen."""
    access_check(actor, Action.OFFICE_PREPARE, version.project)
    version = PassportVersion.objects.select_for_update().get(pk=version.pk)
    approval = passport_approval(version)
    if not approval.is_editable:
        raise ApplicationError(
            "Паспорт "
            + approval.get_state_display().lower()
            + ": изменить его можно только новой версией (запросом на изменение)."
        )
    content = passport.content_from_text(texts)
    _check_problems(content)
    _check_indicators(content)
    changed = [line.text for line in passport.diff(version.content, content) if line.sign != " "]
    version.content = content
    version.save()
    if name is not None and name.strip() and version.number == 1:
        project = version.project
        project.name = name.strip()[:512]
        project.save(update_fields=["name", "updated_at"])
        Approval.objects.filter(pk=approval.pk).update(title=project.name)
    audit_log(
        actor=actor,
        action="office.passport_update",
        target=version.project,
        data={"version": version.number, "lines_changed": len(changed)},
    )
    return version


@transaction.atomic
def passport_change_request(
    *, actor: Any, project: Project, reason: str, texts: dict[str, str]
) -> PassportVersion:
    """Open the next version of an approved passport: what changes and why; it travels the
    route again, the approved version stays in force until it is approved."""
    access_check(actor, Action.OFFICE_PREPARE, project)
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Запрос на изменение: укажите, что меняется и почему.")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.state in (ProjectState.COMPLETED, ProjectState.STOPPED):
        raise ApplicationError("Проект завершён или прекращён: паспорт не меняется.")
    last = project.versions.order_by("-number").first()
    next_version_allowed(PASSPORT, last)
    content = passport.content_from_text(texts)
    _check_problems(content)
    _check_indicators(content)
    if passport.lines(content) == passport.lines(last.content):
        raise ApplicationError("Новая версия ничем не отличается от утверждённой.")
    version = PassportVersion.objects.create(
        project=project,
        number=last.number + 1,
        content=content,
        reason=reason,
        author=_user(actor),
    )
    approval_open(
        actor=actor,
        kind=PASSPORT,
        target_id=version.pk,
        title=project.name,
        sector=project.sector,
        version=version.number,
        reason=reason,
    )
    audit_log(
        actor=actor,
        action="office.passport_change",
        target=project,
        data={"version": version.number, "reason": reason},
    )
    return version


@transaction.atomic
def project_state_set(*, actor: Any, project: Project, state: str, reason: str = "") -> Project:
    """Start an approved project, complete it or stop it (with the reason)."""
    access_check(actor, Action.OFFICE_PREPARE, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if state not in PROJECT_TRANSITIONS.get(project.state, frozenset()):
        raise ApplicationError(
            f"Проект «{project.get_state_display()}»: перевести в "
            f"«{ProjectState(state).label}» нельзя."
        )
    if state == ProjectState.STOPPED and not reason.strip():
        raise ApplicationError("Укажите основание прекращения проекта.")
    was = project.state
    project.state, project.state_reason = state, reason.strip()
    project.save()
    audit_log(
        actor=actor,
        action="office.project_state",
        target=project,
        data={"status": [was, state], "reason": project.state_reason},
    )
    return project


# The route's call-backs (registered in apps.ready), inside the transaction of the decision.
def passport_submitted(approval: Approval, actor: Any) -> None:
    if approval.version == 1:
        Project.objects.filter(versions__pk=approval.target_id, state=ProjectState.DRAFT).update(
            state=ProjectState.AGREEMENT, updated_at=timezone.now()
        )


def passport_returned(approval: Approval, actor: Any) -> None:
    if approval.version == 1:
        Project.objects.filter(
            versions__pk=approval.target_id, state=ProjectState.AGREEMENT
        ).update(state=ProjectState.DRAFT, updated_at=timezone.now())


def passport_approved(approval: Approval, actor: Any) -> None:
    if approval.version == 1:
        Project.objects.filter(
            versions__pk=approval.target_id, state=ProjectState.AGREEMENT
        ).update(state=ProjectState.APPROVED, updated_at=timezone.now())


# --------------------------------------------------------------------------- indicators
@dataclass
class IndicatorsReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def _decimal(value: Any, where: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise ApplicationError(f"{where}: «{value}» — не число.") from None


@transaction.atomic
def indicators_load(*, actor: Any, path: Path = INDICATORS_FILE) -> IndicatorsReport:
    """The mandatory indicators (the competence centre's list) from a TOML file: upserted by
    code, all or nothing, approved as they come (they are not the region's to approve).
    ``actor`` None: the administrator's command (``otklik setup``, ``otklik office``)."""
    if actor is not None:
        access_check(actor, Action.INDICATOR_MANAGE)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ApplicationError(f"{path.name}: файл не читается ({exc}).") from exc
    sectors = {s.code: s for s in Sector.objects.all()}
    report = IndicatorsReport()
    for i, entry in enumerate(data.get("indicator", []), 1):
        where = f"{path.name}, показатель {i} ({entry.get('code', '?')})"
        try:
            code, name, unit = entry["code"], entry["name"], entry["unit"]
        except KeyError as exc:
            raise ApplicationError(f"{where}: нет поля {exc}.") from None
        measure = entry.get("measure", "")
        if measure and measure not in INDICATOR_MEASURES:
            raise ApplicationError(f"{where}: неизвестная мера платформы «{measure}».")
        sector_code = entry.get("sector", "")
        if sector_code and sector_code not in sectors:
            raise ApplicationError(f"{where}: неизвестный блок «{sector_code}».")
        direction = entry.get("direction", Direction.UP)
        if direction not in Direction.values:
            raise ApplicationError(f"{where}: направление «{direction}» — up или down.")
        values = {
            "name": name,
            "unit": unit,
            "direction": direction,
            "method": entry.get("method", ""),
            "kind": IndicatorKind.MANDATORY,
            "state": IndicatorState.APPROVED,
            "sector": sectors.get(sector_code),
            "source": IndicatorSource.COMPUTED if measure else IndicatorSource.ENTERED,
            "measure": measure,
            "base_value": _decimal(entry.get("base"), where),
            "base_date": entry.get("base_date"),
        }
        indicator, created = Indicator.objects.update_or_create(code=code, defaults=values)
        (report.created if created else report.updated).append(code)
        for period, target in (entry.get("targets") or {}).items():
            periods.bounds(period)
            IndicatorTarget.objects.update_or_create(
                indicator=indicator, period=period, defaults={"value": _decimal(target, where)}
            )
    audit_log(
        actor=actor,
        action="office.indicators_load",
        data={"file": path.name, "created": len(report.created), "updated": len(report.updated)},
    )
    return report


@transaction.atomic
def indicator_propose(
    *,
    actor: Any,
    code: str,
    name: str,
    unit: str,
    direction: str = Direction.UP,
    method: str = "",
    sector: Sector | None = None,
    measure: str = "",
    base_value: Decimal | None = None,
    targets: dict[str, Decimal] | None = None,
) -> Indicator:
    """An additional indicator of the region, proposed for the curator's approval (route kind
    ``indicator``); it counts once approved."""
    code, name, unit = code.strip(), name.strip(), unit.strip()
    if not (code and name and unit):
        raise ApplicationError("Укажите код, наименование и единицу измерения показателя.")
    if Indicator.objects.filter(code=code).exists():
        raise ApplicationError(f"Показатель с кодом «{code}» уже есть.")
    if measure and measure not in INDICATOR_MEASURES:
        raise ApplicationError(f"Неизвестная мера платформы «{measure}».")
    indicator = Indicator.objects.create(
        code=code,
        name=name,
        unit=unit,
        direction=direction,
        method=method,
        kind=IndicatorKind.ADDITIONAL,
        state=IndicatorState.PROPOSED,
        sector=sector,
        owner=_user(actor),
        source=IndicatorSource.COMPUTED if measure else IndicatorSource.ENTERED,
        measure=measure,
        base_value=base_value,
    )
    # on the indicator as it is: a block's lead for its own block only (a ЦУР-wide one is the
    # head's and the executor's)
    access_check(actor, Action.INDICATOR_MANAGE, indicator)
    for period, value in (targets or {}).items():
        periods.bounds(period)
        IndicatorTarget.objects.create(indicator=indicator, period=period, value=value)
    approval = approval_open(
        actor=actor, kind=INDICATOR, target_id=indicator.pk, title=f"{code} {name}", sector=sector
    )
    audit_log(actor=actor, action="office.indicator_propose", target=indicator, data={"code": code})
    approval_submit(actor=actor, approval=approval)  # proposed = sent for approval
    return indicator


def indicator_approved(approval: Approval, actor: Any) -> None:
    Indicator.objects.filter(pk=approval.target_id).update(
        state=IndicatorState.APPROVED, updated_at=timezone.now()
    )


@transaction.atomic
def indicator_fact_enter(
    *, actor: Any, indicator: Indicator, period: str, value: Decimal, evidence: str
) -> IndicatorFact:
    """The fact of an entered indicator for a period, with its evidence (a computed indicator's
    fact comes from the data only)."""
    access_check(actor, Action.INDICATOR_MANAGE, indicator)
    periods.bounds(period)
    if indicator.source == IndicatorSource.COMPUTED:
        raise ApplicationError("Значение этого показателя рассчитывается по данным платформы.")
    if not evidence.strip():
        raise ApplicationError("Укажите подтверждение значения (документ, ссылку, источник).")
    fact, _ = IndicatorFact.objects.update_or_create(
        indicator=indicator,
        period=period,
        defaults={
            "value": value,
            "computed": False,
            "evidence": evidence.strip(),
            "entered_by": _user(actor),
        },
    )
    audit_log(
        actor=actor,
        action="office.indicator_fact",
        target=indicator,
        data={"period": period, "value": str(value)},
    )
    return fact


def indicators_compute(*, period: str, actor: Any = None) -> dict[str, Decimal | None]:
    """Compute the facts of every computed indicator for ``period`` from the platform's data
    (a block's indicator over its block, a ЦУР-wide one over the region) and store them."""
    start, end = periods.bounds(period)
    out: dict[str, Decimal | None] = {}
    indicators = Indicator.objects.filter(source=IndicatorSource.COMPUTED).exclude(measure="")
    with transaction.atomic():
        for ind in indicators:
            value = measure_value(ind.measure, start=start, end=end, sector_id=ind.sector_id)
            IndicatorFact.objects.update_or_create(
                indicator=ind,
                period=period,
                defaults={"value": value, "computed": True, "evidence": "", "entered_by": None},
            )
            out[ind.code] = value
        audit_log(
            actor=actor,
            action="office.indicators_compute",
            data={"period": period, "count": len(out)},
        )
    return out


# --------------------------------------------------------------------------- reports
def report_due(period: str) -> dt.date:
    """The working day ``REPORT_DUE_WORKING_DAY`` after the period's end."""
    _, end = periods.bounds(period)
    return calendar_from_db().add_working_days(end, REPORT_DUE_WORKING_DAY)


def report_prefill(project: Project, period: str) -> dict:
    """A report's content as the data gives it: each passport indicator's plan and fact (the
    computed ones from the data of the project's block), the control points due by the end of
    the period (reached: to be filled by the lead)."""
    from otklik.office.selectors import passport_in_force, plan_fact

    start, end = periods.bounds(period)
    version = passport_in_force(project)
    content = version.content if version else {}
    rows = []
    targets_by_code = {i["code"]: i for i in content.get("indicators", [])}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=targets_by_code)}
    for code, item in targets_by_code.items():
        ind = indicators.get(code)
        if ind is None:
            continue
        rows.append(plan_fact(ind, period, item.get("targets") or {}))
    points = [
        {**cp, "reached": None, "reason": "", "new_date": ""}
        for cp in passport.control_points(content)
        if cp.get("date") and cp["date"] <= end.isoformat()
    ]
    return {
        "period": period,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "passport_version": version.number if version else None,
        "indicators": rows,
        "control_points": points,
        "risks": "\n".join(content.get("risks", [])),
        "comment": "",
    }


@transaction.atomic
def report_prepare(*, actor: Any, project: Project, period: str) -> ProgressReport:
    """Open the report of a period, pre-filled from the data and the passport in force."""
    access_check(actor, Action.OFFICE_PREPARE, project)
    periods.bounds(period)
    if project.state not in (ProjectState.APPROVED, ProjectState.IN_PROGRESS):
        raise ApplicationError("Отчёт готовится по проекту с утверждённым паспортом.")
    if ProgressReport.objects.filter(project=project, period=period).exists():
        raise ApplicationError(f"Отчёт за {periods.label(period)} уже есть.")
    return _report_open(actor, project, period)


def _report_open(actor: Any, project: Project, period: str) -> ProgressReport:
    report = ProgressReport.objects.create(
        project=project,
        period=period,
        due=report_due(period),
        content=report_prefill(project, period),
        author=_user(actor),
    )
    approval_open(
        actor=actor,
        kind=REPORT,
        target_id=report.pk,
        title=f"{project.name}: отчёт за {periods.label(period)}",
        sector=project.sector,
    )
    audit_log(actor=actor, action="office.report_prepare", target=project, data={"period": period})
    return report


def reporting_period(today: dt.date) -> str:
    """The reporting period just ended (``OTKLIK_OFFICE_REPORT_PERIOD``: a month by default)."""
    from django.conf import settings

    return periods.previous(today, getattr(settings, "OTKLIK_OFFICE_REPORT_PERIOD", "month"))


@dataclass
class ReportsSweep:
    opened: int = 0
    escalated: int = 0
    block_opened: int = 0
    block_escalated: int = 0


def reports_sweep(*, now: dt.datetime | None = None) -> ReportsSweep:
    """Reports on the clock: the drafts of the reporting period just ended — of every project in
    progress and of every block with one — are opened pre-filled (by the system, for their lead
    to complete), and a report still not sent by its due working day is reported to the head
    and the block's leads, once (claimed by a conditional UPDATE of its approval)."""
    from otklik.office import services_block_reports as blocks

    now = now or timezone.now()
    today = calendar_from_db().local_date(now)
    last = reporting_period(today)
    result = ReportsSweep()
    running = Project.objects.filter(state=ProjectState.IN_PROGRESS).exclude(reports__period=last)
    for project in running.select_related("sector"):
        with transaction.atomic():
            _report_open(None, project, last)
        result.opened += 1
    result.block_opened = blocks.block_reports_open(period=last, today=today)
    result.escalated = overdue_escalate(
        kind=REPORT, model=ProgressReport, today=today, tell=_report_overdue
    )
    result.block_escalated = overdue_escalate(
        kind=blocks.BLOCK_REPORT, model=blocks.BlockReport, today=today, tell=blocks.overdue_tell
    )
    return result


def overdue_escalate(*, kind: str, model: Any, today: dt.date, tell: Any) -> int:
    """The reports of ``model`` past their due day and not sent (draft or returned), each told
    of once (``tell(report)``, inside the transaction that claims its approval)."""
    late = model.objects.filter(due__lt=today).values_list("pk", flat=True)
    waiting = Approval.objects.filter(
        kind=kind,
        state__in=[ApprovalState.DRAFT, ApprovalState.RETURNED],
        escalated_on__isnull=True,
        target_id__in=[str(pk) for pk in late],
    )
    told = 0
    for approval in waiting:
        with transaction.atomic():
            if not Approval.objects.filter(pk=approval.pk, escalated_on__isnull=True).update(
                escalated_on=today
            ):
                continue
            tell(model.objects.get(pk=approval.target_id))
        told += 1
    return told


def _report_overdue(report: ProgressReport) -> None:
    project = report.project
    tell_overdue(
        report=report,
        action="office.report_overdue",
        target=project,
        subject=f"Не представлен отчёт: {project.name}",
        what=f"Отчёт о ходе реализации проекта {project.code} «{project.name}»",
    )


def tell_overdue(*, report: Any, action: str, target: Any, subject: str, what: str) -> None:
    """A report (a project's, a block's) not sent by its due day: recorded on ``target`` (its
    project, its block), and told by e-mail after the commit to the head and the sector leads
    of the target's block."""
    from django.contrib.auth import get_user_model

    audit_log(
        actor=None,
        action=action,
        target=target,
        data={"period": report.period, "due": report.due.isoformat()},
    )
    body = (
        f"{what} за {periods.label(report.period)} не направлен на согласование; срок был "
        f"{report.due:%d.%m.%Y}."
    )
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    emails = list(users.filter(role=Role.HEAD).values_list("email", flat=True)) + list(
        users.filter(role=Role.SECTOR_LEAD, sector=target.sector_id).values_list("email", flat=True)
    )
    mail_on_commit(subject, body, emails)


@transaction.atomic
def report_update(
    *,
    actor: Any,
    report: ProgressReport,
    comment: str,
    risks: str,
    points: list[dict],
    refresh: bool = False,
) -> ProgressReport:
    """The lead's part of a draft or returned report: control points reached or missed (a
    missed one needs its reason and new date), risks, the comment; ``refresh`` fills the
    indicators from the data again."""
    access_check(actor, Action.OFFICE_PREPARE, report.project)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    approval = approval_of(kind=REPORT, target_id=report.pk)
    if approval is None or not approval.is_editable:
        raise ApplicationError("Отчёт на согласовании или утверждён: изменить его нельзя.")
    content = dict(report.content)
    if refresh:
        fresh = report_prefill(report.project, report.period)
        content["indicators"] = fresh["indicators"]
    known = content.get("control_points", [])
    if len(points) != len(known):
        raise ApplicationError("Контрольные точки отчёта изменились: обновите страницу.")
    for cp, new in zip(known, points, strict=True):
        reached = new.get("reached")
        cp["reached"] = reached
        cp["reason"] = (new.get("reason") or "").strip()
        cp["new_date"] = new.get("new_date") or ""
        if reached is False and not (cp["reason"] and cp["new_date"]):
            raise ApplicationError(
                f"Контрольная точка «{cp['name']}» не достигнута: укажите причину и новый срок."
            )
    content["comment"], content["risks"] = comment.strip(), risks.strip()
    report.content = content
    report.save()
    audit_log(
        actor=actor,
        action="office.report_update",
        target=report.project,
        data={"period": report.period},
    )
    return report


def report_submitted(approval: Approval, actor: Any) -> None:
    """A report cannot go on with a control point left unmarked."""
    report = ProgressReport.objects.get(pk=approval.target_id)
    open_points = [
        cp["name"] for cp in report.content.get("control_points", []) if cp.get("reached") is None
    ]
    if open_points:
        raise ApplicationError(
            "Отметьте, достигнуты ли контрольные точки: " + "; ".join(open_points)
        )


def approval_of_report(report: ProgressReport) -> Approval:
    approval = approval_of(kind=REPORT, target_id=report.pk)
    if approval is None:
        raise ApplicationError("У отчёта нет листа согласования.")
    return approval


def approval_of_indicator(indicator: Indicator) -> Approval | None:
    return approval_of(kind=INDICATOR, target_id=indicator.pk)
