"""Writes of the risk register and of the questions for the curator's decision: keyword-only,
transactional, audited (split from ``services`` by concern, as ``services_groups``).

Rights (docs/permissions.md): the risks of a project are kept by whoever prepares its documents
(``office.prepare``: a sector lead its block's, the head any); the head raises a question for
the curator's decision from a risk or from a progress report (``question.raise``); only the
curator records the decision and its tasks (``question.decide``); whoever prepares the
project's documents marks a task done. The scope is checked before anything is written, so a
refused call changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.mail import mail_on_commit, page_link
from otklik.core.permissions import Action, access_check, can
from otklik.core.roles import Role
from otklik.directory.calendar import calendar_from_db
from otklik.office import periods
from otklik.office.choices import (
    RISK_TRANSITIONS,
    ProjectState,
    RiskImpact,
    RiskProbability,
    RiskStatus,
)
from otklik.office.models import (
    CuratorQuestion,
    DecisionTask,
    ProgressReport,
    Project,
    Risk,
)
from otklik.office.services import _user

RISK_FIELDS = ("description", "owner", "probability", "impact", "measures", "due")


def office_today() -> dt.date:
    """Today on the region's calendar (the day deadlines are compared with)."""
    return calendar_from_db().local_date(timezone.now())


def _check_person(user: Any, what: str) -> None:
    """An owner or a responsible person: an active user who sees the project office."""
    if user is None or not user.is_active or not can(user, Action.OFFICE_VIEW):
        name = (user.get_full_name() or user.username) if user is not None else "не указан"
        raise ApplicationError(
            f"{what}: {name} — нужен действующий пользователь, которому доступен проектный офис."
        )


def _check_due(due: dt.date | None, what: str) -> None:
    if due is None:
        raise ApplicationError(f"Укажите {what}.")
    if due < office_today():
        raise ApplicationError(f"{what.capitalize()} {due:%d.%m.%Y} уже прошёл.")


def _check_risk_values(description: str, probability: str, impact: str) -> None:
    if not description.strip():
        raise ApplicationError("Опишите риск.")
    if probability not in RiskProbability.values:
        raise ApplicationError("Вероятность риска: низкая, средняя или высокая.")
    if impact not in RiskImpact.values:
        raise ApplicationError("Влияние риска: низкое, среднее или высокое.")


# --------------------------------------------------------------------------- risks
@transaction.atomic
def risk_create(
    *,
    actor: Any,
    project: Project,
    description: str,
    owner: Any,
    probability: str,
    impact: str,
    due: dt.date,
    measures: str = "",
    report: ProgressReport | None = None,
) -> Risk:
    """A risk of a project, optionally noted in one of its progress reports."""
    access_check(actor, Action.OFFICE_PREPARE, project)
    project = Project.objects.get(pk=project.pk)  # its state as it is now
    if project.state in (ProjectState.COMPLETED, ProjectState.STOPPED):
        raise ApplicationError("Проект завершён или прекращён: риски по нему не ведутся.")
    if report is not None and report.project_id != project.pk:
        raise ApplicationError("Отчёт относится к другому проекту.")
    _check_risk_values(description, probability, impact)
    _check_person(owner, "Владелец риска")
    _check_due(due, "срок реагирования")
    risk = Risk.objects.create(
        project=project,
        report=report,
        description=description.strip(),
        owner=owner,
        probability=probability,
        impact=impact,
        measures=measures.strip(),
        due=due,
        author=_user(actor),
    )
    audit_log(
        actor=actor,
        action="office.risk_create",
        target=risk,
        data={"project": project.code, "owner": owner.pk, "due": due.isoformat()},
    )
    return risk


