from __future__ import annotations

from django_tasks import task


@task()
def approvals_sweep() -> dict:
    """Reminders on a step's last day, escalation the day after (``services.approvals_sweep``)."""
    from otklik.approvals.services import approvals_sweep as sweep

    report = sweep()
    return {"reminded": report.reminded, "escalated": report.escalated}
