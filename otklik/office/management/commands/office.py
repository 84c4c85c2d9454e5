"""``otklik office indicators-load [FILE] | compute --period P | reports-sweep``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from otklik.core.exceptions import ApplicationError
from otklik.office import periods
from otklik.office.services import (
    INDICATORS_FILE,
    indicators_compute,
    indicators_load,
    reports_sweep,
)


class Command(BaseCommand):
    help = (
        "Проектный офис: indicators-load — загрузить обязательные показатели; compute — "
        "рассчитать показатели за период; reports-sweep — черновики отчётов и просрочки."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser(
            "indicators-load",
            help="Load the mandatory indicators (the competence centre's list, TOML).",
        )
        load.add_argument("file", nargs="?", default=str(INDICATORS_FILE))
        compute = sub.add_parser(
            "compute", help="Compute the computed indicators of a period from the data."
        )
        compute.add_argument("--period", required=True, help="2026-11, 2026-Q4 or 2026")
        sub.add_parser(
            "reports-sweep",
            help="Open the last period's report drafts, projects' and blocks'; report the overdue "
            "ones (as the scheduler).",
        )

    def handle(self, *args, **options):
        try:
            getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _indicators_load(self, options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: нет такого файла")
        report = indicators_load(actor=None, path=path)
        self.stdout.write(
            f"Обязательные показатели: добавлено {len(report.created)}, "
            f"обновлено {len(report.updated)}."
        )

    def _compute(self, options) -> None:
        period = options["period"]
        values = indicators_compute(period=period)
        self.stdout.write(f"Показатели за {periods.label(period)}: {len(values)}")
        for code, value in sorted(values.items()):
            self.stdout.write(f"  {code:16} {'нет данных' if value is None else value}")

    def _reports_sweep(self, options) -> None:
        result = reports_sweep()
        self.stdout.write(
            f"Отчёты: открыто черновиков {result.opened}, доложено о просрочке {result.escalated}; "
            f"отчёты блоков: открыто {result.block_opened}, доложено {result.block_escalated}."
        )
