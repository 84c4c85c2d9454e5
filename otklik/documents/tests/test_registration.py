"""An approved document is registered in the transaction of its approval: the next number of
its kind, the frozen PDF (number, date, text, tables, the stamp of the approver's simple
signature) whose Streebog-256 is kept, the signature row, the audit entry with both hashes.
Approving signs: without the approver's password (and code, when the approver has a device)
nothing is approved and nothing registered."""

from __future__ import annotations

import hashlib
import subprocess
import time

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from otklik.accounts.identity import Confirmation, identity_confirm
from otklik.approvals.choices import ApprovalState
from otklik.approvals.models import Approval
from otklik.approvals.services import approval_decide
from otklik.audit.models import AuditEvent
from otklik.core import gost
from otklik.core.exceptions import ApplicationError
from otklik.core.printing import Printed, Table, to_pdf
from otklik.documents.models import RegisteredDocument, Signature
from otklik.documents.tests.conftest import letter, pdf_text

pytestmark = pytest.mark.django_db


def test_an_approved_letter_is_registered_with_its_frozen_pdf_and_signature(route, personas):
    approval = letter(personas)
    d = RegisteredDocument.objects.get()
    year = d.registered_at.year
    curator = personas["curator"]
    assert (d.number, d.kind, d.serial, d.approval_id, d.sector.code, d.author) == (
        f"ТП-{year}/1",
        "test_letter",
        1,
        approval.pk,
        "zhkh",
        personas["sector_lead"],
    )
    pdf = bytes(d.pdf)
    assert pdf.startswith(b"%PDF")
    assert (d.size, d.sha256) == (len(pdf), hashlib.sha256(pdf).hexdigest())
    assert d.streebog256 == gost.streebog256(pdf)
    text = pdf_text(pdf)
    assert f"Рег. № ТП-{year}/1" in text
    assert "ДОКУМЕНТ ПОДПИСАН ПРОСТОЙ ЭЛЕКТРОННОЙ ПОДПИСЬЮ" in text
    assert f"Подписант: {curator.last_name} {curator.first_name}" in text
    assert "Способ подтверждения: пароль" in text
    assert "Промывка сетей" in text
    assert d.content_streebog256 in text.replace(" ", "")
    s = Signature.objects.get()
    assert (s.document, s.kind, s.signer, s.role, s.confirmation, s.step_label) == (
        d,
        "simple",
        curator,
        "curator",
        "password",
        "Утверждение куратором",
    )
    assert s.document_streebog256 == d.content_streebog256
    assert (s.cms, s.check_result, s.certificate_serial) == (None, "", "")
    event = AuditEvent.objects.get(action="document.register")
    assert (event.target_id, event.data["number"], event.data["streebog256"]) == (
        str(d.pk),
        d.number,
        d.streebog256,
    )
    assert event.data["sha256"] == d.sha256
    # the approval sheet keeps how the approver confirmed
    assert approval.events.get(decision="approve").confirmation == "password"


