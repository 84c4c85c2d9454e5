"""The inflow before and after the measures, on rollups written for the test and counted by
hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from otklik.analytics.models import DailyRollup
from otklik.directory.models import Municipality, Topic
from otklik.problems.selectors import problem_inflow
from otklik.problems.services import measure_add, measure_complete, problem_create

pytestmark = pytest.mark.django_db


def put(day, topic, muni, n):
    DailyRollup.objects.create(
        day=day, sector=topic.sector, topic=topic, municipality=muni, messages=n
    )


@pytest.fixture
def setting(personas, hot_water, volzhsky, zhkh):
    user = personas["analyst"]
    problem = problem_create(
        actor=user,
        title="Нет горячей воды",
        sector=zhkh,
        topics=[hot_water],
        municipalities=[volzhsky],
    )
    pivot = timezone.localdate() - dt.timedelta(days=40)
    m = measure_add(actor=user, problem=problem, text="Замена теплообменника", deadline=pivot)
    done_at = timezone.make_aware(dt.datetime.combine(pivot, dt.time(15)))
    measure_complete(actor=user, measure=m, done_at=done_at)
    # noise that must not count: another topic here, the same topic elsewhere
    other_topic = Topic.objects.get(code="zhkh-heating-outage")
    elsewhere = Municipality.objects.get(okato="18415")
    for k in range(-60, 40):
        put(pivot + dt.timedelta(days=k), other_topic, volzhsky, 100)
        put(pivot + dt.timedelta(days=k), hot_water, elsewhere, 100)
    return {"user": user, "problem": problem, "pivot": pivot}


def test_inflow_fell_after_the_measure(setting, hot_water, volzhsky):
    user, problem, p = setting["user"], setting["problem"], setting["pivot"]
    # before: 8 weeks ending on the pivot day (included): 7 + 3 = 10 a week
    for k in range(8):
        end = p - dt.timedelta(days=7 * k)
        put(end, hot_water, volzhsky, 7)
        put(end - dt.timedelta(days=6), hot_water, volzhsky, 3)
    put(p - dt.timedelta(days=56), hot_water, volzhsky, 999)  # the day before the window
    # after: weeks start the day after the pivot; 4 full weeks of 6, then an unfinished one
    for k in range(4):
        put(p + dt.timedelta(days=1 + 7 * k), hot_water, volzhsky, 6)
    put(p + dt.timedelta(days=29), hot_water, volzhsky, 50)  # the week still running

    got = problem_inflow(user=user, problem=problem, today=p + dt.timedelta(days=30))

    assert got["pivot"] == p
    counts = [(w.start, w.messages, w.after, w.complete) for w in got["weeks"]]
    assert counts[:8] == [
        (p - dt.timedelta(days=7 * k + 6), 10, False, True) for k in range(7, -1, -1)
    ]
    assert counts[8:] == [
        (p + dt.timedelta(days=1), 6, True, True),
        (p + dt.timedelta(days=8), 6, True, True),
        (p + dt.timedelta(days=15), 6, True, True),
        (p + dt.timedelta(days=22), 6, True, True),
        (p + dt.timedelta(days=29), 50, True, False),
    ]
    assert got["before_avg"] == 10 and got["after_avg"] == 6
    assert got["change_pct"] == -40.0
    assert got["verdict"].startswith("Приток снизился на 40 %")
    bars = got["chart"]["bars"]
    assert len(bars) == 13 and bars[12]["h"] == max(b["h"] for b in bars)


def test_inflow_did_not_fall(setting, hot_water, volzhsky):
    user, problem, p = setting["user"], setting["problem"], setting["pivot"]
    for k in range(8):
        put(p - dt.timedelta(days=7 * k), hot_water, volzhsky, 4)
    for k in range(2):
        put(p + dt.timedelta(days=1 + 7 * k), hot_water, volzhsky, 5)
    got = problem_inflow(user=user, problem=problem, weeks=8, today=p + dt.timedelta(days=15))
    assert (got["before_avg"], got["after_avg"], got["change_pct"]) == (4, 5, 25.0)
    assert got["verdict"] == "Приток не снизился: вырос на 25 %."


def test_no_completed_measure_no_comparison(personas, hot_water, volzhsky, zhkh):
    user = personas["analyst"]
    problem = problem_create(
        actor=user, title="x", sector=zhkh, topics=[hot_water], municipalities=[volzhsky]
    )
    today = timezone.localdate()
    put(today - dt.timedelta(days=3), hot_water, volzhsky, 9)
    got = problem_inflow(user=user, problem=problem, weeks=4, today=today)
    assert got["pivot"] is None and got["after_avg"] is None
    assert [w.messages for w in got["weeks"]] == [0, 0, 0, 9]
    assert got["verdict"].startswith("Ни одна мера ещё не выполнена")
