"""The only code that writes the registry of documents: numbers, registration, signatures.

A document is registered once, in the transaction that approves it (``on_approved``, the
listener of ``approvals.registry``) or that receives or sends it (``document_register``, for
the apps that register letters); the number comes from the counter row locked in that same
transaction, so a rolled-back approval leaves no gap and two approvals at once never share a
number. The PDF is drawn once and kept: the same bytes forever, never drawn again."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from otklik.accounts.identity import Confirmation
from otklik.audit.services import audit_log
from otklik.core.gost import streebog256
from otklik.core.printing import Printed, to_pdf
from otklik.core.roles import Role
from otklik.documents.choices import Direction, SignatureKind
from otklik.documents.models import (
    DocumentCounter,
    RegisteredAttachment,
    RegisteredDocument,
    Signature,
)
from otklik.documents.registry import number_format, renderer_get

SIMPLE_SIGNATURE_BASIS = "Федеральный закон от 06.04.2011 № 63-ФЗ «Об электронной подписи», ст. 9"


@dataclass(frozen=True)
class SimpleSigning:
    """An approver's decision confirmed at the moment of signing (a simple signature)."""

    user: Any
    role: str
    signed_at: dt.datetime
    confirmation: str  # a ``Confirmation``
    step_label: str = ""


@dataclass(frozen=True)
class AttachmentIn:
    name: str
    content: bytes
    content_type: str = "application/octet-stream"


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the registry numbers only inside the transaction that registers")


