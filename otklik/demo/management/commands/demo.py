"""``otklik demo history``: drive the demo region's planned history (``otklik serve`` runs it in
the background after ``otklik setup --demo``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from otklik.cases.choices import CaseStatus


class Command(BaseCommand):
    help = "Демонстрационный регион: провести историю сообщений через жизненный цикл."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("history", help="drive the planned history (resumes an interrupted one)")

    def handle(self, *args, **o):
        from otklik.demo.history import demo_history_pending, demo_history_run

        if not demo_history_pending():
            self.stdout.write("История демо-региона уже загружена (или не запланирована).")
            return

        def report(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            states = demo_history_run(report=report)
        except Exception as exc:
            raise CommandError(f"История демо-региона прервана: {exc}") from exc
        labels = dict(CaseStatus.choices)
        self.stdout.write(
            "История демо-региона загружена. Инциденты: "
            + ", ".join(
                f"{labels[s]} — {n}" for s, n in sorted(states.items(), key=lambda kv: -kv[1])
            )
        )
