"""Deadline arithmetic: pure functions of a policy, the moments of a case and a calendar.

No database access here: ``policy`` is a ``DeadlinePolicy`` (saved or not) or any object with
the same attributes, ``calendar`` a ``otklik.core.calendar.WorkingCalendar``.

Due moments (aware datetimes in the calendar's time zone, Europe/Volgograd):

* day units (calendar_days, working_days): the END of the due calendar day,
  23:59:59.999999 local time. A period of n days counts from the day after its start
  (ГК РФ ст. 191); calendar-day periods ending on a non-working day end on the next working day
  (ст. 193); an action may be done until 24:00 of the last day (ст. 194). Working-day periods
  end on the n-th working day after the start day. «On time» is ``done_at <= due``.
* working_hours: the exact moment n working hours after the start (only working hours of working
  days count; a start outside them starts at the next opening).
* calendar_hours: the start plus n hours of absolute time.

Which moment each period starts from: registration — from receipt; first response and answer —
from the policy's basis (receipt or registration). When the registration moment is not known yet,
it is taken equal to receipt (the ЦУР registers on receipt; recompute once it is registered).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from otklik.core.calendar import WorkingCalendar
from otklik.core.exceptions import ApplicationError
from otklik.sla.choices import DAY_UNITS, Basis, Unit

Interval = tuple[dt.datetime, dt.datetime | None]


@dataclass(frozen=True)
class DueTimes:
    registration_due: dt.datetime | None
    first_response_due: dt.datetime | None
    resolution_due: dt.datetime

    def as_json(self) -> dict[str, str | None]:
        """ISO-8601 strings with the UTC offset; None where the policy sets no such deadline."""
        return {
            "registration_due": _iso(self.registration_due),
            "first_response_due": _iso(self.first_response_due),
            "resolution_due": _iso(self.resolution_due),
        }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _aware(at: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(at, dt.datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name}: an aware datetime expected, got {at!r}")
    return at


def due_after(
    *, start: dt.datetime, length: int, unit: str, calendar: WorkingCalendar
) -> dt.datetime:
    """The due moment of a period of ``length`` ``unit`` starting at ``start`` (see above)."""
    _aware(start, "start")
    if length < 0:
        raise ValueError(f"length must not be negative, got {length}")
    if unit == Unit.CALENDAR_DAYS:
        day = calendar.add_calendar_days_then_roll(calendar.local_date(start), length)
        return calendar.end_of_day(day)
    if unit == Unit.WORKING_DAYS:
        return calendar.end_of_day(calendar.add_working_days(calendar.local_date(start), length))
    if unit == Unit.WORKING_HOURS:
        return calendar.add_working_hours(start, length)
    if unit == Unit.CALENDAR_HOURS:
        return (start.astimezone(dt.UTC) + dt.timedelta(hours=length)).astimezone(calendar.tz)
    raise ValueError(f"unknown unit {unit!r}; expected one of {Unit.values}")


def _moments(
    received_at: dt.datetime, registered_at: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime]:
    _aware(received_at, "received_at")
    if registered_at is None:
        return received_at, received_at
    if _aware(registered_at, "registered_at") < received_at:
        raise ValueError("registered_at is before received_at")
    return received_at, registered_at


def _basis_moment(policy: Any, received_at: dt.datetime, registered_at: dt.datetime) -> dt.datetime:
    return registered_at if policy.basis == Basis.REGISTRATION else received_at


def compute_due(
    *,
    policy: Any,
    received_at: dt.datetime,
    registered_at: dt.datetime | None = None,
    calendar: WorkingCalendar,
    extended_by: int = 0,
    paused: Iterable[Interval] = (),
) -> DueTimes:
    """Registration, first-response and answer deadlines of one input under ``policy``.

    ``extended_by``: approved extensions of the answer period, in the policy's unit (the caller
    keeps them within ``policy.max_extension_length``, see ``deadline_extend``). ``paused``:
    the intervals in which the clock stood still (see ``due_after_pauses``); the registration
    deadline is never paused.
    """
    received_at, registered_at = _moments(received_at, registered_at)
    basis_at = _basis_moment(policy, received_at, registered_at)
    if extended_by < 0:
        raise ValueError(f"extended_by must not be negative, got {extended_by}")
    paused = list(paused)
    registration_due = first_response_due = None
    if policy.registration_length is not None:
        registration_due = due_after(
            start=received_at,
            length=policy.registration_length,
            unit=policy.registration_unit,
            calendar=calendar,
        )
    if policy.first_response_length is not None:
        first_response_due = due_after_pauses(
            start=basis_at,
            length=policy.first_response_length,
            unit=policy.first_response_unit,
            paused=paused,
            calendar=calendar,
        )
    resolution_due = due_after_pauses(
        start=basis_at,
        length=policy.resolution_length + extended_by,
        unit=policy.unit,
        paused=paused,
        calendar=calendar,
    )
    return DueTimes(registration_due, first_response_due, resolution_due)


def pause_length(
    *, unit: str, start: dt.datetime, end: dt.datetime, calendar: WorkingCalendar
) -> int | dt.timedelta:
    """How far a pause from ``start`` to ``end`` moves a period counted in ``unit``.

    Day units count whole days, as periods do (ГК РФ ст. 191): the day the clock stopped still
    counts, the days after it up to and including the day it resumed do not — calendar days
    for calendar-day periods, working days of the calendar for working-day periods (a pause
    over a weekend or the May holidays moves a working-day period only by the working days in
    it). Hour units: the working time between the two moments (working hours), or the absolute
    time (calendar hours).
    """
    _aware(start, "start")
    _aware(end, "end")
    if end <= start:
        return 0 if unit in DAY_UNITS else dt.timedelta(0)
    if unit == Unit.CALENDAR_DAYS:
        return (calendar.local_date(end) - calendar.local_date(start)).days
    if unit == Unit.WORKING_DAYS:
        return calendar.working_days_between(calendar.local_date(start), calendar.local_date(end))
    if unit == Unit.WORKING_HOURS:
        return calendar.working_time_between(start, end)
    if unit == Unit.CALENDAR_HOURS:
        return end - start
    raise ValueError(f"unknown unit {unit!r}; expected one of {Unit.values}")


def _due_shifted(
    *, start: dt.datetime, length: int, unit: str, shift: Any, calendar: WorkingCalendar
) -> dt.datetime:
    if unit in DAY_UNITS:
        return due_after(start=start, length=length + shift, unit=unit, calendar=calendar)
    if unit == Unit.WORKING_HOURS:
        return calendar.add_working_hours(start, dt.timedelta(hours=length) + shift)
    due = due_after(start=start, length=length, unit=unit, calendar=calendar)
    return (due.astimezone(dt.UTC) + shift).astimezone(calendar.tz)


def due_after_pauses(
    *,
    start: dt.datetime,
    length: int,
    unit: str,
    paused: Iterable[Interval] = (),
    calendar: WorkingCalendar,
) -> dt.datetime:
    """``due_after`` with the clock stopped during ``paused`` (from, to) intervals.

    Each finished pause that began after ``start`` and before the due moment reached so far
    moves the due moment by its ``pause_length`` in ``unit``; the period is then counted again
    from ``start`` over the whole length (so a day-period's end is rolled to a working day
    once, as in ``deadline_extend``). A pause still going on (``to`` None) moves nothing yet:
    the due moment moves when the clock resumes. A pause that began after the deadline had
    passed does not revive it.
    """
    _aware(start, "start")
    due = due_after(start=start, length=length, unit=unit, calendar=calendar)
    finished = [(a, b) for a, b in paused if b is not None]
    shift: Any = 0 if unit in DAY_UNITS else dt.timedelta(0)
    for a, b in _merged(finished, start):
        if b <= start:
            continue
        if a > due:
            break
        shift += pause_length(unit=unit, start=max(a, start), end=b, calendar=calendar)
        due = _due_shifted(start=start, length=length, unit=unit, shift=shift, calendar=calendar)
    return due


def redirect_due(
    *, policy: Any, registered_at: dt.datetime, calendar: WorkingCalendar
) -> dt.datetime | None:
    """Deadline to send the input on to the competent body (59-ФЗ ст. 8 ч. 3: 7 days), or None."""
    if policy.redirect_length is None:
        return None
    return due_after(
        start=_aware(registered_at, "registered_at"),
        length=policy.redirect_length,
        unit=policy.redirect_unit,
        calendar=calendar,
    )


def deadline_extend(
    *,
    policy: Any,
    received_at: dt.datetime,
    registered_at: dt.datetime | None = None,
    by: int,
    already_extended: int = 0,
    calendar: WorkingCalendar,
) -> dt.datetime:
    """The answer deadline after an extension by ``by`` units of the policy's unit.

    Computed from the basis over the whole length (resolution + all extensions), so that the
    moving of a period's end to the next working day is never counted twice: a 59-ФЗ appeal
    registered on 20.02.2026 is due 23.03.2026 (30 days end on Sunday 22.03); extended by 30
    days it is due 21.04.2026 (60 days), not 22.04. The total extension is bounded by
    ``policy.max_extension_length``; an extension beyond it raises ApplicationError.
    """
    if by <= 0:
        raise ApplicationError("Срок продлевается на положительное число единиц.")
    if already_extended < 0:
        raise ValueError(f"already_extended must not be negative, got {already_extended}")
    if already_extended + by > policy.max_extension_length:
        unit = Unit(policy.unit).label
        if policy.max_extension_length == 0:
            raise ApplicationError(f"Срок «{policy.name}» не продлевается.")
        raise ApplicationError(
            f"Срок «{policy.name}» можно продлить не более чем на "
            f"{policy.max_extension_length} {unit}; уже продлён на {already_extended}, "
            f"запрошено ещё {by}.",
            extra={"max_extension": policy.max_extension_length, "already": already_extended},
        )
    received_at, registered_at = _moments(received_at, registered_at)
    return due_after(
        start=_basis_moment(policy, received_at, registered_at),
        length=policy.resolution_length + already_extended + by,
        unit=policy.unit,
        calendar=calendar,
    )


def _merged(
    intervals: Iterable[Interval], now: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    spans = sorted(
        (_aware(a, "pause start"), _aware(b, "pause end") if b is not None else now)
        for a, b in intervals
    )
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def elapsed_fraction(
    *,
    start: dt.datetime,
    due: dt.datetime,
    now: dt.datetime,
    paused: Iterable[Interval] = (),
    calendar: WorkingCalendar | None = None,
) -> float:
    """Share of the period [start, due] used up at ``now``, not counting paused intervals.

    ``paused`` holds (from, to) pairs; ``to`` None means paused until now. With ``calendar``
    the time is measured in working time (for working-day and working-hour policies), else in
    absolute time. 0.0 before start; 1.0 when the allowed time is used up; above 1.0 overdue.
    """
    for name, value in (("start", start), ("due", due), ("now", now)):
        _aware(value, name)

    def span(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        if b <= a:
            return dt.timedelta(0)
        return calendar.working_time_between(a, b) if calendar is not None else b - a

    total = span(start, due)
    if total <= dt.timedelta(0):
        raise ValueError("due must be after start (with working time between them)")
    used = span(start, now)
    for a, b in _merged(paused, now):
        used -= span(max(a, start), min(b, now))
    return max(used, dt.timedelta(0)) / total


def warning_level(*, policy: Any, fraction: float) -> float | None:
    """The highest warning threshold of ``policy`` that ``fraction`` has reached, or None."""
    reached = [t for t in policy.warning_thresholds if fraction >= t]
    return max(reached) if reached else None
