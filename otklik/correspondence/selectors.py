"""Reads of requests and tasks, always through the user's scope (``visible_to``): the ЦУР sees
every one (a sector lead its block's), an organisation's operator only its own items."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from otklik.core.exceptions import NotFound
from otklik.core.permissions import Action, can, visible_to
from otklik.correspondence.choices import ITEM_CLOSED, ITEM_OPEN, IncomingState, ItemState
from otklik.correspondence.models import Assignment, Incoming, Item, StoredFile
from otklik.directory.calendar import calendar_from_db
from otklik.documents.models import RegisteredDocument


def assignment_list(*, user: Any) -> QuerySet[Assignment]:
    qs = Assignment.objects.select_related("sender", "sector")
    return visible_to(qs, user, Action.CORR_VIEW).order_by("-sent_at", "-pk")


def assignment_get(*, user: Any, pk: int) -> Assignment:
    found = assignment_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound("Нет такого запроса (поручения) или он вне вашей зоны.")
    return found


def item_list(*, user: Any, state: str = "") -> QuerySet[Item]:
    """Items ``user`` may see; open ones first, by deadline (the organisation's queue)."""
    qs = visible_to(Item.objects.all(), user, Action.CORR_VIEW)
    if state:
        qs = qs.filter(state=state)
    order = Case(
        When(state__in=list(ITEM_OPEN), then=Value(0)),
        When(state=ItemState.ANSWERED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.select_related("assignment", "assignment__sender", "organization").order_by(
        order, "deadline", "pk"
    )


def item_get(*, user: Any, pk: int) -> Item:
    found = item_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound("Нет такого запроса (поручения) или он вне вашей зоны.")
    return found


def is_overdue(item: Item, today: dt.date) -> bool:
    """Waiting for the organisation past its working deadline."""
    return item.state in ITEM_OPEN and today > item.deadline


def is_late(item: Item, today: dt.date) -> bool:
    """Answered after the deadline (the last answer counts), or overdue now."""
    if item.state in ITEM_OPEN:
        return today > item.deadline
    if item.answered_at is None:
        return False
    return calendar_from_db().local_date(item.answered_at) > item.deadline


@dataclass(frozen=True)
class Row:
    """A line of the consolidated table of a request to many organisations."""

    item: Item
    organization: str
    state: str
    state_label: str
    answered_at: dt.datetime | None
    late: bool
    overdue: bool
    escalated: bool
    returns: int
    excerpt: str
    files: int


def consolidated(*, assignment: Assignment, today: dt.date) -> list[Row]:
    """Who answered what: per addressee its state, when it answered, late or not, the
    excerpt of its last answer and how many files came with it."""
    items = assignment.items.select_related("organization").prefetch_related("replies__files")
    rows = []
    for item in items.order_by("organization__short_name", "pk"):
        replies = list(item.replies.all())
        last = replies[-1] if replies else None
        rows.append(
            Row(
                item=item,
                organization=item.organization.short_name,
                state=item.state,
                state_label=item.get_state_display(),
                answered_at=item.answered_at,
                late=is_late(item, today),
                overdue=is_overdue(item, today),
                escalated=item.escalated_on is not None,
                returns=item.returns,
                excerpt=(last.text[:200] + ("…" if len(last.text) > 200 else "")) if last else "",
                files=len(last.files.all()) if last else 0,
            )
        )
    return rows


def table_counts(rows: list[Row]) -> dict[str, int]:
    states = Counter(r.state for r in rows)
    return {
        "total": len(rows),
        **{s.value: states.get(s.value, 0) for s in ItemState},
        "late": sum(r.late for r in rows),
        "overdue": sum(r.overdue for r in rows),
    }


def item_actions(*, user: Any, item: Item) -> list[str]:
    """The verbs ``user`` may post on ``item`` now (the services check again)."""
    verbs = []
    if item.state in ITEM_OPEN and can(user, Action.CORR_ANSWER, item):
        verbs.append("answer")
    if item.state == ItemState.ANSWERED and can(user, Action.CORR_CHECK, item):
        verbs += ["accept", "return"]
    if item.state not in ITEM_CLOSED and can(user, Action.CORR_SEND, item):
        verbs.append("withdraw")
    return verbs


def item_history(item: Item) -> list:
    return list(item.events.select_related("actor").order_by("at", "pk"))


def queue_counts(*, user: Any, today: dt.date) -> dict[str, int]:
    """For the home page: items waiting for the user's organisation (open, overdue), or —
    on the ЦУР's side — answers waiting to be checked and overdue items."""
    qs = visible_to(Item.objects.all(), user, Action.CORR_VIEW)
    return {
        "open": qs.filter(state__in=list(ITEM_OPEN)).count(),
        "overdue": qs.filter(state__in=list(ITEM_OPEN), deadline__lt=today).count(),
        "to_check": qs.filter(state=ItemState.ANSWERED).count(),
    }


# --------------------------------------------------------------------------- incoming
def incoming_list(*, user: Any) -> QuerySet[Incoming]:
    qs = Incoming.objects.select_related("assignee", "registered_by", "sector")
    return visible_to(qs, user, Action.CORR_VIEW).order_by("state", "deadline", "-pk")


def incoming_get(*, user: Any, pk: int) -> Incoming:
    found = incoming_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound("Нет такого входящего запроса или он вне вашей зоны.")
    return found


def incoming_overdue(incoming: Incoming, today: dt.date) -> bool:
    return incoming.state != IncomingState.CLOSED and today > incoming.deadline


# --------------------------------------------------------------------------- files
def file_get(*, user: Any, pk: int) -> StoredFile:
    """A file whose request, answer or incoming request ``user`` may see."""
    f = StoredFile.objects.filter(pk=pk).first()
    visible = False
    if f is not None:
        if f.assignment_id:
            visible = assignment_list(user=user).filter(pk=f.assignment_id).exists()
        elif f.reply_id:
            visible = item_list(user=user).filter(pk=f.reply.item_id).exists()
        elif f.incoming_id:
            visible = incoming_list(user=user).filter(pk=f.incoming_id).exists()
    if not visible:
        raise NotFound("Нет такого файла или он вне вашей зоны.")
    return f


# --------------------------------------------------------------------------- measures
OUTCOMES = {
    "done": "выполнено в срок",
    "done_late": "выполнено с опозданием",
    "late": "просрочено",
    "returned": "возвращено на доработку",
    "refused": "отозвано",
    "in_work": "на исполнении",
}


def measure_board(*, user: Any, today: dt.date) -> list[dict]:
    """Per sector: the measures' tasks and how they stand (regulation 4.1, «проверка и
    свод»): done (in time, late), late, returned, refused, in work."""
    from otklik.correspondence.services_measures import measure_item_outcome

    items = item_list(user=user).filter(assignment__measure__isnull=False)
    items = items.select_related("assignment__sector", "assignment__measure__problem")
    sectors: dict[str, dict] = {}
    for item in items:
        sector = item.assignment.sector
        key = sector.name if sector else "без блока"
        row = sectors.setdefault(
            key, {"sector": key, "items": [], **{k: 0 for k in OUTCOMES}, "total": 0}
        )
        outcome = measure_item_outcome(item, today)
        row[outcome] += 1
        row["total"] += 1
        row["items"].append({"item": item, "outcome": outcome, "label": OUTCOMES[outcome]})
    return sorted(sectors.values(), key=lambda r: r["sector"])


def measures_to_send(*, user: Any) -> list:
    """Planned measures with a responsible organisation and no task on execution, of the
    problems ``user`` manages: what may be sent as a task from the measures' page."""
    from otklik.problems.choices import MeasureStatus
    from otklik.problems.models import Measure, Problem

    if not can(user, Action.CORR_SEND):
        return []
    problems = visible_to(Problem.objects.all(), user, Action.PROBLEM_MANAGE)
    busy = Item.objects.filter(assignment__measure__isnull=False).exclude(
        state__in=list(ITEM_CLOSED)
    )
    return list(
        Measure.objects.filter(
            problem__in=problems.values("pk"),
            status=MeasureStatus.PLANNED,
            organization__isnull=False,
        )
        .exclude(pk__in=busy.values("assignment__measure"))
        .select_related("problem", "organization")
        .order_by("deadline", "pk")[:200]
    )


def registration_of(assignment: Assignment) -> dict | None:
    """The registration of the sent request (task) in «Документы ЦУР»: pk, number, date."""
    return (
        RegisteredDocument.objects.filter(target_kind="assignment", target_id=str(assignment.pk))
        .values("pk", "number", "registered_at")
        .first()
    )
