"""Writes of the desk: check a registration, keep it as a delivery (raw first), let it follow
the usual path, and tell the operator what happened.

Decisions (docs/architecture.md, «Operator's desk»):

- **Who**: ``appeal.register`` — the ЦУР's operators for the whole region; an organisation's
  operator for its own organisation only: the message is then addressed to it
  (``Message.organization``) and its case is routed there.
- **Kinds**: a call is a message or an oral appeal under 59-ФЗ; a letter is an appeal under
  59-ФЗ, a message or a complaint under 210-ФЗ (a complaint is written, never by phone).
- **Consent** (152-ФЗ): an appeal or a complaint is processed under the law that governs it
  (152-ФЗ ст. 6 ч. 1 п. 2), so no consent is asked; a *message* needs the applicant's consent,
  which the operator confirms (said on the call, signed on the letter) and which is recorded
  with the current text version and the channel, as the web form and the bot record theirs.
- **Paper**: the answer goes by post, so a letter needs a postal address, unless an e-mail is
  given; its incoming number and the letter's date are kept with the message
  (``Message.raw["desk"]``) for the printed answer (``otklik.channels.desk.printing``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.channels.desk import converter
from otklik.channels.services import channel_receive
from otklik.core.exceptions import ApplicationError
from otklik.core.identifiers import digits, inn_valid, ogrn_valid
from otklik.core.permissions import Action, Scope, access_check, scope_for
from otklik.directory.models import Municipality, Organization
from otklik.intake.consent import consent_text
from otklik.intake.models import Attachment, Delivery, Message
from otklik.intake.services import contact_consent_give

CHANNELS = {"phone": "Телефонный звонок", "paper": "Письмо на бумаге"}
KINDS = {
    "phone": ("message", "appeal_59fz"),
    "paper": ("appeal_59fz", "message", "complaint_210fz"),
}
KIND_LABELS = {
    "message": "сообщение",
    "appeal_59fz": "обращение по 59-ФЗ",
    "complaint_210fz": "жалоба по 210-ФЗ",
}
NEEDS_CONSENT = frozenset({"message"})  # the other kinds are processed under their law
PREFIX = {"phone": "ТЛФ", "paper": "ПСМ"}
MAX_FILES = 10
# File types by their first bytes (what the browser or the caller says is only a claim).
FILE_TYPES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


@dataclass(frozen=True)
class FileIn:
    name: str
    content: bytes


@dataclass(frozen=True)
class AppealInput:
    """One registration as the form or the API gives it (checked by ``appeal_check``)."""

    channel: str
    kind: str
    received_at: dt.datetime | None
    text: str
    submission: uuid.UUID = field(default_factory=uuid.uuid4)
    address: str = ""
    municipality: Municipality | None = None
    legal_entity: bool = False
    name: str = ""
    phone: str = ""
    email: str = ""
    postal_address: str = ""
    legal_name: str = ""
    inn: str = ""
    ogrn: str = ""
    incoming_number: str = ""
    letter_date: dt.date | None = None
    consent: bool = False
    files: list[FileIn] = field(default_factory=list)


@dataclass(frozen=True)
class Registered:
    """What the operator is told: the message and its case, or the quarantine's reason."""

    status: str  # created | duplicate | rejected
    message: Message | None
    delivery_id: int | None
    reason: str = ""

    def reread(self) -> Registered:
        """The same, with the message read again (its case is opened after the commit)."""
        if self.message is None:
            return self
        message = Message.objects.select_related("case").get(pk=self.message.pk)
        return Registered(self.status, message, self.delivery_id, self.reason)

    @property
    def case_number(self) -> str:
        if self.message is None or self.message.case_id is None:
            return ""
        return self.message.case.number

    @property
    def summary(self) -> str:
        if self.message is None:
            return (
                "Обращение сохранено, но не разобрано: оно ждёт в карантине поступлений, ЦУР "
                f"разберёт его вручную. Причина: {self.reason}"
            )
        case = (
            f", инцидент № {self.case_number}"
            if self.case_number
            else "; инцидент будет открыт после автоматического разбора"
        )
        again = "Уже было зарегистрировано" if self.status == "duplicate" else "Зарегистрировано"
        return f"{again}: сообщение № {self.message.external_id}{case}."


def _file_type(content: bytes) -> tuple[str, str] | None:
    for signature, content_type, ext in FILE_TYPES:
        if content.startswith(signature):
            return content_type, ext
    return None


def _size_mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} МБ"


