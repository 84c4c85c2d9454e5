"""The calendar of this installation: the settings' working hours and time zone plus the
production-calendar corrections kept in the reference data (``CalendarOverride``).

``otklik.core.calendar.WorkingCalendar`` is the pure arithmetic; this module feeds it from the
database.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Max

from otklik.core.calendar import WorkingCalendar, parse_working_hours
from otklik.directory.models import CalendarOverride

_cached: tuple[tuple, WorkingCalendar] | None = None


def calendar_from_db() -> WorkingCalendar:
    """The calendar of this installation: settings' hours and time zone + CalendarOverride rows.

    Kept per process; one cheap aggregate query per call checks whether the overrides changed
    (count and latest ``updated_at``), and the calendar is rebuilt only then. A bulk
    ``QuerySet.update()`` of overrides does not touch ``updated_at``: call
    ``calendar_cache_clear()`` after one.
    """
    global _cached
    stamp = CalendarOverride.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    key = (stamp["n"], stamp["last"], settings.OTKLIK_WORKING_HOURS, settings.TIME_ZONE)
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    opens, closes = parse_working_hours(settings.OTKLIK_WORKING_HOURS)
    calendar = WorkingCalendar(
        overrides=dict(CalendarOverride.objects.values_list("date", "is_working")),
        opens=opens,
        closes=closes,
        time_zone=settings.TIME_ZONE,
    )
    _cached = (key, calendar)
    return calendar


def calendar_cache_clear() -> None:
    global _cached
    _cached = None
