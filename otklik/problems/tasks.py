from __future__ import annotations

from django_tasks import task


@task()
def priorities_refresh() -> int:
    """The priority of every open problem (``services.priorities_refresh``)."""
    from otklik.problems.services import priorities_refresh as refresh

    return refresh()
