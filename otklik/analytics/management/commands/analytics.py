"""``otklik analytics refresh [--full]``: fill the rollups now (the scheduler does it every few
minutes). ``otklik analytics report --month YYYY-MM --out FILE.pdf``: the monthly report."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Analytics: refresh the rollups; write the monthly report (PDF)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{refresh,report}")
        p = sub.add_parser("refresh", help="recompute the days touched since the last refresh")
        p.add_argument("--full", action="store_true", help="recompute every day with data")
        p.add_argument("--json", action="store_true")
        r = sub.add_parser("report", help="the monthly report for the curator as PDF")
        r.add_argument("--month", required=True, help="YYYY-MM")
        r.add_argument("--out", required=True, help="the PDF file to write")
        r.add_argument(
            "--user",
            help="whose view the report shows (a ЦУР role); by default the first active superuser",
        )

    def handle(self, *args, **o):
        if o["action"] == "report":
            return self._report(o)
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

    def _report(self, o):
        import re

        from django.contrib.auth import get_user_model

        from otklik.analytics.report import monthly_report
        from otklik.analytics.selectors import month
        from otklik.core.exceptions import AccessDenied, ApplicationError

        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", o["month"]):
            raise CommandError("--month: YYYY-MM, e.g. 2026-11")
        users = get_user_model().objects.filter(is_active=True)
        if o["user"]:
            user = users.filter(username=o["user"]).first()
            if user is None:
                raise CommandError(f"no active user {o['user']!r}")
        else:
            user = users.filter(is_superuser=True).order_by("pk").first()
            if user is None:
                raise CommandError("no active superuser: name one with --user")
        period = month(o["month"])
        try:
            content = monthly_report(user=user, period=period)
        except AccessDenied as exc:
            raise CommandError(f"{user.username} may not make the report: {exc}") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        Path(o["out"]).write_bytes(content)
        self.stdout.write(f"report {o['month']}: {o['out']} ({len(content)} bytes)")
