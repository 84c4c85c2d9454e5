"""``delivery_receive`` is the one entry of the ingestion API, ``native_receive`` the one of every
channel adapter: what arrived is stored (``Delivery``) before it is parsed; then the message is
ingested (idempotent on channel + external id) or the delivery left in the quarantine with its
reason."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from otklik.core.exceptions import ApplicationError
from otklik.directory.cache import reference_snapshot
from otklik.intake.models import Delivery, DeliveryStatus, Message
from otklik.intake.services.hooks import ChannelParseError, NotForIntake
from otklik.intake.services.parsed import ingest_parsed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    index: int
    status: str  # created | duplicate | rejected | ignored
    external_id: str = ""
    message_id: int | None = None
    delivery_id: int | None = None
    errors: str = ""


@dataclass(frozen=True)
class ReceiveOutcome:
    batch: bool
    results: list[IngestResult]


MAX_BATCH = 1000


def _quarantine(
    *,
    source: str,
    body: str,
    content_type: str,
    error: str,
    channel_code: str = "",
    external_id: str = "",
) -> Delivery:
    return Delivery.objects.create(
        source=source,
        body=body,
        content_type=content_type,
        status=DeliveryStatus.QUARANTINED,
        error=error,
        channel_code=channel_code[:32],
        external_id=external_id[:128],
    )


def delivery_receive(
    *, source: str, body: str | bytes, content_type: str = "application/json"
) -> ReceiveOutcome:
    """Receive one item or a batch in the ingestion format (see ``intake/parsing.py``).

    Raises ``ApplicationError`` (after keeping the body in the quarantine) when the body as a
    whole cannot be read; otherwise returns one result per item, in order.
    """
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            text = body.decode("utf-8", errors="replace")
            d = _quarantine(
                source=source,
                body=text,
                content_type=content_type,
                error="Тело запроса не в кодировке UTF-8.",
            )
            raise ApplicationError(
                "Тело запроса не в кодировке UTF-8.", extra={"delivery_id": d.pk}
            ) from None
    try:
        payload = json.loads(body)
    except json.JSONDecodeError as exc:
        reason = f"Неверный JSON: {exc.msg} (строка {exc.lineno}, позиция {exc.colno})."
        d = _quarantine(source=source, body=body, content_type=content_type, error=reason)
        raise ApplicationError(reason, extra={"delivery_id": d.pk}) from None
    if isinstance(payload, dict) and isinstance(payload.get("messages"), list):
        items, single = payload["messages"], False
    elif isinstance(payload, list):
        items, single = payload, False
    elif isinstance(payload, dict):
        items, single = [payload], True
    else:
        reason = 'Ожидается объект сообщения, массив сообщений или {"messages": [...]}.'
        d = _quarantine(source=source, body=body, content_type=content_type, error=reason)
        raise ApplicationError(reason, extra={"delivery_id": d.pk})
    if len(items) > MAX_BATCH:
        reason = f"Слишком большой пакет: {len(items)} сообщений, не больше {MAX_BATCH} за раз."
        d = _quarantine(source=source, body=body, content_type=content_type, error=reason)
        raise ApplicationError(reason, extra={"delivery_id": d.pk})
    keys = [_item_key(item) for item in items]
    stored = _stored_messages([k for k in keys if k is not None])
    books = reference_snapshot()  # one look at the reference version for the whole batch
    results = []
    for i, item in enumerate(items):
        result = _receive_item(
            index=i,
            item=item,
            source=source,
            content_type=content_type,
            body=body if single else json.dumps(item, ensure_ascii=False),
            stored=stored,
            books=books,
        )
        if keys[i] is not None and result.message_id is not None:
            stored[keys[i]] = result.message_id  # the same message again later in the batch
        results.append(result)
    return ReceiveOutcome(batch=not single, results=results)


def _item_key(item: Any) -> tuple[str, str] | None:
    """(channel code, external id) of an item that names both."""
    if not isinstance(item, dict):
        return None
    channel_code, external_id = str(item.get("channel", "")), str(item.get("external_id", ""))
    return (channel_code, external_id) if channel_code and external_id else None


def _stored_messages(keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The ids of the messages already stored under these keys: one query for a batch."""
    if not keys:
        return {}
    wanted = set(keys)
    found = Message.objects.filter(
        channel__code__in={c for c, _ in wanted}, external_id__in={e for _, e in wanted}
    ).values_list("channel__code", "external_id", "pk")
    return {(c, e): pk for c, e, pk in found if (c, e) in wanted}


