"""``otklik scheduler``: enqueue periodic jobs when due (safe to run on several machines)."""

from __future__ import annotations

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import OperationalError, connection

from otklik.core.scheduling import registered_jobs, scheduler_tick

logger = logging.getLogger(__name__)


def tick_or_wait() -> bool:
    """One tick; a database that is busy (SQLite's one writer, past its wait) or unreachable for
    a moment fails this tick only, not the scheduler: the due jobs stay due and the next tick
    enqueues them. Returns whether the tick ran."""
    try:
        scheduler_tick()
    except OperationalError as exc:
        logger.warning("scheduler: tick skipped, the database did not answer: %s", exc)
        connection.close()  # a fresh connection for the next tick
        return False
    return True


class Command(BaseCommand):
    help = "Планировщик периодических задач."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=15.0, help="seconds between checks (default 15)"
        )
        parser.add_argument("--once", action="store_true", help="one check, then exit")
        parser.add_argument("--list", action="store_true", help="list the jobs and exit")

    def handle(self, *args, **o):
        if o["list"]:
            for job in registered_jobs():
                self.stdout.write(f"{job.name:40} every {job.every}  {job.task}")
            return
        if o["once"]:
            scheduler_tick()
            return
        stopping = {"flag": False}

        def stop(signum, frame):
            stopping["flag"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("scheduler: started")
        while not stopping["flag"]:
            tick_or_wait()
            deadline = time.monotonic() + o["interval"]
            while not stopping["flag"] and time.monotonic() < deadline:
                time.sleep(0.2)
        self.stdout.write("scheduler: stopped")
