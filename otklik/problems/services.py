"""The only code that changes problems: keyword-only, transactional, audited.

Permissions: ``Action.PROBLEM_MANAGE`` over the problem (the ЦУР everywhere, a sector lead in
its sector). The scope is checked on the problem *as it will be* (after the change, inside the
transaction), so a sector lead can neither create a problem of another sector nor move one out
of its own: the check fails, the transaction rolls back, nothing changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check, visible_to
from otklik.core.roles import Role
from otklik.problems.choices import TRANSITIONS, MeasureStatus, ProblemSource, ProblemStatus
from otklik.problems.models import Measure, Problem, ProblemCase, ProjectIndicator

# Who may own a problem: a sector lead (of the problem's sector) or any ЦУР user.
OWNER_ROLES = frozenset({Role.CURATOR, Role.EXECUTOR, Role.HEAD, Role.SECTOR_LEAD, Role.ANALYST})


def _check_owner(owner: Any, sector) -> None:
    if owner is None:
        return
    if owner.role not in OWNER_ROLES or not owner.is_active:
        raise ApplicationError("Ответственным может быть сотрудник ЦУР или руководитель блока.")
    if owner.role == Role.SECTOR_LEAD and owner.sector_id != sector.pk:
        raise ApplicationError("Руководитель блока может отвечать только за проблемы своего блока.")


def _visible_cases(actor: Any, cases: Iterable[Case]) -> list[Case]:
    ids = {c.pk for c in cases}
    seen = set(
        visible_to(Case.objects.filter(pk__in=ids), actor, Action.CASE_VIEW).values_list(
            "pk", flat=True
        )
    )
    if ids - seen:
        raise ApplicationError("Среди выбранных есть инциденты вне вашей зоны ответственности.")
    return list(Case.objects.filter(pk__in=ids).order_by("pk"))


def _link(problem: Problem, cases: Iterable[Case], how: str, actor: Any) -> list[str]:
    have = set(problem.links.values_list("case_id", flat=True))
    new = [c for c in cases if c.pk not in have]
    ProblemCase.objects.bulk_create(
        [
            ProblemCase(problem=problem, case=c, how=how, added_by=actor if actor else None)
            for c in new
        ]
    )
    return [c.number for c in new]


@transaction.atomic
def problem_create(
    *,
    actor: Any,
    title: str,
    sector,
    description: str = "",
    municipalities: Iterable = (),
    city_districts: Iterable = (),
    topics: Iterable = (),
    owner: Any = None,
    root_cause: str = "",
    source: str = ProblemSource.MANUAL,
    cases: Iterable[Case] = (),
    alert=None,
) -> Problem:
    """A new problem (by hand; from a cluster of chosen cases; from an alert: see
    ``problem_create_from_alert``)."""
    access_check(actor, Action.PROBLEM_MANAGE)
    title = title.strip()
    if not title:
        raise ApplicationError("Нужно название проблемы.")
    _check_owner(owner, sector)
    chosen = _visible_cases(actor, cases) if cases else []
    if source == ProblemSource.CLUSTER and not chosen:
        raise ApplicationError("Отметьте инциденты, из которых складывается проблема.")
    problem = Problem.objects.create(
        title=title,
        description=description,
        sector=sector,
        owner=owner,
        root_cause=root_cause,
        source=source,
        alert=alert,
        created_by=actor if getattr(actor, "pk", None) else None,
        status_changed_at=timezone.now(),
    )
    problem.municipalities.set(list(municipalities))
    problem.city_districts.set(list(city_districts))
    problem.topics.set(list(topics))
    access_check(actor, Action.PROBLEM_MANAGE, problem)  # the problem as created
    numbers = _link(problem, chosen, source, actor)
    audit_log(
        actor=actor,
        action="problem.create",
        target=problem,
        data={
            "source": source,
            "sector": sector.code,
            "alert": alert.pk if alert else None,
            "cases": numbers,
        },
    )
    return problem


def alert_cases(alert) -> list[Case]:
    """The cases behind an alert: the alert's topic and municipality, with a message received
    in its week (the definition of the rollups' ``messages`` and of the drill-down)."""
    start = timezone.make_aware(dt.datetime.combine(alert.week_start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(alert.week_end + dt.timedelta(1), dt.time.min))
    ids = (
        Case.objects.filter(
            topic_id=alert.topic_id,
            municipality_id=alert.municipality_id,
            messages__received_at__gte=start,
            messages__received_at__lt=end,
        )
        .exclude(status=CaseStatus.MERGED)
        .values("pk")
    )
    return list(Case.objects.filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def problem_create_from_alert(
    *, actor: Any, alert, title: str = "", owner: Any = None, root_cause: str = ""
) -> Problem:
    """Confirm the alert (it becomes «confirmed») and open a problem with its cases."""
    from otklik.analytics.services import alert_decide

    alert = alert_decide(actor=actor, alert=alert, confirm=True)
    topic, municipality = alert.topic, alert.municipality
    return problem_create(
        actor=actor,
        title=title or f"{topic.name}: {municipality.name}",
        sector=topic.sector,
        description=(
            f"Сигнал о новой проблеме: за неделю {alert.week_start:%d.%m.%Y}—"
            f"{alert.week_end:%d.%m.%Y} поступило {alert.observed} сообщений "
            f"при ожидаемых {alert.expected:g}."
        ),
        municipalities=[municipality],
        topics=[topic],
        owner=owner,
        root_cause=root_cause,
        source=ProblemSource.ALERT,
        cases=visible_to(
            Case.objects.filter(pk__in=[c.pk for c in alert_cases(alert)]), actor, Action.CASE_VIEW
        ),
        alert=alert,
    )


def _locked(problem: Problem, actor: Any) -> Problem:
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    access_check(actor, Action.PROBLEM_MANAGE, problem)
    return problem


@transaction.atomic
def problem_cases_add(
    *, actor: Any, problem: Problem, cases: Iterable[Case], how: str = ProblemSource.MANUAL
) -> list[str]:
    """Join cases to the problem (those already in it are skipped); the numbers added."""
    problem = _locked(problem, actor)
    numbers = _link(problem, _visible_cases(actor, cases), how, actor)
    if numbers:
        audit_log(actor=actor, action="problem.cases_add", target=problem, data={"cases": numbers})
    return numbers


# A case number as the case pages take it: the year, a dash, the serial («2026-0000123»).
CASE_NUMBER_RE = re.compile(r"^[0-9]{4}-[0-9]{1,12}$")


@dataclass
class CasesByNumbers:
    """What became of each number given to ``problem_cases_add_numbers``."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # were in the problem before
    # no such case, or one out of the actor's sight: not told apart (no hint that it exists)
    not_found: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)  # not a case number at all

    @property
    def refused(self) -> bool:
        return bool(self.already or self.not_found or self.malformed)


@transaction.atomic
def problem_cases_add_numbers(
    *, actor: Any, problem: Problem, numbers: Iterable[str], how: str = ProblemSource.MANUAL
) -> CasesByNumbers:
    """Join the cases of ``numbers`` (typed by hand) to the problem: those that can be joined
    are; the others are named in the result, by why not. «№» before a number is allowed."""
    problem = _locked(problem, actor)
    result = CasesByNumbers()
    wanted: list[str] = []
    for raw in numbers:
        number = raw.strip().lstrip("№").strip()
        if not number or number in wanted or raw in result.malformed:
            continue
        if CASE_NUMBER_RE.match(number):
            wanted.append(number)
        else:
            result.malformed.append(raw)
    found = {
        c.number: c
        for c in visible_to(Case.objects.filter(number__in=wanted), actor, Action.CASE_VIEW)
    }
    have = set(problem.links.filter(case__number__in=wanted).values_list("case__number", flat=True))
    result.not_found = [n for n in wanted if n not in found]
    result.already = [n for n in wanted if n in found and n in have]
    joining = [found[n] for n in wanted if n in found and n not in have]
    result.added = _link(problem, joining, how, actor)
    if result.added:
        audit_log(
            actor=actor, action="problem.cases_add", target=problem, data={"cases": result.added}
        )
    return result


@transaction.atomic
def problem_cases_remove(*, actor: Any, problem: Problem, cases: Iterable[Case]) -> list[str]:
    problem = _locked(problem, actor)
    links = problem.links.filter(case__in=[c.pk for c in cases]).select_related("case")
    numbers = sorted(link.case.number for link in links)
    links.delete()
    if numbers:
        audit_log(
            actor=actor, action="problem.cases_remove", target=problem, data={"cases": numbers}
        )
    return numbers


_UNSET: Any = object()


def check_transition(problem: Problem, status: str) -> str:
    """The name of the transition from the problem's status to ``status``; refused when none
    allows it."""
    for name, transition in TRANSITIONS.items():
        if transition.target == status and transition.allows(problem.status):
            return name
    raise ApplicationError(
        f"Из состояния «{problem.get_status_display()}» в "
        f"«{ProblemStatus(status).label}» перейти нельзя."
    )


@transaction.atomic
def problem_update(
    *,
    actor: Any,
    problem: Problem,
    status: str | None = None,
    reason: str = "",
    title: str | None = None,
    description: str | None = None,
    root_cause: str | None = None,
    sector=None,
    owner: Any = _UNSET,
    municipalities: Iterable | None = None,
    city_districts: Iterable | None = None,
    topics: Iterable | None = None,
) -> Problem:
    """Change the facts of a problem and/or move it along ``TRANSITIONS`` (a reason needed)."""
    problem = _locked(problem, actor)
    changed: dict[str, Any] = {}
    if status is not None and status != problem.status:
        check_transition(problem, status)
        if not reason.strip():
            raise ApplicationError("Укажите причину смены состояния.")
        changed["status"] = [problem.status, status]
        problem.status = status
        problem.status_changed_at = timezone.now()
    for name, value in (("title", title), ("description", description), ("root_cause", root_cause)):
        if value is not None and value != getattr(problem, name):
            if name == "title" and not value.strip():
                raise ApplicationError("Нужно название проблемы.")
            changed[name] = True
            setattr(problem, name, value)
    if sector is not None and sector.pk != problem.sector_id:
        changed["sector"] = sector.code
        problem.sector = sector
    if owner is not _UNSET and (owner.pk if owner else None) != problem.owner_id:
        changed["owner"] = owner.pk if owner else None
        problem.owner = owner
    _check_owner(problem.owner, problem.sector)
    problem.save()
    for name, values in (
        ("municipalities", municipalities),
        ("city_districts", city_districts),
        ("topics", topics),
    ):
        if values is None:
            continue
        values = list(values)
        before = set(getattr(problem, name).values_list("pk", flat=True))
        if before != {v.pk for v in values}:
            getattr(problem, name).set(values)
            changed[name] = sorted(v.pk for v in values)
    access_check(actor, Action.PROBLEM_MANAGE, problem)  # not moved out of the actor's zone
    if changed:
        audit_log(
            actor=actor,
            action="problem.update",
            target=problem,
            data={"changed": changed, "reason": reason.strip()},
        )
    return problem


@transaction.atomic
def problem_indicators_set(
    *, actor: Any, problem: Problem, indicators: Iterable[ProjectIndicator]
) -> Problem:
    problem = _locked(problem, actor)
    indicators = list(indicators)
    before = set(problem.indicators.values_list("code", flat=True))
    after = {i.code for i in indicators}
    if before != after:
        problem.indicators.set(indicators)
        audit_log(
            actor=actor,
            action="problem.indicators",
            target=problem,
            data={"added": sorted(after - before), "removed": sorted(before - after)},
        )
    return problem


@transaction.atomic
def measure_add(
    *, actor: Any, problem: Problem, text: str, deadline: dt.date, organization=None
) -> Measure:
    problem = _locked(problem, actor)
    if not text.strip():
        raise ApplicationError("Опишите меру.")
    measure = Measure.objects.create(
        problem=problem,
        text=text.strip(),
        deadline=deadline,
        organization=organization,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_log(
        actor=actor,
        action="problem.measure_add",
        target=problem,
        data={"measure": measure.pk, "deadline": deadline.isoformat()},
    )
    return measure


@transaction.atomic
def measure_complete(
    *, actor: Any, measure: Measure, done_at: dt.datetime | None = None, note: str = ""
) -> Measure:
    """Mark a measure done (``done_at``: when it was actually done; now by default)."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    _locked(measure.problem, actor)
    if measure.status == MeasureStatus.DONE:
        raise ApplicationError("Мера уже отмечена выполненной.")
    done_at = done_at or timezone.now()
    if done_at > timezone.now():
        raise ApplicationError("Дата выполнения не может быть в будущем.")
    measure.status = MeasureStatus.DONE
    measure.done_at = done_at
    measure.note = note
    measure.save(update_fields=["status", "done_at", "note", "updated_at"])
    audit_log(
        actor=actor,
        action="problem.measure_complete",
        target=measure.problem,
        data={"measure": measure.pk, "done_at": done_at.isoformat()},
    )
    return measure


# --------------------------------------------------------------------------- priorities, the list
OPEN_STATUSES = (ProblemStatus.IDENTIFIED, ProblemStatus.IN_WORK, ProblemStatus.MEASURES_TAKEN)
PROBLEM_LIST = "problem_list"
# the ranking: the highest priority first, ties to the older problem
RANKING_ORDER = ("-priority_score", "created_at", "pk")


def priorities_refresh(*, on: dt.date | None = None) -> int:
    """The priority of every open problem (``problems/priority.py``) stored on it, for the
    registry's list and ranking; returns the problems scored. Solved and closed ones keep
    their last score."""
    from otklik.problems.priority import priority_of

    on = on or timezone.localdate()
    problems = list(Problem.objects.filter(status__in=OPEN_STATUSES))
    for p in problems:
        priority = priority_of(p, on=on)
        p.priority_score, p.priority_reasons, p.priority_on = (
            priority.score,
            priority.reasons(),
            on,
        )
    Problem.objects.bulk_update(
        problems, ["priority_score", "priority_reasons", "priority_on"], batch_size=500
    )
    return len(problems)


@transaction.atomic
def problem_list_form(
    *, actor: Any, title: str, period: str, top: int, due: dt.date, on: dt.date | None = None
):
    """The ЦУР's list from the top ``top`` open problems by priority on ``on``: each with its
    block as the responsible one and ``due``; a draft on the route (the head forms it)."""
    from otklik.approvals.services import approval_open
    from otklik.problems.models import ProblemList, ProblemListItem
    from otklik.problems.priority import priority_of

    title, period = title.strip(), period.strip()
    if not title or not period:
        raise ApplicationError("Укажите наименование и период перечня.")
    if not 1 <= top <= 100:
        raise ApplicationError("В перечень входит от 1 до 100 проблем.")
    on = on or timezone.localdate()
    priorities_refresh(on=on)  # the registry shows the scores the list is formed from
    top_problems = list(
        Problem.objects.filter(status__in=OPEN_STATUSES).order_by(*RANKING_ORDER)[:top]
    )
    ranked = [(p, priority_of(p, on=on)) for p in top_problems]
    if not ranked:
        raise ApplicationError("Открытых проблем в реестре нет.")
    plan = ProblemList.objects.create(
        title=title, period=period, formed_on=on, author=actor if actor.pk else None
    )
    # the ЦУР's list: its staff who manage the registry (a block's lead manages its block only)
    access_check(actor, Action.PROBLEM_MANAGE, plan)
    ProblemListItem.objects.bulk_create(
        ProblemListItem(
            plan=plan,
            problem=p,
            rank=n,
            score=priority.score,
            reasons=priority.reasons(),
            sector_id=p.sector_id,
            due=due,
        )
        for n, (p, priority) in enumerate(ranked, 1)
    )
    approval_open(actor=actor, kind=PROBLEM_LIST, target_id=plan.pk, title=title)
    audit_log(
        actor=actor,
        action="problem.list_form",
        target=plan,
        data={"period": period, "problems": [p.pk for p, _ in ranked]},
    )
    return plan


@transaction.atomic
def problem_list_item_update(*, actor: Any, item, sector, project: str, due: dt.date):
    """The responsible block, the project or measures and the due date of a problem on a list
    still in the works (a draft or returned)."""
    from otklik.approvals.selectors import approval_of

    access_check(actor, Action.PROBLEM_MANAGE, item.plan)
    approval = approval_of(kind=PROBLEM_LIST, target_id=item.plan_id)
    if approval is None or not approval.is_editable:
        raise ApplicationError("Перечень на согласовании или утверждён: изменить его нельзя.")
    item.sector, item.project, item.due = sector, project.strip(), due
    item.save()
    audit_log(
        actor=actor,
        action="problem.list_item",
        target=item.plan,
        data={"problem": item.problem_id, "project": item.project, "due": due.isoformat()},
    )
    return item


def problem_list_submitted(approval, actor: Any) -> None:
    """Every problem on the list needs a project or measures in the registry."""
    from otklik.problems.models import ProblemListItem

    items = ProblemListItem.objects.filter(plan_id=approval.target_id).select_related("problem")
    bare = [
        f"{i.rank}. {i.problem.title}"
        for i in items
        if not i.project and not i.problem.measures.exists()
    ]
    if bare:
        raise ApplicationError("У проблем перечня нет ни проекта, ни мер: " + "; ".join(bare))
