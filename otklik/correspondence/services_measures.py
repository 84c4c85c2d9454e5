"""The measures of the regional problems as tasks («поручения») to their responsible
organisations: the body reports completion with evidence (its answer and files), the ЦУР
checks and accepts (the measure is marked done as of the report) or returns it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.correspondence.choices import ITEM_CLOSED, AssignmentKind, ItemState
from otklik.correspondence.models import Assignment, Item
from otklik.correspondence.services import assignment_send, corr_today


@transaction.atomic
def measure_task_send(
    *, actor: Any, measure: Any, due: dt.date | None = None, text: str = ""
) -> Assignment:
    """The measure becomes a task to its responsible organisation (due on the measure's
    deadline unless another is given); once while a task about it is open."""
    from otklik.problems.choices import MeasureStatus

    access_check(actor, Action.PROBLEM_MANAGE, measure.problem)
    if measure.organization_id is None:
        raise ApplicationError("У меры нет ответственной организации: укажите её в проблеме.")
    if measure.status == MeasureStatus.DONE:
        raise ApplicationError("Мера уже выполнена.")
    busy = Item.objects.filter(assignment__measure=measure).exclude(state__in=ITEM_CLOSED)
    if busy.exists():
        raise ApplicationError("По этой мере уже есть поручение на исполнении.")
    due = due or measure.deadline
    if due < corr_today():
        raise ApplicationError(
            f"Срок меры {due:%d.%m.%Y} уже прошёл: укажите новый срок поручения."
        )
    problem = measure.problem
    return assignment_send(
        actor=actor,
        kind=AssignmentKind.TASK,
        subject=f"Мера по региональной проблеме «{problem.title}»"[:512],
        text=(text.strip() or measure.text)
        + "\n\nДоложите об исполнении с подтверждающими материалами.",
        due=due,
        organizations=[measure.organization],
        sector=problem.sector,
        measure=measure,
    )


def measure_item_outcome(item: Item, today: dt.date) -> str:
    """How a measure's task stands: done / done late / late / returned / refused / in work."""
    if item.state == ItemState.ACCEPTED:
        late = item.answered_at is not None and _day(item.answered_at) > item.deadline
        return "done_late" if late else "done"
    if item.state == ItemState.WITHDRAWN:
        return "refused"
    if item.state == ItemState.RETURNED:
        return "returned"
    if item.state == ItemState.SENT and today > item.deadline:
        return "late"
    return "in_work"


def _day(at: dt.datetime) -> dt.date:
    from otklik.directory.calendar import calendar_from_db

    return calendar_from_db().local_date(at)
