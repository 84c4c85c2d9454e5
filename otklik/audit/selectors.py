"""Reads on the audit log; only roles with ``Action.AUDIT_VIEW`` may read it.

``event_rows`` turns a page of events into what a reader sees: the action and the object in
Russian, a link to the object, the details as «поле: было → стало» lines (``registry``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypedDict

from django.db.models import Q, QuerySet
from django.utils import timezone

from otklik.audit import registry
from otklik.audit.chain import KIND_LABELS
from otklik.audit.models import AuditCheck, AuditEvent
from otklik.core.permissions import Action, access_check, can


class EventFilters(TypedDict, total=False):
    action: str
    actor: str  # a user name
    target_type: str
    case: str  # a case number: the case and what belongs to it
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
    if filters.get("actor"):
        qs = qs.filter(actor__username=filters["actor"].strip())
    if filters.get("target_type"):
        qs = qs.filter(target_type=filters["target_type"])
    if filters.get("case"):
        belongs = Q(pk__in=[])
        for target_type, ids in registry.case_targets(filters["case"].strip()):
            belongs |= Q(target_type=target_type, target_id__in=ids)
        qs = qs.filter(belongs)
    if filters.get("date_from"):
        qs = qs.filter(created_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(created_at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1)))
    return qs


def event_actions(*, user: Any) -> list[str]:
    """The action names present in the log, for the filter."""
    access_check(user, Action.AUDIT_VIEW)
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def event_target_types(*, user: Any) -> list[str]:
    access_check(user, Action.AUDIT_VIEW)
    return list(
        AuditEvent.objects.exclude(target_type="")
        .order_by("target_type")
        .values_list("target_type", flat=True)
        .distinct()
    )


# --- what a reader sees ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    action: str
    target_kind: str
    target: registry.TargetRef | None
    details: list[str]


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) or "—"
    if isinstance(value, dict):
        if set(value) == {"id", "str"}:  # a row as the admin writes it
            return str(value["str"])
        return "; ".join(f"{registry.field_label(str(k))}: {_value(v)}" for k, v in value.items())
    return str(value)


def event_details(data: dict, target_type: str = "") -> list[str]:
    """The event's data as lines: «поле: было → стало» for changes, «поле: значение» else."""
    data = {k: registry.value_label(target_type, k, v) for k, v in (data or {}).items()}
    lines: list[str] = []
    before, after = data.pop("before", None), data.pop("after", None)
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        for key in list(dict.fromkeys([*before, *after])):
            old = _value(registry.value_label(target_type, key, before.get(key)))
            new = _value(registry.value_label(target_type, key, after.get(key)))
            lines.append(f"{registry.field_label(key)}: {old} → {new}")
    if "from" in data and "to" in data and isinstance(data["to"], str):
        old = registry.value_label(target_type, "status", data.pop("from"))
        new = registry.value_label(target_type, "status", data.pop("to"))
        if old or new:
            lines.append(f"{registry.field_label('status')}: {_value(old)} → {_value(new)}")
    fields, values = data.pop("fields", None), data.pop("values", None)
    if isinstance(values, dict):
        for key, value in values.items():
            lines.append(f"{registry.field_label(key)}: {_value(value)}")
    elif fields:
        lines.append(f"{registry.field_label('fields')}: {_value(fields)}")
    for key, value in data.items():
        lines.append(f"{registry.field_label(key)}: {_value(value)}")
    return lines


def event_rows(events: list[AuditEvent]) -> list[EventRow]:
    """The rows of one page of events (the objects resolved once per kind of object)."""
    targets = registry.targets_resolve((e.target_type, e.target_id) for e in events)
    return [
        EventRow(
            event=e,
            action=registry.action_label(e.action, e.data),
            target_kind=registry.target_label(e.target_type) if e.target_type else "",
            target=targets.get((e.target_type, e.target_id)),
            details=event_details(e.data, e.target_type),
        )
        for e in events
    ]


# --- the chain's alert ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainAlert:
    check: AuditCheck
    kind_label: str


def chain_alert(*, user: Any) -> ChainAlert | None:
    """The unresolved break of the journal's chain, for the roles that read the journal: the
    latest failed check, unless a later passed check walked over its entry (an entry outside
    the chain: any later passed check)."""
    if not can(user, Action.AUDIT_VIEW):
        return None
    broken = AuditCheck.objects.filter(ok=False).order_by("-checked_at", "-id").first()
    if broken is None:
        return None
    later = AuditCheck.objects.filter(ok=True, pk__gt=broken.pk)
    if broken.first_seq is not None:
        later = later.filter(from_seq__lte=broken.first_seq, to_seq__gte=broken.first_seq)
    if later.exists():
        return None
    first = broken.findings[0] if broken.findings else {}
    label = first.get("label") or KIND_LABELS.get(broken.kind, broken.kind)
    return ChainAlert(check=broken, kind_label=label)
