"""Plan/fact charts of the office's boards: the series of the last 12 months and the targets
ahead, pinned on a fixture worked out by hand; the pages embed them as JSON (no inline script)
with the numbers also in a table; the queries of a page do not grow with its indicators; and in
a real browser (Chromium), with every request outside the server refused and a strict
Content-Security-Policy on the page, the vendored Chart.js draws them with those numbers."""

from __future__ import annotations

import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from otklik.directory.models import Sector
from otklik.office import periods, selectors
from otklik.office.choices import Direction, IndicatorState
from otklik.office.models import Indicator, IndicatorFact, IndicatorTarget
from otklik.office.tests.shared import signed_in

MONTHS = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]  # 12 months to 2026-11


def _indicator(code: str, sector, direction=Direction.UP, unit="процент", **targets) -> Indicator:
    ind = Indicator.objects.create(
        code=code,
        name=f"Показатель {code}",
        unit=unit,
        direction=direction,
        sector=sector,
        state=IndicatorState.APPROVED,
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=ind, period=p, value=Decimal(v)) for p, v in targets.items()
    )
    return ind


def _facts(ind: Indicator, **values) -> None:
    IndicatorFact.objects.bulk_create(
        IndicatorFact(indicator=ind, period=p, value=None if v is None else Decimal(v))
        for p, v in values.items()
    )


@pytest.fixture
def zhkh(region):
    return Sector.objects.get(code="zhkh")


@pytest.fixture
def worked(zhkh):
    """Two ЖКХ indicators, November 2026 asked.

    T1 (more is better), targets: 2025 = 70, 2026 = 80, 2026-11 = 82, 2026-12 = 83,
    2027-Q1 = 84, 2027 = 90, 2028 = 95, 2029 = 96, 2030 = 97. Plan by month (own month, else
    its quarter, else its year): 2025-12 → 70; 2026-01…10 → 80; 2026-11 → 82.
    Facts: 2025-11 = 50 (before the 12 months: not shown), 2025-12 = 65 (< 70: lag),
    2026-03 = 80 (= 80: done), 2026-06 stored empty (no data), 2026-10 = 79.5 (< 80: lag),
    2026-11 = 83.25 (≥ 82: done). Ahead: targets beginning after 30.11.2026, the nearest
    first — 2026-12 (1.12.2026), 2027-Q1 (1.1.2027, ends before the year), 2027, 2028; four
    at most, so 2029 and 2030 are left out.

    T2 (less is better, hours), target 2026 = 24: 2026-10 = 20 (≤ 24: done), 2026-11 = 30
    (> 24: lag); months of 2025 have no plan; nothing ahead."""
    t1 = _indicator(
        "ЖКХ-Т1",
        zhkh,
        **{
            "2025": "70",
            "2026": "80",
            "2026-11": "82",
            "2026-12": "83",
            "2027-Q1": "84",
            "2027": "90",
            "2028": "95",
            "2029": "96",
            "2030": "97",
        },
    )
    _facts(
        t1,
        **{
            "2025-11": "50",
            "2025-12": "65",
            "2026-03": "80",
            "2026-06": None,
            "2026-10": "79.5",
            "2026-11": "83.25",
        },
    )
    t2 = _indicator("ЖКХ-Т2", zhkh, direction=Direction.DOWN, unit="час", **{"2026": "24"})
    _facts(t2, **{"2026-10": "20", "2026-11": "30"})
    return t1, t2


def _listed(sector) -> list[Indicator]:
    return list(Indicator.objects.filter(sector=sector).prefetch_related("targets"))


def _board(sector) -> dict[str, dict]:
    indicators = _listed(sector)
    return {
        r["indicator"].code: r for r in selectors.indicator_board(indicators, "2026-11", chart=12)
    }


