"""The API case page on cases with a history (answers, events, pauses), as the demo has them.

``case_queries.py`` fills a million bare cases (no event, no answer): it measures the reads
around the case, not the lists of its history. This one reads the demo region's cases with the
most events (median 8–11), where a read per event or per answer would show.

    OTKLIK_DATABASE_URL=URL .venv/bin/otklik setup --demo --history-now --skip-static
    .venv/bin/python bench/case_page_history.py --database URL --role analyst

Prints, for one role, the p50 of wall and CPU time per request (the request through Django's
whole stack, in process) and the SQL statements per request, over ``--rounds`` passes of the
``--cases`` cases. Without ``--database``: the embedded SQLite database (OTKLIK_VAR_DIR).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

USERS = {"analyst": "analyst", "operator": "operator-volzhsky"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="a database URL with the demo's history")
    parser.add_argument("--role", choices=sorted(USERS), default="analyst")
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.database:
        os.environ["OTKLIK_DATABASE_URL"] = args.database
    os.environ.setdefault("OTKLIK_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otklik.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from otklik.accounts.models import User
    from otklik.cases.models import Case

    user = User.objects.get(username=USERS[args.role])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    cases = Case.objects.all()
    if args.role == "operator":
        cases = cases.filter(organization=user.organization)
    rows = list(
        cases.annotate(n=Count("events"))
        .order_by("-n", "pk")
        .values_list("number", "n")[: args.cases]
    )
    print(f"{len(rows)} cases, events per case: median {statistics.median(n for _, n in rows)}")
    for number, _ in rows[:30]:  # not measured: first use in the process
        client.get(f"/api/v1/cases/{number}")
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    wall, cpu = [], []
    for _ in range(args.rounds):
        for number, _ in rows:
            t, c = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(count):
                response = client.get(f"/api/v1/cases/{number}")
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{number}: status {response.status_code}")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"API case page ({args.role}): n={len(wall)} wall p50 {statistics.median(wall):.1f} ms, "
        f"cpu p50 {statistics.median(cpu):.1f} ms, statements {statements[0] / len(wall):.1f}"
        f" (load {load})"
    )


if __name__ == "__main__":
    main()
