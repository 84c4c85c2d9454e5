"""``otklik region summary [--json]``: what the reference model holds."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from otklik.directory.summary import region_summary


class Command(BaseCommand):
    help = "Сведения о справочниках региона (summary)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        summary = sub.add_parser("summary", help="Counts of what the reference model holds.")
        summary.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        counts = region_summary()
        if options.get("json"):
            self.stdout.write(json.dumps(counts, ensure_ascii=False))
            return
        labels = {
            "municipalities": "муниципальных образований",
            "city_districts": "районов Волгограда",
            "sectors": "отраслевых блоков",
            "topics": "тем",
            "organizations": "организаций",
            "roles": "ролей",
            "channels": "каналов",
            "input_kinds": "видов поступлений",
        }
        for key, value in counts.items():
            self.stdout.write(f"{value:>6}  {labels.get(key, key)}")
