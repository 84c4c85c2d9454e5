"""Deadlines of the loaded policies on real calendar cases of 2025 and 2026."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from otklik.core.calendar import WorkingCalendar
from otklik.core.exceptions import ApplicationError
from otklik.sla.choices import Basis, Unit
from otklik.sla.deadlines import (
    DueTimes,
    compute_due,
    deadline_extend,
    due_after,
    elapsed_fraction,
    redirect_due,
    warning_level,
)
from otklik.sla.models import DeadlinePolicy
from otklik.sla.selectors import policy_get

VOLGOGRAD = ZoneInfo("Europe/Volgograd")
CAL = WorkingCalendar()


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VOLGOGRAD)


def end_of(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 23, 59, 59, 999999, tzinfo=VOLGOGRAD)


def due(code: str, received: dt.datetime, registered: dt.datetime | None = None, cal=CAL):
    return compute_due(
        policy=policy_get(code=code), received_at=received, registered_at=registered, calendar=cal
    )


# --- 210-ФЗ --------------------------------------------------------------------------------------
def test_complaint_received_on_friday_before_the_new_year(region):
    assert due("complaint_210fz", at(2025, 12, 26, 11, 0)) == DueTimes(
        registration_due=end_of(2025, 12, 29),
        first_response_due=None,
        resolution_due=end_of(2026, 1, 28),
    )


def test_complaint_over_the_may_holidays(region):
    assert due("complaint_210fz", at(2026, 4, 30, 15, 0)).resolution_due == end_of(2026, 5, 25)
    short = due("complaint_210fz_short", at(2026, 4, 30, 15, 0))
    assert short.registration_due == end_of(2026, 5, 4)
    assert short.resolution_due == end_of(2026, 5, 8)


def test_complaint_counts_from_its_registration(region):
    # received Thursday 30.04, registered Monday 04.05: 15 working days from 04.05
    result = due("complaint_210fz", at(2026, 4, 30, 15), registered=at(2026, 5, 4, 9, 30))
    assert result.registration_due == end_of(2026, 5, 4)
    assert result.resolution_due == end_of(2026, 5, 26)


def test_a_manual_override_moves_the_deadline(region):
    closed = WorkingCalendar(overrides={dt.date(2026, 1, 27): False})
    assert due("complaint_210fz", at(2025, 12, 26, 11), cal=closed).resolution_due == end_of(
        2026, 1, 29
    )


# --- 59-ФЗ ---------------------------------------------------------------------------------------
def test_appeal_30_days_ending_on_sunday_end_on_monday(region):
    result = due("appeal_59fz", at(2026, 2, 19, 16, 0), registered=at(2026, 2, 20, 10, 0))
    assert result == DueTimes(
        registration_due=end_of(2026, 2, 24),  # 3 days end Sunday 22.02; 23.02 is a holiday
        first_response_due=None,
        resolution_due=end_of(2026, 3, 23),  # 30 days end on Sunday 22.03
    )
    policy = policy_get(code="appeal_59fz")
    assert redirect_due(policy=policy, registered_at=at(2026, 2, 20, 10), calendar=CAL) == (
        end_of(2026, 2, 27)
    )


def test_appeal_registered_on_receipt_when_not_known(region):
    assert due("appeal_59fz", at(2026, 2, 20, 10)).resolution_due == end_of(2026, 3, 23)


def test_appeal_ending_on_a_working_saturday(region):
    # 02.10.2025 + 30 days = Saturday 01.11.2025, a working day by the transfer decree
    assert due("appeal_59fz", at(2025, 10, 2, 12)).resolution_due == end_of(2025, 11, 1)


def test_appeal_extension_is_counted_over_the_whole_period(region):
    policy = policy_get(code="appeal_59fz")
    received = at(2026, 2, 20, 10)
    extended = deadline_extend(policy=policy, received_at=received, by=30, calendar=CAL)
    assert extended == end_of(2026, 4, 21)  # 60 days from 20.02, not 30 days from 23.03
    twice = deadline_extend(
        policy=policy, received_at=received, by=20, already_extended=10, calendar=CAL
    )
    assert twice == extended


def test_extension_is_bounded_by_the_policy(region):
    appeal = policy_get(code="appeal_59fz")
    with pytest.raises(ApplicationError) as caught:
        deadline_extend(
            policy=appeal, received_at=at(2026, 2, 20), by=11, already_extended=20, calendar=CAL
        )
    assert caught.value.message == (
        "Срок «Обращение гражданина по 59-ФЗ» можно продлить не более чем на 30 календарных "
        "дней; уже продлён на 20, запрошено ещё 11."
    )
    complaint = policy_get(code="complaint_210fz")
    with pytest.raises(ApplicationError) as caught:
        deadline_extend(policy=complaint, received_at=at(2026, 2, 20), by=1, calendar=CAL)
    assert caught.value.message == (
        "Срок «Жалоба на нарушение порядка предоставления услуги (210-ФЗ)» не продлевается."
    )
    with pytest.raises(ApplicationError):
        deadline_extend(policy=appeal, received_at=at(2026, 2, 20), by=0, calendar=CAL)


# --- ПОС, soc-nets, other messages ---------------------------------------------------------------
def test_pos_message_default_and_a_regional_subcategory(region):
    assert due("pos_message", at(2026, 4, 30, 10)) == DueTimes(None, None, end_of(2026, 5, 18))
    assert due("pos_heating_outage", at(2026, 4, 30, 10)).resolution_due == end_of(2026, 5, 14)


def test_social_post_on_friday_evening_before_victory_day(region):
    result = due("social_post", at(2026, 5, 8, 17, 30))
    assert result == DueTimes(
        registration_due=None,
        first_response_due=at(2026, 5, 12, 16, 30),
        resolution_due=at(2026, 5, 9, 17, 30),  # «в течение суток»: calendar hours
    )
    assert result.as_json() == {
        "registration_due": None,
        "first_response_due": "2026-05-12T16:30:00+03:00",
        "resolution_due": "2026-05-09T17:30:00+03:00",
    }


def test_social_post_received_on_a_day_off_starts_at_the_next_opening(region):
    # Saturday 07.03.2026; Sunday, then Monday 09.03 (8 March observed) are days off
    assert due("social_post", at(2026, 3, 7, 10)).first_response_due == at(2026, 3, 10, 17, 0)


def test_message_received_late_on_sunday(region):
    assert due("message", at(2026, 3, 1, 23, 10)) == DueTimes(
        registration_due=None,
        first_response_due=end_of(2026, 3, 2),
        resolution_due=end_of(2026, 3, 16),  # 09.03 is a day off
    )


def test_receipt_in_another_zone_is_counted_in_volgograd(region):
    # 21:30 UTC on Sunday is 00:30 on Monday in Volgograd: Monday is the receipt day
    result = due("message", dt.datetime(2026, 3, 1, 21, 30, tzinfo=dt.UTC))
    assert result.first_response_due == end_of(2026, 3, 3)
    assert result.first_response_due.isoformat() == "2026-03-03T23:59:59.999999+03:00"


def test_naive_or_inconsistent_moments_are_refused(region):
    with pytest.raises(ValueError, match="aware"):
        due("message", dt.datetime(2026, 3, 2, 10))  # noqa: DTZ001
    with pytest.raises(ValueError, match="before received_at"):
        due("appeal_59fz", at(2026, 3, 2, 10), registered=at(2026, 3, 2, 9))


# --- pure: unsaved policies ----------------------------------------------------------------------
def test_compute_due_needs_no_database():
    policy = DeadlinePolicy(
        code="t",
        basis=Basis.RECEIPT,
        unit=Unit.WORKING_HOURS,
        resolution_length=4,
        registration_length=2,
        registration_unit=Unit.CALENDAR_HOURS,
        first_response_length=None,
    )
    assert compute_due(policy=policy, received_at=at(2026, 5, 8, 16), calendar=CAL) == DueTimes(
        registration_due=at(2026, 5, 8, 18),
        first_response_due=None,
        resolution_due=at(2026, 5, 12, 11),
    )


def test_due_after_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="unknown unit 'weeks'"):
        due_after(start=at(2026, 5, 8), length=1, unit="weeks", calendar=CAL)


# --- warnings ------------------------------------------------------------------------------------
START, DUE = at(2026, 3, 2, 0, 0), at(2026, 3, 12, 0, 0)  # 10 days


@pytest.mark.parametrize(
    ("now", "paused", "fraction"),
    [
        (at(2026, 3, 1), [], 0.0),
        (at(2026, 3, 7), [], 0.5),
        (at(2026, 3, 14), [], 1.2),
        (at(2026, 3, 7), [(at(2026, 3, 3), at(2026, 3, 4))], 0.4),
        # overlapping pauses count once
        (
            at(2026, 3, 7),
            [(at(2026, 3, 3), at(2026, 3, 4)), (at(2026, 3, 3, 12), at(2026, 3, 5))],
            0.3,
        ),
        # a pause still going on counts until now
        (at(2026, 3, 7), [(at(2026, 3, 6), None)], 0.4),
        # a pause before the start does not count
        (at(2026, 3, 7), [(at(2026, 2, 20), at(2026, 3, 3))], 0.4),
    ],
)
def test_elapsed_fraction(now, paused, fraction):
    assert elapsed_fraction(start=START, due=DUE, now=now, paused=paused) == pytest.approx(
        fraction, abs=1e-12
    )


def test_elapsed_fraction_in_working_time():
    # Mon 09:00 → Fri 18:00 is 45 working hours; Wednesday 09:00 is 18 of them
    assert elapsed_fraction(
        start=at(2026, 3, 2, 9), due=at(2026, 3, 6, 18), now=at(2026, 3, 4, 9), calendar=CAL
    ) == pytest.approx(0.4, abs=1e-12)
    # a weekend of pause in working time is no pause at all
    assert elapsed_fraction(
        start=at(2026, 3, 2, 9),
        due=at(2026, 3, 6, 18),
        now=at(2026, 3, 4, 9),
        paused=[(at(2026, 2, 28), at(2026, 3, 1, 23))],
        calendar=CAL,
    ) == pytest.approx(0.4, abs=1e-12)


def test_elapsed_fraction_refuses_an_empty_period():
    with pytest.raises(ValueError, match="due must be after start"):
        elapsed_fraction(start=DUE, due=START, now=DUE)


@pytest.mark.parametrize(
    ("fraction", "level"),
    [(0.0, None), (0.69, None), (0.7, 0.7), (0.89, 0.7), (0.9, 0.9), (1.3, 0.9)],
)
def test_warning_level(fraction, level):
    policy = DeadlinePolicy(warning_thresholds=[0.7, 0.9])
    assert warning_level(policy=policy, fraction=fraction) == level