def appeal_check(data: AppealInput, *, now: dt.datetime | None = None) -> dict[str, list[str]]:
    """Every mistake of a registration, by field, in Russian (empty: it may be stored). The
    form and the API show the same words."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}

    def bad(name: str, text: str) -> None:
        errors.setdefault(name, []).append(text)

    if data.channel not in CHANNELS:
        bad("channel", "Выберите канал: телефонный звонок или письмо на бумаге.")
        return errors
    if data.kind not in KINDS[data.channel]:
        allowed = ", ".join(KIND_LABELS[k] for k in KINDS[data.channel])
        bad("kind", f"Для канала «{CHANNELS[data.channel]}» возможны: {allowed}.")
    if data.received_at is None:
        bad("received_at", "Укажите дату и время поступления.")
    elif data.received_at > now + dt.timedelta(minutes=1):
        bad("received_at", "Дата и время поступления не могут быть в будущем.")
    if not data.text.strip():
        bad("text", "Введите текст обращения.")
    if len(data.address) > 255:
        bad("address", "Адрес проблемы длиннее 255 символов.")
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            bad("email", "Эл. почта указана с ошибкой.")
    if data.phone and len(digits(data.phone)) not in (10, 11):
        bad("phone", "Телефон: нужно 10 или 11 цифр.")
    if data.legal_entity:
        if not data.legal_name.strip():
            bad("legal_name", "Укажите наименование юридического лица.")
        if len(digits(data.inn)) != 10:
            bad("inn", "ИНН юридического лица — 10 цифр.")
        elif not inn_valid(data.inn):
            bad("inn", "ИНН с ошибкой: не сходится контрольная цифра.")
        if len(digits(data.ogrn)) != 13:
            bad("ogrn", "ОГРН юридического лица — 13 цифр.")
        elif not ogrn_valid(data.ogrn):
            bad("ogrn", "ОГРН с ошибкой: не сходится контрольная цифра.")
        if not data.name.strip():
            bad("name", "Укажите контактное лицо юридического лица (ФИО).")
    elif data.kind != "message" and not data.name.strip():
        # 59-ФЗ ст. 11 ч. 1: an appeal without the author's name is not answered
        bad("name", "Укажите ФИО заявителя: без него обращение не рассматривается.")
    if data.channel == "paper":
        if not data.postal_address.strip() and not data.email:
            bad(
                "postal_address",
                "Укажите почтовый адрес (ответ на письмо направляется почтой) или эл. почту.",
            )
        if not data.incoming_number.strip():
            bad("incoming_number", "Укажите входящий регистрационный номер письма.")
        if data.letter_date is not None:
            if data.letter_date > timezone.localdate(now):
                bad("letter_date", "Дата письма не может быть в будущем.")
            elif data.received_at is not None and data.letter_date > timezone.localdate(
                data.received_at
            ):
                bad("letter_date", "Письмо не может быть датировано позже, чем получено.")
    if data.kind in NEEDS_CONSENT and not data.consent:
        bad(
            "consent",
            "Для сообщения нужно согласие заявителя на обработку персональных данных "
            "(152-ФЗ): отметьте, что оно получено.",
        )
    _check_files(data.files, bad)
    return errors


def _check_files(files: list[FileIn], bad) -> None:
    if len(files) > MAX_FILES:
        bad("files", f"Можно приложить не больше {MAX_FILES} файлов.")
        return
    one, total = settings.OTKLIK_ATTACHMENT_MAX_BYTES, settings.OTKLIK_MESSAGE_ATTACHMENTS_MAX_BYTES
    for f in files:
        if not f.content:
            bad("files", f"Файл «{f.name}» пустой.")
        elif len(f.content) > one:
            bad("files", f"Файл «{f.name}» больше {_size_mb(one)}.")
        elif _file_type(f.content) is None:
            bad("files", f"Файл «{f.name}»: подходят скан в PDF, JPEG или PNG.")
    if sum(len(f.content) for f in files) > total:
        bad("files", f"Файлы вместе больше {_size_mb(total)}.")


def external_id_of(data: AppealInput) -> str:
    """The registration number the operator reads out: «ТЛФ-20261208-1A2B3C4D5E» (the same
    for a form sent twice)."""
    return (
        f"{PREFIX[data.channel]}-{timezone.localdate():%Y%m%d}-{data.submission.hex[:10].upper()}"
    )


def _store_file(data: AppealInput, f: FileIn) -> dict:
    sha = hashlib.sha256(f.content).hexdigest()
    content_type, ext = _file_type(f.content)
    path = f"attachments/desk/{data.submission}/{sha[:20]}{ext}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(f.content))
    return {
        "path": path,
        "name": (f.name or f"скан{ext}")[:255],
        "content_type": content_type,
        "size": len(f.content),
        "sha256": sha,
    }


def _body(
    data: AppealInput, *, actor, organization: Organization | None, files: list[dict]
) -> dict:
    consent = data.kind in NEEDS_CONSENT and data.consent
    return {
        "form": "desk",
        "channel": data.channel,
        "kind": data.kind,
        "received_at": data.received_at.isoformat(),
        "text": data.text.strip(),
        "address": data.address.strip(),
        "municipality": data.municipality.okato if data.municipality else "",
        "organization": organization.code if organization else "",
        "author": {
            "name": data.name.strip(),
            "phone": data.phone.strip(),
            "email": data.email.strip(),
            "postal_address": data.postal_address.strip(),
            "legal_name": data.legal_name.strip() if data.legal_entity else "",
            "inn": digits(data.inn) if data.legal_entity else "",
            "ogrn": digits(data.ogrn) if data.legal_entity else "",
            "consent": consent,
            "consent_version": consent_text().version if consent else "",
        },
        "files": files,
        "desk": {
            "registered_by": actor.username,
            "registered_at": timezone.now().isoformat(),
            "submission": str(data.submission),
            "incoming_number": data.incoming_number.strip(),
            "letter_date": data.letter_date.isoformat() if data.letter_date else "",
            "organization": organization.code if organization else "",
        },
    }


def _addressee(actor, organization: Organization | None) -> Organization | None:
    """The organisation the appeal is addressed to: an organisation's operator registers only
    for its own."""
    if scope_for(actor, Action.APPEAL_REGISTER) is Scope.OWN:
        own = actor.organization
        if organization is not None and organization.pk != own.pk:
            raise ApplicationError(
                "Оператор организации регистрирует обращения только в свою организацию."
            )
        return own
    return organization


def appeal_register(
    *, actor, data: AppealInput, organization: Organization | None = None
) -> Registered:
    """Register a call or a letter: checked (``ApplicationError`` with ``extra["errors"]`` and
    nothing stored), kept as a delivery, then made a message that follows the usual path. A
    form sent twice returns what the first one registered."""
    access_check(actor, Action.APPEAL_REGISTER)
    organization = _addressee(actor, organization)
    errors = appeal_check(data)
    if errors:
        raise ApplicationError(
            "Обращение не зарегистрировано: исправьте ошибки.", extra={"errors": errors}
        )
    external_id = external_id_of(data)
    existing = (
        Message.objects.filter(channel__code=data.channel, external_id=external_id)
        .select_related("case")
        .first()
    )
    if existing is not None:
        return Registered("duplicate", existing, None)
    files = [_store_file(data, f) for f in data.files]
    raw = _body(data, actor=actor, organization=organization, files=files)
    body = json.dumps(raw, ensure_ascii=False)
    result = channel_receive(
        channel_code=data.channel,
        external_id=external_id,
        body=body,
        convert=lambda: converter.convert(body),
        raw=raw,
        sent_at=data.received_at,
        stored_checked=True,
    )
    delivery = Delivery.objects.get(pk=result.delivery_id) if result.delivery_id else None
    if result.status == "rejected":
        with transaction.atomic():
            audit_log(
                actor=actor,
                action="desk.quarantine",
                target=delivery,
                data={"channel": data.channel, "external_id": external_id},
            )
        return Registered("rejected", None, result.delivery_id, result.errors)
    message = Message.objects.select_related("author", "case").get(pk=result.message_id)
    with transaction.atomic():
        for f in files:
            Attachment.objects.filter(message=message, sha256=f["sha256"], file="").update(
                file=f["path"]
            )
        if raw["author"]["consent"] and message.author is not None:
            # an existing contact gets the consent given now (a new one got it when made)
            contact_consent_give(
                contact=message.author,
                version=raw["author"]["consent_version"],
                channel=data.channel,
            )
        audit_log(
            actor=actor,
            action="desk.register",
            target=message,
            data={
                "channel": data.channel,
                "kind": data.kind,
                "organization": organization.code if organization else "",
                "legal_entity": data.legal_entity,
                "files": len(files),
            },
        )
    return Registered(result.status, message, result.delivery_id)
