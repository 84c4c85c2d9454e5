"""The region's picture in a real browser (Chromium): a ЦУР analyst opens each dashboard, drills
down from a number to its cases, and downloads the XLSX of a table (opened with openpyxl), the
monthly PDF (rendered with pdftoppm) and the package of materials (ZIP)."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from otklik.analytics import exports
from otklik.analytics.services import methodology_seed
from otklik.analytics.tests.conftest import D
from otklik.directory.models import Organization

pytestmark = pytest.mark.browser
RANGE = f"from={D.isoformat()}&to=2026-11-12"


def _drill(page, base, dashboard: str, testid: str, expected: str, cases: set[str]) -> None:
    """Open a dashboard, check a number, click it and see exactly its cases."""
    page.goto(f"{base}/analytics/{dashboard}?{RANGE}")
    number = page.get_by_test_id(testid)
    assert number.inner_text().strip() == expected
    number.click()
    page.wait_for_url(f"{base}/analytics/cases/**")
    assert page.get_by_test_id("drill-count").inner_text() == str(len(cases))
    shown = page.locator(
        "[data-testid=drill-cases] tbody tr td[data-label='№'] a"
    ).all_inner_texts()
    assert set(shown) == cases


def _xlsx_rows(path) -> list[tuple]:
    ws = load_workbook(path).active
    return list(ws.iter_rows(min_row=exports.HEADER_ROW + 1, values_only=True))


def test_dashboards_drill_down_and_exports(page, login, personas, world, tmp_path):
    methodology_seed()
    base = page.base_url
    w = {k: c.number for k, c in world.items()}
    login(page, "analyst")

    # each dashboard: a number leads to the cases it is made of
    _drill(page, base, "", "n-messages", "4", {w["a"], w["b"], w["c"], w["d"]})
    _drill(page, base, "processing/", "on-time", "67 %", {w["a"], w["d"]})
    _drill(page, base, "satisfaction/", "surveys", "1", {w["d"]})
    _drill(page, base, "conflicts/", "conflicts", "0", set())
    page.goto(f"{base}/analytics/ratings/?month=2026-11")
    volzhsky_row = page.locator("[data-testid=rating-urban_okrug] tr[data-unit='mo:18410']")
    assert volzhsky_row.locator("td[data-label=Ответов]").inner_text().strip() == "2"

    # the XLSX of the processing table holds the page's figures
    page.goto(f"{base}/analytics/processing/?{RANGE}")
    with page.expect_download() as info:
        page.locator("[data-testid=export-processing-organizations] a[data-format=xlsx]").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "otklik-processing-organizations-20261102-20261112.xlsx"
    org = Organization.objects.get(code="adm-18410")
    row = next(r for r in _xlsx_rows(path) if r[0] == (org.short_name or org.name))
    # answered, on time, late, on time %, median (days), due, breached
    assert row[1:8] == (2, 1, 1, 50, 5.7, 3, 2)

    # the XLSX of a drill-down list: the cases behind «breached»
    page.goto(f"{base}/analytics/processing/?{RANGE}")
    page.locator("[data-testid=by-organization] a[href*='metric=breached']").first.click()
    page.wait_for_url(f"{base}/analytics/cases/**")
    with page.expect_download() as info:
        page.locator("[data-testid=export-cases] a[data-format=xlsx]").click()
    path = tmp_path / "cases.xlsx"
    info.value.save_as(path)
    assert {r[0] for r in _xlsx_rows(path)} == {w["b"], w["c"]}

    # the monthly PDF: pdftoppm renders its pages
    page.goto(f"{base}/analytics/?{RANGE}")
    page.get_by_role("link", name="Отчёт и пакет").click()
    page.wait_for_url(f"{base}/analytics/report/**")
    page.fill("#month", "2026-11")
    page.get_by_test_id("report-form").get_by_role("button").click()
    page.wait_for_url(f"{base}/analytics/report/?month=2026-11")
    with page.expect_download() as info:
        page.get_by_test_id("report-pdf").click()
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 1000

    # the package of materials on request
    form = page.get_by_test_id("package-form")
    form.locator("#recipient").fill("Минцифры")
    with page.expect_download() as info:
        page.get_by_test_id("package-download").click()
    package = tmp_path / "package.zip"
    info.value.save_as(package)
    names = zipfile.ZipFile(package).namelist()
    assert "README.txt" in names and "report-2026-11.pdf" in names
    xlsx = zipfile.ZipFile(package).read("tables/picture-sectors.xlsx")
    assert sum(r[1] for r in _xlsx_rows(io.BytesIO(xlsx))) == 4