@transaction.atomic
def risk_update(
    *,
    actor: Any,
    risk: Risk,
    description: str | None = None,
    owner: Any = None,
    probability: str | None = None,
    impact: str | None = None,
    measures: str | None = None,
    due: dt.date | None = None,
) -> Risk:
    """Change what is known of a risk (the arguments given); a closed risk is reopened first.
    Records the fields changed; nothing changed, nothing recorded."""
    access_check(actor, Action.OFFICE_PREPARE, risk)
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if risk.status == RiskStatus.CLOSED:
        raise ApplicationError("Риск закрыт: откройте его снова, чтобы изменить.")
    given = {
        "description": description.strip() if description is not None else None,
        "owner": owner,
        "probability": probability,
        "impact": impact,
        "measures": measures.strip() if measures is not None else None,
        "due": due,
    }
    changed = {
        name: value
        for name, value in given.items()
        if value is not None and value != getattr(risk, name)
    }
    values = {name: getattr(risk, name) for name in RISK_FIELDS} | changed
    _check_risk_values(values["description"], values["probability"], values["impact"])
    if "owner" in changed:
        _check_person(owner, "Владелец риска")
    if "due" in changed:
        _check_due(due, "срок реагирования")
    if not changed:
        return risk
    for name, value in changed.items():
        setattr(risk, name, value)
    risk.save()
    audit_log(
        actor=actor, action="office.risk_update", target=risk, data={"fields": sorted(changed)}
    )
    return risk


@transaction.atomic
def risk_status_set(*, actor: Any, risk: Risk, status: str, reason: str = "") -> Risk:
    """Move a risk along ``RISK_TRANSITIONS``: measures taken, closed, realised, reopened."""
    access_check(actor, Action.OFFICE_PREPARE, risk)
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if status not in RISK_TRANSITIONS.get(risk.status, frozenset()):
        label = RiskStatus(status).label if status in RiskStatus.values else status
        raise ApplicationError(f"Риск «{risk.get_status_display()}»: перевести в «{label}» нельзя.")
    was = risk.status
    risk.status, risk.status_reason = status, reason.strip()
    risk.save()
    audit_log(
        actor=actor,
        action="office.risk_status",
        target=risk,
        data={"from": was, "to": status, "reason": risk.status_reason},
    )
    return risk


# --------------------------------------------------------------------------- questions
@dataclass(frozen=True)
class Task:
    """A task of the curator's decision, as the curator gives it."""

    text: str
    responsible: Any
    due: dt.date


@transaction.atomic
def question_raise(
    *,
    actor: Any,
    text: str,
    proposal: str,
    due: dt.date,
    risk: Risk | None = None,
    report: ProgressReport | None = None,
) -> CuratorQuestion:
    """The head puts a question for the curator's decision: from a risk or from a progress
    report (one of them), with the proposed decision and the date it is needed by."""
    source = risk if risk is not None else report
    access_check(actor, Action.QUESTION_RAISE, source)
    if (risk is None) == (report is None):
        raise ApplicationError("Вопрос ставится по риску или по отчёту о ходе реализации.")
    if not text.strip():
        raise ApplicationError("Сформулируйте вопрос.")
    if not proposal.strip():
        raise ApplicationError("Укажите предлагаемое решение.")
    _check_due(due, "срок решения")
    if risk is not None and Risk.objects.get(pk=risk.pk).status == RiskStatus.CLOSED:
        raise ApplicationError("Риск закрыт: вопрос по нему не ставится.")
    question = CuratorQuestion.objects.create(
        project_id=source.project_id,
        risk=risk,
        report=report,
        text=text.strip(),
        proposal=proposal.strip(),
        due=due,
        raised_by=_user(actor),
    )
    audit_log(
        actor=actor,
        action="office.question_raise",
        target=question,
        data={
            "project": question.project.code,
            "risk": getattr(risk, "pk", None),
            "report": getattr(report, "period", None),
            "due": due.isoformat(),
        },
    )
    _tell_raised(question)
    return question


# --------------------------------------------------------------------------- e-mail
# Who is told, after the commit: the curators when a question is raised, the head who raised
# it when it is decided. The mail names the project, the source and the dates and links to the
# question; the question's own words stay on its page (they may quote a report or a risk).
def _about(question: CuratorQuestion) -> str:
    project = question.project
    if question.risk_id:
        source = "по риску"
    else:
        source = f"по отчёту о ходе реализации за {periods.label(question.report.period)}"
    return f"Вопрос {source} проекта {project.code} «{project.name}»"


def _link(question: CuratorQuestion) -> str:
    return page_link(reverse("office:question", args=[question.pk]))


def _tell_raised(question: CuratorQuestion) -> None:
    curators = get_user_model().objects.filter(role=Role.CURATOR, is_active=True)
    emails = [u.email for u in curators if can(u, Action.QUESTION_DECIDE, question)]
    body = (
        f"{_about(question)} поставлен на решение куратора. Решение нужно до "
        f"{question.due:%d.%m.%Y}.\n\nВопрос и предлагаемое решение: {_link(question)}"
    )
    mail_on_commit(f"Вопрос на решение куратора: {question.project.code}", body, emails)


