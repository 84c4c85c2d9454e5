"""Cubes: the daily rollups summed over all dimensions but a few, per day and per calendar
month (``models.RollupCube``), and the planner that picks one for a read.

A read needs some dimensions (what it groups by, what it filters by, the user's scope). The
planner takes the smallest cube that keeps all of them and splits the period into whole
calendar months (month rows) and the days around them. Every cube has month rows; only the
small ones (``DAY_CUBES``) have day rows, the days of a larger cube are read from
``DailyRollup`` (by its (day, dimension) indexes). When no cube
keeps the dimensions the read goes to ``DailyRollup`` whole. The figures are the same every
way.

The cubes are filled from ``DailyRollup`` by SQL (``INSERT … SELECT … GROUP BY``; GROUPING SETS
on PostgreSQL) in the transaction that replaces the days' rollups: the day rows of the days,
then their month's rows: by difference when a few days change (the old rollups of the days
subtracted, the new added, only the month rows they touch rewritten), else rebuilt from the
month's rollups.
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
# pages group by (a scoped user filtering by another dimension). A topic belongs to one
# sector, so a set with a topic keeps the sector too when that set is there anyway (the topic
# with a municipality is the cube of the sector, the topic and the municipality: the same
# rows). A channel with two others falls back to the daily rollups.
_SETS = {code(c) for n in (0, 1, 2) for c in combinations(DIMS, n)} | {
    code(c) for c in combinations(DIMS[:4], 3)
}
CUBES: tuple[int, ...] = tuple(
    sorted(
        {
            c | BITS["sector"] if c & BITS["topic"] and c | BITS["sector"] in _SETS else c
            for c in _SETS
        },
        key=lambda c: (len(dims_of(c)), c),
    )
)
# Cubes with day rows: those without a topic (at most a few hundred rows a day), and the topic
# with its sector, alone or with a municipality or an organisation: a few thousand rows a day
# (against the day's ~30,000 rollups at 10 M messages a year) — what a sector lead or a
# municipal coordinator reads per day: their topics in one municipality or organisation. The
# other cubes with a topic (with a channel, or with a municipality and an organisation) keep
# month rows only; their days come from the rollups.
DAY_CUBES: tuple[int, ...] = tuple(
    c
    for c in CUBES
    if not c & BITS["topic"]
    or c | BITS["municipality"] == code(("sector", "topic", "municipality"))
    or c | BITS["organization"] == code(("sector", "topic", "organization"))
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
        if d == "sector" and cube & BITS["topic"]:
            continue  # the topic's sector
        n *= _SIZE[d]
    return n


def cube_for(needed: Iterable[str], *, daily: bool = False) -> int | None:
    """The smallest cube keeping every dimension of ``needed`` (``daily``: with day rows);
    None when there is none (or the cubes are switched off)."""
    if _disabled.get():
        return None
    want = code(needed)
    fits = [c for c in (DAY_CUBES if daily else CUBES) if c & want == want]
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
    return _months_q(parts) | _days_q(parts.days, "period", grain=True)


def _months_q(parts: Split) -> Q:
    if not parts.months:
        return Q(pk__in=[])
    return Q(grain=Grain.MONTH, period__gte=parts.months[0], period__lte=parts.months[1])


def _days_q(days: Iterable[tuple[dt.date, dt.date]], field: str, *, grain: bool = False) -> Q:
    q = Q(pk__in=[])
    for a, b in days:
        q |= Q(
            **{f"{field}__gte": a, f"{field}__lte": b}, **({"grain": Grain.DAY} if grain else {})
        )
    return q


@dataclass(frozen=True)
class Part:
    """One query of a read: the rows of ``cube`` (None: ``DailyRollup``) and, per period tag,
    which of them (a Q on the cube's ``period`` and ``grain``, or on the rollups' ``day``)."""

    cube: int | None
    when: dict[str, Q]


def plan(needed: Iterable[str], periods: dict[str, tuple[dt.date, dt.date]], *, daily: bool):
    """Where a read of the ``needed`` dimensions over ``periods`` (tag → first and last day)
    takes its rows: a list of ``Part`` whose sums add up to the read (``daily``: per day)."""
    needed = set(needed)
    cube = cube_for(needed, daily=daily)
    if cube is None:
        return [Part(None, {t: Q(day__gte=a, day__lte=b) for t, (a, b) in periods.items()})]
    if cube in DAY_CUBES:
        return [Part(cube, {t: period_q(a, b, daily=daily) for t, (a, b) in periods.items()})]
    # month rows from the cube, the days around them from the rollups
    months, days = {}, {}
    for tag, (a, b) in periods.items():
        parts = split(a, b)
        if parts.months:
            months[tag] = _months_q(parts)
        if parts.days:
            days[tag] = _days_q(parts.days, "day")
    return [p for p in (Part(cube, months), Part(None, days)) if p.when]


# --------------------------------------------------------------------------- filling
FIGURES = (*METRICS, *ALL_HIST_COLUMNS)
DIM_COLUMNS = tuple(f"{d}_id" for d in DIMS)
# A stored cube row has some figure above zero (a rollup row always has: it is there because
# something was counted); a row whose figures all summed to zero holds nothing and is not kept,
# whichever way it was computed (rebuilt, or by difference).
_NONZERO = " + ".join(f"SUM({f})" for f in FIGURES) + " > 0"
_DELTA = "analytics_cube_delta"  # a temporary table: the changes of a month's rows
_BEFORE = "analytics_cube_before"  # a temporary table: the days' rollups before their refresh
_NET = "analytics_cube_net"  # a temporary table: the net change of each month row touched
_OLD = "analytics_cube_old"  # a temporary table: the month rows with a net change


_ROLLUP_DAYS = f"FROM {DailyRollup._meta.db_table} WHERE day >= %s AND day <= %s"


def _select(
    cube_set: tuple[int, ...],
    period_sql: str,
    *,
    by_day: bool,
    source: str = _ROLLUP_DAYS,
    having: str = _NONZERO,
) -> tuple[str, int]:
    """The SELECT of the rows (cube, period, dimensions, figures) of every cube of
    ``cube_set`` from rollup rows (``source``: a FROM clause; by default the ``DailyRollup``
    rows of a range of days, two parameters after those of ``period_sql``), per day
    (``by_day``) or for the whole range; returns the SQL and how many times its parameters
    repeat.

    PostgreSQL reads the rows once and groups them by every cube's dimensions at once
    (GROUPING SETS; ``GROUPING()`` tells which were grouped); elsewhere a SELECT per cube."""
    sums = ", ".join(f"SUM({f})" for f in FIGURES)
    day = ["day"] if by_day else []
    if connection.vendor == "postgresql":
        # GROUPING(channel … sector): bit i set when DIMS[i] is not grouped
        grouping = f"{2 ** len(DIMS) - 1} - GROUPING({', '.join(reversed(DIM_COLUMNS))})"
        sets = ", ".join(
            "(" + ", ".join((*day, *(f"{d}_id" for d in dims_of(c)))) + ")" for c in cube_set
        )
        return (
            f"SELECT {grouping}, {period_sql}, {', '.join(DIM_COLUMNS)}, {sums} {source} "
            f"GROUP BY GROUPING SETS ({sets}) HAVING {having}",
            1,
        )
    selects = []
    for cube in cube_set:
        kept = dims_of(cube)
        dims = ", ".join(f"{d}_id" if d in kept else "CAST(NULL AS bigint)" for d in DIMS)
        group = ", ".join((*day, *(f"{d}_id" for d in kept))) or "NULL"
        selects.append(
            f"SELECT {cube}, {period_sql}, {dims}, {sums} {source} GROUP BY {group} HAVING {having}"
        )
    return " UNION ALL ".join(selects), len(cube_set)


_COLUMNS = ", ".join(("cube", "period", *DIM_COLUMNS, *FIGURES))


def _month_sql() -> str:
    # PostgreSQL needs the parameter's type; SQLite would make CAST(… AS date) a number
    return "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"


def days_refresh(start: dt.date, end: dt.date) -> None:
    """Recompute the day rows of ``start``–``end`` from ``DailyRollup`` (inside the
    transaction that replaced the days' rollups; their months' rows next)."""
    # cube__in: along the index (cube, grain, period), not a scan of the table
    RollupCube.objects.filter(
        cube__in=DAY_CUBES, grain=Grain.DAY, period__gte=start, period__lte=end
    ).delete()
    sql, repeat = _select(DAY_CUBES, "day", by_day=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RollupCube._meta.db_table} (grain, {_COLUMNS}) "  # noqa: S608 — names from constants
            f"SELECT '{Grain.DAY}', u.* FROM ({sql}) u",
            [start, end] * repeat,
        )


def month_refresh(month: dt.date) -> None:
    """Recompute the month rows of ``month`` (its first day) from its days' rollups."""
    RollupCube.objects.filter(cube__in=CUBES, grain=Grain.MONTH, period=month).delete()
    sql, repeat = _select(CUBES, _month_sql(), by_day=False)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RollupCube._meta.db_table} (grain, {_COLUMNS}) "  # noqa: S608 — names from constants
            f"SELECT '{Grain.MONTH}', u.* FROM ({sql}) u",
            [month, month, month_end(month)] * repeat,
        )


