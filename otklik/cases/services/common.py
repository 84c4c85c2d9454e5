"""What every case service shares: locking, the transition check, the timeline, the audit."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.cases.choices import TRANSITIONS, WAITING_STATES, CaseStatus
from otklik.cases.history import is_replaying
from otklik.cases.models import Case, CaseEvent, CasePause
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check

logger = logging.getLogger(__name__)


class TransitionNotAllowed(ApplicationError):
    status_code = 409


@dataclass(frozen=True)
class CaseNews:
    """What happened to a case, told to listeners after the transaction commits."""

    case_id: int
    number: str
    channel: str  # the channel code of the case
    kind: str  # the event kind (a transition name, "opened", "message_joined" …)
    from_status: str
    to_status: str
    data: dict
    event_id: int | None = None  # the timeline entry (``CaseEvent``): one occurrence of the news


# Channel adapters listen to tell authors about their case (number, status changes). A
# listener must be quick: it enqueues a task, it does not talk to the network itself.
_LISTENERS: list[Callable[[CaseNews], None]] = []


def on_case_event(listener: Callable[[CaseNews], None]) -> Callable[[CaseNews], None]:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def _tell(news: CaseNews) -> None:
    for listener in list(_LISTENERS):
        try:
            listener(news)
        except Exception:  # one listener's fault must not hide the news from the others
            logger.exception("case event listener %r failed on %s", listener, news)


def lock(case: Case) -> Case:
    """The case row, locked for the rest of the transaction (no check-then-act)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("kind", "channel", "topic", "sector", "organization")
        .get(pk=case.pk)
    )


def check_transition(case: Case, name: str) -> str:
    """The target of transition ``name`` from the case's status; refused when not allowed."""
    transition = TRANSITIONS[name]
    if not transition.allows(case.status):
        allowed = ", ".join(sorted(CaseStatus(s).label for s in transition.sources))
        raise TransitionNotAllowed(
            f"Инцидент {case.number} в состоянии «{case.get_status_display()}»: действие "
            f"недоступно (возможно из: {allowed}).",
            extra={"status": case.status, "transition": name},
        )
    return transition.target


def record(
    case: Case,
    *,
    actor: Any,
    kind: str,
    text: str = "",
    data: dict | None = None,
    from_status: str = "",
    to_status: str = "",
    now: dt.datetime | None = None,
) -> CaseEvent:
    """A timeline entry and the audit event, in the caller's transaction (``now``: the moment
    of the entry when it is not the present one)."""
    event = CaseEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        text=text,
        data=data or {},
        from_status=from_status,
        to_status=to_status,
    )
    if now is not None:  # «at» is auto_now_add: set on insert, so moved by an update
        CaseEvent.objects.filter(pk=event.pk).update(at=now)
        event.at = now
    audit_log(
        actor=actor,
        action=f"case.{kind}",
        target=case,
        data={"from": from_status, "to": to_status, **(data or {})},
    )
    news = CaseNews(
        case_id=case.pk,
        number=case.number,
        channel=case.channel.code if case.channel_id else "",
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        data=dict(data or {}),
        event_id=event.pk,
    )
    if not is_replaying():  # news of a replayed past is nobody's news today
        transaction.on_commit(lambda: _tell(news))
    return event


def move(
    case: Case,
    name: str,
    *,
    actor: Any,
    text: str = "",
    data: dict | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Apply transition ``name`` to the locked ``case`` and record it.

    Leaving a waiting state (whatever the transition: resume, an answer, a reassignment …)
    ends the open pause and recomputes the due times, so a stopped clock never stays stopped;
    ``data["message_id"]`` names the author's reply that ended it, if one did.
    """
    target = check_transition(case, name)
    before = case.status
    case.status = target
    case.save()
    data = dict(data or {})
    if before in WAITING_STATES and target != before:
        data.update(_pause_end(case, actor=actor, reply_id=data.get("message_id"), now=now))
    record(
        case,
        actor=actor,
        kind=name,
        text=text,
        data=data,
        from_status=before,
        to_status=target,
        now=now,
    )
    return case


def _pause_end(
    case: Case, *, actor: Any, reply_id: int | None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Close the open pause of ``case`` (its status has already left the waiting state) and move
    the due times; returns what the timeline says about it."""
    from otklik.cases.services.deadlines import deadlines_recompute

    now = now or timezone.now()
    pause = CasePause.objects.filter(case=case, ended_at__isnull=True).first()
    if pause is None:
        return {}
    pause.ended_at = now
    pause.ended_by = actor if getattr(actor, "pk", None) else None
    pause.reply_id = reply_id
    pause.save(update_fields=["ended_at", "ended_by", "reply"])
    before, stopped = case.resolution_due, case.clock_paused_at is not None
    deadlines_recompute(case, now=now)
    return {
        "pause": pause.pk,
        "waited_from": pause.started_at.isoformat(),
        "clock_stopped": stopped,
        "resolution_due_before": before.isoformat() if before else None,
        "resolution_due": case.resolution_due.isoformat() if case.resolution_due else None,
    }


def require(actor: Any, action: Action, case: Case) -> None:
    if actor is None:  # the platform itself (tasks, adapters)
        return
    access_check(actor, action, case)