def _tell_decided(question: CuratorQuestion, tasks: int) -> None:
    raiser = question.raised_by
    if raiser is None or not raiser.is_active:
        return
    body = (
        f"{_about(question)}: куратор принял решение {question.decided_on:%d.%m.%Y}; "
        f"поручений — {tasks}.\n\nРешение и поручения: {_link(question)}"
    )
    mail_on_commit(f"Решение куратора: {question.project.code}", body, [raiser.email])


def _task_rows(question: CuratorQuestion, tasks: Sequence[Task], since: dt.date) -> list:
    rows = []
    for n, task in enumerate(tasks, 1):
        where = f"Поручение {n}"
        if not task.text.strip():
            raise ApplicationError(f"{where}: текст пустой.")
        _check_person(task.responsible, f"{where}, ответственный")
        if task.due is None or task.due < since:
            raise ApplicationError(f"{where}: срок раньше даты решения.")
        rows.append(
            DecisionTask(
                question=question,
                text=task.text.strip(),
                responsible=task.responsible,
                due=task.due,
            )
        )
    return rows


@transaction.atomic
def question_decide(
    *,
    actor: Any,
    question: CuratorQuestion,
    decision: str,
    decided_on: dt.date | None = None,
    tasks: Sequence[Task] = (),
) -> CuratorQuestion:
    """The curator's decision on a question, once, with its tasks (поручения)."""
    access_check(actor, Action.QUESTION_DECIDE, question)
    question = CuratorQuestion.objects.select_for_update().get(pk=question.pk)
    if question.decided_on is not None:
        raise ApplicationError(f"Решение по вопросу уже принято {question.decided_on:%d.%m.%Y}.")
    if not decision.strip():
        raise ApplicationError("Запишите решение.")
    today = office_today()
    decided_on = decided_on or today
    if decided_on > today:
        raise ApplicationError("Дата решения не может быть позже сегодняшней.")
    if decided_on < calendar_from_db().local_date(question.created_at):
        raise ApplicationError("Дата решения раньше постановки вопроса.")
    rows = _task_rows(question, tasks, decided_on)
    question.decision, question.decided_on = decision.strip(), decided_on
    question.decided_by = _user(actor)
    question.save()
    DecisionTask.objects.bulk_create(rows)
    audit_log(
        actor=actor,
        action="office.question_decide",
        target=question,
        data={"decided_on": decided_on.isoformat(), "tasks": len(rows)},
    )
    _tell_decided(question, len(rows))
    return question


@transaction.atomic
def decision_task_add(*, actor: Any, question: CuratorQuestion, task: Task) -> DecisionTask:
    """One more task of a decision already taken (the curator's)."""
    access_check(actor, Action.QUESTION_DECIDE, question)
    question = CuratorQuestion.objects.select_for_update().get(pk=question.pk)
    if question.decided_on is None:
        raise ApplicationError("Поручения даются с решением: сначала запишите решение.")
    (row,) = _task_rows(question, [task], max(question.decided_on, office_today()))
    row.save()
    audit_log(
        actor=actor,
        action="office.task_add",
        target=question,
        data={"task": row.pk, "responsible": row.responsible_id, "due": row.due.isoformat()},
    )
    return row


@transaction.atomic
def decision_task_done(
    *, actor: Any, task: DecisionTask, done_on: dt.date | None = None
) -> DecisionTask:
    """Mark a task done (by whoever prepares the project's documents: the block's lead, the
    head)."""
    access_check(actor, Action.OFFICE_PREPARE, task)
    task = DecisionTask.objects.select_for_update().get(pk=task.pk)
    if task.done_on is not None:
        raise ApplicationError(f"Поручение уже исполнено {task.done_on:%d.%m.%Y}.")
    today = office_today()
    done_on = done_on or today
    if done_on > today:
        raise ApplicationError("Дата исполнения не может быть позже сегодняшней.")
    task.done_on, task.done_by = done_on, _user(actor)
    task.save()
    audit_log(
        actor=actor,
        action="office.task_done",
        target=task.question,
        data={"task": task.pk, "done_on": done_on.isoformat(), "late": done_on > task.due},
    )
    return task
