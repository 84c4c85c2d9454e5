"""Writes on messages: store one (``message_ingest``), an operator's correction of what it is
about and where (``message_classify``), and what the language pipeline found in it
(``message_fill_from_analysis``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.directory.models import Channel, InputKind
from otklik.intake.models import Message
from otklik.intake.services.contacts import AuthorData, contact_for
from otklik.intake.services.hooks import PROCESSING_GATES, message_announce, message_classified


def message_ingest(
    *,
    channel: Channel,
    kind: InputKind,
    external_id: str,
    text: str,
    received_at: dt.datetime | None = None,
    raw: dict | None = None,
    author: AuthorData | None = None,
    actor: Any = None,
    process: bool = True,
    checked: bool = False,
    **fields: Any,
) -> tuple[Message, bool]:
    """Store one message; a repeated delivery (same channel and external id) changes nothing.

    Returns ``(message, created)``. With ``process`` (the default) the message is announced to
    the listeners registered with the intake (the case lifecycle) once the transaction commits.
    ``checked``: the caller has just looked for the message (the unique constraint still
    catches a race).
    """
    if not external_id:
        raise ApplicationError("Нет номера сообщения в канале (external_id).")
    if not text or not text.strip():
        raise ApplicationError("Пустой текст сообщения.")
    received_at = received_at or timezone.now()
    if timezone.is_naive(received_at):
        raise ApplicationError("Время поступления должно быть с часовым поясом.")
    if not checked:
        existing = Message.objects.filter(channel=channel, external_id=external_id).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            message = Message.objects.create(
                channel=channel,
                kind=kind,
                external_id=external_id,
                text=text,
                received_at=received_at,
                raw=raw or {},
                author=contact_for(author, at=received_at, channel=channel.code),
                **fields,
            )
            audit_log(
                actor=actor,
                action="message.ingest",
                target=message,
                data={"channel": channel.code, "external_id": external_id},
            )
            gate = PROCESSING_GATES.get(channel.code)
            if process and not (gate is not None and gate(message)):
                message_announce(message.pk)
    except IntegrityError:
        # Delivered twice at the same moment: the other delivery stored it.
        return Message.objects.get(channel=channel, external_id=external_id), False
    return message, True


_CLASSIFY_FIELDS = ("sector", "topic", "municipality", "city_district", "address")


@transaction.atomic
def message_classify(*, actor: Any, message: Message, **changes: Any) -> Message:
    """An operator's correction of what the message is about and where (a training signal)."""
    unknown = set(changes) - set(_CLASSIFY_FIELDS)
    if unknown:
        raise ApplicationError(f"Эти поля не исправляются здесь: {', '.join(sorted(unknown))}")
    message = Message.objects.select_for_update().get(pk=message.pk)
    access_check(actor, Action.MESSAGE_CLASSIFY, message)
    topic = changes.get("topic", message.topic)
    sector = changes.get("sector", message.sector)
    if topic is not None and sector is not None and topic.sector_id != sector.pk:
        raise ApplicationError(f"Тема «{topic}» не относится к блоку «{sector}».")
    if topic is not None and "sector" not in changes:
        changes["sector"] = topic.sector
    district = changes.get("city_district", message.city_district)
    municipality = changes.get("municipality", message.municipality)
    if (
        district is not None
        and municipality is not None
        and district.municipality_id != municipality.pk
    ):
        raise ApplicationError(f"Район «{district}» не относится к «{municipality}».")
    before = {name: str(getattr(message, name) or "") for name in changes}
    for name, value in changes.items():
        setattr(message, name, value)
    message.save(update_fields=[*changes, "updated_at"])
    # After the change the message must still be in the actor's scope: a sector lead cannot
    # move a message out of their sector and thereby out of sight.
    access_check(actor, Action.MESSAGE_CLASSIFY, message)
    message_classified(message, list(changes))
    audit_log(
        actor=actor,
        action="message.classify",
        target=message,
        data={
            "before": before,
            "after": {name: str(getattr(message, name) or "") for name in changes},
        },
    )
    return message


# What the language pipeline may fill on a message (``message_fill_from_analysis``).
FILLED_BY_ANALYSIS = (
    "sector",
    "topic",
    "municipality",
    "city_district",
    "address",
    "text_masked",
)


def message_fill_from_analysis(*, message: Message, values: dict[str, Any]) -> Message:
    """Store what the language pipeline found in ``message`` (locked by the caller, in its
    transaction): the sector, topic and place it filled or withdrew, and the masked text. The
    message is saved even when nothing changed: its ``updated_at`` marks the analysis (a
    correction made meanwhile is told apart by it)."""
    unknown = set(values) - set(FILLED_BY_ANALYSIS)
    if unknown:
        raise ApplicationError(f"Эти поля анализ не заполняет: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        setattr(message, name, value)
    message.save(update_fields=[*FILLED_BY_ANALYSIS, "updated_at"])
    return message
