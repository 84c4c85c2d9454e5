"""The cubes: the planner's choice and period splitting, and every dashboard read giving the
same answer from the cubes as from the daily rollups (on random rollups over month edges and a
leap February, and on the small world filled from the raw tables)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from otklik.analytics import cubes
from otklik.analytics.models import ALL_HIST_COLUMNS, METRICS, DailyRollup, Grain, RollupCube
from otklik.analytics.selectors import (
    Period,
    Slice,
    conflicts,
    month,
    picture,
    processing,
    rating_compute,
    satisfaction,
)
from otklik.analytics.services import rollup_day, rollups_refresh
from otklik.analytics.tests.conftest import D, at
from otklik.directory.models import Channel, Municipality, Organization, Sector, Topic

d = dt.date


# --------------------------------------------------------------------------- planner
@pytest.mark.parametrize(
    ("start", "end", "months", "days"),
    [
        # a single day, inside a month and on a month's first and last day
        (d(2024, 3, 15), d(2024, 3, 15), None, [(d(2024, 3, 15), d(2024, 3, 15))]),
        (d(2024, 3, 1), d(2024, 3, 1), None, [(d(2024, 3, 1), d(2024, 3, 1))]),
        (d(2024, 3, 31), d(2024, 3, 31), None, [(d(2024, 3, 31), d(2024, 3, 31))]),
        # exactly one month; a leap February; a common February
        (d(2024, 3, 1), d(2024, 3, 31), (d(2024, 3, 1), d(2024, 3, 1)), []),
        (d(2024, 2, 1), d(2024, 2, 29), (d(2024, 2, 1), d(2024, 2, 1)), []),
        (d(2023, 2, 1), d(2023, 2, 28), (d(2023, 2, 1), d(2023, 2, 1)), []),
        # February 2024 without its leap day is not a whole month
        (d(2024, 2, 1), d(2024, 2, 28), None, [(d(2024, 2, 1), d(2024, 2, 28))]),
        # days around whole months, across a year's end
        (
            d(2023, 12, 30),
            d(2024, 3, 2),
            (d(2024, 1, 1), d(2024, 2, 1)),
            [(d(2023, 12, 30), d(2023, 12, 31)), (d(2024, 3, 1), d(2024, 3, 2))],
        ),
        # across a month edge without a whole month
        (d(2024, 2, 20), d(2024, 3, 10), None, [(d(2024, 2, 20), d(2024, 3, 10))]),
        # starts on a first day, ends inside a later month
        (
            d(2024, 1, 1),
            d(2024, 2, 28),
            (d(2024, 1, 1), d(2024, 1, 1)),
            [(d(2024, 2, 1), d(2024, 2, 28))],
        ),
        # ends on a last day, starts inside an earlier month
        (
            d(2024, 1, 31),
            d(2024, 2, 29),
            (d(2024, 2, 1), d(2024, 2, 1)),
            [(d(2024, 1, 31), d(2024, 1, 31))],
        ),
        # 365 days ending today-like: 11 whole months and two ends
        (
            d(2023, 11, 28),
            d(2024, 11, 27),
            (d(2023, 12, 1), d(2024, 10, 1)),
            [(d(2023, 11, 28), d(2023, 11, 30)), (d(2024, 11, 1), d(2024, 11, 27))],
        ),
    ],
)
def test_split_into_whole_months_and_days(start, end, months, days):
    parts = cubes.split(start, end)
    assert parts.months == months
    assert list(parts.days) == days
    # together they cover every day of the period once
    covered = []
    if parts.months:
        m = parts.months[0]
        while m <= parts.months[1]:
            covered += [m + dt.timedelta(days=i) for i in range((cubes.month_end(m) - m).days + 1)]
            m = cubes.month_end(m) + dt.timedelta(days=1)
    for a, b in parts.days:
        covered += [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]
    assert sorted(covered) == [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    assert len(covered) == len(set(covered))


def test_the_planner_takes_the_smallest_cube_that_keeps_the_dimensions():
    assert cubes.cube_for([]) == 0
    assert cubes.dims_of(cubes.cube_for(["sector"])) == ("sector",)
    assert cubes.dims_of(cubes.cube_for(["topic", "sector"])) == ("sector", "topic")
    three = cubes.cube_for(["sector", "municipality", "topic"])
    assert cubes.dims_of(three) == ("sector", "topic", "municipality")
    # channel with two others: no cube keeps them, the daily rollups answer
    assert cubes.cube_for(["channel", "sector", "topic"]) is None
    assert cubes.cube_for(["sector", "topic", "municipality", "organization"]) is None
    with cubes.disabled():
        assert cubes.cube_for(["sector"]) is None
    # a topic comes with its sector where that cube is there anyway (the same rows)
    assert cubes.cube_for(["topic"]) == cubes.code(["sector", "topic"])
    assert cubes.cube_for(["topic", "organization"]) == cubes.code(
        ["sector", "topic", "organization"]
    )
    for dims in (["topic"], ["topic", "municipality"], ["topic", "organization"]):
        assert cubes.code(dims) not in cubes.CUBES
    assert cubes.code(["topic", "channel"]) in cubes.CUBES
    assert len(cubes.CUBES) == 17


def test_large_cubes_have_month_rows_only_and_their_days_come_from_the_rollups():
    # day rows: no topic, or the topic with its sector, alone or with a municipality or an
    # organisation; a topic with a channel, or with both: months only
    assert cubes.code(["topic", "sector"]) in cubes.DAY_CUBES
    assert cubes.code(["municipality", "organization", "sector"]) in cubes.DAY_CUBES
    for other in ("municipality", "organization"):
        assert cubes.code(["sector", "topic", other]) in cubes.DAY_CUBES
    assert cubes.code(["topic", "channel"]) not in cubes.DAY_CUBES
    assert cubes.code(["topic", "municipality", "organization"]) not in cubes.DAY_CUBES
    # a per-day read takes a cube with day rows, or the rollups
    assert cubes.cube_for(["topic", "municipality"], daily=True) == cubes.code(
        ["sector", "topic", "municipality"]
    )
    assert cubes.cube_for(["topic", "channel"], daily=True) is None
    assert cubes.cube_for(["sector", "municipality"], daily=True) == cubes.code(
        ["sector", "municipality"]
    )
    # 25 January – 3 March: February from the cube's month rows, the days around from the
    # rollups; a period without a whole month: the rollups alone
    parts = cubes.plan(
        ["topic", "channel"],
        {"now": (d(2024, 1, 25), d(2024, 3, 3)), "before": (d(2024, 1, 2), d(2024, 1, 24))},
        daily=False,
    )
    assert [(p.cube, sorted(p.when)) for p in parts] == [
        (cubes.code(["topic", "channel"]), ["now"]),
        (None, ["before", "now"]),
    ]
    # a cube with day rows answers the whole period
    parts = cubes.plan(
        ["topic", "municipality"], {"now": (d(2024, 1, 25), d(2024, 3, 3))}, daily=False
    )
    assert [p.cube for p in parts] == [cubes.code(["sector", "topic", "municipality"])]
    small = cubes.plan(["sector"], {"now": (d(2024, 1, 25), d(2024, 3, 3))}, daily=False)
    assert [p.cube for p in small] == [cubes.code(["sector"])]


# --------------------------------------------------------------------------- both ways
@pytest.fixture
def random_rollups(region):
    """Daily rollups with random figures from 20 January to 10 April 2024 (month edges, the
    leap day), on a few values of each dimension (the personas' scopes among them, and
    empty ones), then their cubes."""
    rng = random.Random(5)
    pick = {
        "sector": [*Sector.objects.filter(code__in=["zhkh", "roads", "tko"]), None],
        "topic": [
            *Topic.objects.filter(
                code__in=["zhkh-hot-water", "roads-potholes", "zhkh-heating-outage"]
            ),
            None,
        ],
        "municipality": [*Municipality.objects.filter(okato__in=["18410", "18415", "18401"]), None],
        "organization": [
            *Organization.objects.filter(code__in=["adm-18410", "adm-18415"]),
            None,
        ],
        "channel": [*Channel.objects.filter(code__in=["web", "pos"]), None],
    }  # fmt: skip
    rows = []
    day = d(2024, 1, 20)
    while day <= d(2024, 4, 10):
        for _ in range(rng.randint(0, 14)):
            figures = {f: rng.choice((0, 0, 1, 2, 5)) for f in (*METRICS, *ALL_HIST_COLUMNS)}
            rows.append(
                DailyRollup(day=day, **{k: rng.choice(v) for k, v in pick.items()}, **figures)
            )
        day += dt.timedelta(days=1)
    DailyRollup.objects.bulk_create(rows)
    cubes.days_refresh(d(2024, 1, 20), d(2024, 4, 10))
    for m in (d(2024, 1, 1), d(2024, 2, 1), d(2024, 3, 1), d(2024, 4, 1)):
        cubes.month_refresh(m)
    return pick


PERIODS = [
    Period(d(2024, 2, 1), d(2024, 2, 29)),  # a whole leap February
    Period(d(2024, 1, 25), d(2024, 3, 3)),  # days, a month, days
    Period(d(2024, 1, 20), d(2024, 4, 10)),  # everything
    Period(d(2024, 2, 29), d(2024, 2, 29)),  # the leap day alone
    Period(d(2024, 3, 1), d(2024, 3, 31)),  # a month whose «before» crosses February
    Period(d(2024, 2, 10), d(2024, 3, 9)),  # across a month edge, no whole month
]
PAGES = (picture, processing, satisfaction, conflicts)


def _both_ways(user, s):
    with CaptureQueriesContext(connection) as queries:
        via_cubes = [page(user=user, s=s) for page in PAGES]
    with cubes.disabled():
        via_rollups = [page(user=user, s=s) for page in PAGES]
    return via_cubes, via_rollups, " ".join(q["sql"] for q in queries)


@pytest.mark.parametrize(
    "role", ["analyst", "sector_lead", "municipal_coordinator", "org_operator"]
)
def test_every_page_reads_the_same_from_the_cubes_as_from_the_rollups(
    random_rollups, personas, role
):
    user = personas[role]
    pick = random_rollups
    slices = [Slice(period=p) for p in PERIODS]
    for name in ("sector", "topic", "municipality", "organization", "channel"):
        slices += [Slice(period=PERIODS[1], **{name: pick[name][0].pk})]
    slices += [
        Slice(
            period=PERIODS[2], topic=pick["topic"][1].pk, municipality=pick["municipality"][0].pk
        ),
        Slice(period=PERIODS[0], sector=pick["sector"][0].pk, channel=pick["channel"][0].pk),
        # a channel with two other dimensions: no cube, the daily rollups answer both ways
        Slice(period=PERIODS[0], channel=pick["channel"][1].pk, topic=pick["topic"][0].pk),
    ]
    read_cubes = 0
    for s in slices:
        via_cubes, via_rollups, sql = _both_ways(user, s)
        assert via_cubes == via_rollups, s
        read_cubes += "analytics_rollupcube" in sql
    assert read_cubes >= len(slices) - 2  # the cubes were read (not the fallback every time)
    # the figures are not all zero: the comparison compares something
    t = picture(user=user, s=Slice(period=PERIODS[2]))["total"]
    assert t["messages"] > 0


def test_the_rating_reads_the_same_from_the_month_cube(random_rollups, region):
    from otklik.analytics.services import methodology_seed

    methodology_seed()
    from otklik.analytics.selectors import active_methodology

    method = active_methodology()
    for period in (month("2024-02"), month("2024-03"), Period(d(2024, 1, 25), d(2024, 3, 3))):
        with CaptureQueriesContext(connection) as queries:
            via_cubes = rating_compute(period, method)
        with cubes.disabled():
            via_rollups = rating_compute(period, method)
        assert via_cubes == via_rollups
        assert any("analytics_rollupcube" in q["sql"] for q in queries)
    assert any(r["index"] is not None for g in via_cubes for r in g["rows"])


def _month_sums(cube: int, month: dt.date) -> list[tuple]:
    """The month rows of ``cube`` as stored: dimensions and every figure, sorted."""
    dims = [f"{x}_id" for x in cubes.DIMS]
    rows = RollupCube.objects.filter(grain=Grain.MONTH, cube=cube, period=month)
    return sorted(
        (tuple(r[k] for k in dims + list(cubes.FIGURES)) for r in rows.values()),
        key=repr,
    )


def _rollup_sums(cube: int, month: dt.date) -> list[tuple]:
    """The same sums computed in Python from the month's daily rollups."""
    kept = cubes.dims_of(cube)
    sums: dict[tuple, list[int]] = {}
    for r in DailyRollup.objects.filter(day__gte=month, day__lte=cubes.month_end(month)).values():
        key = tuple(r[f"{x}_id"] if x in kept else None for x in cubes.DIMS)
        row = sums.setdefault(key, [0] * len(cubes.FIGURES))
        for i, f in enumerate(cubes.FIGURES):
            row[i] += r[f]
    return sorted((k + tuple(v) for k, v in sums.items() if any(v)), key=repr)