@pytest.mark.skipif(not gost.gost_engine_available(), reason="no OpenSSL GOST engine here")
def test_openssl_gets_the_same_streebog_of_the_stored_pdf(route, personas, tmp_path):
    letter(personas)
    d = RegisteredDocument.objects.get()
    path = tmp_path / d.file_name
    path.write_bytes(bytes(d.pdf))
    out = subprocess.run(
        [gost.OPENSSL, "dgst", "-engine", "gost", "-md_gost12_256", "-r", str(path)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert out.split()[0] == d.streebog256


def test_numbers_follow_approvals_and_a_rolled_back_approval_gives_its_number_back(route, personas):
    letter(personas, target=1)
    waiting = letter(personas, target=2, approve=False)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        approval_decide(
            actor=personas["curator"], approval=waiting, decision="approve", confirmation="password"
        )
        raise ZeroDivisionError  # the transaction fails after the number was taken
    waiting.refresh_from_db()
    assert waiting.state == ApprovalState.IN_ROUTE
    assert RegisteredDocument.objects.count() == 1
    letter(personas, target=3)
    approval_decide(
        actor=personas["curator"], approval=waiting, decision="approve", confirmation="password"
    )
    assert list(
        RegisteredDocument.objects.order_by("serial").values_list("serial", "target_id")
    ) == [
        (1, "1"),
        (2, "3"),
        (3, "2"),
    ]


def test_the_pdf_of_one_description_is_the_same_bytes_every_time():
    import datetime as dt

    doc = Printed(
        title="ПАСПОРТ",
        registration=["Рег. № ПП-2026/1", "от 08.12.2026"],
        blocks=[("table", Table(["а", "б"], [["1", "2"]], [50, 50])), ("frame", ["X", "Y"])],
        created=dt.datetime(2026, 12, 8, 10, tzinfo=dt.UTC),
    )
    first = to_pdf(doc)
    time.sleep(1.1)
    assert to_pdf(doc) == first


# --------------------------------------------------------------------------- signing
def _token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def _device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_identity_confirmation_names_the_method_or_refuses(personas):
    curator = personas["curator"]
    assert identity_confirm(user=curator, password=PASSWORD) == Confirmation.PASSWORD
    for password, reason in (
        ("", "Для подписи введите свой пароль."),
        ("wrong", "Пароль не подходит: документ не подписан."),
    ):
        with pytest.raises(ApplicationError) as e:
            identity_confirm(user=curator, password=password)
        assert e.value.message == reason
    device = _device(curator)
    with pytest.raises(ApplicationError) as e:
        identity_confirm(user=curator, password=PASSWORD)
    assert e.value.message == "Для подписи введите одноразовый код из приложения."
    with pytest.raises(ApplicationError) as e:
        identity_confirm(user=curator, password=PASSWORD, otp_token="000000x")
    assert e.value.message == "Одноразовый код не подходит: документ не подписан."
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait after a wrong code
    assert (
        identity_confirm(user=curator, password=PASSWORD, otp_token=_token(device))
        == Confirmation.PASSWORD_OTP
    )


def test_the_service_refuses_an_approval_without_a_confirmation(route, personas):
    waiting = letter(personas, approve=False)
    with pytest.raises(ApplicationError) as e:
        approval_decide(actor=personas["curator"], approval=waiting, decision="approve")
    assert e.value.message.startswith("Утверждение подписывается простой электронной подписью")
    waiting.refresh_from_db()
    assert (waiting.state, RegisteredDocument.objects.count()) == (ApprovalState.IN_ROUTE, 0)


def _post_approve(client, approval: Approval, **body) -> str:
    """The message the page shows after the verb."""
    r = client.post(reverse("approvals:verb", args=[approval.pk, "approve"]), body)
    return [m.message for m in get_messages(r.wsgi_request)][-1]


def test_the_page_approves_only_with_the_password_and_the_code(route, personas, client):
    curator = personas["curator"]
    waiting = letter(personas, approve=False)
    client.force_login(curator)
    for body, reason in (
        ({}, "Для подписи введите свой пароль."),
        ({"password": "wrong"}, "Пароль не подходит: документ не подписан."),
    ):
        assert _post_approve(client, waiting, **body) == reason
        waiting.refresh_from_db()
        assert (waiting.state, RegisteredDocument.objects.count()) == ("in_route", 0)
    device = _device(curator)
    session = client.session  # the login passed the second factor
    session["otp_device_id"] = device.persistent_id
    session.save()
    said = _post_approve(client, waiting, password=PASSWORD)
    assert said == "Для подписи введите одноразовый код из приложения."
    waiting.refresh_from_db()
    assert waiting.state == "in_route"
    said = _post_approve(client, waiting, password=PASSWORD, otp_token=_token(device))
    assert said == "Документ утверждён."
    waiting.refresh_from_db()
    assert waiting.state == "approved"
    assert Signature.objects.get().confirmation == "password_otp"
    assert "пароль и одноразовый код" in pdf_text(bytes(RegisteredDocument.objects.get().pdf))


def test_the_api_approves_only_with_the_password(route, personas):
    from rest_framework.test import APIClient

    waiting = letter(personas, approve=False)
    api = APIClient()
    api.force_authenticate(personas["curator"])
    url = f"/api/v1/approvals/{waiting.pk}/approve"
    r = api.post(url, {"password": "wrong"}, format="json")
    assert (r.status_code, r.json()["detail"]) == (400, "Пароль не подходит: документ не подписан.")
    assert RegisteredDocument.objects.count() == 0
    r = api.post(url, {"password": PASSWORD}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["sheet"][-1]["confirmation"] == "password"
    assert RegisteredDocument.objects.count() == 1
