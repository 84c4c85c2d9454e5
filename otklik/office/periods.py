"""Reporting periods as the office writes them: a month «2026-11», a quarter «2026-Q4», a year
«2026»."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from otklik.core.exceptions import ApplicationError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


def bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``period`` (refused with a clear message when malformed)."""
    period = period.strip()
    if m := _MONTH.match(period):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return dt.date(year, month, 1), dt.date(
                year, month, calendar.monthrange(year, month)[1]
            )
    elif m := _QUARTER.match(period):
        year, q = int(m[1]), int(m[2])
        first = 3 * (q - 1) + 1
        last = first + 2
        return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])
    elif m := _YEAR.match(period):
        year = int(m[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise ApplicationError(f"Период «{period}»: ожидается «2026-11», «2026-Q4» или «2026».")


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_month(day: dt.date) -> str:
    first = day.replace(day=1) - dt.timedelta(days=1)
    return month_of(first)


GRAINS = ("month", "quarter", "year")


def previous(day: dt.date, grain: str = "month") -> str:
    """The period of ``grain`` (month, quarter, year) that ended last before ``day``'s own."""
    if grain == "month":
        return previous_month(day)
    if grain == "quarter":
        q = (day.month - 1) // 3  # the quarter before day's, 0-based; 0 → last year's IV
        return f"{day.year}-Q{q}" if q else f"{day.year - 1}-Q4"
    if grain == "year":
        return str(day.year - 1)
    raise ApplicationError(f"Отчётный период «{grain}»: ожидается month, quarter или year.")


SHORT_MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


def label(period: str, short: bool = False) -> str:
    """«ноябрь 2026», «IV квартал 2026», «2026 год»; ``short`` for a chart's axis: «ноя 2026»,
    «IV кв. 2026», «2026 г.»."""
    if m := _MONTH.match(period):
        return f"{(SHORT_MONTHS if short else MONTHS)[int(m[2]) - 1]} {m[1]}"
    if m := _QUARTER.match(period):
        return f"{['I', 'II', 'III', 'IV'][int(m[2]) - 1]} {'кв.' if short else 'квартал'} {m[1]}"
    return f"{period} {'г.' if short else 'год'}"


def months_to(period: str, count: int) -> list[str]:
    """The ``count`` months up to the last month of ``period``, the oldest first."""
    _, end = bounds(period)
    out, day = [], end.replace(day=1)
    for _ in range(count):
        out.append(month_of(day))
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return out[::-1]


def target_for(targets: dict[str, str], period: str) -> str | None:
    """The target of ``period``: its own, else the one of the period that contains it
    (quarter, then year) — a yearly target is the plan of each of its months."""
    if period in targets:
        return targets[period]
    start, _ = bounds(period)
    for candidate in (f"{start.year}-Q{(start.month - 1) // 3 + 1}", str(start.year)):
        if candidate in targets and candidate != period:
            return targets[candidate]
    return None