def _receive_item(
    *,
    index: int,
    item: Any,
    source: str,
    content_type: str,
    body: str,
    stored: dict[tuple[str, str], int],
    books: Any,
) -> IngestResult:
    channel_code = str(item.get("channel", "")) if isinstance(item, dict) else ""
    external_id = str(item.get("external_id", "")) if isinstance(item, dict) else ""
    key = _item_key(item)
    if key is not None and key in stored:  # a repeated delivery changes nothing
        return IngestResult(index, "duplicate", external_id, stored[key])
    return _store_and_parse(
        index=index,
        source=source,
        body=body,
        content_type=content_type,
        channel_code=channel_code,
        external_id=external_id,
        item_of=lambda: item,
        raw_of=lambda: item,
        books=books,
        stored_checked=True,
    )


def native_receive(
    *,
    channel_code: str,
    external_id: str,
    body: str,
    content_type: str,
    convert: Callable[[], dict],
    raw: dict | None = None,
    process: bool = True,
    source: str | None = None,
    stored_checked: bool = False,
) -> IngestResult:
    """A channel adapter's entry: ``body`` exactly as the channel delivered it is stored first;
    then ``convert()`` turns it into an item of the ingestion format (raising
    ``ChannelParseError`` → quarantine, ``NotForIntake`` → discarded). Idempotent on
    channel + ``external_id``: a repeated delivery changes nothing. ``source`` names where the
    delivery came from when it is not the channel's adapter (default ``channel:<code>``).
    ``stored_checked``: the adapter has already looked for the stored message (a race is still
    caught by the unique key)."""
    return _store_and_parse(
        index=0,
        source=source or f"channel:{channel_code}",
        body=body,
        content_type=content_type,
        channel_code=channel_code,
        external_id=external_id,
        item_of=lambda: {**convert(), "channel": channel_code, "external_id": external_id},
        raw_of=lambda: raw if raw is not None else {},
        process=process,
        stored_checked=stored_checked,
    )


def _store_and_parse(
    *,
    index: int,
    source: str,
    body: str,
    content_type: str,
    channel_code: str,
    external_id: str,
    item_of: Callable[[], Any],
    raw_of: Callable[[], dict],
    process: bool = True,
    books: Any = None,
    stored_checked: bool = False,
) -> IngestResult:
    """Store the delivery, convert it, parse it, ingest the message. ``stored_checked``: the
    caller has already looked for a stored message under the key (a batch does it in one
    query)."""
    from otklik.intake.parsing import MessageInSerializer, errors_as_text

    if channel_code and external_id and not stored_checked:
        existing = (
            Message.objects.filter(channel__code=channel_code, external_id=external_id)
            .only("pk")
            .first()
        )
        if existing is not None:  # a repeated delivery changes nothing
            return IngestResult(index, "duplicate", external_id, existing.pk)
    # What arrived is kept first, in its own transaction: a failure while parsing loses nothing.
    delivery = Delivery.objects.create(
        source=source,
        body=body,
        content_type=content_type,
        channel_code=channel_code[:32],
        external_id=external_id[:128],
    )

    def set_aside(status: str, reason: str) -> None:
        delivery.status, delivery.error = status, reason
        delivery.save(update_fields=["status", "error"])

    serializer = None
    try:
        item = item_of()
    except NotForIntake as exc:
        set_aside(DeliveryStatus.DISCARDED, str(exc))
        return IngestResult(index, "ignored", external_id, None, delivery.pk, str(exc))
    except ChannelParseError as exc:
        reason = str(exc)
    except Exception as exc:  # a fault of the adapter: kept, with the reason, for a retry
        logger.exception("delivery %s could not be converted", delivery.pk)
        reason = f"Внутренняя ошибка при разборе: {exc.__class__.__name__}. Повторите позже."
    else:
        if not isinstance(item, dict):
            reason = "сообщение: ожидается объект JSON."
        else:
            serializer = MessageInSerializer(data=item, context={"books": books})
            reason = "" if serializer.is_valid() else errors_as_text(serializer.errors)
    if reason:
        set_aside(DeliveryStatus.QUARANTINED, reason)
        return IngestResult(index, "rejected", external_id, None, delivery.pk, reason)
    try:
        with transaction.atomic():
            message, created = ingest_parsed(
                serializer.validated_data, raw=raw_of(), process=process, checked=True
            )
            delivery.status = DeliveryStatus.PARSED
            delivery.message = message
            delivery.save(update_fields=["status", "message"])
    except ApplicationError as exc:
        set_aside(DeliveryStatus.QUARANTINED, exc.message)
        return IngestResult(index, "rejected", external_id, None, delivery.pk, exc.message)
    except Exception as exc:  # a fault of ours: the delivery waits for a retry, with the reason
        logger.exception("delivery %s could not be ingested", delivery.pk)
        reason = f"Внутренняя ошибка при разборе: {exc.__class__.__name__}. Повторите позже."
        set_aside(DeliveryStatus.QUARANTINED, reason)
        return IngestResult(index, "rejected", external_id, None, delivery.pk, reason)
    return IngestResult(
        index, "created" if created else "duplicate", external_id, message.pk, delivery.pk
    )
