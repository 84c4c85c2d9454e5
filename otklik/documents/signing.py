"""The qualified electronic signature of a registered document (63-ФЗ: УКЭП).

A signer of the document (an approver who signed it with a simple signature; for a letter
registered without the route, its author) signs the frozen PDF outside Otklik — with
КриптоПро's cryptcp or OpenSSL with the GOST engine — and uploads the detached CMS signature.
Otklik checks it for real (``core.cms``: the signature over the stored bytes, the chain to the
certification centres of ``OTKLIK_TRUSTED_CA_DIR``, the certificate's validity at the moment of
signing, which may not precede the registration) and that the certificate is the user's own
(СНИЛС, else the name). A refused signature changes nothing and says why; an accepted one is
stored beside the document with what the check read from the certificate, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.cms import cms_verify, signer_matches, trusted_certificates
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.documents.choices import SignatureCheck, SignatureKind
from otklik.documents.models import RegisteredDocument, Signature

MAX_SIGNATURE_BYTES = 1024 * 1024  # a CMS signature with its certificates is a few KB
# The signer's clock may run behind the server's: a signing time up to this much before the
# registration is taken as made after it (more would let an expired certificate backdate).
CLOCK_SKEW = dt.timedelta(minutes=2)


def may_sign_qualified(user: Any, document: RegisteredDocument) -> bool:
    """Whether ``user`` may add a qualified signature: a signer of the document, or the
    author of a document registered without the approval route."""
    if not getattr(user, "pk", None):
        return False
    simple = document.signatures.filter(kind=SignatureKind.SIMPLE, signer_id=user.pk).exists()
    return simple or (document.approval_id is None and document.author_id == user.pk)


@transaction.atomic
def signature_qualified_add(
    *, actor: Any, document: RegisteredDocument, signature: bytes
) -> Signature:
    """Check ``signature`` (a detached CMS signature, DER or base64) of the document's frozen
    PDF and, when it holds and is the actor's own, store it as a qualified signature."""
    if not may_sign_qualified(actor, document):
        raise AccessDenied(
            "Квалифицированную подпись добавляет тот, кто подписал документ при утверждении."
        )
    if not signature:
        raise ApplicationError("Файл подписи пустой.")
    if len(signature) > MAX_SIGNATURE_BYTES:
        raise ApplicationError("Файл подписи больше 1 МБ: это не открепленная подпись CMS.")
    document = RegisteredDocument.objects.select_for_update().get(pk=document.pk)
    check = cms_verify(
        content=bytes(document.pdf),
        signature=signature,
        trusted=trusted_certificates(),
        signed_not_before=document.registered_at - CLOCK_SKEW,
    )
    if not check.ok:
        raise ApplicationError(f"Подпись не принята: {check.message}")
    cert = check.signer
    same, why = signer_matches(
        cert, full_name=(actor.fio or actor.username), snils=getattr(actor, "snils", "")
    )
    if not same:
        raise ApplicationError(f"Подпись не принята: {why}")
    if document.signatures.filter(
        kind=SignatureKind.QUALIFIED, certificate_serial=cert.serial, signer_id=actor.pk
    ).exists():
        raise ApplicationError("Эта подпись (этим сертификатом) уже добавлена к документу.")
    now = timezone.now()
    stored = Signature.objects.create(
        document=document,
        kind=SignatureKind.QUALIFIED,
        signer=actor,
        signer_name=(actor.fio or actor.username),
        role=getattr(actor, "role", "") or "",
        signed_at=check.signing_time or now,
        document_streebog256=document.streebog256,
        cms=signature,
        certificate_subject=cert.full_name or cert.common_name,
        certificate_serial=cert.serial,
        certificate_issuer=cert.issuer_cn,
        certificate_valid_from=cert.not_before,
        certificate_valid_to=cert.not_after,
        check_result=SignatureCheck.VALID,
        check_reason=check.message,
        checked_at=now,
    )
    audit_log(
        actor=actor,
        action="document.sign_qualified",
        target=document,
        data={
            "number": document.number,
            "streebog256": document.streebog256,
            "certificate_serial": cert.serial,
            "certificate_sha256": cert.sha256,
            "issuer": cert.issuer_cn,
        },
    )
    return stored
