"""The monthly report (PDF, rendered by pdftoppm, text read by pdftotext) and the package of
materials on request (ZIP)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from otklik.analytics import exports
from otklik.analytics.report import monthly_report
from otklik.analytics.selectors import Period, Slice, month
from otklik.analytics.services import methodology_seed, package_issue, rollups_refresh
from otklik.analytics.tests.conftest import D, at
from otklik.audit.models import AuditEvent
from otklik.cases.choices import AnswerStatus
from otklik.cases.models import Survey
from otklik.core.exceptions import AccessDenied
from otklik.directory.models import Organization

pytestmark = pytest.mark.django_db
NOVEMBER = month("2026-11")


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def pdf_pages_rendered(content: bytes, tmp_path: Path) -> list[Path]:
    """Render the PDF with pdftoppm (poppler): the page images it produced."""
    path = tmp_path / "render.pdf"
    path.write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    return sorted(p for p in tmp_path.glob("page*.png") if p.stat().st_size > 1000)


def test_the_monthly_report_renders_and_shows_the_month(personas, world, tmp_path):
    methodology_seed()
    content = monthly_report(user=personas["analyst"], period=NOVEMBER)
    assert content.startswith(b"%PDF")
    assert len(pdf_pages_rendered(content, tmp_path)) >= 1
    text = pdf_text(content, tmp_path)
    assert "за ноябрь 2026" in text
    assert "Период 01.11.2026 — 30.11.2026" in text
    assert "Поступило сообщений" in text and "4 (было 0)" in text
    assert "67 %" in text  # 2 of 3 answers on time
    assert "Городские округа" in text  # the ratings section


def test_an_empty_month_still_renders(personas, region, tmp_path):
    content = monthly_report(user=personas["curator"], period=month("2020-01"))
    text = pdf_text(content, tmp_path)
    assert "за январь 2020" in text and "За месяц сигналов не было." in text


def test_the_report_is_for_the_cur_roles(personas, world):
    with pytest.raises(AccessDenied, match="«Аналитика: ежемесячный отчёт"):
        monthly_report(user=personas["sector_lead"], period=NOVEMBER)


def test_the_report_command(personas, world, tmp_path):
    out = tmp_path / "r.pdf"
    call_command("analytics", "report", "--month", "2026-11", "--out", str(out), "--user", "head")
    assert out.read_bytes().startswith(b"%PDF")
    assert "за ноябрь 2026" in pdf_text(out.read_bytes(), tmp_path)


def test_the_report_pages(client, personas, world):
    client.force_login(personas["curator"])
    html = client.get(reverse("analytics:report"), {"month": "2026-11"}).content.decode()
    assert reverse("analytics:report_pdf") + "?month=2026-11" in html
    response = client.get(reverse("analytics:report_pdf"), {"month": "2026-11"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(personas["org_operator"])
    assert client.get(reverse("analytics:report")).status_code == 403
    assert client.get(reverse("analytics:report_pdf")).status_code == 403


def test_the_package(personas, world):
    methodology_seed()
    s = Slice(period=Period(D, D + dt.timedelta(days=10)))
    content = package_issue(actor=personas["analyst"], s=s, period=NOVEMBER, recipient="Минцифры")
    z = zipfile.ZipFile(io.BytesIO(content))
    keys = [k for k in exports.KEYS if k != "cases"]
    assert sorted(z.namelist()) == sorted(
        ["README.txt", "report-2026-11.pdf", *(f"tables/{k}.xlsx" for k in keys)]
    )
    assert z.read("report-2026-11.pdf").startswith(b"%PDF")
    ws = load_workbook(io.BytesIO(z.read("tables/processing-organizations.xlsx"))).active
    rows = list(ws.iter_rows(min_row=exports.HEADER_ROW + 1, values_only=True))
    volzhsky = Organization.objects.get(code="adm-18410")
    row = next(r for r in rows if r[0] == (volzhsky.short_name or volzhsky.name))
    assert row[1:9] == (2, 1, 1, 50, 5.7, 3, 2, 67)
    readme = z.read("README.txt").decode()
    assert "По запросу: Минцифры" in readme
    assert "Период 02.11.2026 — 12.11.2026" in readme
    assert "Методика рейтинга: версия " in readme
    assert "tables/processing-organizations.xlsx" in readme
    event = AuditEvent.objects.get(action="analytics.package")
    assert event.actor == personas["analyst"]
    assert event.data["recipient"] == "Минцифры" and event.data["month"] == "2026-11"


def test_the_package_is_refused_and_nothing_recorded(personas, world):
    s = Slice(period=NOVEMBER)
    with pytest.raises(AccessDenied, match="«Аналитика: ежемесячный отчёт"):
        package_issue(actor=personas["municipal_coordinator"], s=s, period=NOVEMBER)
    assert not AuditEvent.objects.filter(action="analytics.package").exists()


def test_the_package_page(client, personas, world):
    client.force_login(personas["head"])
    response = client.post(
        reverse("analytics:package"),
        {"from": D.isoformat(), "to": "2026-11-12", "month": "2026-11", "recipient": "ЦК"},
    )
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "README.txt" in names and "report-2026-11.pdf" in names
    client.force_login(personas["sector_lead"])
    assert client.post(reverse("analytics:package"), {"month": "2026-11"}).status_code == 403


def test_the_report_writes_decimals_with_a_comma_as_the_site_does(personas, world, tmp_path):
    # given a second survey answered in November: Волжский rated 5, Камышин 2 (world)
    a = world["a"]
    Survey.objects.create(
        case=a,
        answer=a.answers.get(status=AnswerStatus.APPROVED),
        token="t-a",
        responded_at=at(4),
        solved=True,
        rating=5,
    )
    rollups_refresh(full=True, now=at(12))
    methodology_seed()

    # when the monthly report is drawn
    text = pdf_text(monthly_report(user=personas["analyst"], period=NOVEMBER), tmp_path)

    # then the average rating is (5 + 2) / 2 = 3,5 overall, 5,0 and 2,0 by organisation, and
    # no number of the satisfaction or rating sections has a decimal point
    satisfaction = text.split("3. Удовлетворённость")[1].split("4. Конфликты")[0]
    ratings = text.split("5. Рейтинги")[1].split("6. Сигналы")[0]
    assert re.search(r"Средняя оценка[\s\S]*?\b3,5\b", satisfaction)
    volzhsky = Organization.objects.get(code="adm-18410").short_name
    kamyshin = Organization.objects.get(code="adm-18415").short_name
    rows = {
        line.split("  ")[0].strip(): line.split()[-1]
        for line in satisfaction.splitlines()
        if line.strip()
    }
    assert (rows[volzhsky], rows[kamyshin]) == ("5,0", "2,0")
    assert re.findall(r"\d\.\d", satisfaction + ratings) == []
