"""The definitions of the dashboard measures (``analytics.measures``, docs/analytics-definitions.md)
pinned on a small world whose figures are worked out by hand below — literal numbers, never the
implementation's formula. Most of its history was written straight into the tables (as an import
or the demo does) and no deadline sweep ever ran: a violation is a fact of the case (answered
after its due time, or open past it), counted on the day of the due time.

The world, November 2026 (local time, Europe/Volgograd, UTC+3; no sweep unless said):

Волжский (adm-18410)
  V1 received 02.11 09:00, first response 02.11 12:00 (3 h), due 09.11 18:00, published 05.11
     09:00 (72 h)                                     → answered on time; due, not breached
  V2 received 03.11 10:00, first response 03.11 15:00 (5 h), due 10.11 18:00, published 12.11
     10:00 (216 h)                                    → answered late; due and breached
  V3 received 04.11 10:00, due 11.11 18:00, never answered, never swept
                                                      → due and breached (open past it)
  V4 received 20.10 10:00, due 27.10 18:00, published 03.11 10:00 (336 h)
                                                      → answered in November, late; its breach
                                                        belongs to October (the due day)
  V5 received 20.11 10:00, due 10.12 18:00, open      → nothing in November (due in December)
  V6 received 05.11 10:00, due 12.11 18:00, rejected («не требует ответа»)
                                                      → no deadline: neither due nor breached
Камышин (adm-18415)
  K1 received 06.11 10:00, first response 06.11 11:00 (1 h), due 13.11 18:00, published 07.11
     10:00 (24 h)                                     → answered on time; due, not breached
  K2 received 06.11 12:00, due 16.11 18:00, waiting for the resident with the clock stopped
                                                      → not due while it waits
  K3 received 09.11 10:00, published 10.11 10:00 (24 h), reopened 25.11 10:00 (the clock
     restarts), new due 28.11 18:00, no new answer    → answered on time (10.11 ≤ 28.11);
                                                        due and breached (open again past 28.11)
  K4 received 08.11 10:00, due 15.11 18:00, open; the sweep was down and stamped it only on
     18.11 03:00                                      → due and breached on 15.11 (the due day)
  K5 received 23.11 10:00, due 30.11 23:30, published 01.12 09:00
                                                      → due and breached in November; answered
                                                        in December

November, the whole region:
  answered (published in November) = V1, V2, V4, K1, K3 = 5
  answered_on_time = V1, K1, K3 = 3; answered_late = V2, V4 = 2; on_time_share = 3/5 = 60 %
  due (due time in November, passed) = V1, V2, V3, K1, K3, K4, K5 = 7
  breached = V2, V3, K3, K4, K5 = 5; breached_share = 5/7 = 0.7143 → 71 %
  Волжский: answered 3 (V1, V2, V4), on time 1 (33 %), late 2; due 3 (V1, V2, V3), breached 2
  Камышин: answered 2 (K1, K3), on time 2 (100 %), late 0; due 4 (K1, K3, K4, K5), breached 3
October: due 1 (V4), breached 1 (V4), answered 0.

Medians from the hour histogram (bounds 0.25, 0.5, 0.75, then 1.1^k rounded to 0.01 h; the
middle case — the mean of the two middle ones for an even count — is placed in the middle of
its share of its bucket):
  answer, region: 24, 24, 72, 216, 336 h; n = 5, half = 2.5; the buckets below 72's hold 2
    (24 h ∈ (1.1^33, 1.1^34] = (23.23, 25.55]); 72 ∈ (1.1^44, 1.1^45] = (66.26, 72.89], 1 case:
    66.26 + (72.89 − 66.26) × (2.5 − 2) / 1 = 69.575 h = 2.899 days → «2,9 дн.» (exact: 3.0)
  answer, Камышин: 24, 24 h, both in (23.23, 25.55]: at 1/4 and 3/4 of it, mean 24.39 h →
    1.0 day
  answer, Волжский: 72, 216, 336 h; half = 1.5; 216 ∈ (1.1^56, 1.1^57] = (207.97, 228.76]:
    207.97 + 20.79 × 0.5 = 218.365 h = 9.098 days → «9,1 дн.» (exact: 9.0)
  first response, region: 1, 3, 5 h; half = 1.5; 1 h is the bound 1.1^0 (its bucket ≤ 1.0);
    3 ∈ (1.1^11, 1.1^12] = (2.85, 3.14]: 2.85 + 0.29 × 0.5 = 2.995 h → «3,0 ч» (exact: 3.0)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from otklik.analytics import measures
from otklik.analytics.models import RollupCube
from otklik.analytics.report import monthly_report
from otklik.analytics.selectors import (
    Period,
    Slice,
    drill_cases,
    median_hours,
    month,
    processing,
    rating_compute,
    region_totals,
)
from otklik.analytics.services import methodology_seed, rollups_refresh
from otklik.analytics.tests.conftest import case
from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.directory.models import Municipality

pytestmark = pytest.mark.django_db
NOVEMBER = Slice(period=Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
OCTOBER = Slice(period=Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
PAGE = {"from": "2026-11-01", "to": "2026-11-30"}
API = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
REFRESHED = timezone.make_aware(dt.datetime(2026, 12, 5, 12, 0))  # noqa: DTZ001 — local time


def t(month_: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month_, day, hour, minute))  # noqa: DTZ001


def _case(org: str, *, status: str = CaseStatus.IN_WORK, **fields) -> Case:
    topic, okato = (
        ("zhkh-hot-water", "18410") if org == "adm-18410" else ("roads-potholes", "18415")
    )
    c = case(topic, okato, org, received=fields.pop("received"), **fields)
    Case.objects.filter(pk=c.pk).update(
        status=status, clock_started_at=fields.get("clock_started_at", c.received_at)
    )
    c.refresh_from_db()
    return c


def build() -> dict[str, Case]:
    done = CaseStatus.PUBLISHED
    return {
        "V1": _case(
            "adm-18410", status=done, received=t(11, 2, 9), first_response_at=t(11, 2, 12),
            resolution_due=t(11, 9, 18), published_at=t(11, 5, 9),
        ),
        "V2": _case(
            "adm-18410", status=done, received=t(11, 3, 10), first_response_at=t(11, 3, 15),
            resolution_due=t(11, 10, 18), published_at=t(11, 12, 10),
        ),
        "V3": _case("adm-18410", received=t(11, 4, 10), resolution_due=t(11, 11, 18)),
        "V4": _case(
            "adm-18410", status=CaseStatus.CLOSED, received=t(10, 20, 10),
            resolution_due=t(10, 27, 18), published_at=t(11, 3, 10),
        ),
        "V5": _case("adm-18410", received=t(11, 20, 10), resolution_due=t(12, 10, 18)),
        "V6": _case(
            "adm-18410", status=CaseStatus.NO_ANSWER, received=t(11, 5, 10),
            resolution_due=t(11, 12, 18),
        ),
        "K1": _case(
            "adm-18415", status=done, received=t(11, 6, 10), first_response_at=t(11, 6, 11),
            resolution_due=t(11, 13, 18), published_at=t(11, 7, 10),
        ),
        "K2": _case(
            "adm-18415", status=CaseStatus.AWAITING_CITIZEN, received=t(11, 6, 12),
            resolution_due=t(11, 16, 18), clock_paused_at=t(11, 7, 10),
        ),
        "K3": _case(
            "adm-18415", status=CaseStatus.REOPENED, received=t(11, 9, 10),
            published_at=t(11, 10, 10), clock_started_at=t(11, 25, 10),
            resolution_due=t(11, 28, 18),
        ),
        "K4": _case(
            "adm-18415", received=t(11, 8, 10), resolution_due=t(11, 15, 18),
            breached_at=t(11, 18, 3),
        ),
        "K5": _case(
            "adm-18415", status=done, received=t(11, 23, 10), resolution_due=t(11, 30, 23, 30),
            published_at=t(12, 1, 9),
        ),
    }  # fmt: skip


@pytest.fixture
def history(region):
    cases = build()
    rollups_refresh(full=True, now=REFRESHED)
    return cases


def _org(rows, code):
    return next(r for r in rows if r["organization"] and r["organization"].code == code)


def test_every_processing_measure_on_the_hand_computed_world(history, personas):
    data = processing(user=personas["analyst"], s=NOVEMBER)
    tot = data["total"]
    assert (tot["answered"], tot["answered_on_time"], tot["answered_late"]) == (5, 3, 2)
    assert tot["on_time_share"] == 0.6
    assert (tot["due"], tot["breached"], tot["breached_share"]) == (7, 5, 0.7143)
    assert tot["first_responses"] == 3
    assert measures.duration_text(tot["answer_median_h"]) == "2,9 дн."
    assert tot["answer_median_h"] == pytest.approx(69.575, abs=0.01)
    assert measures.duration_text(tot["first_response_median_h"]) == "3,0 ч"
    v = _org(data["by_organization"], "adm-18410")
    assert (v["answered"], v["answered_on_time"], v["answered_late"], v["due"], v["breached"]) == (
        3, 1, 2, 3, 2,
    )  # fmt: skip
    assert v["on_time_share"] == 0.3333
    assert measures.duration_text(v["answer_median_h"]) == "9,1 дн."
    k = _org(data["by_organization"], "adm-18415")
    assert (k["answered"], k["answered_on_time"], k["answered_late"], k["due"], k["breached"]) == (
        2, 2, 0, 4, 3,
    )  # fmt: skip
    october = processing(user=personas["analyst"], s=OCTOBER)["total"]
    assert (october["answered"], october["due"], october["breached"]) == (0, 1, 1)


def test_the_drill_down_lists_the_same_cases(history, personas):
    def numbers(metric, s=NOVEMBER):
        return {c.number for c in drill_cases(user=personas["analyst"], s=s, metric=metric)}

    n = {k: c.number for k, c in history.items()}
    assert numbers("breached") == {n["V2"], n["V3"], n["K3"], n["K4"], n["K5"]}
    assert numbers("due") == {n["V1"], n["V2"], n["V3"], n["K1"], n["K3"], n["K4"], n["K5"]}
    assert numbers("answered_late") == {n["V2"], n["V4"]}
    assert numbers("breached", OCTOBER) == {n["V4"]}


def test_a_due_time_passing_is_taken_in_by_the_incremental_refresh(region, personas):
    """A case open past its due time counts as breached once the due time has passed, with no
    change to the case; the incremental refresh (month rows by difference) agrees with the full
    rebuild. The moments are yesterday around noon: with «now», a run in the last hour of the
    day put the due time on the next day, outside the period read."""
    now = (timezone.localtime() - dt.timedelta(days=1)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    c = case(
        "zhkh-hot-water", "18410", "adm-18410", received=now - dt.timedelta(days=3),
        resolution_due=now + dt.timedelta(hours=1),
    )  # fmt: skip
    rollups_refresh(full=True, now=now + dt.timedelta(minutes=30))
    today = Slice(period=Period(timezone.localdate(c.resolution_due), timezone.localdate()))
    before = processing(user=personas["analyst"], s=today)["total"]
    assert (before["due"], before["breached"]) == (0, 0)
    rollups_refresh(now=now + dt.timedelta(hours=2))  # nothing written since: only the clock
    after = processing(user=personas["analyst"], s=today)["total"]
    assert (after["due"], after["breached"]) == (1, 1)

    def cubes():
        return sorted(
            tuple(v for k, v in row.items() if k != "id") for row in RollupCube.objects.values()
        )

    incremental = cubes()
    rollups_refresh(full=True, now=now + dt.timedelta(hours=2))
    assert cubes() == incremental


def test_median_inside_its_bucket():
    # hand-made histograms over HOURS_BUCKETS (index 3 is (0.75, 1.0], 14 is (2.59, 2.85])
    hist = [0] * 86
    hist[3] = 1
    assert median_hours(hist) == 0.88  # (0.75, 1.0], one case: its middle 0.875 → 0.01 h
    hist[14] = 1
    # two cases: the mean of the two, each in the middle of its bucket: (0.875 + 2.72) / 2
    assert median_hours(hist) == 1.8
    assert median_hours([0] * 86) is None


def test_the_page_shows_the_numbers_and_their_definitions(history, personas, client):
    client.force_login(personas["analyst"])
    html = client.get(reverse("analytics:processing"), PAGE).content.decode()
    assert re.search(r'data-testid="n-breached">5<', html)
    assert "из <a" in html and ">7</a> с истёкшим сроком (71 %)" in html
    assert 'data-testid="answer-median">2,9 дн.<' in html
    for code in ("answered", "on_time_share", "answered_late", "due", "breached", "breached_share"):
        assert f'title="{escape(measures.definition(code))}"' in html
    picture = client.get(reverse("analytics:picture"), PAGE).content.decode()
    assert re.search(r'data-testid="n-breached">5<', picture)


def test_the_export_has_the_same_numbers(history, personas, client):
    client.force_login(personas["analyst"])
    url = reverse("analytics:export", args=["processing-organizations", "csv"])
    content = client.get(url, PAGE).content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert header[:9] == [
        "Организация", "Ответов", "Ответов в срок", "Ответов с нарушением срока", "В срок, %",
        "Медиана до ответа, дн.", "Срок истёк", "Нарушен срок", "Доля нарушений, %",
    ]  # fmt: skip
    by_breached = sorted(rows, key=lambda r: r[7])
    assert [r[1:9] for r in by_breached] == [
        ["3", "1", "2", "33", "9,1", "3", "2", "67"],  # Волжский
        ["2", "2", "0", "100", "1", "4", "3", "75"],  # Камышин: 24 h, 24 h → 1,0 day
    ]


def test_the_api_has_the_same_numbers(history, personas):
    api = APIClient()
    api.force_authenticate(personas["analyst"])
    body = api.get("/api/v1/analytics/processing", API).json()
    assert (body["total"]["due"], body["total"]["breached"]) == (7, 5)
    drill = api.get("/api/v1/analytics/cases", {**API, "metric": "breached"}).json()
    assert drill["count"] == 5
    defined = api.get("/api/v1/analytics/measures").json()["measures"]
    assert {m["code"]: m["definition"] for m in defined}["breached"] == measures.definition(
        "breached"
    )


def test_the_ratings_count_the_same(history):
    methodology_seed()
    from otklik.analytics.selectors import active_methodology

    groups = rating_compute(NOVEMBER.period, active_methodology())
    rows = {r["key"]: r for g in groups for r in g["rows"]}
    assert rows["mo:18410"]["figures"]["breached"] == 2
    assert rows["mo:18410"]["figures"]["due"] == 3
    assert rows["mo:18415"]["figures"]["answered_on_time"] == 2


def test_the_region_totals_are_the_same_figures_for_the_whole_region(history):
    """``region_totals`` (the ЦУР's own indicators: no user, no scope): the totals above, with
    the medians, and under a filter those of the filter."""
    tot = region_totals(NOVEMBER)
    assert (tot["answered"], tot["answered_on_time"], tot["on_time_share"]) == (5, 3, 0.6)
    assert (tot["due"], tot["breached"], tot["breached_share"]) == (7, 5, 0.7143)
    assert tot["answer_median_h"] == pytest.approx(69.575, abs=0.01)
    assert tot["first_response_median_h"] == pytest.approx(2.995, abs=0.01)
    kamyshin = Municipality.objects.get(okato="18415").pk
    k = region_totals(Slice(period=NOVEMBER.period, municipality=kamyshin))
    assert (k["answered"], k["answered_on_time"], k["due"], k["breached"]) == (2, 2, 4, 3)
    assert k["answer_median_h"] == pytest.approx(24.39, abs=0.01)
    october = region_totals(OCTOBER)
    assert (october["answered"], october["answer_median_h"], october["breached_share"]) == (
        0, None, 1.0,
    )  # fmt: skip


def test_the_monthly_pdf_shows_the_violations(history, personas, tmp_path: Path):
    path = tmp_path / "nov.pdf"
    path.write_bytes(monthly_report(user=personas["curator"], period=month("2026-11")))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert re.search(r"Нарушен срок\s.*\n.*5 \(71 %\)", text) or "5 (71 %)" in text
    # «Организации с наибольшим числом нарушенных сроков»: due, breached, answered, on time
    table = text[text.index("Организации с наибольшим") :]
    assert re.search(r"\s4\s+3\s+2\s+100 %", table)  # Камышин
    assert re.search(r"\s3\s+2\s+3\s+33 %", table)  # Волжский
    assert "Определения показателей" in text


def test_the_docs_page_gives_every_definition():
    page = (Path(__file__).resolve().parents[3] / "docs" / "analytics-definitions.md").read_text()
    for m in measures.MEASURES.values():
        assert f"| `{m.code}` | {m.label} | {m.definition} | {m.computed} |" in page, m.code
