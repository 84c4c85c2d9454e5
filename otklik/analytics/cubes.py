"""Cubes: the daily rollups summed over all dimensions but a few, per day and per calendar
month (``models.RollupCube``), and the planner that picks one for a read.

A read needs some dimensions (what it groups by, what it filters by, the user's scope). The
planner takes the smallest cube that keeps all of them and splits the period into whole
calendar months (month grain) and the days around them (day grain); when no cube keeps them
all the read falls back to ``DailyRollup`` (the same figures, more rows).

The cubes are filled from ``DailyRollup`` by SQL (``INSERT … SELECT … GROUP BY``; GROUPING SETS
on PostgreSQL) in the transaction that replaces the days' rollups: the day rows of the days,
then the month rows of their months.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

from django.db import connection
from django.db.models import Q

from otklik.analytics.models import ALL_HIST_COLUMNS, METRICS, DailyRollup, Grain, RollupCube

DIMS = ("sector", "topic", "municipality", "organization", "channel")
BITS = {name: 1 << i for i, name in enumerate(DIMS)}
# rough number of values of each dimension, to tell which of two cubes is smaller
_SIZE = {"sector": 9, "channel": 10, "municipality": 38, "organization": 80, "topic": 111}


def code(dims: Iterable[str]) -> int:
    return sum(BITS[d] for d in set(dims))


def dims_of(cube: int) -> tuple[str, ...]:
    return tuple(d for d in DIMS if cube & BITS[d])


# What the pages read: the total and one dimension grouped (sector, topic, municipality,
# organisation), under at most one filter and the user's scope (sector, organisation or
# municipality): every set of up to two dimensions, and the triples of the four dimensions the
# pages group by (a scoped user filtering by another dimension). A channel with two others
# falls back to the daily rollups.
CUBES: tuple[int, ...] = tuple(
    sorted(
        {code(c) for n in (0, 1, 2) for c in combinations(DIMS, n)}
        | {code(c) for c in combinations(DIMS[:4], 3)},
        key=lambda c: (len(dims_of(c)), c),
    )
)

_disabled: contextvars.ContextVar[bool] = contextvars.ContextVar("cubes_disabled", default=False)


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Reads inside go to ``DailyRollup`` (tests compare both ways; the bench too)."""
    token = _disabled.set(True)
    try:
        yield
    finally:
        _disabled.reset(token)


def _size(cube: int) -> int:
    n = 1
    for d in dims_of(cube):
        n *= _SIZE[d]
    return n


def cube_for(needed: Iterable[str]) -> int | None:
    """The smallest cube keeping every dimension of ``needed``; None when there is none (or
    the cubes are switched off)."""
    if _disabled.get():
        return None
    want = code(needed)
    fits = [c for c in CUBES if c & want == want]
    return min(fits, key=lambda c: (_size(c), c)) if fits else None


# --------------------------------------------------------------------------- periods
def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Split:
    """A period as whole calendar months (first and last month's first day) and the day
    ranges (inclusive) around them."""

    months: tuple[dt.date, dt.date] | None
    days: tuple[tuple[dt.date, dt.date], ...]


def split(start: dt.date, end: dt.date) -> Split:
    if start > end:
        return Split(None, ())
    first = start if start.day == 1 else month_end(start) + dt.timedelta(days=1)
    last = end if end == month_end(end) else month_start(end) - dt.timedelta(days=1)
    if first > last:  # no whole month inside
        return Split(None, ((start, end),))
    days = []
    if start < first:
        days.append((start, first - dt.timedelta(days=1)))
    if last < end:
        days.append((last + dt.timedelta(days=1), end))
    return Split((first, month_start(last)), tuple(days))


def period_q(start: dt.date, end: dt.date, *, daily: bool = False) -> Q:
    """The cube rows of the days ``start``–``end``: month rows for the whole months (unless
    ``daily``: every day wanted on its own), day rows for the rest."""
    if daily:
        return Q(grain=Grain.DAY, period__gte=start, period__lte=end)
    parts = split(start, end)
    q = Q(pk__in=[])
    if parts.months:
        q |= Q(grain=Grain.MONTH, period__gte=parts.months[0], period__lte=parts.months[1])
    for a, b in parts.days:
        q |= Q(grain=Grain.DAY, period__gte=a, period__lte=b)
    return q


# --------------------------------------------------------------------------- filling
FIGURES = (*METRICS, *ALL_HIST_COLUMNS)
DIM_COLUMNS = tuple(f"{d}_id" for d in DIMS)


def _insert(grain: str, period_sql: str, by_day: bool) -> tuple[str, int]:
    """The INSERT of every cube's rows from the ``DailyRollup`` rows of a range of days (two
    parameters: the first and last day, after those of ``period_sql``), per day (``by_day``)
    or for the whole range; returns the SQL and how many times its parameters repeat.

    PostgreSQL reads the days once and groups them by every cube's dimensions at once
    (GROUPING SETS; ``GROUPING()`` tells which were grouped); elsewhere a SELECT per cube."""
    columns = ", ".join(("grain", "cube", "period", *DIM_COLUMNS, *FIGURES))
    sums = ", ".join(f"SUM({f})" for f in FIGURES)
    source = f"FROM {DailyRollup._meta.db_table} WHERE day >= %s AND day <= %s"
    head = f"INSERT INTO {RollupCube._meta.db_table} ({columns}) "
    day = ["day"] if by_day else []
    if connection.vendor == "postgresql":
        # GROUPING(channel … sector): bit i set when DIMS[i] is not grouped
        grouping = f"{2 ** len(DIMS) - 1} - GROUPING({', '.join(reversed(DIM_COLUMNS))})"
        sets = ", ".join(
            "(" + ", ".join((*day, *(f"{d}_id" for d in dims_of(c)))) + ")" for c in CUBES
        )
        return (
            head + f"SELECT '{grain}', {grouping}, {period_sql}, {', '.join(DIM_COLUMNS)}, "
            f"{sums} {source} GROUP BY GROUPING SETS ({sets}) HAVING COUNT(*) > 0",
            1,
        )
    selects = []
    for cube in CUBES:
        kept = dims_of(cube)
        dims = ", ".join(f"{d}_id" if d in kept else "CAST(NULL AS bigint)" for d in DIMS)
        group = ", ".join((*day, *(f"{d}_id" for d in kept))) or "NULL"
        selects.append(
            f"SELECT '{grain}', {cube}, {period_sql}, {dims}, {sums} {source} "
            f"GROUP BY {group} HAVING COUNT(*) > 0"
        )
    return head + " UNION ALL ".join(selects), len(CUBES)


def days_refresh(start: dt.date, end: dt.date) -> None:
    """Recompute the day rows of ``start``–``end`` from ``DailyRollup`` (inside the
    transaction that replaced the days' rollups; their months' rows next: ``month_refresh``)."""
    # cube__in: along the index (cube, grain, period), not a scan of the table
    RollupCube.objects.filter(
        cube__in=CUBES, grain=Grain.DAY, period__gte=start, period__lte=end
    ).delete()
    sql, repeat = _insert(Grain.DAY, "day", by_day=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end] * repeat)


def month_refresh(month: dt.date) -> None:
    """Recompute the month rows of ``month`` (its first day) from its days' rollups."""
    RollupCube.objects.filter(cube__in=CUBES, grain=Grain.MONTH, period=month).delete()
    # PostgreSQL needs the parameter's type; SQLite would make CAST(… AS date) a number
    period = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    sql, repeat = _insert(Grain.MONTH, period, by_day=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, [month, month, month_end(month)] * repeat)
