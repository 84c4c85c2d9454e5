"""``otklik office indicators-load [FILE] | programmes-load [FILE] | compute --period P |
reports-sweep | roadmap-sweep | indicators-import FILE [--mapping MAP] [--evidence TEXT]
[--dry-run] [--json] --as USER``."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.office import periods
from otklik.office.imports import indicators_import, indicators_mapping
from otklik.office.services import (
    INDICATORS_FILE,
    indicators_compute,
    indicators_load,
    reports_sweep,
)
from otklik.office.services_roadmap import PROGRAMMES_FILE, programmes_load, roadmap_sweep


class Command(BaseCommand):
    help = (
        "Проектный офис: indicators-load — загрузить обязательные показатели; compute — "
        "рассчитать показатели за период; reports-sweep — черновики отчётов и просрочки; "
        "indicators-import — план и факт показателей из файла; programmes-load — каталог "
        "национальных проектов и программ; roadmap-sweep — напоминания по дорожной карте."
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
        programmes = sub.add_parser(
            "programmes-load",
            help="Load the catalogue of national projects and programmes (TOML); link the "
            "imported indicators of national projects by their project's name.",
        )
        programmes.add_argument("file", nargs="?", default=str(PROGRAMMES_FILE))
        sub.add_parser(
            "roadmap-sweep",
            help="Remind the owners of the roadmap items due today (as the scheduler).",
        )
        sub.add_parser(
            "reports-sweep",
            help="Open the last period's report drafts, projects' and blocks'; report the overdue "
            "ones (as the scheduler).",
        )
        imp = sub.add_parser(
            "indicators-import",
            help="Load targets and entered facts of indicators from CSV/XLSX/JSON.",
        )
        imp.add_argument("file", help="CSV, XLSX or JSON: an indicator and a period per row")
        imp.add_argument("--mapping", help="column mapping (TOML or JSON); else columns by field")
        imp.add_argument("--evidence", default="", help="the facts' evidence for the whole file")
        imp.add_argument("--dry-run", action="store_true", help="report only, change nothing")
        imp.add_argument("--json", action="store_true", help="the report as JSON")
        imp.add_argument(
            "--as", dest="as_user", required=True, help="the user who loads (their rights apply)"
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

    def _programmes_load(self, options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: нет такого файла")
        report = programmes_load(actor=None, path=path)
        self.stdout.write(
            f"Национальные проекты и программы: добавлено {len(report.created)}, "
            f"обновлено {len(report.updated)}, связано показателей нацпроектов {report.linked}."
        )

    def _roadmap_sweep(self, options) -> None:
        result = roadmap_sweep()
        self.stdout.write(f"Дорожная карта: напомнено ответственным {result.reminded}.")

    def _compute(self, options) -> None:
        period = options["period"]
        values = indicators_compute(period=period)
        self.stdout.write(f"Показатели за {periods.label(period)}: {len(values)}")
        for code, value in sorted(values.items()):
            self.stdout.write(f"  {code:16} {'нет данных' if value is None else value}")

    def _indicators_import(self, options) -> None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=options["as_user"], is_active=True).first()
        if user is None:
            raise CommandError(f"нет действующего пользователя «{options['as_user']}»")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
            text = Path(options["mapping"]).read_text("utf-8") if options["mapping"] else ""
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            report = indicators_import(
                actor=user,
                name=path.name,
                content=content,
                mapping=indicators_mapping(text) if text else None,
                evidence=options["evidence"],
                dry_run=options["dry_run"],
            )
        except AccessDenied as exc:
            raise CommandError(f"{user.username}: {exc.message}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            head = (
                "Пробный прогон (ничего не изменено)"
                if report.dry_run
                else "Загружено"
                if report.applied
                else "Не загружено (ничего не изменено)"
            )
            counts = ", ".join(f"{k}: {v}" for k, v in report.counts.items())
            self.stdout.write(f"{head}: {path.name} — {counts}")
            for r in report.rows:
                what = r.reason or "; ".join(r.changes) or "без изменений"
                self.stdout.write(f"  строка {r.line}: {r.code} {r.period} [{r.status}] {what}")
        if report.errors:
            raise CommandError(f"Ошибок в файле: {len(report.errors)}; ничего не изменено.")

    def _reports_sweep(self, options) -> None:
        result = reports_sweep()
        self.stdout.write(
            f"Отчёты: открыто черновиков {result.opened}, доложено о просрочке {result.escalated}; "
            f"отчёты блоков: открыто {result.block_opened}, доложено {result.block_escalated}."
        )
