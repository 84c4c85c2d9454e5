"""Writes on the registry of input.

``delivery_receive`` is the one entry of every channel adapter and of the ingestion API: it
stores what arrived (``Delivery``) before parsing it, parses, and either ingests the message
(``message_ingest``: idempotent on channel + external id) or leaves the delivery in the
quarantine with its reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.directory.cache import reference_snapshot
from otklik.directory.models import Channel, InputKind
from otklik.intake.models import Attachment, Contact, Delivery, DeliveryStatus, Message

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuthorData:
    name: str = ""
    phone: str = ""
    email: str = ""
    channel_user_id: str = ""
    consent_personal_data: bool = False
    consent_text_version: str = ""


CONTACT_MATCHES_MAX = 50


def _contact_for(
    author: AuthorData | None, *, at: dt.datetime, channel: str = ""
) -> Contact | None:
    if author is None or not (
        author.phone or author.email or author.channel_user_id or author.name
    ):
        return None
    # The first contact by phone, else by e-mail, else by the channel's user id: one query.
    keys = {f: v for f in ("phone", "email", "channel_user_id") if (v := getattr(author, f))}
    if keys:
        any_key = Q()
        for field, value in keys.items():
            any_key |= Q(**{field: value})
        found = list(Contact.objects.filter(any_key).order_by("pk")[:CONTACT_MATCHES_MAX])
        for field, value in keys.items():
            existing = next((c for c in found if getattr(c, field) == value), None)
            if existing is not None:
                return existing
        if len(found) == CONTACT_MATCHES_MAX:  # unusually many: ask per key, as before
            for field, value in keys.items():
                existing = Contact.objects.filter(**{field: value}).order_by("pk").first()
                if existing is not None:
                    return existing
    contact = Contact.objects.create(
        name=author.name,
        phone=author.phone,
        email=author.email,
        channel_user_id=author.channel_user_id,
    )
    if author.consent_personal_data:  # given with the message: recorded (and audited) as such
        _consent_record(contact, version=author.consent_text_version, channel=channel, at=at)
    return contact


def contact_of_channel_user(*, channel_user_id: str, name: str = "") -> Contact:
    """The contact of a channel's user (found by ``channel_user_id``, else created)."""
    return _contact_for(AuthorData(name=name, channel_user_id=channel_user_id), at=timezone.now())


@transaction.atomic
def contact_consent_give(*, contact: Contact, version: str, channel: str) -> bool:
    """Record the citizen's consent to personal-data processing (152-ФЗ): the flag, the time,
    the version of the text they were shown and the channel where they agreed; audited.
    Returns False when exactly this consent is already recorded (a repeated tap or form)."""
    if not version:
        raise ApplicationError("Нет версии текста согласия.")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if (
        contact.consent_personal_data
        and contact.consent_text_version == version
        and contact.consent_channel == channel
    ):
        return False
    _consent_record(contact, version=version, channel=channel, at=timezone.now())
    return True


def _consent_record(contact: Contact, *, version: str, channel: str, at: dt.datetime) -> None:
    """Set the consent on ``contact`` (locked or just created) and audit it."""
    contact.consent_personal_data = True
    contact.consent_text_version = version
    contact.consent_channel = channel
    contact.consent_at = at
    contact.consent_withdrawn_at = None
    contact.save(
        update_fields=[
            "consent_personal_data",
            "consent_text_version",
            "consent_channel",
            "consent_at",
            "consent_withdrawn_at",
            "updated_at",
        ]
    )
    audit_log(
        actor=None,
        action="contact.consent",
        target=contact,
        data={"version": version, "channel": channel},
    )


@transaction.atomic
def contact_consent_withdraw(*, contact: Contact, channel: str) -> bool:
    """The citizen withdraws the consent (152-ФЗ ст. 9 ч. 2): the flag is cleared, the time of
    the withdrawal kept beside the version they had agreed to; audited. False when there was
    no consent to withdraw."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not contact.consent_personal_data:
        return False
    contact.consent_personal_data = False
    contact.consent_withdrawn_at = timezone.now()
    contact.save(update_fields=["consent_personal_data", "consent_withdrawn_at", "updated_at"])
    audit_log(
        actor=None,
        action="contact.consent_withdraw",
        target=contact,
        data={"version": contact.consent_text_version, "channel": channel},
    )
    return True


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

    Returns ``(message, created)``. With ``process`` (the default) the message is handed to the
    case lifecycle by a background task once the transaction commits. ``checked``: the caller
    has just looked for the message (the unique constraint still catches a race).
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
                author=_contact_for(author, at=received_at, channel=channel.code),
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
                transaction.on_commit(lambda: _enqueue_processing(message.pk))
    except IntegrityError:
        # Delivered twice at the same moment: the other delivery stored it.
        return Message.objects.get(channel=channel, external_id=external_id), False
    return message, True


_CLASSIFY_FIELDS = ("sector", "topic", "municipality", "city_district", "address")


@transaction.atomic
def message_classify(*, actor: Any, message: Message, **changes: Any) -> Message:
    """An operator's correction of what the message is about and where (a training signal)."""
    from otklik.core.permissions import Action, access_check

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
    if "municipality" in changes:
        # its near-duplicate keys move with it: found in the new area, not in the old one
        from otklik.nlp.models import MessageBand

        MessageBand.objects.filter(message=message).update(municipality=message.municipality)
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


