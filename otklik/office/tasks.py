from __future__ import annotations

from django_tasks import task


@task()
def indicators_refresh() -> dict:
    """The computed indicators of the last and the current month, from the data."""
    from django.utils import timezone

    from otklik.office import periods
    from otklik.office.services import indicators_compute

    today = timezone.localdate()
    out = {}
    for period in (periods.previous_month(today), periods.month_of(today)):
        out[period] = len(indicators_compute(period=period))
    return out


@task()
def reports_sweep() -> dict:
    """The last period's reports opened, projects' and blocks', overdue ones reported
    (``services.reports_sweep``)."""
    from dataclasses import asdict

    from otklik.office.services import reports_sweep as sweep

    return asdict(sweep())


@task()
def roadmap_sweep() -> dict:
    """Owners of the roadmap items due today reminded (``services_roadmap.roadmap_sweep``)."""
    from otklik.office.services_roadmap import roadmap_sweep as sweep

    return {"reminded": sweep().reminded}