def test_month_rows_are_the_sums_of_their_days(random_rollups):
    for cube in cubes.CUBES:
        assert _month_sums(cube, d(2024, 2, 1)) == _rollup_sums(cube, d(2024, 2, 1)), cube
        if cube not in cubes.DAY_CUBES:
            assert not RollupCube.objects.filter(grain=Grain.DAY, cube=cube).exists()
            continue
        month_rows = RollupCube.objects.filter(grain=Grain.MONTH, cube=cube, period=d(2024, 2, 1))
        day_rows = RollupCube.objects.filter(
            grain=Grain.DAY, cube=cube, period__gte=d(2024, 2, 1), period__lte=d(2024, 2, 29)
        )
        assert sum(month_rows.values_list("messages", flat=True)) == sum(
            day_rows.values_list("messages", flat=True)
        )
        assert sum(month_rows.values_list("an_h3", flat=True)) == sum(
            day_rows.values_list("an_h3", flat=True)
        )
    total = sum(
        DailyRollup.objects.filter(day__gte=d(2024, 2, 1), day__lte=d(2024, 2, 29)).values_list(
            "messages", flat=True
        )
    )
    assert RollupCube.objects.get(grain=Grain.MONTH, cube=0, period=d(2024, 2, 1)).messages == total


def test_month_rows_by_difference_equal_the_rebuilt_ones(random_rollups, personas):
    """A few days recomputed (here: emptied, the raw tables having nothing on them) update
    their month's rows by difference; rebuilding the month from its rollups gives the same
    rows, and the pages read the same both ways."""
    from otklik.analytics.services import rollup_days

    feb = d(2024, 2, 1)
    assert cubes.by_difference(feb, 2) and not cubes.by_difference(feb, 15)
    before = {c: _month_sums(c, feb) for c in cubes.CUBES}
    rollup_days([d(2024, 2, 10), d(2024, 2, 11), d(2024, 2, 20)])
    assert not DailyRollup.objects.filter(day=d(2024, 2, 10)).exists()
    after = {c: _month_sums(c, feb) for c in cubes.CUBES}
    assert after != before  # the days had figures: the month changed
    for cube in cubes.CUBES:
        assert after[cube] == _rollup_sums(cube, feb), cube
    cubes.month_refresh(feb)
    assert {c: _month_sums(c, feb) for c in cubes.CUBES} == after
    user = personas["municipal_coordinator"]
    s = Slice(
        period=Period(d(2024, 1, 25), d(2024, 3, 3)),
        organization=random_rollups["organization"][0].pk,
    )
    via_cubes, via_rollups, _ = _both_ways(user, s)
    assert via_cubes == via_rollups


