"""Due times of a case (stored, recomputed on every relevant transition) and the periodic sweep
that raises warnings and breaches and escalates: organisation → sector lead → curator.

The sweep is safe with several workers: each step on a case is claimed by a conditional UPDATE
on ``next_alert_at`` (the moment the sweep must look at the case again), so exactly one worker
acts on it (healthchecks' ``alert_after``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.core.calendar import WorkingCalendar, calendar_from_db
from otklik.sla.choices import Unit
from otklik.sla.deadlines import compute_due, deadline_extend
from otklik.sla.selectors import PolicyNotFound, policy_for

logger = logging.getLogger(__name__)

# Escalation after a breach: level 1 at the breach (the organisation), level 2 one working day
# later (the sector lead), level 3 two working days after that (the curator).
ESCALATION_WORKING_DAYS = {2: 1, 3: 2}
# States whose deadline the organisation is answerable for (a final answer resolves it).
CLOCK_STATES = frozenset(
    {CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_WORK, CaseStatus.REOPENED}
)


def _policy(case: Case):
    return policy_for(
        kind=case.kind.code,
        channel=case.channel.code,
        topic=case.topic.code if case.topic_id else None,
        on=timezone.localdate(case.received_at),
    )


def extension_limit_days(case: Case) -> int:
    try:
        return _policy(case).max_extension_length
    except PolicyNotFound:
        return 0


def _threshold_moment(
    start: dt.datetime,
    due: dt.datetime,
    fraction: float,
    *,
    working: bool,
    calendar: WorkingCalendar,
) -> dt.datetime:
    if working:
        total = calendar.working_time_between(start, due)
        return calendar.add_working_hours(start, total * fraction)
    return start + (due - start) * fraction


def _next_alert(
    case: Case, policy, calendar: WorkingCalendar, now: dt.datetime
) -> dt.datetime | None:
    """The next moment at which the warning level or the escalation of ``case`` changes."""
    if case.status not in CLOCK_STATES or case.resolution_due is None:
        return None
    start = case.clock_started_at or case.received_at
    working = policy.unit in (Unit.WORKING_DAYS, Unit.WORKING_HOURS)
    thresholds = sorted(policy.warning_thresholds)
    for level, fraction in enumerate(thresholds, start=1):
        if case.warning_level < level:
            return _threshold_moment(
                start, case.resolution_due, fraction, working=working, calendar=calendar
            )
    if case.breached_at is None:
        return case.resolution_due
    next_level = case.escalation_level + 1
    if next_level in ESCALATION_WORKING_DAYS:
        day = calendar.add_working_days(
            calendar.local_date(case.breached_at), ESCALATION_WORKING_DAYS[next_level]
        )
        return calendar.opening(day)
    return None


def deadlines_recompute(case: Case, *, restart: bool = False) -> Case:
    """Set the policy and the due times of ``case`` (inside the caller's transaction)."""
    calendar = calendar_from_db()
    now = timezone.now()
    if restart or case.clock_started_at is None:
        case.clock_started_at = now if restart else case.received_at
    try:
        policy = _policy(case)
    except PolicyNotFound as exc:
        logger.warning("case %s: %s", case.number, exc.message)
        case.sla_policy = ""
        case.save()
        return case
    registered = case.registered_at if not restart else now
    if registered is not None and registered < case.clock_started_at:
        registered = case.clock_started_at
    due = compute_due(
        policy=policy,
        received_at=case.clock_started_at,
        registered_at=registered,
        calendar=calendar,
    )
    resolution_due = due.resolution_due
    if case.extension_days:
        resolution_due = deadline_extend(
            policy=policy,
            received_at=case.clock_started_at,
            registered_at=registered,
            by=case.extension_days,
            calendar=calendar,
        )
    case.sla_policy = policy.code
    case.registration_due = due.registration_due if not restart else case.registration_due
    case.first_response_due = due.first_response_due
    case.resolution_due = resolution_due
    if case.breached_at is not None and case.resolution_due > now:
        case.breached_at = None
        case.escalation_level = 0
    case.next_alert_at = _next_alert(case, policy, calendar, now)
    case.save()
    return case


def deadline_sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Raise warnings and breaches and escalate the cases whose moment has come."""
    from otklik.cases.services.common import record

    now = now or timezone.now()
    calendar = calendar_from_db()
    counts = {"warnings": 0, "breaches": 0, "escalations": 0, "skipped": 0}
    due_ids = list(
        Case.objects.filter(next_alert_at__lte=now, status__in=CLOCK_STATES)
        .order_by("next_alert_at")
        .values_list("pk", "next_alert_at")[:limit]
    )
    for pk, seen_alert_at in due_ids:
        with transaction.atomic():
            # Claim: only the worker that moves next_alert_at from what it saw acts.
            claimed = Case.objects.filter(pk=pk, next_alert_at=seen_alert_at).update(
                next_alert_at=None
            )
            if not claimed:
                counts["skipped"] += 1
                continue
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("kind", "channel", "topic")
                .get(pk=pk)
            )
            try:
                policy = _policy(case)
            except PolicyNotFound:
                continue
            thresholds = sorted(policy.warning_thresholds)
            start = case.clock_started_at or case.received_at
            working = policy.unit in (Unit.WORKING_DAYS, Unit.WORKING_HOURS)
            reached = [
                i
                for i, f in enumerate(thresholds, start=1)
                if _threshold_moment(
                    start, case.resolution_due, f, working=working, calendar=calendar
                )
                <= now
            ]
            if reached and max(reached) > case.warning_level:
                case.warning_level = max(reached)
                counts["warnings"] += 1
                record(
                    case,
                    actor=None,
                    kind="deadline_warning",
                    data={
                        "level": case.warning_level,
                        "fraction": thresholds[case.warning_level - 1],
                    },
                )
            if case.breached_at is None and case.resolution_due <= now:
                case.breached_at = now
                case.escalation_level = 1
                counts["breaches"] += 1
                record(
                    case,
                    actor=None,
                    kind="deadline_breached",
                    data={"due": case.resolution_due.isoformat(), "escalation": 1},
                )
                _notify_escalation(case, level=1)
            elif case.breached_at is not None:
                nxt = case.escalation_level + 1
                if nxt in ESCALATION_WORKING_DAYS:
                    day = calendar.add_working_days(
                        calendar.local_date(case.breached_at), ESCALATION_WORKING_DAYS[nxt]
                    )
                    if calendar.opening(day) <= now:
                        case.escalation_level = nxt
                        counts["escalations"] += 1
                        record(case, actor=None, kind="escalated", data={"level": nxt})
                        _notify_escalation(case, level=nxt)
            case.next_alert_at = _next_alert(case, policy, calendar, now)
            case.save()
    return counts


def escalation_recipients(case: Case, level: int):
    """Who is told at each level: the organisation, then the sector lead, then the curator."""
    from otklik.accounts.choices import Role
    from otklik.accounts.models import User

    active = User.objects.filter(is_active=True)
    if level == 1:
        return active.filter(organization=case.organization_id, role=Role.ORG_OPERATOR)
    if level == 2:
        return active.filter(role=Role.SECTOR_LEAD, sector=case.sector_id)
    return active.filter(role__in=[Role.CURATOR, Role.HEAD])


def _notify_escalation(case: Case, *, level: int) -> None:
    emails = [u.email for u in escalation_recipients(case, level) if u.email]
    if not emails:
        return
    subject = f"Просрочен инцидент {case.number}"
    body = (
        f"Инцидент {case.number} «{case.title}» просрочен "
        f"(срок {timezone.localtime(case.resolution_due):%d.%m.%Y %H:%M}). "
        f"Уровень эскалации: {level}."
    )

    def send() -> None:
        from django.core.mail import send_mail

        send_mail(subject, body, None, emails, fail_silently=True)

    transaction.on_commit(send)
