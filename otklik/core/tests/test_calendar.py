"""The working calendar against the official production calendars of 2025 and 2026.

Facts checked against the official production calendars (working days per month, 247 a year)
and the Government decrees on day transfers for 2025 and 2026.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from otklik.core.calendar import (
    WorkingCalendar,
    decree_last_year,
    parse_working_hours,
)

VOLGOGRAD = ZoneInfo("Europe/Volgograd")
D = dt.date
CAL = WorkingCalendar()


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VOLGOGRAD)


# --- days ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("year", "per_month"),
    [
        (2025, [17, 20, 21, 22, 18, 19, 23, 21, 22, 23, 19, 22]),
        (2026, [15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22]),
    ],
)
def test_working_days_per_month_match_the_official_production_calendar(year, per_month):
    counts = [
        CAL.working_days_between(D(year, m, 1) - dt.timedelta(days=1), _month_end(year, m))
        for m in range(1, 13)
    ]
    assert counts == per_month
    assert sum(counts) == 247


def _month_end(year: int, month: int) -> dt.date:
    first_next = D(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 11, 1), True),  # working Saturday (transfer to 03.11.2025)
        (D(2025, 11, 3), False),  # the day off it pays for
        (D(2025, 11, 4), False),  # Unity Day
        (D(2025, 12, 31), False),  # transferred from Sunday 05.01.2025
        (D(2026, 1, 8), False),
        (D(2026, 1, 9), False),  # transferred from Saturday 03.01.2026
        (D(2026, 1, 12), True),
        (D(2026, 2, 21), False),  # an ordinary Saturday
        (D(2026, 2, 23), False),
        (D(2026, 3, 9), False),  # 8 March fell on Sunday
        (D(2026, 5, 8), True),
        (D(2026, 5, 11), False),  # 9 May fell on Saturday
        (D(2026, 12, 31), False),  # transferred from Sunday 04.01.2026
    ],
)
def test_is_working_day(day, working):
    assert CAL.is_working_day(day) is working


def test_next_working_day_jumps_the_new_year_holidays():
    assert CAL.next_working_day(D(2025, 12, 30)) == D(2026, 1, 12)
    assert CAL.next_working_day(D(2026, 1, 12)) == D(2026, 1, 13)


def test_a_working_saturday_counts():
    assert CAL.next_working_day(D(2025, 10, 31)) == D(2025, 11, 1)
    assert CAL.add_working_days(D(2025, 10, 30), 2) == D(2025, 11, 1)
    assert CAL.add_working_days(D(2025, 10, 31), 2) == D(2025, 11, 5)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2025, 12, 26), 15, D(2026, 1, 28)),  # 210-ФЗ complaint over the New Year
        (D(2025, 12, 25), 15, D(2026, 1, 27)),
        (D(2026, 4, 30), 15, D(2026, 5, 25)),  # over the May holidays
        (D(2026, 4, 30), 5, D(2026, 5, 8)),
        (D(2026, 5, 2), 1, D(2026, 5, 4)),  # a start on a day off: the next working day is 1st
        (D(2026, 5, 9), 0, D(2026, 5, 12)),  # n=0 rolls forward
        (D(2026, 5, 12), 0, D(2026, 5, 12)),
    ],
)
def test_add_working_days(start, n, due):
    assert CAL.add_working_days(start, n) == due


def test_working_days_between_is_the_inverse_of_add_working_days():
    assert CAL.working_days_between(D(2025, 12, 26), D(2026, 1, 28)) == 15
    assert CAL.working_days_between(D(2026, 1, 28), D(2025, 12, 26)) == -15
    assert CAL.working_days_between(D(2026, 5, 9), D(2026, 5, 11)) == 0


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 2, 20), 30, D(2026, 3, 23)),  # 30 days end on Sunday 22.03
        (D(2026, 2, 20), 28, D(2026, 3, 20)),  # end on a Friday stays
        (D(2026, 2, 20), 3, D(2026, 2, 24)),  # 23.02 is a holiday
        (D(2025, 12, 1), 30, D(2026, 1, 12)),  # 31.12 and the New Year holidays
        (D(2025, 10, 2), 30, D(2025, 11, 1)),  # a working Saturday ends it
    ],
)
def test_add_calendar_days_then_roll(start, n, due):
    assert CAL.add_calendar_days_then_roll(start, n) == due


def test_negative_counts_and_datetimes_are_refused():
    with pytest.raises(ValueError, match="n must not be negative, got -1"):
        CAL.add_working_days(D(2026, 1, 1), -1)
    with pytest.raises(ValueError, match="n must not be negative, got -1"):
        CAL.add_calendar_days_then_roll(D(2026, 1, 1), -1)
    with pytest.raises(TypeError, match="a date expected, got datetime"):
        CAL.is_working_day(at(2026, 1, 12, 10))


# --- overrides -----------------------------------------------------------------------------------
def test_an_override_making_a_day_non_working_moves_a_deadline():
    closed = WorkingCalendar(overrides={D(2026, 1, 27): False})
    assert closed.is_working_day(D(2026, 1, 27)) is False
    assert closed.add_working_days(D(2025, 12, 26), 15) == D(2026, 1, 29)
    assert closed.add_calendar_days_then_roll(D(2025, 12, 28), 30) == D(2026, 1, 28)
    assert CAL.add_working_days(D(2025, 12, 26), 15) == D(2026, 1, 28)  # others unaffected


def test_an_override_making_a_saturday_working():
    opened = WorkingCalendar(overrides={D(2026, 5, 16): True})
    assert opened.add_working_days(D(2026, 5, 15), 1) == D(2026, 5, 16)
    assert opened.add_working_hours(at(2026, 5, 15, 17), 2) == at(2026, 5, 16, 10)


def test_calendar_knows_the_decrees_through_2027():
    assert decree_last_year() == 2027
    assert CAL.is_provisional(D(2027, 12, 31)) is False
    assert CAL.is_provisional(D(2028, 1, 10)) is True
    assert WorkingCalendar(overrides={D(2028, 1, 10): True}).is_provisional(D(2028, 1, 10)) is False


# --- hours ---------------------------------------------------------------------------------------
def test_social_post_on_friday_evening_before_victory_day():
    # 30 minutes on Friday, Saturday–Monday off (9 May and its observed Monday), 7.5 h Tuesday.
    assert CAL.add_working_hours(at(2026, 5, 8, 17, 30), 8) == at(2026, 5, 12, 16, 30)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2026, 3, 1, 22, 0), 8, at(2026, 3, 2, 17, 0)),  # Sunday night: starts Monday 09:00
        (at(2026, 3, 2, 7, 15), 1, at(2026, 3, 2, 10, 0)),  # before opening
        (at(2026, 3, 2, 18, 0), 1, at(2026, 3, 3, 10, 0)),  # at closing: the next day
        (at(2026, 3, 2, 9, 0), 9, at(2026, 3, 2, 18, 0)),  # ends exactly at closing
        (at(2026, 3, 2, 10, 0), 0, at(2026, 3, 2, 10, 0)),
        (at(2026, 3, 7, 12, 0), 0, at(2026, 3, 10, 9, 0)),  # 0 h from a day off: next opening
        (at(2026, 3, 2, 10, 0), Decimal("1.25"), at(2026, 3, 2, 11, 15)),
        (at(2026, 3, 2, 10, 0), dt.timedelta(minutes=30), at(2026, 3, 2, 10, 30)),
        (at(2025, 12, 30, 17, 0), 2, at(2026, 1, 12, 10, 0)),  # over the New Year holidays
    ],
)
def test_add_working_hours(start, hours, due):
    assert CAL.add_working_hours(start, hours) == due


def test_hours_are_counted_in_volgograd_time_whatever_the_input_zone():
    friday_utc = dt.datetime(2026, 5, 8, 14, 30, tzinfo=dt.UTC)  # 17:30 in Volgograd
    due = CAL.add_working_hours(friday_utc, 8)
    assert due == at(2026, 5, 12, 16, 30)
    assert due.tzinfo == VOLGOGRAD
    assert due.isoformat() == "2026-05-12T16:30:00+03:00"


def test_working_time_between():
    assert CAL.working_time_between(at(2026, 5, 8, 17, 30), at(2026, 5, 12, 16, 30)) == (
        dt.timedelta(hours=8)
    )
    assert CAL.working_hours_between(at(2026, 5, 8, 17, 30), at(2026, 5, 12, 16, 30)) == 8.0
    assert CAL.working_hours_between(at(2026, 5, 12, 16, 30), at(2026, 5, 8, 17, 30)) == -8.0
    assert CAL.working_hours_between(at(2026, 5, 9, 10), at(2026, 5, 11, 17)) == 0.0
    # a whole working week of 2026-03-02..06
    assert CAL.working_hours_between(at(2026, 3, 2, 0), at(2026, 3, 7, 0)) == 45.0


def test_other_working_hours():
    short = WorkingCalendar(opens=dt.time(8, 30), closes=dt.time(17, 30))
    assert short.add_working_hours(at(2026, 5, 8, 17, 0), 1) == at(2026, 5, 12, 9, 0)
    assert short.next_opening(at(2026, 5, 12, 8, 0)) == at(2026, 5, 12, 8, 30)
    assert short.is_working_time(at(2026, 5, 12, 17, 29)) is True
    assert short.is_working_time(at(2026, 5, 12, 17, 30)) is False


def test_naive_datetimes_and_negative_hours_are_refused():
    with pytest.raises(ValueError, match="aware"):
        CAL.add_working_hours(dt.datetime(2026, 5, 8, 17, 30), 8)  # noqa: DTZ001
    with pytest.raises(ValueError, match="aware"):
        CAL.working_time_between(at(2026, 5, 8, 10), dt.datetime(2026, 5, 8, 12))  # noqa: DTZ001
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_hours(at(2026, 5, 8, 10), -1)


@pytest.mark.parametrize(
    ("value", "hours"),
    [
        ("09:00-18:00", (dt.time(9), dt.time(18))),
        (" 08:30 - 17:15 ", (dt.time(8, 30), dt.time(17, 15))),
    ],
)
def test_parse_working_hours(value, hours):
    assert parse_working_hours(value) == hours


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("18:00-09:00", "the start must be before the end"),
        ("9-18", "expected HH:MM-HH:MM"),
        ("09:00", "expected HH:MM-HH:MM"),
        ("", "expected HH:MM-HH:MM"),
    ],
)
def test_parse_working_hours_refuses_nonsense(value, error):
    with pytest.raises(ValueError, match=f"working hours {value!r}: {error}"):
        parse_working_hours(value)


# --- properties ----------------------------------------------------------------------------------
days = st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31))
moments = st.builds(
    lambda day, minute: (
        dt.datetime.combine(day, dt.time(), tzinfo=VOLGOGRAD) + dt.timedelta(minutes=minute)
    ),
    days,
    st.integers(0, 24 * 60 - 1),
)


@settings(max_examples=200, deadline=None)
@given(day=days, n=st.integers(0, 60), m=st.integers(0, 60))
def test_add_working_days_is_monotonic_and_lands_on_a_working_day(day, n, m):
    a, b = CAL.add_working_days(day, n), CAL.add_working_days(day, n + m)
    assert a <= b
    assert CAL.is_working_day(a)
    if m:
        assert a < b
    if n:
        assert a > day
        assert CAL.working_days_between(day, a) == n


@settings(max_examples=200, deadline=None)
@given(day=days, n=st.integers(0, 90))
def test_calendar_days_then_roll_lands_on_the_first_working_day_from_the_end(day, n):
    due = CAL.add_calendar_days_then_roll(day, n)
    end = day + dt.timedelta(days=n)
    assert CAL.is_working_day(due)
    assert due >= end
    assert CAL.working_days_between(end - dt.timedelta(days=1), due) == 1


@settings(max_examples=200, deadline=None)
@given(start=moments, minutes=st.integers(0, 60 * 80))
def test_working_hours_round_trip(start, minutes):
    span = dt.timedelta(minutes=minutes)
    due = CAL.add_working_hours(start, span)
    assert CAL.working_time_between(start, due) == span
    assert CAL.working_hours_between(start, due) == minutes / 60
    assert CAL.add_working_hours(start, minutes / 60) == due
    if minutes:
        assert CAL.is_working_day(CAL.local_date(due))
        assert dt.time(9) < due.time() <= dt.time(18)