# --------------------------------------------------------------------------- refresh
def _cube_rows(**filters):
    fields = [f.name for f in RollupCube._meta.fields if f.name != "id"]
    return sorted(
        tuple(r[f] for f in fields) for r in RollupCube.objects.filter(**filters).values(*fields)
    )


def test_the_world_reads_the_same_both_ways_and_refresh_is_idempotent(world, personas):
    s = Slice(period=Period(D - dt.timedelta(days=5), D + dt.timedelta(days=40)))
    for role in ("analyst", "municipal_coordinator", "sector_lead"):
        via_cubes, via_rollups, _ = _both_ways(personas[role], s)
        assert via_cubes == via_rollups
    # 24, 73 and 191 h: the middle one in (72.89, 80.18], alone there: its middle
    assert processing(user=personas["analyst"], s=s)["total"]["answer_median_h"] == 76.53
    before = _cube_rows()
    assert before  # the world's days and November have rows
    assert RollupCube.objects.filter(grain=Grain.MONTH, period=d(2026, 11, 1)).exists()
    # a day recomputed twice, and everything recomputed: the same rows
    rollup_day(D)
    rollup_day(D)
    assert _cube_rows() == before
    rollups_refresh(full=True, now=at(12))
    assert _cube_rows() == before


def test_a_day_refreshed_moves_its_day_rows_and_its_month_rows(world, personas):
    from otklik.cases.models import Case

    november = Slice(period=month("2026-11"))
    assert picture(user=personas["analyst"], s=november)["total"]["messages"] == 4
    # case D (received on D) moves to another municipality; only D's day is recomputed
    Case.objects.filter(pk=world["d"].pk).update(
        municipality=Municipality.objects.get(okato="18401")
    )
    rollup_day(D)
    data = picture(user=personas["analyst"], s=november)
    with cubes.disabled():
        assert picture(user=personas["analyst"], s=november) == data
    by = {r["municipality"].okato: r["messages"] for r in data["map"]}
    assert (by["18410"], by["18415"], by["18401"]) == (3, 0, 1)


