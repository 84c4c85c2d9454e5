"""The printed forms: the same facts in the PDF (read back with poppler's pdftotext) and in the
DOCX (read back with python-docx), the approval stamp only on an approved version."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.urls import reverse

from otklik.office.tests.test_projects import _approved_project, office  # noqa: F401


def _pdf_text(content: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def _docx_text(content: bytes) -> str:
    from docx import Document

    d = Document(io.BytesIO(content))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return " ".join(" ".join(parts).split())


@pytest.fixture
def printed(office, client):  # noqa: F811
    project = _approved_project(office)
    version = project.versions.get()
    client.force_login(office["auditor"])  # reads everything, changes nothing
    return {
        fmt: client.get(reverse("office:passport_print", args=[version.pk, fmt]))
        for fmt in ("pdf", "docx")
    }


def test_the_approved_passport_in_both_forms(printed, office):  # noqa: F811
    assert printed["pdf"]["Content-Type"] == "application/pdf"
    assert printed["docx"]["Content-Disposition"].endswith('.docx"')
    texts = {"pdf": _pdf_text(printed["pdf"].content), "docx": _docx_text(printed["docx"].content)}
    head, curator = office["head"].get_full_name(), office["curator"].get_full_name()
    for fmt, text in texts.items():
        for expected in (
            "УТВЕРЖДАЮ",
            f"____________ {curator}",
            "ПАСПОРТ ПРОЕКТА «Тёплый дом»",
            "ЖКХ-01 · ЖКХ и благоустройство · версия 1",
            "Горячая вода без перерывов дольше суток",
            "Договор подряда заключён",
            "20.11.2026",
            "МУП «Водоканал»",
            "Лист согласования",
            "Согласовано",
            "Утверждено",
            head,
        ):
            assert expected in text, (fmt, expected)


def test_a_draft_is_printed_as_a_project_without_the_stamp(office, client):  # noqa: F811
    from otklik.office.services import project_create

    project = project_create(actor=office["sector_lead"], sector=office["zhkh"], name="Черновик")
    client.force_login(office["sector_lead"])
    response = client.get(reverse("office:passport_print", args=[project.versions.get().pk, "pdf"]))
    text = _pdf_text(response.content)
    assert text.startswith("ПРОЕКТ ПАСПОРТ ПРОЕКТА «Черновик»") and "УТВЕРЖДАЮ" not in text
    assert (
        client.get(
            reverse("office:passport_print", args=[project.versions.get().pk, "odt"])
        ).status_code
        == 404
    )
    client.force_login(office["org_operator"])
    assert (
        client.get(
            reverse("office:passport_print", args=[project.versions.get().pk, "pdf"])
        ).status_code
        == 403
    )
