"""Periodic jobs: the list lives in ``otklik/periodic.py`` (registered by the composition root,
``otklik.site``, in its ``ready()``); this module runs it.

A job is a Django task enqueued every ``every``. Several scheduler processes (on several
machines) may run at once: each due job is claimed by a conditional UPDATE on its
``ScheduledRun`` row, so exactly one of them enqueues it (healthchecks' approach).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str  # dotted path of a django_tasks Task
    every: dt.timedelta
    description: str = ""


_JOBS: list[PeriodicJob] = []


def periodic_jobs_register(jobs: list[PeriodicJob]) -> None:
    """Set the platform's periodic jobs (called once, by ``otklik.site`` in ``ready()``)."""
    names = [job.name for job in jobs]
    if len(names) != len(set(names)):
        raise RuntimeError(f"duplicate periodic job names: {names}")
    _JOBS[:] = jobs


def registered_jobs() -> list[PeriodicJob]:
    return list(_JOBS)


def scheduler_tick(
    *, now: dt.datetime | None = None, jobs: list[PeriodicJob] | None = None
) -> list[str]:
    """Enqueue every job that is due; returns the names enqueued by this process."""
    from otklik.core.models import ScheduledRun

    now = now or timezone.now()
    jobs = registered_jobs() if jobs is None else jobs
    enqueued: list[str] = []
    for job in jobs:
        ScheduledRun.objects.get_or_create(name=job.name, defaults={"next_due_at": now})
        with transaction.atomic():
            claimed = ScheduledRun.objects.filter(name=job.name, next_due_at__lte=now).update(
                next_due_at=now + job.every, last_enqueued_at=now
            )
            if claimed:
                task = import_string(job.task)
                transaction.on_commit(lambda task=task: task.enqueue())
                enqueued.append(job.name)
    if enqueued:
        logger.info("scheduler enqueued: %s", ", ".join(enqueued))
    return enqueued
