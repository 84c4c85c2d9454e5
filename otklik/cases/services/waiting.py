"""Asking the author for missing information: the case waits («запрошены сведения у
заявителя») until the author's reply joins it or the organisation resumes it by hand.

While it waits, the clock of its deadline policy stops if the policy lists the waiting state
in ``pause_states`` (``sla/data/policies.toml``: decided per policy from the law); when it
resumes, the due times move forward by the paused time (``sla.deadlines.due_after_pauses``).
Leaving the waiting state by any other transition (an answer, a reassignment, a merge) also
ends the pause: see ``common.move``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.cases.choices import CaseStatus
from otklik.cases.limits import NOTE_MAX_LENGTH, text_within
from otklik.cases.models import Case, CasePause
from otklik.cases.outbox import outbox_queue
from otklik.cases.selectors import case_pause_states
from otklik.cases.services.common import check_transition, lock, move, require
from otklik.cases.services.deadlines import deadlines_recompute
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action
from otklik.intake.models import Message

QUESTION_MIN_LENGTH = 10


@transaction.atomic
def case_request_info(
    *, case: Case, actor: Any, question: str, now: dt.datetime | None = None
) -> Case:
    """The organisation (or the ЦУР) asks the author what is missing; the question goes to the
    author through the outbox, in the case's channel, like an intermediate answer."""
    case = lock(case)
    require(actor, Action.CASE_WORK, case)
    check_transition(case, "request_info")
    question = text_within(question, limit=NOTE_MAX_LENGTH, what="вопроса")
    if len(question) < QUESTION_MIN_LENGTH:
        raise ApplicationError("Сформулируйте вопрос заявителю: какие сведения нужны и зачем.")
    now = now or timezone.now()
    if case.first_response_at is None:
        case.first_response_at = now  # the question is the first reaction the author sees
    stops = CaseStatus.AWAITING_CITIZEN in case_pause_states(case=case)
    move(case, "request_info", actor=actor, text=question, data={"clock_stopped": stops}, now=now)
    CasePause.objects.create(
        case=case,
        status=case.status,
        started_at=now,
        question=question,
        asked_by=actor if getattr(actor, "pk", None) else None,
    )
    outbox_queue(
        case=case, kind="question", payload={"text": question, "case": case.number}, now=now
    )
    deadlines_recompute(case, now=now)  # a stopped clock: no warnings until it resumes
    return case


@transaction.atomic
def case_resume(
    *,
    case: Case,
    actor: Any,
    reason: str = "",
    reply: Message | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """The case goes back to work: the author's ``reply`` has come (``actor`` None: the
    platform), or the organisation resumes it by hand (the information came another way, or
    the answer can be given without it). The due times move by the paused time."""
    case = lock(case)
    if actor is not None:
        require(actor, Action.CASE_WORK, case)
    check_transition(case, "resume")
    reason = text_within(reason, limit=NOTE_MAX_LENGTH, what="причины")
    if reply is None and not reason and actor is not None:
        raise ApplicationError("Укажите, почему работа возобновлена (например, сведения получены).")
    data = {"message_id": reply.pk} if reply is not None else {"by_hand": True}
    return move(
        case,
        "resume",
        actor=actor,
        text=reason or "Заявитель прислал сведения.",
        data=data,
        now=now,
    )


def is_reply(case: Case, message: Message) -> bool:
    """``message`` answers what ``case`` asked: the case waits, the message is its author's and
    was written after the question (a late delivery of an older message is not the reply)."""
    return (
        case.status == CaseStatus.AWAITING_CITIZEN
        and message.author_id is not None
        and message.author_id == case.author_id
        and CasePause.objects.filter(
            case=case, ended_at__isnull=True, started_at__lte=message.received_at
        ).exists()
    )


def awaiting_reply_of(message: Message) -> Case | None:
    """The case that waits for information from the author of ``message`` (asked before the
    message arrived): the message is taken as the reply, whatever its topic."""
    if message.author_id is None:
        return None
    return (
        Case.objects.filter(
            status=CaseStatus.AWAITING_CITIZEN,
            author_id=message.author_id,
            pauses__ended_at__isnull=True,
            pauses__started_at__lte=message.received_at,
        )
        .order_by("-received_at", "-pk")
        .first()
    )
