import datetime as dt

import pytest
from django.utils import timezone

from otklik.core.models import ScheduledRun
from otklik.core.scheduling import PeriodicJob, registered_jobs, scheduler_tick

JOB = PeriodicJob(
    name="test.calendar",
    task="otklik.core.tasks.production_calendar_check",
    every=dt.timedelta(hours=1),
)


@pytest.mark.django_db(transaction=True)
def test_a_due_job_is_enqueued_once_however_many_schedulers_tick(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    now = timezone.now()
    first = scheduler_tick(now=now, jobs=[JOB])
    second = scheduler_tick(now=now, jobs=[JOB])  # another scheduler, same moment
    assert first == ["test.calendar"]
    assert second == []
    assert len(default_task_backend.results) == 1
    run = ScheduledRun.objects.get(name="test.calendar")
    assert run.next_due_at == now + dt.timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
def test_job_is_due_again_after_its_interval(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    now = timezone.now()
    assert scheduler_tick(now=now, jobs=[JOB]) == ["test.calendar"]
    assert scheduler_tick(now=now + dt.timedelta(minutes=59), jobs=[JOB]) == []
    assert scheduler_tick(now=now + dt.timedelta(hours=1), jobs=[JOB]) == ["test.calendar"]


def test_registered_jobs_point_at_tasks():
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    jobs = registered_jobs()
    assert {j.name for j in jobs} == {
        "core.prune_task_results",
        "core.production_calendar_check",
        "cases.deadline_sweep",
        "cases.outbox_retry",
        "nlp.bands_prune",
        "email.poll",
        "analytics.rollups_refresh",
        "analytics.alerts_refresh",
        "telegram.poll",
        "vk.monitor",
        "ok.poll",
        "approvals.sweep",
        "office.indicators_refresh",
        "office.reports_sweep",
        "office.roadmap_sweep",
        "problems.priorities_refresh",
        "audit.seal",
        "audit.check",
        "correspondence.sweep",
    }
    for job in jobs:
        assert isinstance(import_string(job.task), Task)


@pytest.mark.django_db
def test_calendar_check_reports_the_next_year():
    from otklik.core.tasks import production_calendar_check

    result = production_calendar_check.call()
    assert result["year"] == timezone.localdate().year + 1
    assert result["holidays"] > 10


def test_a_busy_database_skips_a_tick_and_the_scheduler_goes_on(monkeypatch, caplog):
    """SQLite's writers wait in turn; one that waited too long («database is locked») must not
    end the scheduler, for `otklik serve` stops everything when a part dies."""
    from django.db import OperationalError

    from otklik.core.management.commands import scheduler

    calls = []

    def busy():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return []

    monkeypatch.setattr(scheduler, "scheduler_tick", busy)
    assert scheduler.tick_or_wait() is False
    assert "database is locked" in caplog.text
    assert scheduler.tick_or_wait() is True
