"""Routing rules: sector/topic × municipality (× channel) → organisation, evaluated top-down."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from otklik.accounts.permissions import Action, access_check
from otklik.audit.services import audit_log
from otklik.cases.models import Case, RoutingRule
from otklik.core.exceptions import ApplicationError
from otklik.directory.models import Organization

# Below this classification confidence a case waits in the ЦУР triage queue even if a rule fits.
CONFIDENCE_THRESHOLD = 0.5


def route(*, sector_id, topic_id, municipality_id, channel_id) -> RoutingRule | None:
    """The first active rule (lowest ``order``) whose every set condition matches."""

    def any_or(field: str, value) -> Q:
        return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}_id": value})

    return (
        RoutingRule.objects.filter(is_active=True)
        .filter(
            any_or("sector", sector_id),
            any_or("topic", topic_id),
            any_or("municipality", municipality_id),
            any_or("channel", channel_id),
        )
        .select_related("organization")
        .order_by("order", "id")
        .first()
    )


def route_case(case: Case) -> Organization | None:
    """Where the case should go, or None for the ЦУР triage queue."""
    if (
        case.classification_confidence is not None
        and case.classification_confidence < CONFIDENCE_THRESHOLD
    ):
        return None
    rule = route(
        sector_id=case.sector_id,
        topic_id=case.topic_id,
        municipality_id=case.municipality_id,
        channel_id=case.channel_id,
    )
    return rule.organization if rule else None


_RULE_FIELDS = {
    "order",
    "name",
    "sector",
    "topic",
    "municipality",
    "channel",
    "organization",
    "is_active",
}


@transaction.atomic
def routing_rule_save(*, actor: Any, rule: RoutingRule | None = None, **fields: Any) -> RoutingRule:
    access_check(actor, Action.ROUTING_EDIT)
    unknown = set(fields) - _RULE_FIELDS
    if unknown:
        raise ApplicationError(f"Неизвестные поля правила: {', '.join(sorted(unknown))}")
    if rule is None:
        if "organization" not in fields:
            raise ApplicationError("Укажите организацию, которой направлять инциденты.")
        rule = RoutingRule(**fields)
        created = True
    else:
        rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
        for name, value in fields.items():
            setattr(rule, name, value)
        created = False
    topic, sector = rule.topic, rule.sector
    if topic is not None and sector is not None and topic.sector_id != sector.pk:
        raise ApplicationError(f"Тема «{topic}» не относится к блоку «{sector}».")
    rule.save()
    audit_log(
        actor=actor,
        action="routing.create" if created else "routing.update",
        target=rule,
        data={k: str(v) for k, v in fields.items()},
    )
    return rule


@transaction.atomic
def routing_rule_delete(*, actor: Any, rule: RoutingRule) -> None:
    access_check(actor, Action.ROUTING_EDIT)
    audit_log(actor=actor, action="routing.delete", target=rule, data={"name": rule.name})
    rule.delete()