def _enqueue_processing(message_id: int) -> None:
    from otklik.cases.tasks import message_process

    message_process.enqueue(message_id)


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
    import json

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


class NotForIntake(Exception):
    """A channel's delivery that carries no message (a service event, an edit we do not take):
    kept as received and marked discarded with this reason."""


class ChannelParseError(Exception):
    """A channel's delivery that cannot be understood: it waits in the quarantine with this
    reason (in Russian)."""


# Delivery source ("channel:<code>") → the adapter's converter of a stored raw body into an
# item of the ingestion format; adapters register theirs so the quarantine can retry them.
NATIVE_CONVERTERS: dict[str, Callable[[str], dict]] = {}
# Channel code → the adapter's gate, asked before a new message of that channel is handed to
# the case lifecycle (whichever way it came in: the channel, the API, a retry from the
# quarantine): True when the adapter holds the message instead — Telegram, for a chat without
# consent to personal-data processing (it asks after the commit and releases it later).
PROCESSING_GATES: dict[str, Callable[[Message], bool]] = {}


def register_processing_gate(channel_code: str, gate: Callable[[Message], bool]) -> None:
    PROCESSING_GATES[channel_code] = gate


def register_native_converter(
    channel_code: str, convert: Callable[[str], dict], *, source: str | None = None
) -> None:
    """``source``: a delivery source other than ``channel:<code>``; ``"<prefix>:*"`` serves every
    source of that prefix (the file import's ``import:<system>``)."""
    NATIVE_CONVERTERS[source or f"channel:{channel_code}"] = convert


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
            message, created = _ingest_parsed(
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


def _file_store(data: bytes, *, sha256: str, name: str, content_type: str) -> str:
    """Put a file that came inline into the storage; returns its storage name.

    Files are kept by content (``attachments/<ab>/<sha256><ext>``): the same photo sent again
    is stored once, and a file written by a transaction that then rolled back is not an orphan
    for long — the retry finds it and uses it.
    """
    ext = Path(name).suffix.lower() or mimetypes.guess_extension(content_type or "") or ""
    ext = ext if re.fullmatch(r"\.[a-z0-9]{1,10}", ext) else ""
    path = f"attachments/{sha256[:2]}/{sha256}{ext}"
    if default_storage.exists(path):
        return path
    return default_storage.save(path, ContentFile(data))


def _attachment(a: dict, index: int) -> Attachment:
    name = Path(a.get("name", "").replace("\\", "/")).name
    content_type = a.get("content_type", "")
    data = a.get("content")
    if data is None:
        return Attachment(
            name=name,
            content_type=content_type,
            size=a.get("size"),
            sha256=a.get("sha256", ""),
            url=a.get("url", ""),
        )
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    stored = _file_store(data, sha256=a["sha256"], name=name, content_type=content_type)
    return Attachment(
        name=name or f"вложение-{index + 1}{Path(stored).suffix}",
        content_type=content_type,
        size=a["size"],
        sha256=a["sha256"],
        url=a.get("url", ""),
        file=stored,
    )


def _raw_without_files(raw: dict, attachments: list[dict]) -> dict:
    """The item as it arrived, each inline file replaced by its SHA-256: the bytes are kept in
    the file storage (and in the delivery's body, as they arrived), not a third time here."""
    items = raw.get("attachments")
    if not isinstance(items, list) or not any(a.get("content") is not None for a in attachments):
        return raw  # nothing inline (a channel's own raw data has no such list)
    return {
        **raw,
        "attachments": [
            {
                **{k: v for k, v in item.items() if k != "content"},
                "content_sha256": parsed["sha256"],
            }
            if isinstance(item, dict) and parsed.get("content") is not None
            else item
            for item, parsed in zip(items, attachments, strict=False)
        ],
    }


def _ingest_parsed(
    data: dict, *, raw: dict, process: bool = True, checked: bool = False
) -> tuple[Message, bool]:
    author = data.get("author") or {}
    location = data.get("location") or {}
    lat, lon = location.get("lat"), location.get("lon")
    topic = data.get("topic")
    message, created = message_ingest(
        channel=data["channel"],
        kind=data["kind"],
        external_id=data["external_id"],
        text=data["text"],
        received_at=data.get("received_at"),
        raw=_raw_without_files(raw, data.get("attachments", [])),
        checked=checked,
        author=AuthorData(
            name=author.get("name", ""),
            phone=author.get("phone", ""),
            email=author.get("email", ""),
            channel_user_id=author.get("id", ""),
            consent_personal_data=author.get("consent", False),
            consent_text_version=author.get("consent_version", ""),
        )
        if author
        else None,
        address=location.get("address", ""),
        latitude=round(lat, 5) if lat is not None else None,
        longitude=round(lon, 5) if lon is not None else None,
        municipality=data.get("municipality"),
        topic=topic,
        sector=topic.sector if topic is not None else None,
        process=process,
    )
    if created:
        attachments = [_attachment(a, i) for i, a in enumerate(data.get("attachments", []))]
        for attachment in attachments:
            attachment.message = message
        Attachment.objects.bulk_create(attachments)
    return message, created


@transaction.atomic
def delivery_discard(*, actor: Any, delivery: Delivery, reason: str) -> Delivery:
    """The ЦУР decides a quarantined delivery is not a message (it is kept, marked)."""
    from otklik.core.permissions import Action, access_check

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
    import json

    from otklik.core.permissions import Action, access_check
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
    message, created = _ingest_parsed(serializer.validated_data, raw=item)
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
