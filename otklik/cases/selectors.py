"""Reads of cases, always narrowed to what the acting user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from otklik.accounts.permissions import Action, visible_to
from otklik.cases.choices import OPEN_STATES, CaseStatus
from otklik.cases.models import Case
from otklik.core.exceptions import NotFound

# Named queues of the operator UI and the API.
QUEUES = {
    "triage": "ЦУР: модерация",
    "mine": "Моя организация",
    "overdue": "Просроченные",
    "near_deadline": "Близко к сроку",
    "answer_review": "Ответы на модерации",
    "open": "Все открытые",
    "all": "Все",
}


@dataclass
class CaseFilters:
    queue: str = "open"
    sector: str | None = None
    topic: str | None = None
    municipality: str | None = None
    organization: str | None = None
    channel: str | None = None
    status: str | None = None
    priority: str | None = None
    q: str | None = None


def case_list(*, user: Any, filters: CaseFilters | None = None) -> QuerySet[Case]:
    filters = filters or CaseFilters()
    qs = visible_to(Case.objects.all(), user, Action.CASE_VIEW)
    now = timezone.now()
    queue = filters.queue or "open"
    if queue == "triage":
        qs = qs.filter(status=CaseStatus.NEW)
    elif queue == "mine":
        org_id = getattr(user, "organization_id", None)
        qs = (
            qs.filter(Q(organization_id=org_id) | Q(co_executors=org_id)).filter(
                status__in=OPEN_STATES
            )
            if org_id
            else qs.none()
        )
    elif queue == "overdue":
        qs = qs.filter(status__in=OPEN_STATES, resolution_due__lt=now)
    elif queue == "near_deadline":
        qs = qs.filter(status__in=OPEN_STATES, warning_level__gte=1, resolution_due__gte=now)
    elif queue == "answer_review":
        qs = qs.filter(status=CaseStatus.ANSWER_REVIEW)
    elif queue == "open":
        qs = qs.filter(status__in=OPEN_STATES)
    if filters.sector:
        qs = qs.filter(sector__code=filters.sector)
    if filters.topic:
        qs = qs.filter(topic__code=filters.topic)
    if filters.municipality:
        qs = qs.filter(municipality__okato=filters.municipality)
    if filters.organization:
        qs = qs.filter(organization__code=filters.organization)
    if filters.channel:
        qs = qs.filter(channel__code=filters.channel)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(
            Q(number__iexact=term)
            | Q(title__icontains=term)
            | Q(address__icontains=term)
            | Q(messages__text__icontains=term)
        )
    order = "resolution_due" if queue in ("overdue", "near_deadline", "mine") else "-received_at"
    return (
        qs.select_related("sector", "topic", "municipality", "organization", "channel", "kind")
        .order_by(order, "-id")
        .distinct()
    )


def case_get(*, user: Any, pk: int | str) -> Case:
    """One case the user may see; NotFound otherwise (no hint that it exists)."""
    lookup = {"number": pk} if isinstance(pk, str) and not pk.isdigit() else {"pk": pk}
    case = (
        visible_to(Case.objects.all(), user, Action.CASE_VIEW)
        .select_related(
            "sector",
            "topic",
            "municipality",
            "city_district",
            "organization",
            "channel",
            "kind",
            "author",
            "merged_into",
        )
        .filter(**lookup)
        .first()
    )
    if case is None:
        raise NotFound("Инцидент не найден.")
    return case
