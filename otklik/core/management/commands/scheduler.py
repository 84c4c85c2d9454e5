"""``otklik scheduler``: enqueue periodic jobs when due (safe to run on several machines)."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand

from otklik.core.scheduling import registered_jobs, scheduler_tick


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
            scheduler_tick()
            deadline = time.monotonic() + o["interval"]
            while not stopping["flag"] and time.monotonic() < deadline:
                time.sleep(0.2)
        self.stdout.write("scheduler: stopped")
