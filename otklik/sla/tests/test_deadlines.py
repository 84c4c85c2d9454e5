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
    due_after_pauses,
    elapsed_fraction,
    pause_length,
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
    with pytest.raises(ApplicationError, match="продлевается на положительное число единиц"):
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


# --- the clock stopped while the author is asked for information ---------------------------------
# A message registered on Monday 27.04.2026 10:00; the clock stops on Thursday 30.04 at 12:00 and
# resumes on Tuesday 12.05 at 10:00 — over the May holidays (01–03.05, 09–11.05 are days off).
MAY_START = at(2026, 4, 27, 10)
MAY_PAUSE = (at(2026, 4, 30, 12), at(2026, 5, 12, 10))


@pytest.mark.parametrize(
    ("unit", "length"),
    [
        # working days after 30.04 up to and including 12.05: 04–08.05 and 12.05
        (Unit.WORKING_DAYS, 6),
        # calendar days: 01.05 … 12.05
        (Unit.CALENDAR_DAYS, 12),
        # working time: 30.04 12–18 (6 h), 04–08.05 (45 h), 12.05 9–10 (1 h)
        (Unit.WORKING_HOURS, dt.timedelta(hours=52)),
        (Unit.CALENDAR_HOURS, dt.timedelta(days=11, hours=22)),
    ],
)
def test_pause_length_in_the_unit_of_the_period(unit, length):
    assert pause_length(unit=unit, start=MAY_PAUSE[0], end=MAY_PAUSE[1], calendar=CAL) == length


def test_a_pause_within_one_day_moves_a_day_period_by_nothing():
    same_day = (at(2026, 5, 12, 10), at(2026, 5, 12, 17))
    assert (
        pause_length(unit=Unit.WORKING_DAYS, start=same_day[0], end=same_day[1], calendar=CAL) == 0
    )
    assert pause_length(
        unit=Unit.WORKING_HOURS, start=same_day[0], end=same_day[1], calendar=CAL
    ) == dt.timedelta(hours=7)


@pytest.mark.parametrize(
    ("unit", "length", "without", "with_pause"),
    [
        # 10 working days: 13.05 without the pause; 6 working days later with it
        (Unit.WORKING_DAYS, 10, end_of(2026, 5, 13), end_of(2026, 5, 21)),
        # 30 calendar days: 27.05; 12 days later is Monday 08.06
        (Unit.CALENDAR_DAYS, 30, end_of(2026, 5, 27), end_of(2026, 6, 8)),
        # 40 working hours: 27.04 8 h, 28–30.04 27 h, 04.05 5 h → 14:00; with the pause, 29 h
        # are used before it (30.04 9–12), the other 11 run from 12.05 10:00 → 13.05 12:00
        (Unit.WORKING_HOURS, 40, at(2026, 5, 4, 14), at(2026, 5, 13, 12)),
    ],
)
def test_a_pause_moves_the_due_moment_over_the_may_holidays(unit, length, without, with_pause):
    assert due_after(start=MAY_START, length=length, unit=unit, calendar=CAL) == without
    assert (
        due_after_pauses(
            start=MAY_START, length=length, unit=unit, paused=[MAY_PAUSE], calendar=CAL
        )
        == with_pause
    )


def test_pauses_add_up_and_unfinished_or_late_ones_move_nothing():
    first = (at(2026, 4, 28, 11), at(2026, 4, 29, 16))  # 1 working day
    second = (at(2026, 5, 5, 10), at(2026, 5, 7, 10))  # 2 working days
    args = {"start": MAY_START, "length": 10, "unit": Unit.WORKING_DAYS, "calendar": CAL}
    assert due_after_pauses(paused=[second, first], **args) == end_of(2026, 5, 18)
    # still paused: the due moment moves only when the clock resumes
    assert due_after_pauses(paused=[first, (at(2026, 5, 5, 10), None)], **args) == end_of(
        2026, 5, 14
    )
    # a pause that began after the deadline had passed does not revive it
    assert due_after_pauses(paused=[(at(2026, 5, 14, 9), at(2026, 5, 20, 9))], **args) == end_of(
        2026, 5, 13
    )
    # a pause before the start of the period (an earlier round, before a reopening) is ignored
    assert due_after_pauses(paused=[(at(2026, 4, 20), at(2026, 4, 27, 9))], **args) == end_of(
        2026, 5, 13
    )


def test_compute_due_pauses_first_response_and_answer_but_not_registration(region):
    policy = policy_get(code="message")  # 10 working days, first response 1 working day
    plain = compute_due(policy=policy, received_at=MAY_START, calendar=CAL)
    paused = compute_due(
        policy=policy,
        received_at=MAY_START,
        calendar=CAL,
        paused=[(at(2026, 4, 27, 15), at(2026, 4, 29, 9))],  # 2 working days
    )
    assert (plain.first_response_due, plain.resolution_due) == (
        end_of(2026, 4, 28),
        end_of(2026, 5, 13),
    )
    assert (paused.first_response_due, paused.resolution_due) == (
        end_of(2026, 4, 30),
        end_of(2026, 5, 15),
    )
    assert paused.registration_due == plain.registration_due
    extended = compute_due(policy=policy, received_at=MAY_START, calendar=CAL, extended_by=2)
    assert extended.resolution_due == end_of(2026, 5, 15)
