"""Load per 10,000 residents: a municipality whose population is unknown has no figure (the map
says «нет данных», the export leaves the cell empty) instead of a false «0 на 10 000 жителей»."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from otklik.analytics import exports, selectors
from otklik.analytics.tests.conftest import D
from otklik.directory.models import Municipality

pytestmark = pytest.mark.django_db
RANGE = {"from": D.isoformat(), "to": (D + dt.timedelta(days=10)).isoformat()}


@pytest.fixture
def populations(world):
    """Волжский (3 messages) has 30,000 residents, Камышин (1 message) has no known figure,
    Урюпинск (no messages) has 40,000."""
    Municipality.objects.filter(okato="18410").update(population=30_000, population_year=2021)
    Municipality.objects.filter(okato="18415").update(population=None, population_year=None)
    Municipality.objects.filter(okato="18425").update(population=40_000, population_year=2021)


def test_the_load_is_none_where_the_population_is_unknown(personas, populations):
    s = selectors.Slice(period=selectors.Period(D, D + dt.timedelta(days=10)))
    points = {
        p["municipality"].okato: p
        for p in selectors.municipality_map(user=personas["analyst"], s=s)
    }
    assert points["18410"]["per_10k"] == 1.0  # 3 × 10,000 / 30,000
    assert points["18415"]["messages"] == 1
    assert points["18415"]["per_10k"] is None
    assert points["18425"]["per_10k"] == 0  # a known population and no messages: a true zero
    # no figure draws the smallest circle, as no load does
    assert points["18415"]["r"] == points["18425"]["r"] == 4


def test_the_map_says_no_data_instead_of_zero(client, personas, populations):
    client.force_login(personas["analyst"])
    html = client.get(reverse("analytics:picture"), RANGE).content.decode()
    assert "Камышин: 1 сообщ., на 10 000 жителей — нет данных о населении;" in html
    assert "Волжский: 3 сообщ., 1,0 на 10 000 жителей;" in html
    assert "Камышин: 1 сообщ., 0 на 10 000 жителей" not in html


def test_the_export_leaves_the_load_empty_where_the_population_is_unknown(
    client, personas, populations
):
    client.force_login(personas["analyst"])
    url = reverse("analytics:export", args=["picture-municipalities", "xlsx"])
    ws = load_workbook(io.BytesIO(client.get(url, RANGE).content)).active
    rows = {r[1]: r for r in ws.iter_rows(min_row=exports.HEADER_ROW + 1, values_only=True)}
    assert rows["18415"][2:4] == (1, None)
    assert rows["18410"][2:4] == (3, 1.0)
