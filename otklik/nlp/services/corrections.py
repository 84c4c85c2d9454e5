"""An operator's correction of what a message is about: the message takes it (through the
intake), and the correction is kept as a training signal. The case follows in the cases app
(``otklik.cases.services.corrections``), which calls this."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from otklik.core.permissions import Action, access_check
from otklik.directory.models import Topic
from otklik.intake.models import Message
from otklik.intake.services import message_classify
from otklik.nlp.models import Correction, MessageAnalysis


@transaction.atomic
def analysis_correct(*, actor: Any, message: Message, topic: Topic) -> Message:
    """An operator says what the message is really about: the message takes the topic and its
    sector (audited by the intake); the correction is kept as a training signal."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    access_check(actor, Action.MESSAGE_CLASSIFY, message)
    analysis = MessageAnalysis.objects.filter(message=message).first()
    predicted = {
        "topic": analysis.topic_code if analysis else "",
        "sector": analysis.sector_code if analysis else "",
    }
    before = {"topic": message.topic.code if message.topic else "", "sector": ""}
    before["sector"] = message.sector.code if message.sector else ""
    message = message_classify(actor=actor, message=message, topic=topic, sector=topic.sector)
    for field, value in (("topic", topic.code), ("sector", topic.sector.code)):
        if value != before[field] or value != predicted[field]:
            Correction.objects.create(
                message=message,
                actor=actor,
                field=field,
                predicted=predicted[field] or before[field],
                corrected=value,
            )
    return message
