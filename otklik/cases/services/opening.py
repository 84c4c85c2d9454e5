"""A message opens a case or joins one (the same problem again)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.cases.services.common import lock, record
from otklik.cases.services.deadlines import deadlines_recompute
from otklik.cases.services.waiting import awaiting_reply_of, case_resume
from otklik.intake.models import Message

# The same author about the same topic within this many days is the same problem.
REPEAT_WINDOW_DAYS = 30


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


@transaction.atomic
def case_open_or_join(*, message: Message, actor: Any = None) -> tuple[Case, bool]:
    """Attach ``message`` to a case; returns ``(case, opened)``. Idempotent per message."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.case_id is not None:
        return message.case, False
    existing = awaiting_reply_of(message) or repeat_of(message)
    if existing is not None:
        case = lock(existing)
        message.case = case
        message.save(update_fields=["case", "updated_at"])
        record(
            case,
            actor=actor,
            kind="message_joined",
            data={"message_id": message.pk, "channel": message.channel.code},
        )
        if case.status == CaseStatus.AWAITING_CITIZEN:
            case_resume(case=case, actor=actor, reply=message)
        elif case.status in (CaseStatus.PUBLISHED, CaseStatus.CLOSED):
            from otklik.cases.services.lifecycle import case_reopen

            case_reopen(case=case, actor=actor, reason="Повторное сообщение о той же проблеме.")
        return case, False

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
        registered_at=timezone.now(),
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
        data={"message_id": message.pk, "channel": message.channel.code},
    )
    deadlines_recompute(case)
    return case, True