def by_difference(month: dt.date, days: int) -> bool:
    """Whether ``days`` days of ``month`` changing update its rows by difference (reading the
    days' rollups twice, old and new) rather than rebuilding them from the whole month."""
    return 2 * days < (month_end(month) - month).days + 1


_ROW = ", ".join(("day", *DIM_COLUMNS, *FIGURES))


def delta_begin() -> None:
    """Start collecting the changes of a month's rows (inside the refresh's transaction)."""
    figures = ", ".join(f"{f} bigint" for f in FIGURES)
    dims = ", ".join(f"{d} bigint" for d in DIM_COLUMNS)
    with connection.cursor() as cursor:
        for temporary in (_DELTA, _BEFORE):
            cursor.execute(f"DROP TABLE IF EXISTS {temporary}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_DELTA} (cube integer, period date, {dims}, {figures})"
        )
        cursor.execute(f"CREATE TEMPORARY TABLE {_BEFORE} (day date, {dims}, {figures})")


def delta_keep(start: dt.date, end: dt.date) -> None:
    """Keep the rollups of ``start``–``end`` as they are before the days are replaced."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_BEFORE} ({_ROW}) SELECT {_ROW} {_ROLLUP_DAYS}",
            [start, end],
        )


def delta_add(start: dt.date, end: dt.date) -> None:
    """Add the changes of the rollups of ``start``–``end`` (days of one month), replaced since
    ``delta_keep``, to the changes of the month rows: the rows that are new or changed (their
    figures added) and the rows gone or changed (subtracted), grouped by every cube. A day
    recomputed to the same rows adds nothing."""
    month = month_start(start)
    negated = ", ".join(("day", *DIM_COLUMNS, *(f"-{f}" for f in FIGURES)))
    new = f"SELECT {_ROW} {_ROLLUP_DAYS}"
    old = f"SELECT {_ROW} FROM {_BEFORE} WHERE day >= %s AND day <= %s"  # noqa: S608
    source = (
        f"FROM (SELECT {_ROW} FROM ({new} EXCEPT {old}) a "  # noqa: S608 — names from constants
        f"UNION ALL SELECT {negated} FROM ({old} EXCEPT {new}) b) r"
    )
    sql, repeat = _select(CUBES, _month_sql(), by_day=False, source=source, having="COUNT(*) > 0")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_DELTA} ({_COLUMNS}) {sql}", [month, *[start, end] * 4] * repeat
        )


def delta_apply(month: dt.date) -> None:
    """Apply the collected changes to the month rows of ``month``: the changes are netted per
    row (a day recomputed to the same figures changes nothing), and only the month rows with a
    net change are replaced by their sums with it (rows summing to nothing are dropped)."""
    table = RollupCube._meta.db_table
    same = " AND ".join(
        ["d.cube = c.cube", "d.period = c.period"]
        + [f"COALESCE(d.{d}, 0) = COALESCE(c.{d}, 0)" for d in DIM_COLUMNS]
    )
    cubes_in = ", ".join(str(c) for c in CUBES)
    group = ", ".join(("cube", "period", *DIM_COLUMNS))
    sums = ", ".join(f"SUM({f})" for f in FIGURES)
    named = ", ".join(f"SUM({f}) AS {f}" for f in FIGURES)
    changed = " OR ".join(f"SUM({f}) <> 0" for f in FIGURES)
    kept = ", ".join(f"c.{x}" for x in ("cube", "period", *DIM_COLUMNS, *FIGURES))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_NET}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_NET} AS SELECT {group}, {named} FROM {_DELTA} "  # noqa: S608 — names from constants
            f"GROUP BY {group} HAVING {changed}"
        )
        cursor.execute(f"DROP TABLE IF EXISTS {_OLD}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_OLD} AS SELECT c.id, {kept} "  # noqa: S608 — names from constants
            f"FROM {table} c WHERE c.grain = %s AND c.period = %s AND c.cube IN ({cubes_in}) "
            f"AND EXISTS (SELECT 1 FROM {_NET} d WHERE {same})",
            [Grain.MONTH, month],
        )
        cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {_OLD})")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} (grain, {_COLUMNS}) SELECT '{Grain.MONTH}', {group}, {sums} "  # noqa: S608 — names from constants
            f"FROM (SELECT {_COLUMNS} FROM {_OLD} UNION ALL SELECT {_COLUMNS} FROM {_NET}) u "
            f"GROUP BY {group} HAVING {_NONZERO}"
        )
        for temporary in (_OLD, _NET, _DELTA, _BEFORE):
            cursor.execute(f"DROP TABLE {temporary}")
