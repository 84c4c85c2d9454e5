"""``otklik serve``: web server + task worker(s) + scheduler in one command.

Each part is its own process (gunicorn for the web, the task backend's worker, the scheduler),
supervised here: Ctrl-C or SIGTERM stops them all cleanly; if one of them dies, the others are
stopped too and the command exits non-zero, so a service manager can restart the whole.

After ``otklik setup --demo`` one more part runs once, beside them: the demo region's history
(``otklik demo history``), driven while the pages already work. Its end, or its failure, stops
nothing else (a failure is shown on the home page; the next start goes on from where it
stopped).
For scale-out, run the parts separately on several machines (see README, «Scaling out»).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_TIMEOUT = 20.0


def _otklik_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "otklik", *args]


class Command(BaseCommand):
    help = "Запустить веб-сервер, обработчик фоновых задач и планировщик."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("OTKLIK_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("OTKLIK_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2, help="web worker processes")
        parser.add_argument(
            "--task-workers", type=int, default=1, help="background task worker processes (0: none)"
        )
        parser.add_argument(
            "--no-scheduler", action="store_true", help="do not run the periodic-job scheduler here"
        )

    def handle(self, *args, **o):
        if o["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        parts: list[tuple[str, list[str]]] = [
            (
                "web",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "otklik.wsgi:application",
                    "--bind",
                    f"{o['host']}:{o['port']}",
                    "--workers",
                    str(o["workers"]),
                    "--access-logfile",
                    "-",
                    "--graceful-timeout",
                    "15",
                    "--timeout",
                    "120",
                ],
            )
        ]
        for n in range(o["task_workers"]):
            if settings.REDIS_URL:
                argv = _otklik_argv("rqworker", "default", "--job-class", "django_tasks_rq.Job")
            else:
                argv = _otklik_argv("db_worker", "--queue-name", "*", "--no-reload")
            parts.append((f"worker-{n + 1}", argv))
        if not o["no_scheduler"]:
            parts.append(("scheduler", _otklik_argv("scheduler")))
        from otklik.demo.history import demo_history_pending

        once = {"demo-history"} if demo_history_pending() else set()
        if once:
            parts.append(("demo-history", _otklik_argv("demo", "history")))

        procs: dict[str, subprocess.Popen] = {}
        stopping = {"flag": False}

        def request_stop(signum, frame):
            stopping["flag"] = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        for name, argv in parts:
            # Each child gets its own process group, so Ctrl-C in the terminal reaches only us
            # and we stop the children in order.
            procs[name] = subprocess.Popen(argv, start_new_session=True)
            self.stdout.write(f"serve: started {name} (pid {procs[name].pid})")
        self.stdout.write(
            f"serve: Отклик работает на http://{o['host']}:{o['port']}/ (Ctrl-C — остановить)"
        )
        self.stdout.flush()

        failed = None
        while not stopping["flag"]:
            for name, proc in list(procs.items()):
                if proc.poll() is None:
                    continue
                if name in once:
                    del procs[name]
                    if proc.returncode == 0:
                        self.stdout.write(f"serve: {name} finished")
                    else:
                        self.stderr.write(
                            f"serve: {name} exited with code {proc.returncode}; "
                            "the other parts go on"
                        )
                    self.stdout.flush()
                    continue
                failed = (name, proc.returncode)
                stopping["flag"] = True
                break
            time.sleep(0.3)

        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, proc in procs.items():
            remaining = max(0.1, deadline - time.monotonic())
            try:
                proc.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                self.stderr.write(f"serve: {name} did not stop in time, killing it")
                proc.kill()
                proc.wait()
        if failed:
            raise CommandError(f"{failed[0]} exited unexpectedly with code {failed[1]}")
        self.stdout.write("serve: stopped")