# --------------------------------------------------------------------------- numbers
def number_take(*, kind: str, year: int) -> int:
    """The next serial of ``kind`` in ``year``, from its counter row locked until the
    transaction ends (created on first use; two first uses at once meet on the unique key)."""
    _require_transaction()
    counter = DocumentCounter.objects.select_for_update().filter(kind=kind, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():  # a savepoint: losing the race keeps the transaction
                DocumentCounter.objects.create(kind=kind, year=year, last=0)
        except IntegrityError:
            pass
        counter = DocumentCounter.objects.select_for_update().get(kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


# --------------------------------------------------------------------------- the stamps
def _name(user: Any) -> str:
    return (user.fio or user.username) if user is not None else ""


def _role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y %H:%M:%S}"


def signature_stamp(
    *, signer_name: str, role: str, signed_at: dt.datetime, confirmation: str, digest: str
) -> list[str]:
    """The mark of a simple electronic signature on the document, as Russian offices print
    it: who, in what capacity, when, how the identity was confirmed, and the hash signed."""
    method = Confirmation(confirmation).label if confirmation in Confirmation.values else "—"
    return [
        "ДОКУМЕНТ ПОДПИСАН ПРОСТОЙ ЭЛЕКТРОННОЙ ПОДПИСЬЮ",
        f"Подписант: {signer_name}",
        f"Должность (роль): {_role_label(role)}",
        f"Дата и время подписания: {_local(signed_at)}",
        f"Способ подтверждения: {method}",
        f"Хеш содержания (ГОСТ Р 34.11-2012, 256 бит): {digest}",
        f"Основание: {SIMPLE_SIGNATURE_BASIS}",
    ]


def content_hash(printed: Printed) -> str:
    """What a signer confirms: the document's words (title, text, tables, approval sheet)
    before the number and the stamps are added, hashed with Streebog-256."""
    return streebog256(printed.plain_text().encode("utf-8"))


# --------------------------------------------------------------------------- registration
@transaction.atomic
def document_register(
    *,
    actor: Any,
    kind: str,
    title: str,
    printed: Printed,
    sector: Any = None,
    author: Any = None,
    approval: Any = None,
    target_kind: str = "",
    target_id: str | int = "",
    series: str = "",
    version: int = 1,
    direction: str = Direction.INTERNAL,
    signings: Sequence[SimpleSigning] = (),
    attachments: Sequence[AttachmentIn] = (),
    at: dt.datetime | None = None,
) -> RegisteredDocument:
    """Register a document: the next number of its kind in the year, the frozen PDF (the
    ``printed`` description with the number and date and a stamp per signing), its hashes, the
    attachments and the simple signatures; audited as ``document.register``.

    Called by services that already checked the actor's right (the approval route, the
    correspondence); it runs inside their transaction, so their rollback takes the number back."""
    at = at or timezone.now()
    year = timezone.localtime(at).year
    digest = content_hash(printed)
    serial = number_take(kind=kind, year=year)
    number = number_format(kind, year, serial)
    printed.registration = [f"Рег. № {number}", f"от {timezone.localtime(at):%d.%m.%Y}"]
    printed.created = at
    names = [_name(s.user) for s in signings]
    if signings:
        printed.blocks.append(("heading", "Отметки об электронной подписи"))
    for s, name in zip(signings, names, strict=True):
        printed.blocks.append(
            (
                "frame",
                signature_stamp(
                    signer_name=name,
                    role=s.role,
                    signed_at=s.signed_at,
                    confirmation=s.confirmation,
                    digest=digest,
                ),
            )
        )
    if attachments:
        printed.blocks.append(
            ("text", "Приложения: " + "; ".join(a.name for a in attachments) + ".")
        )
    pdf = to_pdf(printed)
    document = RegisteredDocument.objects.create(
        kind=kind,
        year=year,
        serial=serial,
        number=number,
        registered_at=at,
        title=title[:512],
        sector=sector,
        author=author if getattr(author, "pk", None) else None,
        registered_by=actor if getattr(actor, "pk", None) else None,
        approval=approval,
        target_kind=target_kind,
        target_id=str(target_id),
        series=series,
        version=version,
        direction=direction,
        pdf=pdf,
        size=len(pdf),
        streebog256=streebog256(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        content_streebog256=digest,
        text=f"{number}\n{title}\n{printed.plain_text()}".casefold(),
    )
    stored = []
    for a in attachments:
        stored.append(
            RegisteredAttachment.objects.create(
                document=document,
                name=a.name,
                content_type=a.content_type,
                content=a.content,
                size=len(a.content),
                streebog256=streebog256(a.content),
                sha256=hashlib.sha256(a.content).hexdigest(),
            )
        )
    for s, name in zip(signings, names, strict=True):
        Signature.objects.create(
            document=document,
            kind=SignatureKind.SIMPLE,
            signer=s.user,
            signer_name=name,
            role=s.role,
            step_label=s.step_label,
            signed_at=s.signed_at,
            confirmation=s.confirmation,
            document_streebog256=digest,
        )
    audit_log(
        actor=actor,
        action="document.register",
        target=document,
        data={
            "number": number,
            "kind": kind,
            "streebog256": document.streebog256,
            "sha256": document.sha256,
            "size": document.size,
            "attachments": [{"name": a.name, "streebog256": a.streebog256} for a in stored],
            "signatures": len(signings),
        },
    )
    return document


def on_approved(approval: Any, actor: Any, event: Any) -> RegisteredDocument | None:
    """The approvals listener: an approved document of a kind with a renderer is registered
    in the transaction of its approval, signed by its approver."""
    renderer = renderer_get(approval.kind)
    if renderer is None:
        return None
    printed = renderer.render(approval)
    signings = []
    if getattr(event, "actor_id", None) and event.confirmation:
        signings.append(
            SimpleSigning(
                user=event.actor,
                role=event.role,
                signed_at=event.at,
                confirmation=event.confirmation,
                step_label=event.step_label,
            )
        )
    return document_register(
        actor=actor,
        kind=approval.kind,
        title=approval.title,
        printed=printed,
        sector=approval.sector,
        author=approval.author,
        approval=approval,
        target_kind=approval.kind,
        target_id=approval.target_id,
        series=renderer.series(approval) if renderer.series else "",
        version=approval.version,
        signings=signings,
        at=event.at,
    )
