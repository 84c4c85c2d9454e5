"""The installation's calendar: the settings' hours plus the overrides of the reference data."""

import datetime as dt

import pytest

from otklik.directory.calendar import calendar_cache_clear, calendar_from_db
from otklik.directory.services import calendar_override_set

D = dt.date


@pytest.mark.django_db
def test_calendar_from_db_follows_the_overrides(make_user, settings):
    calendar_cache_clear()
    settings.OTKLIK_WORKING_HOURS = "08:00-17:00"
    first = calendar_from_db()
    assert first.overrides == {}
    assert (first.opens, first.closes, first.tz.key) == (
        dt.time(8),
        dt.time(17),
        "Europe/Volgograd",
    )
    assert calendar_from_db() is first  # unchanged overrides: the same object

    head = make_user("head")
    calendar_override_set(actor=head, date=D(2026, 1, 27), is_working=False, reason="ПП № 1")
    second = calendar_from_db()
    assert second is not first
    assert second.overrides == {D(2026, 1, 27): False}
    assert second.add_working_days(D(2025, 12, 26), 15) == D(2026, 1, 29)

    calendar_override_set(actor=head, date=D(2026, 1, 27), is_working=True, reason="ПП № 2")
    assert calendar_from_db().overrides == {D(2026, 1, 27): True}
    calendar_cache_clear()
