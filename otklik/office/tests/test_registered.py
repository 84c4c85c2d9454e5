"""An approved passport is registered in the registry of documents through the services: the
number «ПП-<year>/1», the frozen PDF with the number, the passport's text and tables, the
approval sheet and the curator's signature stamp; its Streebog-256 as OpenSSL computes it; the
next version of the same project is the next number and lists the first as its other version."""

from __future__ import annotations

import subprocess

import pytest

from otklik.approvals.choices import Decision
from otklik.approvals.services import approval_decide, approval_submit
from otklik.core import gost
from otklik.documents.models import RegisteredDocument
from otklik.documents.selectors import document_versions
from otklik.office import services
from otklik.office.tests.test_printing import _pdf_text
from otklik.office.tests.test_projects import PASSPORT, _approved_project, office  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_approved_passport_is_registered_with_its_frozen_pdf(office, tmp_path):  # noqa: F811
    project = _approved_project(office)
    d = RegisteredDocument.objects.get()
    year = d.registered_at.year
    version = project.versions.get()
    assert (d.number, d.kind, d.target_id, d.series, d.sector.code) == (
        f"ПП-{year}/1",
        "passport",
        str(version.pk),
        f"project:{project.pk}",
        "zhkh",
    )
    pdf = bytes(d.pdf)
    assert pdf.startswith(b"%PDF") and d.streebog256 == gost.streebog256(pdf)
    text = _pdf_text(pdf)
    for words in (
        f"Рег. № ПП-{year}/1",
        "ПАСПОРТ ПРОЕКТА «Тёплый дом»",
        "УТВЕРЖДАЮ",
        "Договор подряда заключён",
        "Лист согласования",
        "ДОКУМЕНТ ПОДПИСАН ПРОСТОЙ ЭЛЕКТРОННОЙ ПОДПИСЬЮ",
        "Способ подтверждения: пароль",
    ):
        assert words in text, words
    if gost.gost_engine_available():
        path = tmp_path / "p.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(
            [gost.OPENSSL, "dgst", "-engine", "gost", "-md_gost12_256", "-r", str(path)],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        assert out.split()[0] == d.streebog256

    # version 2 of the same passport: the next number, the first is its other version
    lead, head, curator = office["sector_lead"], office["head"], office["curator"]
    v2 = services.passport_change_request(
        actor=lead,
        project=project,
        reason="Сдвиг сроков",
        texts={**PASSPORT, "goal": "Горячая вода без перерывов дольше 12 часов"},
    )
    approval = approval_submit(actor=lead, approval=services.passport_approval(v2))
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    approval_decide(
        actor=curator, approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    second = RegisteredDocument.objects.get(version=2)
    assert second.number == f"ПП-{year}/2"
    assert [v.number for v in document_versions(user=curator, document=second)] == [d.number]
    assert bytes(RegisteredDocument.objects.get(pk=d.pk).pdf) == pdf  # never drawn again
