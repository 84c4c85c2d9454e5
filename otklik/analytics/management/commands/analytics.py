"""``otklik analytics refresh [--full]``: fill the rollups now (the scheduler does it every few
minutes)."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Analytics: refresh the rollups."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{refresh}")
        p = sub.add_parser("refresh", help="recompute the days touched since the last refresh")
        p.add_argument("--full", action="store_true", help="recompute every day with data")
        p.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        from otklik.analytics.services import rollups_refresh

        t0 = time.perf_counter()
        result = rollups_refresh(full=o["full"])
        result["seconds"] = round(time.perf_counter() - t0, 2)
        if o["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"rollups: {result['days']} days recomputed, {result['rows']} rows, "
                f"{result['seconds']} s"
            )