def test_the_months_and_labels_of_a_chart():
    assert periods.months_to("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert periods.months_to("2026-Q4", 2) == ["2026-11", "2026-12"]  # up to its last month
    assert [periods.label(p, short=True) for p in ("2026-11", "2027-Q1", "2027")] == [
        "ноя 2026",
        "I кв. 2027",
        "2027 г.",
    ]


def test_the_series_of_a_chart_on_the_worked_fixture(worked):
    board = _board(worked[0].sector)
    t1 = board["ЖКХ-Т1"]
    assert [p.period for p in t1["series"]] == [*MONTHS, "2026-12", "2027-Q1", "2027", "2028"]
    assert [p.ahead for p in t1["series"]] == [False] * 12 + [True] * 4
    spec = t1["chart"]
    assert spec["kind"] == "planfact"
    assert (spec["direction"], spec["unit"], spec["ahead"]) == ("up", "процент", 4)
    assert spec["plan"] == [70.0] + [80.0] * 10 + [82.0] + [83.0, 84.0, 90.0, 95.0]
    assert spec["fact"] == (
        [65.0, None, None, 80.0, None, None, None, None, None, None, 79.5, 83.25] + [None] * 4
    )
    assert spec["status"] == (
        ["lag", "none", "none", "done", "none", "none", "none", "none", "none", "none"]
        + ["lag", "done"]
        + ["none"] * 4
    )
    assert spec["labels"][0] == "дек 2025"
    assert spec["labels"][-5:] == ["ноя 2026", "дек 2026", "I кв. 2027", "2027 г.", "2028 г."]
    assert spec["titles"][-5:] == [
        "ноябрь 2026",
        "декабрь 2026",
        "I квартал 2027",
        "2027 год",
        "2028 год",
    ]
    # the board's own columns are as before: the period's plan and fact, six months of trend
    assert (t1["plan"], t1["fact"], t1["status"]) == ("82", "83.25", "done")
    assert [t["fact"] for t in t1["trend"]] == [None, None, None, None, "79.5", "83.25"]

    t2 = board["ЖКХ-Т2"]["chart"]
    assert (t2["direction"], t2["ahead"]) == ("down", 0)
    assert t2["plan"] == [None] + [24.0] * 11
    assert t2["status"][-2:] == ["done", "lag"]
    assert t2["status"][:-2] == ["none"] * 10


def test_no_chart_without_asking(worked):
    """The API and the assessment ask for no chart: their rows stay as they were."""
    [row, _] = selectors.indicator_board(_listed(worked[0].sector), "2026-11")
    assert "series" not in row and "chart" not in row
    assert len(row["trend"]) == 6


def _json(page: str, element_id: str) -> dict:
    m = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page)
    assert m, element_id
    return json.loads(m[1])


@pytest.mark.parametrize("where", ["block", "indicators"])
def test_the_page_embeds_the_chart_and_its_table(client, personas, worked, where):
    t1, t2 = worked
    url = (
        reverse("office:block", args=["zhkh"]) if where == "block" else reverse("office:indicators")
    )
    page = signed_in(client, personas["sector_lead"]).get(url, {"period": "2026-11"})
    html = page.content.decode()
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html
    assert 'src="/static/otklik/charts.js"' in html
    assert "<script>" not in html  # data only, nothing inline to run
    spec = _json(html, f"chart-i{t1.pk}")
    assert spec["fact"][-5:] == [83.25, None, None, None, None]
    assert spec["plan"][-5:] == [82.0, 83.0, 84.0, 90.0, 95.0]
    assert _json(html, f"chart-i{t2.pk}")["status"][-2:] == ["done", "lag"]
    assert f'data-chart="chart-i{t1.pk}"' in html
    # the same numbers in the table of the figure, written the Russian way
    row = re.search(r'<tr data-period="2026-10">(.*?)</tr>', html, re.S)[1]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)]
    assert cells == ["октябрь 2026", "80", "79,5", "отставание"]
    row = re.search(r'<tr data-period="2027-Q1" class="chart__ahead">(.*?)</tr>', html, re.S)[1]
    assert "84" in row and "впереди" in row


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"period": "2026-11"}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("where", ["office:indicators", "office:home"])
def test_the_queries_do_not_grow_with_the_indicators(
    client, personas, zhkh, where, django_assert_max_num_queries
):
    """One indicator with targets and facts, then six: the page runs as many queries."""
    c = signed_in(client, personas["head"])
    url = reverse(where)
    sector = None if where == "office:home" else zhkh  # the home board: the whole ЦУР's

    def add(n: int) -> None:
        ind = _indicator(f"Q-{n}", sector, **{"2026": "10", "2027": "12"})
        _facts(ind, **{"2026-10": "9", "2026-11": "11"})

    add(0)
    _queries(c, url)  # warm the caches of the session and the menu
    one = _queries(c, url)
    for n in range(1, 6):
        add(n)
    with django_assert_max_num_queries(one):
        page = c.get(url, {"period": "2026-11"}).content.decode()
    assert page.count('data-testid="chart"') == 6


def test_the_block_page_queries_do_not_grow_with_the_indicators(
    client, personas, zhkh, django_assert_max_num_queries
):
    c = signed_in(client, personas["sector_lead"])
    url = reverse("office:block", args=["zhkh"])
    _indicator("Q-0", zhkh, **{"2026": "10"})
    _queries(c, url)
    one = _queries(c, url)
    for n in range(1, 6):
        ind = _indicator(f"Q-{n}", zhkh, **{"2026": "10", "2027": "12"})
        _facts(ind, **{"2026-11": "11"})
    with django_assert_max_num_queries(one):
        c.get(url, {"period": "2026-11"})


