"""Corrections of what a message is about: the one service every way of correcting uses. The
message takes the topic (intake), the correction is kept as a training signal (nlp), and a
case still awaiting ЦУР moderation follows the message that opened it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.cases.services.common import lock, record
from otklik.directory.models import Topic
from otklik.intake.models import Message
from otklik.nlp.services.corrections import analysis_correct


@transaction.atomic
def message_topic_correct(*, actor: Any, message: Message, topic: Topic) -> Message:
    """An operator says what the message is really about (one click on the case page): the
    message and — while the ЦУР has not decided on it — its case take the topic and its
    sector; the correction is kept as a training signal and audited."""
    message = analysis_correct(actor=actor, message=message, topic=topic)
    if message.case_id is not None:
        case_classification_follow(case=message.case, message=message, actor=actor)
    return message


_FOLLOWED = ("sector", "topic", "municipality", "city_district", "address")


def case_classification_follow(*, case: Case, message: Message, actor: Any = None) -> Case:
    """After a message of the case was corrected: a case still awaiting ЦУР moderation takes
    the corrected sector and topic (and place) of the message that opened it; later the case's
    own fields are the ЦУР's decision and stay. Recorded on the timeline."""
    case = lock(case)
    first = case.messages.order_by("received_at", "pk").first()
    if first is None or first.pk != message.pk or case.status != CaseStatus.NEW:
        return case
    changed = [f for f in _FOLLOWED if getattr(case, f) != getattr(message, f)]
    if not changed:
        return case
    for f in changed:
        setattr(case, f, getattr(message, f))
    case.classification_confidence = None  # a person said it
    case.save(update_fields=[*changed, "classification_confidence", "updated_at"])
    record(
        case,
        actor=actor,
        kind="reclassified",
        text=", ".join(str(getattr(case, f) or "—") for f in ("sector", "topic")),
        data={"fields": changed},
    )
    return case
