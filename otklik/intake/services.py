"""Writes on the registry of input. Foundation version: idempotent ingestion of parsed messages.

The case lifecycle adds raw-first storage with quarantine, attachments and the ingestion API on
top of ``message_ingest``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.directory.models import Channel, InputKind
from otklik.intake.models import Contact, Message


@dataclass(frozen=True)
class AuthorData:
    name: str = ""
    phone: str = ""
    email: str = ""
    channel_user_id: str = ""
    consent_personal_data: bool = False
    consent_text_version: str = ""


def _contact_for(author: AuthorData | None, *, at: dt.datetime) -> Contact | None:
    if author is None or not (
        author.phone or author.email or author.channel_user_id or author.name
    ):
        return None
    for field in ("phone", "email", "channel_user_id"):
        value = getattr(author, field)
        if value:
            existing = Contact.objects.filter(**{field: value}).order_by("pk").first()
            if existing is not None:
                return existing
    return Contact.objects.create(
        name=author.name,
        phone=author.phone,
        email=author.email,
        channel_user_id=author.channel_user_id,
        consent_personal_data=author.consent_personal_data,
        consent_text_version=author.consent_text_version,
        consent_at=at if author.consent_personal_data else None,
    )


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
    **fields: Any,
) -> tuple[Message, bool]:
    """Store one message; a repeated delivery (same channel and external id) changes nothing.

    Returns ``(message, created)``.
    """
    if not external_id:
        raise ApplicationError("Нет номера сообщения в канале (external_id).")
    if not text or not text.strip():
        raise ApplicationError("Пустой текст сообщения.")
    received_at = received_at or timezone.now()
    if timezone.is_naive(received_at):
        raise ApplicationError("Время поступления должно быть с часовым поясом.")
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
                author=_contact_for(author, at=received_at),
                **fields,
            )
            audit_log(
                actor=actor,
                action="message.ingest",
                target=message,
                data={"channel": channel.code, "external_id": external_id},
            )
    except IntegrityError:
        # Delivered twice at the same moment: the other delivery stored it.
        return Message.objects.get(channel=channel, external_id=external_id), False
    return message, True


_CLASSIFY_FIELDS = ("sector", "topic", "municipality", "city_district", "address")


@transaction.atomic
def message_classify(*, actor: Any, message: Message, **changes: Any) -> Message:
    """An operator's correction of what the message is about and where (a training signal)."""
    from otklik.accounts.permissions import Action, access_check

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
