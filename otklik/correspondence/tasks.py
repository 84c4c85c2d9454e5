from __future__ import annotations

from django_tasks import task


@task()
def correspondence_sweep() -> dict:
    """Reminders on the deadline, overdue marks, escalation the working day after
    (``services.correspondence_sweep``)."""
    from dataclasses import asdict

    from otklik.correspondence.services import correspondence_sweep as sweep

    return asdict(sweep())
