"""Due times of a case (stored, recomputed on every relevant transition) and the periodic sweep
that raises warnings and breaches and escalates: organisation → sector lead → curator.

The sweep is safe with several workers: each step on a case is claimed by a conditional UPDATE
on ``next_alert_at`` (the moment the sweep must look at the case again), so exactly one worker
acts on it (healthchecks' ``alert_after``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from otklik.cases.choices import CaseStatus
from otklik.cases.history import is_replaying
from otklik.cases.models import Case, CasePause
from otklik.cases.selectors import case_policy
from otklik.core.applicant import ApplicantField, applicant_fields
from otklik.core.calendar import WorkingCalendar
from otklik.directory.calendar import calendar_from_db
from otklik.sla.choices import Unit
from otklik.sla.deadlines import compute_due
from otklik.sla.selectors import PolicyNotFound

logger = logging.getLogger(__name__)

# Escalation after a breach: level 1 at the breach (the organisation), level 2 one working day
# later (the sector lead), level 3 two working days after that (the curator).
ESCALATION_WORKING_DAYS = {2: 1, 3: 2}
# States whose deadline the organisation is answerable for (a final answer resolves it).
# A waiting state is among them: whether it stops the clock is the policy's ``pause_states``.
CLOCK_STATES = frozenset(
    {
        CaseStatus.NEW,
        CaseStatus.ASSIGNED,
        CaseStatus.IN_WORK,
        CaseStatus.AWAITING_CITIZEN,
        CaseStatus.REOPENED,
    }
)


def _threshold_moment(
    start: dt.datetime,
    due: dt.datetime,
    fraction: float,
    *,
    working: bool,
    calendar: WorkingCalendar,
    paused: Sequence[tuple[dt.datetime, dt.datetime]] = (),
) -> dt.datetime:
    """The moment ``fraction`` of the allowed time [start, due] is used up, the time of the
    finished ``paused`` intervals (sorted, not overlapping) not counting as used."""

    def span(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        if b <= a:
            return dt.timedelta(0)
        return calendar.working_time_between(a, b) if working else b - a

    def advance(a: dt.datetime, by: dt.timedelta) -> dt.datetime:
        return calendar.add_working_hours(a, by) if working else a + by

    inside = [(max(a, start), min(b, due)) for a, b in paused if b > start and a < due]
    allowed = span(start, due) - sum((span(a, b) for a, b in inside), dt.timedelta(0))
    remaining = allowed * fraction
    at = start
    for a, b in inside:
        before = span(at, a)
        if remaining <= before:
            break
        remaining -= before
        at = max(at, b)
    return advance(at, remaining)


def _pauses(case: Case, policy) -> list[tuple[dt.datetime, dt.datetime | None]]:
    """The waits of ``case`` in the states that stop the clock of ``policy``, oldest first."""
    if not policy.pause_states or case.pk is None:
        return []
    return list(
        CasePause.objects.filter(case=case, status__in=policy.pause_states)
        .order_by("started_at", "pk")
        .values_list("started_at", "ended_at")
    )


def _finished(pauses):
    return [(a, b) for a, b in pauses if b is not None]


def case_is_paused(case: Case, policy) -> bool:
    return case.status in (policy.pause_states or ())


def _next_alert(
    case: Case, policy, calendar: WorkingCalendar, now: dt.datetime, pauses=None
) -> dt.datetime | None:
    """The next moment at which the warning level or the escalation of ``case`` changes."""
    if case.status not in CLOCK_STATES or case.resolution_due is None:
        return None
    if case_is_paused(case, policy):
        return None  # the clock stands still: nothing to warn about until it resumes
    start = case.clock_started_at or case.received_at
    working = policy.unit in (Unit.WORKING_DAYS, Unit.WORKING_HOURS)
    thresholds = sorted(policy.warning_thresholds)
    paused = _finished(_pauses(case, policy) if pauses is None else pauses)
    for level, fraction in enumerate(thresholds, start=1):
        if case.warning_level < level:
            return _threshold_moment(
                start,
                case.resolution_due,
                fraction,
                working=working,
                calendar=calendar,
                paused=paused,
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


def deadlines_recompute(
    case: Case, *, restart: bool = False, now: dt.datetime | None = None
) -> Case:
    """Set the policy and the due times of ``case`` (inside the caller's transaction)."""
    calendar = calendar_from_db()
    now = now or timezone.now()
    if restart or case.clock_started_at is None:
        case.clock_started_at = now if restart else case.received_at
    try:
        policy = case_policy(case=case)
    except PolicyNotFound as exc:
        logger.warning("case %s: %s", case.number, exc.message)
        case.sla_policy = ""
        case.clock_paused_at = None
        case.save()
        return case
    registered = case.registered_at if not restart else now
    pauses = _pauses(case, policy)
    if registered is not None and registered < case.clock_started_at:
        registered = case.clock_started_at
    due = compute_due(
        policy=policy,
        received_at=case.clock_started_at,
        registered_at=registered,
        calendar=calendar,
        extended_by=case.extension_days,
        paused=pauses,
    )
    case.sla_policy = policy.code
    open_pause = next((a for a, b in pauses if b is None), None)
    case.clock_paused_at = open_pause if case_is_paused(case, policy) else None
    case.registration_due = due.registration_due if not restart else case.registration_due
    case.first_response_due = due.first_response_due
    case.resolution_due = due.resolution_due
    if case.breached_at is not None and case.resolution_due > now:
        case.breached_at = None
        case.escalation_level = 0
    case.next_alert_at = _next_alert(case, policy, calendar, now, pauses)
    case.save()
    return case


def deadline_sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Raise warnings and breaches and escalate the cases whose moment has come."""
    from otklik.cases.services.common import record

    now = now or timezone.now()
    calendar = calendar_from_db()
    counts = {"warnings": 0, "breaches": 0, "escalations": 0, "skipped": 0, "paused": 0}
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
                policy = case_policy(case=case)
            except PolicyNotFound:
                continue
            if case_is_paused(case, policy):
                counts["paused"] += 1
                continue  # claimed with next_alert_at cleared: resuming sets it again
            thresholds = sorted(policy.warning_thresholds)
            start = case.clock_started_at or case.received_at
            working = policy.unit in (Unit.WORKING_DAYS, Unit.WORKING_HOURS)
            paused = _finished(_pauses(case, policy))
            reached = [
                i
                for i, f in enumerate(thresholds, start=1)
                if _threshold_moment(
                    start,
                    case.resolution_due,
                    f,
                    working=working,
                    calendar=calendar,
                    paused=paused,
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
    from otklik.accounts.models import User
    from otklik.core.roles import Role

    active = User.objects.filter(is_active=True)
    if level == 1:
        return active.filter(organization=case.organization_id, role=Role.ORG_OPERATOR)
    if level == 2:
        return active.filter(role=Role.SECTOR_LEAD, sector=case.sector_id)
    return active.filter(role__in=[Role.CURATOR, Role.HEAD])


def _notify_escalation(case: Case, *, level: int) -> None:
    """E-mail the recipients of ``level`` after commit. The case's title is the start of the
    author's text: it goes out masked (``nlp.masking``) unless every recipient may see the
    applicant (``core.applicant``); the applicant's contact fields are never in the mail."""
    recipients = [u for u in escalation_recipients(case, level) if u.email]
    if not recipients:
        return
    emails = [u.email for u in recipients]
    open_text = all(ApplicantField.NAME in applicant_fields(u) for u in recipients)
    number, title, due = case.number, case.title, case.resolution_due

    def send() -> None:
        from django.core.mail import send_mail

        from otklik.nlp.masking import mask

        shown = title if open_text else mask(title)
        subject = f"Просрочен инцидент {number}"
        body = (
            f"Инцидент {number} «{shown}» просрочен "
            f"(срок {timezone.localtime(due):%d.%m.%Y %H:%M}). "
            f"Уровень эскалации: {level}."
        )
        send_mail(subject, body, None, emails, fail_silently=True)

    if not is_replaying():  # no e-mail about a replayed past
        transaction.on_commit(send)
