"""Reads of the deadline policies (reference data, the same for every user)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from otklik.core.exceptions import NotFound
from otklik.directory.cache import reference_version
from otklik.directory.choices import InputKindCode
from otklik.sla.choices import DueKind
from otklik.sla.models import DeadlinePolicy

# `otklik sla due --kind` names → (input kind, default channel) or a fixed policy code.
DUE_KIND_MATCH: dict[str, tuple[str, str | None]] = {
    DueKind.APPEAL_59FZ: (InputKindCode.APPEAL_59FZ, None),
    DueKind.COMPLAINT_210FZ: (InputKindCode.COMPLAINT_210FZ, None),
    DueKind.POS_MESSAGE: (InputKindCode.MESSAGE, "pos"),
    DueKind.SOCIAL_POST: (InputKindCode.PUBLICATION, "incident"),
    DueKind.MESSAGE: (InputKindCode.MESSAGE, None),
}
DUE_KIND_POLICY: dict[str, str] = {DueKind.COMPLAINT_210FZ_SHORT: "complaint_210fz_short"}


class PolicyNotFound(NotFound):
    pass


def policy_list(*, on: dt.date | None = None) -> QuerySet[DeadlinePolicy]:
    """Every policy, or those valid on the day ``on``."""
    policies = DeadlinePolicy.objects.all()
    if on is not None:
        policies = policies.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )
    return policies


def policy_get(*, code: str) -> DeadlinePolicy:
    try:
        return DeadlinePolicy.objects.get(code=code)
    except DeadlinePolicy.DoesNotExist as exc:
        raise PolicyNotFound(f"Срок «{code}» не найден.") from exc


# The automatic policies, held in each process under the reference version (directory.cache):
# a deadline is computed for every message and read on every case page, the policies change
# a few times a year. Every save or delete of a policy replaces the version (sla.apps).
_book: dict[str, object] = {"version": None, "rows": []}


def _automatic_policies() -> list[DeadlinePolicy]:
    version = reference_version()
    if _book["version"] != version:
        rows = list(DeadlinePolicy.objects.filter(applies_automatically=True))
        _book.update(version=version, rows=rows)
    return _book["rows"]  # type: ignore[return-value]


def policy_for(
    *,
    kind: str,
    channel: str | None = None,
    topic: str | None = None,
    priority: str | None = None,
    on: dt.date | None = None,
) -> DeadlinePolicy:
    """The policy of an input: the most specific automatic policy valid on ``on`` (today).

    A policy for the case's priority (an accident) > kind+channel+topic > kind+topic >
    kind+channel > kind; among equals, the latest valid_from. A policy that names a priority
    never applies to a case of another priority. The row is shared by the process: read it,
    never change it.
    """
    on = on or timezone.localdate()
    channels, topics, priorities = ("", channel or ""), ("", topic or ""), ("", priority or "")
    best = max(
        (
            p
            for p in _automatic_policies()
            if p.input_kind == kind
            and p.channel in channels
            and p.topic in topics
            and p.priority in priorities
            and (p.valid_from is None or p.valid_from <= on)
            and (p.valid_to is None or p.valid_to >= on)
        ),
        key=lambda p: (p.specificity, p.valid_from or dt.date.min, p.code),
        default=None,
    )
    if best is None:
        where = ", ".join(
            f"{label} {value}" for label, value in (("канал", channel), ("тема", topic)) if value
        )
        raise PolicyNotFound(
            f"Нет срока для вида «{kind}»{' (' + where + ')' if where else ''} на {on:%d.%m.%Y}.",
            extra={"kind": kind, "channel": channel, "topic": topic, "on": on.isoformat()},
        )
    return best


def policy_for_due_kind(
    *,
    due_kind: str,
    channel: str | None = None,
    topic: str | None = None,
    on: dt.date | None = None,
) -> DeadlinePolicy:
    """The policy behind a name of ``DueKind`` (the names of ``otklik sla due --kind``)."""
    if due_kind in DUE_KIND_POLICY:
        policy = policy_get(code=DUE_KIND_POLICY[due_kind])
        on = on or timezone.localdate()
        if not policy.is_valid_on(on):
            raise PolicyNotFound(f"Срок «{policy.code}» не действует на {on:%d.%m.%Y}.")
        return policy
    try:
        kind, default_channel = DUE_KIND_MATCH[due_kind]
    except KeyError as exc:
        raise PolicyNotFound(
            f"Неизвестный вид «{due_kind}»; возможны: {', '.join(DueKind.values)}."
        ) from exc
    return policy_for(kind=kind, channel=channel or default_channel, topic=topic, on=on)
