"""Every periodic job of the platform, in one place (enqueued by `otklik scheduler`)."""

from datetime import timedelta

from otklik.core.scheduling import PeriodicJob

PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob(
        name="core.prune_task_results",
        task="otklik.core.tasks.prune_task_results",
        every=timedelta(hours=6),
        description="Удаление старых результатов фоновых задач",
    ),
    PeriodicJob(
        name="core.production_calendar_check",
        task="otklik.core.tasks.production_calendar_check",
        every=timedelta(days=1),
        description="Проверка производственного календаря следующего года",
    ),
]
