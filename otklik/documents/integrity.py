"""The registry of documents in the audit chain's verification.

Each registration writes ``document.register`` with the document's number, size and hashes in
the same transaction, and the audit chain seals that entry; so the registry is as
tamper-evident as the journal if every registered document still matches its sealed entry.
This check (registered with ``audit.chain.verify_checks_register``) compares, for the entries
of the verified range, the stored PDF (its SHA-256 recomputed from the bytes, the stored hashes,
the number and the size) with the entry, and names registered documents that no entry
registered at all (rows put into the table past the platform)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from otklik.audit.chain import Finding
from otklik.audit.models import AuditEvent
from otklik.documents.models import RegisteredDocument

REGISTER = "document.register"
TARGET = "documents.registereddocument"


def _finding(kind: str, label: str, message: str, entry=None) -> Finding:
    return Finding(
        kind,
        message,
        seq=getattr(entry, "seq", None),
        event_id=getattr(entry, "pk", None),
        at=getattr(entry, "created_at", None),
        action=REGISTER,
        label=label,
    )


def _mismatch(document: RegisteredDocument, data: dict) -> str:
    pdf = bytes(document.pdf)
    if hashlib.sha256(pdf).hexdigest() != data.get("sha256"):
        return "байты PDF не совпадают с хешем, записанным при регистрации"
    for field in ("number", "sha256", "streebog256", "size"):
        if field in data and getattr(document, field) != data[field]:
            return f"поле «{RegisteredDocument._meta.get_field(field).verbose_name}» изменено"
    return ""


def documents_check(*, from_seq: int, to_seq: int) -> Iterator[Finding]:
    entries = AuditEvent.objects.filter(
        action=REGISTER, target_type=TARGET, seq__gte=from_seq, seq__lte=to_seq
    ).only("pk", "seq", "created_at", "target_id", "data")
    for entry in entries.iterator(chunk_size=200):
        document = RegisteredDocument.objects.filter(pk=entry.target_id).first()
        if document is None:
            yield _finding(
                "document_deleted",
                "зарегистрированный документ удалён",
                f"Документ № {entry.data.get('number', '?')} из записи журнала отсутствует.",
                entry,
            )
            continue
        why = _mismatch(document, entry.data)
        if why:
            yield _finding(
                "document_changed",
                "зарегистрированный документ изменён",
                f"Документ № {document.number}: {why}.",
                entry,
            )
    registered = set(
        AuditEvent.objects.filter(action=REGISTER, target_type=TARGET).values_list(
            "target_id", flat=True
        )
    )
    for pk, number in RegisteredDocument.objects.values_list("pk", "number").order_by("pk"):
        if str(pk) not in registered:
            yield _finding(
                "document_unregistered",
                "документ без записи о регистрации",
                f"Документ № {number} есть в журнале документов, но не регистрировался "
                "платформой (нет записи «Документ зарегистрирован»).",
            )
