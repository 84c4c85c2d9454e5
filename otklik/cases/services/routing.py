"""Routing rules: sector/topic × municipality (× channel) → organisation, evaluated top-down."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q

from otklik.audit.services import audit_log
from otklik.cases.models import Case, RoutingRule
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.directory.choices import OrganizationKind
from otklik.directory.models import Channel, Municipality, Organization, Sector, Topic

# Below this classification confidence a case waits in the ЦУР triage queue even if a rule fits.
CONFIDENCE_THRESHOLD = 0.5
DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "routing.toml"


def _target(rule: RoutingRule, municipality_id: int | None) -> Organization | None:
    if rule.organization_id is not None:
        return rule.organization
    if municipality_id is None:
        return None
    return Organization.objects.filter(
        kind=OrganizationKind.MUNICIPAL_ADMINISTRATION,
        municipality_id=municipality_id,
        valid_to__isnull=True,
    ).first()


def route(*, sector_id, topic_id, municipality_id, channel_id) -> Organization | None:
    """The organisation of the first active rule (lowest ``order``) whose every set condition
    matches and whose target exists (a rule «to the municipality's administration» does not
    apply to a case without a municipality)."""

    def any_or(field: str, value) -> Q:
        return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}_id": value})

    rules = (
        RoutingRule.objects.filter(is_active=True)
        .filter(
            any_or("sector", sector_id),
            any_or("topic", topic_id),
            any_or("municipality", municipality_id),
            any_or("channel", channel_id),
        )
        .select_related("organization")
        .order_by("order", "id")
    )
    for rule in rules:
        target = _target(rule, municipality_id)
        if target is not None:
            return target
    return None


def route_case(case: Case) -> Organization | None:
    """Where the case should go, or None for the ЦУР triage queue. A case opened by a message
    addressed to an organisation (a letter registered by the organisation's own operator) goes
    to that organisation."""
    addressed = (
        case.messages.filter(organization__isnull=False)
        .order_by("received_at", "pk")
        .select_related("organization")
        .first()
        if case.pk
        else None
    )
    if addressed is not None:
        return addressed.organization
    if (
        case.classification_confidence is not None
        and case.classification_confidence < CONFIDENCE_THRESHOLD
    ):
        return None
    return route(
        sector_id=case.sector_id,
        topic_id=case.topic_id,
        municipality_id=case.municipality_id,
        channel_id=case.channel_id,
    )


_RULE_FIELDS = {
    "order",
    "name",
    "sector",
    "topic",
    "municipality",
    "channel",
    "organization",
    "to_municipal_administration",
    "is_active",
}


def _validate(rule: RoutingRule) -> None:
    if (rule.organization_id is None) == (not rule.to_municipal_administration):
        raise ApplicationError(
            "Укажите организацию или «администрации МО по месту проблемы» (одно из двух)."
        )
    topic, sector = rule.topic, rule.sector
    if topic is not None and sector is not None and topic.sector_id != sector.pk:
        raise ApplicationError(f"Тема «{topic}» не относится к блоку «{sector}».")


@transaction.atomic
def routing_rule_save(*, actor: Any, rule: RoutingRule | None = None, **fields: Any) -> RoutingRule:
    access_check(actor, Action.ROUTING_EDIT)
    unknown = set(fields) - _RULE_FIELDS
    if unknown:
        raise ApplicationError(f"Неизвестные поля правила: {', '.join(sorted(unknown))}")
    created = rule is None
    rule = RoutingRule() if created else RoutingRule.objects.select_for_update().get(pk=rule.pk)
    for name, value in fields.items():
        setattr(rule, name, value)
    _validate(rule)
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


def _ref(entry: dict, where: str, model, key: str, field: str):
    value = entry.get(key)
    if not value:
        return None
    obj = model.objects.filter(**{field: value}).first()
    if obj is None:
        raise ApplicationError(f"{where}: нет {model._meta.verbose_name} «{value}»")
    return obj


@transaction.atomic
def routing_rules_load(*, path: Path = DATA_FILE) -> dict[str, int]:
    """The default rules shipped with Otklik (keyed by ``code``). A rule already present is
    left as the ЦУР has edited it; only missing ones are created."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    created = kept = 0
    for i, entry in enumerate(data.get("rule", []), 1):
        where = f"{path.name} rule #{i} ({entry.get('code', '?')})"
        if "code" not in entry:
            raise ApplicationError(f"{where}: нет кода правила")
        if RoutingRule.objects.filter(code=entry["code"]).exists():
            kept += 1
            continue

        target = entry.get("organization", "")
        rule = RoutingRule(
            code=entry["code"],
            order=entry.get("order", 100),
            name=entry.get("name", ""),
            sector=_ref(entry, where, Sector, "sector", "code"),
            topic=_ref(entry, where, Topic, "topic", "code"),
            municipality=_ref(entry, where, Municipality, "municipality", "okato"),
            channel=_ref(entry, where, Channel, "channel", "code"),
            organization=None
            if target == "@municipal_administration"
            else _ref(entry, where, Organization, "organization", "code"),
            to_municipal_administration=target == "@municipal_administration",
        )
        _validate(rule)
        rule.save()
        created += 1
    if created:
        audit_log(actor=None, action="routing.load", data={"created": created, "kept": kept})
    return {"created": created, "kept": kept}