def test_the_migration_fills_the_new_day_rows_as_the_refresh_does(random_rollups):
    """Migration 0006 gives the cubes of a topic with a municipality or an organisation
    (now with day rows) the rows the refresh computes, and drops the cubes they replace."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module("otklik.analytics.migrations.0006_cubes_topic_with_sector")
    cols = [f"{x}_id" for x in cubes.DIMS] + list(cubes.FIGURES)

    def day_rows(cube: int) -> list[tuple]:
        rows = RollupCube.objects.filter(grain=Grain.DAY, cube=cube).values("period", *cols)
        return sorted((tuple(r.values()) for r in rows), key=repr)

    refreshed = {cube: day_rows(cube) for cube in migration.NEW_DAY_ROWS}
    assert all(refreshed.values())
    RollupCube.objects.filter(cube__in=migration.NEW_DAY_ROWS, grain=Grain.DAY).delete()
    RollupCube.objects.create(grain=Grain.MONTH, cube=6, period=d(2024, 2, 1), messages=1)
    # the migration only executes SQL through the schema editor (SQLite's cannot open inside
    # the test's transaction)
    with connection.cursor() as cursor:
        migration.forwards(apps, SimpleNamespace(execute=cursor.execute))
    assert {cube: day_rows(cube) for cube in migration.NEW_DAY_ROWS} == refreshed
    assert not RollupCube.objects.filter(cube__in=migration.GONE).exists()
