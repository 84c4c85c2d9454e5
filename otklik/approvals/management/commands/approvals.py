"""``otklik approvals routes [FILE] | sweep``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from otklik.approvals.services import DATA_FILE, approvals_sweep, routes_load
from otklik.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Согласование: routes — загрузить маршруты; sweep — напоминания и доклады о просрочке."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        routes = sub.add_parser("routes", help="Load the routes file (idempotent).")
        routes.add_argument("file", nargs="?", default=str(DATA_FILE))
        sub.add_parser("sweep", help="Remind and escalate steps by their due days.")

    def handle(self, *args, **options):
        try:
            if options["subcommand"] == "routes":
                path = Path(options["file"])
                if not path.is_file():
                    raise CommandError(f"{path}: нет такого файла")
                report = routes_load(actor=None, path=path)
                changed = ", ".join(report.changed) or "нет"
                self.stdout.write(
                    f"Маршруты ({report.version}): видов документов {len(report.kinds)}, "
                    f"изменены: {changed}."
                )
            else:
                result = approvals_sweep()
                self.stdout.write(
                    f"Напоминаний {result.reminded}, докладов о просрочке {result.escalated}."
                )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
