"""Working days and working hours: the one module that knows the production calendar.

``WorkingCalendar`` is a plain object with no database access, so it is fast and easy to test:

* the federal calendar comes from the pinned ``holidays`` package (``country_holidays("RU")``):
  public holidays, the Government's day transfers («Выходной (перенесено с …)») and the working
  Saturdays those decrees create (``weekend_workdays``, e.g. 01.11.2025);
* ``overrides`` (date → is_working) are manual corrections and win over the package
  (``directory.CalendarOverride``, entered in the admin when a decree is newer than the package);
* working hours are one interval a working day (``OTKLIK_WORKING_HOURS``, 09:00–18:00) in the
  installation's time zone (``TIME_ZONE``, Europe/Volgograd). Pre-holiday days are *not*
  shortened: these are the service hours of the ЦУР, not the labour-law norm of ТК РФ ст. 95.

Day arithmetic takes and returns ``datetime.date``; hour arithmetic takes aware datetimes only
and returns them in the calendar's time zone. Intervals are measured in absolute time, so a
change of UTC offset (Volgograd changed it in 2018 and 2020) cannot gain or lose an hour.

``calendar_from_db()`` builds the calendar from the settings and the override rows and keeps it
per process; it is rebuilt when the override rows change (their count or latest ``updated_at``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays
from holidays.countries.russia import RussiaStaticHolidays

DEFAULT_TIME_ZONE = "Europe/Volgograd"
DEFAULT_OPENS = dt.time(9, 0)
DEFAULT_CLOSES = dt.time(18, 0)
_DAY = dt.timedelta(days=1)
_HOUR = dt.timedelta(hours=1)

Hours = int | float | Decimal | dt.timedelta


@functools.cache
def _federal_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off, working weekend days) of ``year`` by the federal production calendar.

    The neighbouring years are generated too: a transfer decree may name a day of another year.
    """
    known = holidays.country_holidays("RU", years=range(year - 1, year + 2), expand=False)
    days_off = frozenset(day for day in known if day.year == year)
    working_weekend = frozenset(day for day in known.weekend_workdays if day.year == year)
    return days_off, working_weekend


def decree_last_year() -> int:
    """The last year whose Government transfer decree the pinned ``holidays`` package carries.

    Later years have only the fixed holidays of ТК РФ ст. 112 (and their observed days) until
    the package is upgraded or the transfers are entered as overrides.
    """
    return max(RussiaStaticHolidays.special_public_holidays)


def parse_working_hours(value: str) -> tuple[dt.time, dt.time]:
    """``"09:00-18:00"`` → (09:00, 18:00); the start must be before the end."""
    try:
        start_text, end_text = (part.strip() for part in value.split("-"))
        opens, closes = dt.time.fromisoformat(start_text), dt.time.fromisoformat(end_text)
    except ValueError as exc:
        raise ValueError(f"working hours {value!r}: expected HH:MM-HH:MM (09:00-18:00)") from exc
    if not opens < closes:
        raise ValueError(f"working hours {value!r}: the start must be before the end")
    return opens, closes


def _aware(at: dt.datetime, name: str = "datetime") -> dt.datetime:
    if not isinstance(at, dt.datetime):
        raise TypeError(f"{name}: a datetime expected, got {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name}: an aware datetime expected (with a time zone), got {at}")
    return at


def _date(day: dt.date) -> dt.date:
    # datetime is a subclass of date: refuse it, the caller must say which local day it means.
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"a date expected, got {type(day).__name__} (use local_date(at))")
    return day


def _as_timedelta(hours: Hours) -> dt.timedelta:
    if isinstance(hours, dt.timedelta):
        span = hours
    elif isinstance(hours, Decimal):
        span = dt.timedelta(microseconds=int((hours * 3_600_000_000).to_integral_value()))
    elif isinstance(hours, int | float) and not isinstance(hours, bool):
        span = dt.timedelta(hours=hours)
    else:
        raise TypeError(f"hours: a number or a timedelta expected, got {type(hours).__name__}")
    if span < dt.timedelta(0):
        raise ValueError(f"hours: must not be negative, got {hours}")
    return span


