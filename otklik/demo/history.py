"""The demo region's history, driven in the background of ``otklik serve``.

``otklik setup --demo`` loads the demo messages in seconds and plans their history
(``demo_history_plan``); ``otklik serve`` then starts ``otklik demo history``
(``demo_history_run``), which drives them through the case lifecycle while the pages already
work, and shows how far it got (``demo_history_state``) on the console and the home page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from otklik.demo.models import DemoHistory

ROW = 1  # the one row


def demo_history_state() -> DemoHistory | None:
    return DemoHistory.objects.filter(pk=ROW).first()


def demo_history_pending() -> bool:
    """Planned and not finished (an interrupted run is pending too: a new run goes on)."""
    return DemoHistory.objects.filter(pk=ROW, finished_at__isnull=True).exists()


def demo_history_plan(*, total: int) -> DemoHistory:
    """A history of ``total`` messages to drive; the pages of every process look again
    (through the reference version) and show its progress."""
    from otklik.directory.cache import reference_changed

    with transaction.atomic():
        reference_changed()
        state, _ = DemoHistory.objects.update_or_create(
            pk=ROW,
            defaults={
                "total": total,
                "stage": DemoHistory.Stage.ANALYSE,
                "done": 0,
                "started_at": None,
                "finished_at": None,
                "failed_at": None,
                "error": "",
            },
        )
    return state


def demo_history_run(*, report: Callable[[str], None] = lambda line: None) -> dict[str, int]:
    """Drive the planned history to its end; returns the cases per final state. A failure is
    kept on the row (the home page shows it) and raised."""
    from otklik.analytics.services import rollups_refresh
    from otklik.channels.services import health_recount
    from otklik.demo.lifecycle import demo_drive
    from otklik.demo.office import demo_office_reports

    DemoHistory.objects.update_or_create(
        pk=ROW, defaults={"started_at": timezone.now(), "failed_at": None, "error": ""}
    )
    step = {"stage": "", "next": 0}

    def progress(stage: str, done: int, total: int) -> None:
        DemoHistory.objects.filter(pk=ROW).update(stage=stage, done=done, total=total)
        percent = done * 100 // total if total else 100
        if stage != step["stage"]:
            step.update(stage=stage, next=0)
        if percent >= step["next"]:
            label = DemoHistory.Stage(stage).label
            report(f"история демо-региона, {label}: {done} из {total} сообщений ({percent} %)")
            step["next"] = percent - percent % 10 + 10

    try:
        states = demo_drive(progress=progress)
        rollups_refresh(full=True)
        health_recount()
        demo_office_reports()
    except Exception as exc:
        DemoHistory.objects.filter(pk=ROW).update(
            failed_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    DemoHistory.objects.filter(pk=ROW).update(finished_at=timezone.now())
    return states
