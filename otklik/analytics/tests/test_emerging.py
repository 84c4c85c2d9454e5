"""The emerging-problem detector on rollups written for the test: a local burst fires; a
region-wide seasonal wave and last year's same season do not; small counts do not."""

from __future__ import annotations

import datetime as dt

import pytest

from otklik.analytics.emerging import Params, alerts_raise, detect
from otklik.analytics.models import Alert, AlertStatus, DailyRollup
from otklik.analytics.services import alert_decide
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.directory.models import Municipality, Topic

pytestmark = pytest.mark.django_db
WEEK_END = dt.date(2026, 10, 25)


def put(topic, muni, day, n):
    DailyRollup.objects.create(
        day=day, topic=topic, sector=topic.sector, municipality=muni, messages=n
    )


def history(topic, munis, per_week: dict, weeks=8, end=WEEK_END - dt.timedelta(days=7)):
    """``per_week[muni]`` messages every week for ``weeks`` weeks up to ``end``."""
    for w in range(weeks):
        day = end - dt.timedelta(weeks=w)
        for m in munis:
            if per_week.get(m.pk):
                put(topic, m, day, per_week[m.pk])


@pytest.fixture
def heating(region):
    return Topic.objects.get(code="zhkh-heating-outage")


@pytest.fixture
def areas(region):
    return list(Municipality.objects.order_by("okato")[:6])


def test_a_local_burst_fires(heating, areas):
    history(heating, areas, {m.pk: 2 for m in areas})
    put(heating, areas[0], WEEK_END, 14)  # 2 a week before, 14 now
    for m in areas[1:]:
        put(heating, m, WEEK_END, 2)
    found = detect(WEEK_END)
    assert [(f.topic_id, f.municipality_id) for f in found] == [(heating.pk, areas[0].pk)]
    assert found[0].observed == 14 and found[0].expected == pytest.approx(2.0, rel=0.3)


def test_a_region_wide_wave_is_not_news(heating, areas):
    history(heating, areas, {m.pk: 2 for m in areas})
    for m in areas:  # October: heating complaints triple everywhere
        put(heating, m, WEEK_END, 7)
    assert detect(WEEK_END) == []


def test_last_years_season_is_not_news(heating, areas):
    history(heating, areas[:1], {areas[0].pk: 1})
    last_year = WEEK_END - dt.timedelta(days=364)
    for k in range(-2, 3):  # the same weeks a year ago: 12 a week
        put(heating, areas[0], last_year + dt.timedelta(weeks=k), 12)
    put(heating, areas[0], WEEK_END, 12)
    assert detect(WEEK_END) == []
    # without last year the same week fires
    DailyRollup.objects.filter(day__lt=WEEK_END - dt.timedelta(days=200)).delete()
    assert len(detect(WEEK_END)) == 1


def test_small_counts_do_not_fire(heating, areas):
    put(heating, areas[0], WEEK_END, 4)
    assert detect(WEEK_END, Params(min_count=5)) == []


def test_alerts_are_raised_once_and_decided(heating, areas, personas, make_user):
    history(heating, areas, {m.pk: 1 for m in areas})
    put(heating, areas[0], WEEK_END, 12)
    assert len(alerts_raise(WEEK_END)) == 1
    assert alerts_raise(WEEK_END) == []  # once per week
    alert = Alert.objects.get()
    roads = make_user("sector_lead", sector=Topic.objects.get(code="roads-potholes").sector)
    with pytest.raises(AccessDenied, match="«Модерация инцидентов:"):
        alert_decide(actor=roads, alert=alert, confirm=True)
    alert_decide(actor=personas["analyst"], alert=alert, confirm=False)
    assert Alert.objects.get().status == AlertStatus.DISMISSED
    with pytest.raises(ApplicationError, match="По этому сигналу решение уже принято"):
        alert_decide(actor=personas["analyst"], alert=alert, confirm=True)