# --------------------------------------------------------------------------- in the browser
SHOT = Path(tempfile.gettempdir()) / "otklik-office-charts.png"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


@pytest.fixture
def strict_csp(page, closed_network):
    """The server's pages come with ``CSP`` (the site sets none yet); each page keeps what the
    browser refused by it in ``window.__csp`` (directive, source file, line, sample)."""

    def with_csp(route):
        if route.request.resource_type != "document":
            route.fallback()  # to closed_network's check
            return
        response = route.fetch()
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": CSP}
        )

    page.route(f"{page.base_url}/**", with_csp)
    page.add_init_script(
        """document.addEventListener("securitypolicyviolation", e => (window.__csp ||= []).push(
             [e.violatedDirective, e.sourceFile, e.lineNumber, e.sample].join(" ")))"""
    )


def _chart(page, figure_id: str) -> dict:
    return page.evaluate(
        """id => {
          const chart = Chart.getChart(document.querySelector(`[data-chart="${id}"] canvas`));
          const tip = chart.options.plugins.tooltip.callbacks;
          return {
            types: chart.data.datasets.map(d => d.type),
            labels: chart.data.datasets.map(d => d.label),
            data: chart.data.datasets.map(d => d.data),
            colours: chart.data.datasets[0].backgroundColor,
            axis: chart.data.labels,
            legend: chart.legend.legendItems.map(i => i.text),
            fact: tip.label.call(null, {datasetIndex: 0, raw: 79.5, dataIndex: 10}),
            footer: tip.footer.call(null, [{dataIndex: 10}]),
            ahead: tip.footer.call(null, [{dataIndex: 13}]),
            title: tip.title.call(null, [{dataIndex: 13}]),
            drawn: chart.canvas.width > 0 && chart.canvas.height > 0,
          };
        }""",
        figure_id,
    )


@pytest.mark.browser
def test_the_block_page_draws_a_chart_per_indicator(
    page, login, personas, worked, closed_network, strict_csp
):
    t1, t2 = worked
    login(page, "sector_lead")
    page.goto(f"{page.base_url}/office/block/zhkh/?period=2026-11")
    page.wait_for_selector(f"[data-chart='chart-i{t2.pk}'][data-drawn='2']")
    assert page.locator("[data-chart][data-drawn]").count() == 2

    c = _chart(page, f"chart-i{t1.pk}")
    assert c["drawn"]
    assert c["types"] == ["bar", "line"]
    assert c["labels"] == ["Факт", "План (больше — лучше)"]
    fact, plan = c["data"]
    assert fact[-5:] == [83.25, None, None, None, None]
    assert plan[:2] == [70, 80] and plan[-5:] == [82, 83, 84, 90, 95]
    assert len(c["axis"]) == 16 and c["axis"][-1] == "2028 г."
    # fact bars by status: 2025-12 lag (red), 2026-03 done (green), empty months grey
    assert (c["colours"][0], c["colours"][3], c["colours"][1]) == ("#c62828", "#2e7d32", "#b0bec5")
    assert c["legend"] == ["Факт: выполнен", "Факт: отставание", "План (больше — лучше)"]
    assert c["fact"] == "Факт: 79,5 процент"  # comma decimals
    assert c["footer"] == "Статус: отставание; больше — лучше"
    assert (c["title"], c["ahead"]) == ("I квартал 2027", "Цель впереди; больше — лучше")

    down = _chart(page, f"chart-i{t2.pk}")
    assert down["labels"][1] == "План (меньше — лучше)"
    assert down["data"][0][-2:] == [20, 30]

    # the numbers stay one click away, in a table
    figure = page.locator(f"[data-chart='chart-i{t1.pk}']")
    assert not figure.get_by_test_id("chart-table").is_visible()
    figure.get_by_text("Значения").click()
    row = figure.locator("tr[data-period='2026-10']").inner_text()
    assert row.split("\t") == ["октябрь 2026", "80", "79,5", "отставание"]
    page.screenshot(path=str(SHOT), full_page=True)
    # a printout has every table open, and the page is as it was after it
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("[data-chart] details[open]").count() == 2
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("[data-chart] details[open]").count() == 1  # the one opened by hand

    assert closed_network == []
    # nothing the charts do is refused; htmx itself adds a <style> for its request indicators
    # (the site's htmx config, not the charts': htmx.config.includeIndicatorStyles)
    refused = page.evaluate("window.__csp || []")
    assert [v for v in refused if "/vendor/htmx/" not in v] == []
