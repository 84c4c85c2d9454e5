"""The qualified signature of a registered document: the approver signs the frozen PDF with a
ГОСТ Р 34.10-2012 key outside Otklik (here: OpenSSL with the GOST engine) and uploads the
detached signature; Otklik checks it for real and keeps it, or refuses with its own reason and
changes nothing — a signature of other bytes, an expired certificate, a certificate of a
centre the ЦУР did not configure, a certificate of another person, and a user who did not sign
the document."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from otklik.audit.models import AuditEvent
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.tests.gost_pki import GOST_SKIP, IVANOV_SNILS, sign_detached
from otklik.documents.models import RegisteredDocument, Signature
from otklik.documents.signing import may_sign_qualified, signature_qualified_add
from otklik.documents.tests.conftest import letter

pytestmark = [pytest.mark.django_db, GOST_SKIP]


@pytest.fixture
def signed(route, personas, gost_pki, tmp_path, settings):
    """A letter approved by the curator (Иванов Иван Петрович, СНИЛС of the test certificate),
    the test centre configured as trusted."""
    (tmp_path / "uc.pem").write_bytes(gost_pki.ca.pem)
    settings.OTKLIK_TRUSTED_CA_DIR = str(tmp_path)
    curator = personas["curator"]
    curator.snils = IVANOV_SNILS
    curator.save()
    letter(personas)
    return RegisteredDocument.objects.get()


def _qualified():
    return Signature.objects.filter(kind="qualified")


def test_a_valid_signature_of_the_pdf_is_kept_with_its_certificate(signed, personas, gost_pki):
    pdf = bytes(signed.pdf)
    s = signature_qualified_add(
        actor=personas["curator"], document=signed, signature=sign_detached(gost_pki.ivanov, pdf)
    )
    s.refresh_from_db()
    assert (s.kind, s.signer, s.check_result, s.document_streebog256) == (
        "qualified",
        personas["curator"],
        "valid",
        signed.streebog256,
    )
    assert s.certificate_subject == "Иванов Иван Петрович"
    assert s.certificate_issuer == "Тестовый УЦ ЦУР"
    assert s.certificate_valid_from < s.signed_at < s.certificate_valid_to
    entry = AuditEvent.objects.get(action="document.sign_qualified")
    assert entry.data["streebog256"] == signed.streebog256
    # the PEM armour (as cryptcp may save it) is accepted too, once per certificate
    with pytest.raises(ApplicationError, match="уже добавлена"):
        signature_qualified_add(
            actor=personas["curator"],
            document=signed,
            signature=sign_detached(gost_pki.ivanov, pdf, pem=True),
        )


@pytest.mark.parametrize(
    ("who", "content", "reason"),
    [
        ("ivanov", b"%PDF-1.4 other bytes", "не для этого документа"),
        ("expired", None, "Срок действия сертификата истёк"),
        ("foreign", None, "нет в списке доверенных"),
        ("petrov", None, "сертификат выдан другому лицу"),
    ],
)
def test_each_bad_signature_is_refused_with_its_reason(
    signed, personas, gost_pki, who, content, reason
):
    signature = sign_detached(getattr(gost_pki, who), content or bytes(signed.pdf))
    with pytest.raises(ApplicationError) as refused:
        signature_qualified_add(actor=personas["curator"], document=signed, signature=signature)
    assert reason in refused.value.message
    assert refused.value.message.startswith("Подпись не принята: ")
    assert not _qualified().exists()
    assert not AuditEvent.objects.filter(action="document.sign_qualified").exists()


def test_only_a_signer_of_the_document_adds_a_qualified_signature(signed, personas, gost_pki):
    head = personas["head"]  # agreed (a visa), did not sign
    assert not may_sign_qualified(head, signed)
    assert may_sign_qualified(personas["curator"], signed)
    with pytest.raises(AccessDenied):
        signature_qualified_add(
            actor=head, document=signed, signature=sign_detached(gost_pki.ivanov, bytes(signed.pdf))
        )
    assert not _qualified().exists()


def test_the_page_takes_the_signature_file_and_gives_it_back(signed, personas, gost_pki, client):
    client.force_login(personas["curator"])
    card = reverse("documents:detail", args=[signed.pk])
    assert 'data-testid="sign-form"' in client.get(card).content.decode()
    bad = SimpleUploadedFile("doc.sig", sign_detached(gost_pki.foreign, bytes(signed.pdf)))
    r = client.post(reverse("documents:sign", args=[signed.pk]), {"signature": bad})
    said = [m.message for m in get_messages(r.wsgi_request)]
    assert said and "нет в списке доверенных" in said[-1]
    assert not _qualified().exists()
    good = sign_detached(gost_pki.ivanov, bytes(signed.pdf))
    r = client.post(
        reverse("documents:sign", args=[signed.pk]),
        {"signature": SimpleUploadedFile("d.sig", good)},
    )
    said = [m.message for m in get_messages(r.wsgi_request)]
    assert said[-1] == "Квалифицированная подпись проверена и добавлена к документу."
    s = _qualified().get()
    page = client.get(card).content.decode()
    assert "подпись верна" in page
    r = client.get(reverse("documents:signature", args=[signed.pk, s.pk]))
    assert b"".join(r.streaming_content if r.streaming else [r.content]) == good
    # the head sees the card, not the form
    client.force_login(personas["head"])
    assert 'data-testid="sign-form"' not in client.get(card).content.decode()


def test_the_api_checks_the_signature_and_answers_with_the_reason(signed, personas, gost_pki):
    api = APIClient()
    api.force_authenticate(personas["curator"])
    url = f"/api/v1/documents/{signed.pk}/signatures"
    other = sign_detached(gost_pki.ivanov, b"%PDF other")
    r = api.post(url, {"signature": SimpleUploadedFile("x.sig", other)}, format="multipart")
    assert r.status_code == 400
    assert "не для этого документа" in r.json()["detail"]
    good = sign_detached(gost_pki.ivanov, bytes(signed.pdf))
    r = api.post(url, {"signature": SimpleUploadedFile("x.sig", good)}, format="multipart")
    assert r.status_code == 201, r.content
    assert (r.json()["kind"], r.json()["check_result"]) == ("qualified", "valid")
    detail = api.get(f"/api/v1/documents/{signed.pk}").json()
    assert sorted(s["kind"] for s in detail["signatures"]) == ["qualified", "simple"]
