"""The plan/fact file of the ЖКХ block's indicators in a real browser (Chromium), every request
outside the server refused: the block's lead opens the import from the indicators page, checks
the shipped example file with the shipped mapping (nothing is written), then applies it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from otklik.office.models import IndicatorFact, IndicatorTarget
from otklik.office.tests.shared import zhkh_indicators

pytestmark = pytest.mark.browser
DATA = Path(__file__).parent / "data"


def test_a_block_lead_checks_then_applies_a_plan_fact_file(
    page, login, personas, closed_network, tmp_path
):
    zhkh_indicators()
    login(page, "sector_lead")
    page.goto(f"{page.base_url}/office/indicators/")
    page.click("[data-testid=indicators-import-link]")
    upload = tmp_path / "план-факт.csv"  # the report names the file as the user named it
    upload.write_bytes((DATA / "indicators_plan_fact.csv").read_bytes())
    page.set_input_files("input[name=file]", str(upload))
    page.select_option("select[name=mapping]", "indicators_plan_fact.toml")
    page.click("[data-testid=indicators-import-form] button[type=submit]")
    report = page.locator("[data-testid=import-report]")
    # the report arrives with the next page: wait for its rows before reading them
    expect(page.locator("[data-testid=import-row]")).to_have_count(4)
    statuses = page.locator("[data-testid=import-row]").evaluate_all(
        "rows => rows.map(r => r.dataset.status)"
    )
    assert statuses == ["created"] * 4
    assert "будет внесено" in report.inner_text()
    # no developer text on the page (issue 13): no snake_case identifier is shown
    text = page.locator("main").inner_text()
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text
    assert not IndicatorTarget.objects.exists()

    page.click("[data-testid=import-apply] button")
    expect(page.locator("[data-testid=import-report] h2")).to_contain_text("Загружено")
    assert IndicatorTarget.objects.count() == 4
    fact = IndicatorFact.objects.get()
    assert (fact.period, fact.value) == ("2026-09", Decimal("10.25"))
    assert closed_network == []
