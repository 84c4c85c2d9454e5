"""Reads on the audit log; only roles with ``Action.AUDIT_VIEW`` may read it."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db.models import QuerySet
from django.utils import timezone

from otklik.audit.models import AuditEvent
from otklik.core.permissions import Action, access_check


class EventFilters(TypedDict, total=False):
    action: str
    date_from: dt.date | None  # inclusive, local date
    date_to: dt.date | None  # inclusive


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def event_list(*, user: Any, filters: EventFilters | None = None) -> QuerySet[AuditEvent]:
    access_check(user, Action.AUDIT_VIEW)
    filters = filters or {}
    qs = AuditEvent.objects.select_related("actor").order_by("-created_at", "-id")
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("date_from"):
        qs = qs.filter(created_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(created_at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1)))
    return qs


def event_actions(*, user: Any) -> list[str]:
    """The action names present in the log, for the filter."""
    access_check(user, Action.AUDIT_VIEW)
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
