"""Housekeeping tasks of the platform itself."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def prune_task_results(days: int = 14) -> int:
    """Delete finished task results older than ``days`` (database backend only)."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


@task()
def production_calendar_check() -> dict:
    """Warn when the production calendar of next year is not yet known to the `holidays` package.

    The Government publishes next year's day transfers in autumn; until the pinned `holidays`
    release carries them (or manual overrides are entered), deadlines after New Year may be off.
    """
    import holidays

    today = timezone.localdate()
    next_year = today.year + 1
    known = holidays.country_holidays("RU", years=next_year)
    transfers = [
        d for d, name in known.items() if "перенес" in name.lower() or "substituted" in name.lower()
    ]
    result = {"year": next_year, "holidays": len(known), "transfers": len(transfers)}
    if today.month >= 10 and not transfers:
        logger.warning(
            "production calendar %s: no day transfers known yet; check overrides", next_year
        )
        result["warning"] = True
    return result
