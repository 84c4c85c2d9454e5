"""``otklik import FILE --mapping MAP [--dry-run] [--json]``: import an exported file."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from otklik.channels.imports.mapping import mapping_parse
from otklik.channels.imports.services import import_plan, import_run
from otklik.core.exceptions import ApplicationError

LABELS = {
    "create": "будет создано",
    "unchanged": "уже есть, без изменений",
    "differs": "уже есть, в файле отличается (не меняется)",
    "rejected": "отклонено",
    "created": "создано",
    "duplicate": "уже было",
}


class Command(BaseCommand):
    help = "Импорт выгрузки ПОС или другой системы (CSV, XLSX, JSON) по сопоставлению столбцов."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV, XLSX or JSON export")
        parser.add_argument("--mapping", required=True, help="column mapping (TOML or JSON)")
        parser.add_argument("--dry-run", action="store_true", help="report only, change nothing")
        parser.add_argument("--json", action="store_true", help="the report as JSON")

    def handle(self, *args, **o):
        try:
            data = Path(o["file"]).read_bytes()
            mapping = mapping_parse(Path(o["mapping"]).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        name = Path(o["file"]).name
        try:
            if o["dry_run"]:
                report = import_plan(file_name=name, data=data, mapping=mapping)
            else:
                report = import_run(actor=None, file_name=name, data=data, mapping=mapping)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if o["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        head = "Пробный прогон (ничего не изменено)" if report.dry_run else "Загружено"
        self.stdout.write(f"{head}: {name} ({report.format}, строк: {len(report.rows)})")
        for status, count in report.counts.items():
            self.stdout.write(f"  {LABELS.get(status, status)}: {count}")
        for row in report.rows:
            if row.status == "rejected":
                reason = row.reason.replace("\n", "; ")
                self.stdout.write(f"  строка {row.line}: {reason}")
            elif row.status == "differs":
                self.stdout.write(
                    f"  строка {row.line} ({row.external_id}): {', '.join(row.fields)}"
                )
