"""Background work of analytics (thin: each calls a service)."""

from __future__ import annotations

from django_tasks import task


@task()
def rollups_refresh() -> dict:
    from otklik.analytics.services import rollups_refresh as refresh

    return refresh()
