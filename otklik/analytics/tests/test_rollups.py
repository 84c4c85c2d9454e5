"""Rollups against figures computed by hand on a small world; incremental and idempotent
refresh; scopes; dashboards and drill-down."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from otklik.analytics.models import DailyRollup
from otklik.analytics.selectors import Period, Slice, drill_cases, processing, satisfaction
from otklik.analytics.services import rollups_refresh
from otklik.analytics.tests.conftest import D, at
from otklik.cases.models import Case
from otklik.directory.models import Municipality, Organization, Topic

pytestmark = pytest.mark.django_db
PERIOD = Slice(period=Period(D, D + dt.timedelta(days=10)))


def _org(rows, code):
    return next(r for r in rows if r["organization"] and r["organization"].code == code)


def test_processing_figures_equal_the_hand_computed_ones(world, personas):
    data = processing(user=personas["analyst"], s=PERIOD)
    t = data["total"]
    assert t["messages"] == 4 and t["cases_opened"] == 4
    assert (t["answered"], t["answered_on_time"], t["breached"]) == (3, 2, 2)
    assert t["on_time_share"] == round(2 / 3, 4)
    assert (t["answers_moderated"], t["answers_returned"]) == (4, 1)
    assert t["quality_avg"] == round((2 + 4 + 3 + 5) / 4, 2)
    # the median inside its histogram bucket (``models.HOURS_BUCKETS``: ×1.1 from 1 h): one
    # first response of 3 h ∈ (1.1^11, 1.1^12] = (2.85, 3.14], its middle: 2.995 h
    assert t["first_responses"] == 1 and t["first_response_median_h"] == pytest.approx(3, abs=0.01)
    # answers: D 24 h, A 3 days + 1 h = 73 h, B 8 days - 1 h = 191 h; the middle one, 73 h, is
    # in (1.1^45, 1.1^46] = (72.89, 80.18], alone there: its middle, 76.535 h (exact: 73 h)
    assert t["answer_median_h"] == pytest.approx(76.535, abs=0.01)
    # due (all four due times passed by the refresh) and breached: B late, C open
    assert (t["due"], t["breached"], t["breached_share"]) == (4, 2, 0.5)
    volzhsky = _org(data["by_organization"], "adm-18410")
    assert (volzhsky["answered"], volzhsky["answered_on_time"], volzhsky["breached"]) == (2, 1, 2)
    assert volzhsky["returned_share"] == round(1 / 3, 4)
    assert volzhsky["quality_avg"] == 3.0
    kamyshin = _org(data["by_organization"], "adm-18415")
    assert (kamyshin["answered"], kamyshin["on_time_share"], kamyshin["reopened"]) == (1, 1.0, 1)


def test_satisfaction_figures(world, personas):
    data = satisfaction(user=personas["analyst"], s=PERIOD)
    assert (data["total"]["surveys"], data["total"]["not_solved"]) == (1, 1)
    assert data["total"]["solved_share"] == 0.0 and data["total"]["rating_avg"] == 2.0
    assert [r["obj"].code for r in data["by_organization"]] == ["adm-18415"]


def test_refresh_is_idempotent_and_incremental(world, personas):
    before = list(DailyRollup.objects.order_by("pk").values())
    assert rollups_refresh(full=True, now=at(12))["rows"] == len(before)
    assert sorted(r["answered"] for r in DailyRollup.objects.values()) == sorted(
        r["answered"] for r in before
    )
    later = timezone.now() + dt.timedelta(minutes=30)
    rollups_refresh(now=later)  # takes in what was written since the full refresh
    # nothing changed since: the incremental refresh touches no day
    assert rollups_refresh(now=later + dt.timedelta(minutes=5))["days"] == 0
    # the ЦУР gives case C to another organisation: every day C counts on moves with it
    Case.objects.filter(pk=world["c"].pk).update(
        organization=Organization.objects.get(code="adm-18415"),
        updated_at=later + dt.timedelta(minutes=10),
    )
    result = rollups_refresh(now=later + dt.timedelta(minutes=15))
    assert result["days"] >= 2  # the day of receipt and the day of the breach
    data = processing(user=personas["analyst"], s=PERIOD)
    assert _org(data["by_organization"], "adm-18410")["breached"] == 1
    assert _org(data["by_organization"], "adm-18415")["breached"] == 1
    assert data["total"]["breached"] == 2  # moved, not doubled


def test_scopes(world, make_user):
    roads = make_user("sector_lead", sector=Topic.objects.get(code="roads-potholes").sector)
    t = processing(user=roads, s=PERIOD)["total"]
    assert (t["messages"], t["answered"]) == (1, 1)
    coordinator = make_user(
        "municipal_coordinator", municipality=Municipality.objects.get(okato="18410")
    )
    t = processing(user=coordinator, s=PERIOD)["total"]
    assert (t["messages"], t["breached"]) == (3, 2)


def test_drill_down_gives_the_cases_behind_each_number(world, personas):
    analyst = personas["analyst"]
    w = world

    def numbers(metric, **dims):
        s = Slice(period=PERIOD.period, **dims)
        return {c.number for c in drill_cases(user=analyst, s=s, metric=metric)}

    assert numbers("answered") == {w["a"].number, w["b"].number, w["d"].number}
    assert numbers("answered_on_time") == {w["a"].number, w["d"].number}
    assert numbers("answered_late") == {w["b"].number}
    assert numbers("breached") == {w["b"].number, w["c"].number}
    assert numbers("reopened") == {w["d"].number}
    assert numbers("not_solved") == {w["d"].number}
    assert numbers("answers_returned") == {w["a"].number}
    volzhsky = Organization.objects.get(code="adm-18410").pk
    assert numbers("answered", organization=volzhsky) == {w["a"].number, w["b"].number}


@pytest.mark.parametrize("name", ["picture", "processing", "satisfaction", "conflicts"])
def test_dashboards_render_with_links_to_cases(client, personas, world, name):
    client.force_login(personas["head"])
    url = reverse(f"analytics:{name}")
    html = client.get(
        url, {"date_from": D.isoformat(), "date_to": (D + dt.timedelta(days=10)).isoformat()}
    ).content.decode()
    assert reverse("analytics:cases") + "?" in html


def test_drill_page_and_refusal(client, personas, world):
    client.force_login(personas["head"])
    response = client.get(
        reverse("analytics:cases"),
        {
            "metric": "breached",
            "from": D.isoformat(),
            "to": (D + dt.timedelta(days=10)).isoformat(),
        },
    )
    html = response.content.decode()
    assert world["b"].number in html and world["c"].number in html and world["a"].number not in html
    client.force_login(personas["org_operator"])
    assert client.get(reverse("analytics:picture")).status_code == 200  # own organisation
    client.logout()
    assert client.get(reverse("analytics:picture")).status_code == 302  # to the login page


def test_drill_page_counts_up_to_the_cap(client, personas, world, monkeypatch):
    """Past the cap the page says «более N» and lists the newest cases (a drill-down of a year
    of the region would otherwise count millions of rows for the one number)."""
    client.force_login(personas["head"])
    params = {
        "metric": "breached",
        "from": D.isoformat(),
        "to": (D + dt.timedelta(days=10)).isoformat(),
    }

    def count(html: str) -> str:
        return re.search(r'data-testid="drill-count">([^<]*)<', html).group(1)

    assert count(client.get(reverse("analytics:cases"), params).content.decode()) == "2"
    monkeypatch.setattr("otklik.analytics.views.DRILL_COUNT_CAP", 1)
    html = client.get(reverse("analytics:cases"), params).content.decode()
    assert count(html) == "более 1"
    # the newest first, as many as the cap lets pages reach
    assert (world["b"].number in html) + (world["c"].number in html) == 1


def test_drill_page_lists_the_cases_when_their_count_runs_out_of_time(
    client, personas, world, monkeypatch
):
    client.force_login(personas["head"])
    params = {
        "metric": "breached",
        "from": D.isoformat(),
        "to": (D + dt.timedelta(days=10)).isoformat(),
    }
    monkeypatch.setattr("otklik.core.paging.capped_count", lambda qs, cap, budget_ms=None: None)
    html = client.get(reverse("analytics:cases"), params).content.decode()
    assert 'data-testid="drill-count">не подсчитано<' in html
    assert world["b"].number in html and world["c"].number in html
    assert "вперёд" not in html
