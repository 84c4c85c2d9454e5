"""The rule of the roadmap's deadlines, kept apart from the database so it can be checked by
hand: an item is due on its date, or — when that date is not a working day — on the next working
day of the production calendar (ГК РФ ст. 193, ``WorkingCalendar.roll_forward``); it is overdue
from the day after that while it is neither done nor cancelled."""

from __future__ import annotations

import datetime as dt

from otklik.core.calendar import WorkingCalendar
from otklik.office.choices import ROADMAP_ACTIVE


def deadline(calendar: WorkingCalendar, due: dt.date) -> dt.date:
    """The working day an item is due on."""
    return calendar.roll_forward(due)


def is_overdue(calendar: WorkingCalendar, *, due: dt.date, status: str, today: dt.date) -> bool:
    return status in ROADMAP_ACTIVE and today > deadline(calendar, due)


def is_due_today(calendar: WorkingCalendar, *, due: dt.date, status: str, today: dt.date) -> bool:
    """The day to remind the owner: the item's working deadline is today."""
    return status in ROADMAP_ACTIVE and deadline(calendar, due) == today
