"""The states of requests and tasks («запросы и поручения») and their moves."""

from __future__ import annotations

from django.db import models

from otklik.core.roles import Role
from otklik.core.states import Transition


class AssignmentKind(models.TextChoices):
    REQUEST = "request", "Запрос"
    TASK = "task", "Поручение"


class ItemState(models.TextChoices):
    """One addressee's copy of a request or a task."""

    SENT = "sent", "Направлено"
    ANSWERED = "answered", "Ответ получен"
    RETURNED = "returned", "Возвращено на доработку"
    ACCEPTED = "accepted", "Принято"
    WITHDRAWN = "withdrawn", "Отозвано"


# Waiting for the organisation: the clock runs (reminders, overdue, escalation).
ITEM_OPEN = frozenset({ItemState.SENT, ItemState.RETURNED})
# Nothing more happens to it.
ITEM_CLOSED = frozenset({ItemState.ACCEPTED, ItemState.WITHDRAWN})

ITEM_TRANSITIONS: dict[str, Transition] = {
    "answer": Transition(frozenset({ItemState.SENT, ItemState.RETURNED}), ItemState.ANSWERED),
    "accept": Transition(frozenset({ItemState.ANSWERED}), ItemState.ACCEPTED),
    "return": Transition(frozenset({ItemState.ANSWERED}), ItemState.RETURNED),
    "withdraw": Transition(
        frozenset({ItemState.SENT, ItemState.ANSWERED, ItemState.RETURNED}), ItemState.WITHDRAWN
    ),
}


class EventKind(models.TextChoices):
    """A line of an item's history."""

    SENT = "sent", "Направлено"
    ANSWERED = "answered", "Ответ организации"
    ACCEPTED = "accepted", "Ответ принят"
    RETURNED = "returned", "Возвращено на доработку"
    WITHDRAWN = "withdrawn", "Отозвано"
    REMINDED = "reminded", "Напоминание о сроке"
    OVERDUE = "overdue", "Срок истёк"
    ESCALATED = "escalated", "Доложено о просрочке"


class IncomingSource(models.TextChoices):
    MINISTRY = "ministry", "Министерство цифрового развития"
    COMPETENCE_CENTRE = "competence_centre", "Центр компетенций"
    OTHER = "other", "Иной орган"


class IncomingState(models.TextChoices):
    REGISTERED = "registered", "Зарегистрирован"
    IN_WORK = "in_work", "Исполняется"
    ON_APPROVAL = "on_approval", "Ответ на согласовании"
    CLOSED = "closed", "Снят с контроля"


INCOMING_OPEN = frozenset(
    {IncomingState.REGISTERED, IncomingState.IN_WORK, IncomingState.ON_APPROVAL}
)


class PackagePart(models.TextChoices):
    """What of the platform an answer to an incoming request may carry besides its files."""

    ANALYTICS_MONTHLY = "analytics_monthly", "Ежемесячный аналитический отчёт (PDF)"


# Who hears of a missed deadline besides the sender: the next level up (as the approval
# route's escalation; the executor organises the ЦУР's work and reports to the head).
ESCALATE_TO = {
    Role.SECTOR_LEAD: Role.HEAD,
    Role.EXECUTOR: Role.HEAD,
    Role.ANALYST: Role.HEAD,
    Role.HEAD: Role.CURATOR,
    Role.CURATOR: Role.EXECUTOR,
}
