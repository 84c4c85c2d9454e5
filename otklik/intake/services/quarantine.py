"""The ЦУР's decisions on the quarantine: a delivery is not a message, or is parsed again."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.intake.models import Delivery, DeliveryStatus
from otklik.intake.services.hooks import NATIVE_CONVERTERS, ChannelParseError, NotForIntake
from otklik.intake.services.parsed import ingest_parsed
from otklik.intake.services.receive import IngestResult


@transaction.atomic
def delivery_discard(*, actor: Any, delivery: Delivery, reason: str) -> Delivery:
    """The ЦУР decides a quarantined delivery is not a message (it is kept, marked)."""
    access_check(actor, Action.QUARANTINE_MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Укажите, почему поступление отклонено.")
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.QUARANTINED:
        raise ApplicationError("Отклонить можно только поступление из карантина.")
    delivery.status = DeliveryStatus.DISCARDED
    delivery.error = f"{delivery.error}\nОтклонено: {reason}".strip()
    delivery.resolved_at = timezone.now()
    delivery.resolved_by = actor
    delivery.save(update_fields=["status", "error", "resolved_at", "resolved_by"])
    audit_log(actor=actor, action="delivery.discard", target=delivery, data={"reason": reason})
    return delivery


@transaction.atomic
def delivery_retry(*, actor: Any, delivery: Delivery, body: str | None = None) -> IngestResult:
    """Parse a quarantined delivery again (after a fix of the reference data, or with a
    corrected body typed by the ЦУР operator; the original body is kept as it arrived)."""
    from otklik.intake.parsing import MessageInSerializer, errors_as_text, files_restored

    access_check(actor, Action.QUARANTINE_MANAGE)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.QUARANTINED:
        raise ApplicationError("Повторно разобрать можно только поступление из карантина.")
    original = delivery.body
    text = body if body is not None else delivery.body
    native = NATIVE_CONVERTERS.get(delivery.source) or NATIVE_CONVERTERS.get(
        delivery.source.split(":", 1)[0] + ":*"  # a converter for a family of sources
    )
    if native is not None:  # a channel's own format: its adapter reads it again
        try:
            item = {
                **native(text),
                "channel": delivery.channel_code,
                "external_id": delivery.external_id,
            }
        except (ChannelParseError, NotForIntake) as exc:
            raise ApplicationError(f"Сообщение всё ещё не разбирается: {exc}") from None
    else:
        try:
            item = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ApplicationError(f"Неверный JSON: {exc.msg}.") from None
        if body is not None:  # the files shown as notes on the quarantine page come back
            item = files_restored(item, original)
    serializer = MessageInSerializer(data=item) if isinstance(item, dict) else None
    if serializer is None or not serializer.is_valid():
        reason = (
            errors_as_text(serializer.errors)
            if serializer is not None
            else "сообщение: ожидается объект JSON."
        )
        raise ApplicationError(f"Сообщение всё ещё не разбирается: {reason}")
    message, created = ingest_parsed(serializer.validated_data, raw=item)
    delivery.status = DeliveryStatus.PARSED
    delivery.message = message
    if text != original:
        delivery.corrected_body = text
    delivery.resolved_at = timezone.now()
    delivery.resolved_by = actor
    delivery.save(
        update_fields=["status", "message", "corrected_body", "resolved_at", "resolved_by"]
    )
    audit_log(
        actor=actor,
        action="delivery.retry",
        target=delivery,
        data={
            "message_id": message.pk,
            "body_changed": text != original,
        },
    )
    return IngestResult(
        0, "created" if created else "duplicate", message.external_id, message.pk, delivery.pk
    )