class WorkingCalendar:
    """The production calendar of the Russian Federation with local corrections and hours."""

    def __init__(
        self,
        *,
        overrides: Mapping[dt.date, bool] | None = None,
        opens: dt.time = DEFAULT_OPENS,
        closes: dt.time = DEFAULT_CLOSES,
        time_zone: str | ZoneInfo = DEFAULT_TIME_ZONE,
    ) -> None:
        if opens.tzinfo is not None or closes.tzinfo is not None:
            raise ValueError("working hours are local times without a time zone")
        if not opens < closes:
            raise ValueError(f"working hours {opens}–{closes}: the start must be before the end")
        self.overrides: Mapping[dt.date, bool] = MappingProxyType(
            {_date(day): bool(value) for day, value in (overrides or {}).items()}
        )
        self.opens = opens
        self.closes = closes
        self.tz = time_zone if isinstance(time_zone, ZoneInfo) else ZoneInfo(time_zone)

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar({self.tz.key}, {self.opens:%H:%M}-{self.closes:%H:%M}, "
            f"{len(self.overrides)} overrides)"
        )

    # --- days ------------------------------------------------------------------------------------
    def is_working_day(self, day: dt.date) -> bool:
        """Working by the federal calendar, unless an override says otherwise."""
        day = _date(day)
        if day in self.overrides:
            return self.overrides[day]
        days_off, working_weekend = _federal_year(day.year)
        if day.weekday() >= 5:  # Saturday, Sunday
            return day in working_weekend
        return day not in days_off

    def is_provisional(self, day: dt.date) -> bool:
        """True when the day's year has no transfer decree in the package and no override."""
        return _date(day) not in self.overrides and day.year > decree_last_year()

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day = _date(day) + _DAY
        while not self.is_working_day(day):
            day += _DAY
        return day

    def roll_forward(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the next working day (ГК РФ ст. 193)."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (``day`` itself never counts); n=0: roll forward."""
        day = _date(day)
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        if n == 0:
            return self.roll_forward(day)
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def add_calendar_days_then_roll(self, day: dt.date, n: int) -> dt.date:
        """``day`` + n calendar days; a period ending on a non-working day ends on the next
        working day (counting starts the day after ``day``, ГК РФ ст. 191, 193)."""
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        return self.roll_forward(_date(day) + n * _DAY)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d ≤ end (negative when end < start).

        The inverse of ``add_working_days``: ``working_days_between(a, add_working_days(a, n))
        == n`` for n ≥ 1.
        """
        start, end = _date(start), _date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start + _DAY
        while day <= end:
            count += self.is_working_day(day)
            day += _DAY
        return count

    # --- moments ---------------------------------------------------------------------------------
    def local(self, at: dt.datetime) -> dt.datetime:
        return _aware(at).astimezone(self.tz)

    def local_date(self, at: dt.datetime) -> dt.date:
        """The calendar day of ``at`` in the calendar's time zone."""
        return self.local(at).date()

    def end_of_day(self, day: dt.date) -> dt.datetime:
        """The last instant of ``day`` in local time: 23:59:59.999999."""
        return dt.datetime.combine(_date(day), dt.time.max, tzinfo=self.tz)

    def opening(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(_date(day), self.opens, tzinfo=self.tz)

    def closing(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(_date(day), self.closes, tzinfo=self.tz)

    def is_working_time(self, at: dt.datetime) -> bool:
        """Inside working hours [opens, closes) of a working day."""
        local = self.local(at)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, at: dt.datetime) -> dt.datetime:
        """``at`` itself inside working hours, else the next opening of a working day."""
        local = self.local(at)
        day = local.date()
        if self.is_working_day(day):
            if local < self.opening(day):
                return self.opening(day)
            if local < self.closing(day):
                return local
        return self.opening(self.next_working_day(day))

    def add_working_hours(self, at: dt.datetime, hours: Hours) -> dt.datetime:
        """The moment when ``hours`` of working time have passed since ``at``.

        Only working hours of working days count; a start outside them starts at the next
        opening. A period that ends exactly at closing ends at closing (18:00), not at the next
        opening. ``hours`` is a number of hours (int, float, Decimal) or a timedelta, ≥ 0.
        """
        remaining = _as_timedelta(hours)
        utc_at = _aware(at, "at").astimezone(dt.UTC)
        day = self.local_date(at)
        while True:
            if self.is_working_day(day):
                closes = self.closing(day).astimezone(dt.UTC)
                start = max(utc_at, self.opening(day).astimezone(dt.UTC))
                if start < closes:
                    available = closes - start
                    if remaining <= available:
                        return (start + remaining).astimezone(self.tz)
                    remaining -= available
            day += _DAY

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """The working time between two moments (negative when b is before a)."""
        a_utc = _aware(a, "a").astimezone(dt.UTC)
        b_utc = _aware(b, "b").astimezone(dt.UTC)
        if b_utc < a_utc:
            return -self.working_time_between(b, a)
        total = dt.timedelta(0)
        day, last = self.local_date(a), self.local_date(b)
        while day <= last:
            if self.is_working_day(day):
                start = max(a_utc, self.opening(day).astimezone(dt.UTC))
                end = min(b_utc, self.closing(day).astimezone(dt.UTC))
                if start < end:
                    total += end - start
            day += _DAY
        return total

    def working_hours_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """``working_time_between`` in hours (a float; use the timedelta form for exact sums)."""
        return self.working_time_between(a, b) / _HOUR
