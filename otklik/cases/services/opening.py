"""A message opens a case or joins one (the same problem again)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.cases.choices import URGENCY_PRIORITY, CaseStatus, Priority
from otklik.cases.models import Case
from otklik.cases.services.common import lock, record
from otklik.cases.services.deadlines import deadlines_recompute
from otklik.cases.services.waiting import awaiting_reply_of, case_resume, is_reply
from otklik.intake.models import Message
from otklik.nlp.models import MessageAnalysis

# The same author about the same topic within this many days is the same problem.
REPEAT_WINDOW_DAYS = 30


class STORED:
    """``case_open_or_join(analysis=STORED)``: read the message's stored analysis."""


def _title(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 120 else line[:117].rstrip() + "…"


def repeat_of(message: Message) -> Case | None:
    """The case of the same problem: the same author wrote about the same topic within
    ``REPEAT_WINDOW_DAYS`` (cases set aside as merged or not needing an answer are skipped)."""
    if message.author_id is None or message.topic_id is None:
        return None
    since = message.received_at - dt.timedelta(days=REPEAT_WINDOW_DAYS)
    return (
        Case.objects.filter(
            messages__author_id=message.author_id,
            topic_id=message.topic_id,
            messages__received_at__gte=since,
        )
        .exclude(status__in=[CaseStatus.MERGED, CaseStatus.NO_ANSWER])
        .order_by("-received_at")
        .first()
    )


def _live(case: Case | None) -> Case | None:
    """The case a message belongs to now (following merges); None if set aside as needing no
    answer."""
    seen = set()
    while case is not None and case.status == CaseStatus.MERGED and case.merged_into_id:
        if case.pk in seen:
            return None
        seen.add(case.pk)
        case = case.merged_into
    if case is None or case.status in (CaseStatus.MERGED, CaseStatus.NO_ANSWER):
        return None
    return case


def near_duplicate_of(analysis: MessageAnalysis | None) -> tuple[Case | None, dict | None]:
    """The case of the earlier message the language pipeline found most similar (another
    author, another channel): ``(case, finding)`` where ``finding["merge"]`` says it is close
    enough to join automatically; ``(None, None)`` when nothing was found."""
    if analysis is None or analysis.duplicate_of_id is None:
        return None, None
    case = _live(Case.objects.filter(messages__pk=analysis.duplicate_of_id).first())
    if case is None:
        return None, None
    finding = dict(analysis.result.get("duplicate_of") or {})
    finding.setdefault("similarity", analysis.duplicate_similarity)
    return case, finding


def opening_priority(analysis: MessageAnalysis | None) -> Priority:
    """The priority of a case opened by a message the pipeline read as ``analysis``: an
    accident is «аварийный», a danger «высокий»; normal otherwise (or not analysed)."""
    if analysis is None:
        return Priority.NORMAL
    return URGENCY_PRIORITY.get(analysis.urgency, Priority.NORMAL)


def classification_confidence(analysis: MessageAnalysis | None) -> float | None:
    """How sure the pipeline was of the sector it gave the message; None when the channel
    (or an operator) named the sector, or the message was not analysed."""
    if analysis is None:
        return None
    if analysis.triage:
        return analysis.sector_confidence
    return analysis.sector_confidence if "sector" in analysis.applied else None


def _join(
    case: Case, message: Message, actor: Any, data: dict, now: dt.datetime | None = None
) -> Case:
    case = lock(case)
    message.case = case
    message.save(update_fields=["case", "updated_at"])
    record(
        case,
        actor=actor,
        kind="message_joined",
        data={"message_id": message.pk, "channel": message.channel.code, **data},
        now=now,
    )
    if is_reply(case, message):
        case_resume(case=case, actor=actor, reply=message, now=now)  # the reply to the question
    elif case.status in (CaseStatus.PUBLISHED, CaseStatus.CLOSED):
        from otklik.cases.services.lifecycle import case_reopen

        case_reopen(
            case=case, actor=actor, reason="Повторное сообщение о той же проблеме.", now=now
        )
    return case


@transaction.atomic
def case_open_or_join(
    *,
    message: Message,
    analysis: MessageAnalysis | type[STORED] | None = STORED,
    actor: Any = None,
    now: dt.datetime | None = None,
) -> tuple[Case, bool]:
    """Attach ``message`` to a case; returns ``(case, opened)``. Idempotent per message.

    ``analysis``: what the language pipeline made of the message, handed on by the caller that
    ran it (None: not analysed); by default the stored analysis is read.

    The same author about the same topic, or a near-duplicate above the merge threshold,
    joins the earlier case; a near-duplicate below it opens a case that offers the merge."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.case_id is not None:
        return message.case, False
    waiting = awaiting_reply_of(message)
    if waiting is not None:  # the author answers what the case asked
        return _join(waiting, message, actor, {"why": "reply"}, now), False
    existing = repeat_of(message)
    if existing is not None:
        return _join(existing, message, actor, {"why": "same_author"}, now), False
    if analysis is STORED:
        analysis = MessageAnalysis.objects.filter(message=message).first()
    similar, finding = near_duplicate_of(analysis)
    if similar is not None and finding.get("merge"):
        joined = _join(
            similar,
            message,
            actor,
            {"why": "near_duplicate", "similarity": finding.get("similarity")},
            now,
        )
        return joined, False

    case = Case.objects.create(
        number=f"tmp-{message.pk}",
        title=_title(message.text),
        kind=message.kind,
        channel=message.channel,
        sector=message.sector,
        topic=message.topic,
        municipality=message.municipality,
        city_district=message.city_district,
        address=message.address,
        author=message.author,
        received_at=message.received_at,
        registered_at=now or timezone.now(),
        classification_confidence=classification_confidence(analysis),
        priority=opening_priority(analysis),
    )
    case.number = f"{timezone.localdate(case.received_at):%Y}-{case.pk:07d}"
    case.save(update_fields=["number"])
    message.case = case
    message.save(update_fields=["case", "updated_at"])
    record(
        case,
        actor=actor,
        kind="opened",
        to_status=case.status,
        data={
            "message_id": message.pk,
            "channel": message.channel.code,
            **({"priority": case.priority} if case.priority != Priority.NORMAL else {}),
        },
        now=now,
    )
    if similar is not None:
        record(
            case,
            actor=None,
            kind="duplicate_suggested",
            text=f"Похоже на инцидент № {similar.number}",
            data={"case": similar.number, "similarity": finding.get("similarity")},
            now=now,
        )
    deadlines_recompute(case, now=now)
    return case, True
