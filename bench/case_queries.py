"""The case queues (list with filters) and the case page at N cases in PostgreSQL.

Fills a throwaway database with N cases (one message each) spread over the region's sectors,
topics, municipalities, organisations, channels and states — bulk SQL (generate_series), since
going through the services would take hours at this size — then measures server time (the
request through Django's whole stack, in process, no network) of the queue list with filters and
of the case page, through the REST API and the HTML pages, as each kind of user.

    .venv/bin/python bench/case_queries.py --cases 1000000 --requests 200

Prints p50/p95/p99 per request kind, the median CPU time of this process per request (Django's
own work; wall times on a shared machine also carry the other load) and the SQL queries per
request. Needs PostgreSQL (OTKLIK_BENCH_PG).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._pg import otklik, otklik_env, percentile, throwaway_database

FILL = """
WITH ids AS (
  SELECT
    (SELECT array_agg(id ORDER BY id) FROM directory_topic) AS topics,
    (SELECT array_agg(sector_id ORDER BY id) FROM directory_topic) AS topic_sectors,
    (SELECT array_agg(id ORDER BY id) FROM directory_municipality) AS munis,
    (SELECT array_agg(id ORDER BY id) FROM directory_channel) AS channels,
    (SELECT array_agg(id ORDER BY id) FROM directory_organization) AS orgs,
    (SELECT id FROM directory_inputkind WHERE code = 'message') AS kind
)
INSERT INTO cases_case (created_at, updated_at, number, status, priority, title, kind_id,
  channel_id, sector_id, topic_id, municipality_id, organization_id, address,
  classification_confidence, sla_policy, received_at, registered_at, clock_started_at,
  resolution_due, first_response_due, extension_days, warning_level, escalation_level,
  reopen_count, next_alert_at, breached_at)
SELECT now(), now(), '1999-' || lpad(g::text, 7, '0'),
  (ARRAY['new','assigned','in_work','answer_review','published','closed','closed','closed',
         'published','reopened','no_answer'])[1 + (g * 7) %% 11],
  (ARRAY['normal','normal','normal','high','low'])[1 + g %% 5],
  'Обращение ' || g, ids.kind,
  ids.channels[1 + (g * 13) %% array_length(ids.channels, 1)],
  ids.topic_sectors[1 + (g * 31) %% array_length(ids.topics, 1)],
  ids.topics[1 + (g * 31) %% array_length(ids.topics, 1)],
  ids.munis[1 + (g * 17) %% array_length(ids.munis, 1)],
  ids.orgs[1 + (g * 19) %% array_length(ids.orgs, 1)],
  'ул. Тестовая, ' || (g %% 200),
  0.9, 'message',
  now() - make_interval(mins => (g * 37) %% (365 * 24 * 60)),
  now() - make_interval(mins => (g * 37) %% (365 * 24 * 60)),
  now() - make_interval(mins => (g * 37) %% (365 * 24 * 60)),
  now() - make_interval(mins => (g * 37) %% (365 * 24 * 60)) + interval '14 days',
  now() - make_interval(mins => (g * 37) %% (365 * 24 * 60)) + interval '1 day',
  0, (g %% 3), 0, 0, NULL, NULL
FROM generate_series(1, %(n)s) AS g, ids;
"""

FILL_MESSAGES = """
INSERT INTO intake_message (created_at, updated_at, channel_id, kind_id, external_id,
  received_at, raw, text, text_masked, sector_id, topic_id, municipality_id, organization_id,
  address, case_id)
SELECT now(), now(), c.channel_id, c.kind_id, 'bench-' || c.id, c.received_at, '{}',
  'Нет горячей воды третий день, дом ' || c.id || ', просим разобраться.',
  'Нет горячей воды третий день, дом ' || c.id || ', просим разобраться.',
  c.sector_id, c.topic_id, c.municipality_id, c.organization_id, c.address, c.id
FROM cases_case c;
"""


def fill(url: str, n: int) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        t = time.perf_counter()
        conn.execute(FILL, {"n": n})
        conn.execute(FILL_MESSAGES)
        conn.execute("VACUUM ANALYZE cases_case")
        conn.execute("VACUUM ANALYZE intake_message")
        print(f"filled {n} cases and {n} messages in {time.perf_counter() - t:.0f} s")


def measure(n_requests: int, warmup: int) -> None:
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from otklik.accounts.models import User
    from otklik.cases.models import Case
    from otklik.directory.models import Municipality, Organization, Sector

    rng = random.Random(1)
    users = {
        role: User.objects.get(username=name)
        for role, name in [
            ("analyst", "analyst"),
            ("operator", "operator-volzhsky"),
            ("lead", "lead-zhkh"),
            ("coordinator", "coordinator-kamyshin"),
            ("curator", "curator"),
        ]
    }
    clients = {}
    for role, user in users.items():
        c = Client(HTTP_HOST="127.0.0.1")
        c.force_login(user)
        clients[role] = c
    sectors = list(Sector.objects.values_list("code", flat=True))
    munis = list(Municipality.objects.values_list("okato", flat=True))
    # the organisations a filter offers: those in force today (the list refuses a code it does
    # not offer, e.g. of a body reorganised in 2020)
    today = timezone.localdate()
    orgs = list(
        Organization.objects.exclude(valid_to__lt=today)
        .exclude(valid_from__gt=today)
        .values_list("code", flat=True)
    )
    max_id = Case.objects.order_by("-id").values_list("id", flat=True).first()
    numbers = [f"1999-{rng.randint(1, max_id - 300):07d}" for _ in range(n_requests)]
    visible_op = list(
        Case.objects.filter(organization__code="adm-18410").values_list("number", flat=True)[
            :n_requests
        ]
    )

    def api_list(role):
        params = {"queue": rng.choice(["open", "overdue", "triage", "all", "near_deadline"])}
        if rng.random() < 0.5:
            params["sector"] = rng.choice(sectors)
        if rng.random() < 0.5:
            params["municipality"] = rng.choice(munis)
        if role == "analyst" and rng.random() < 0.3:
            params["organization"] = rng.choice(orgs)
        if rng.random() < 0.2:
            params["offset"] = rng.choice([50, 500])
        return "/api/v1/cases", params

    kinds = {
        "API queue list (analyst)": lambda: ("analyst", *api_list("analyst")),
        "API queue list (operator, mine)": lambda: ("operator", "/api/v1/cases", {"queue": "mine"}),
        "API queue list (sector lead)": lambda: ("lead", *api_list("lead")),
        "API case page (analyst)": lambda: ("analyst", f"/api/v1/cases/{rng.choice(numbers)}", {}),
        "API case page (operator)": lambda: (
            "operator",
            f"/api/v1/cases/{rng.choice(visible_op)}",
            {},
        ),
        "HTML queue (analyst)": lambda: ("analyst", "/cases/", api_list("analyst")[1]),
        "HTML queue (coordinator)": lambda: ("coordinator", "/cases/", api_list("coord")[1]),
        "HTML queue (operator, mine)": lambda: ("operator", "/cases/", {"queue": "mine"}),
        "HTML case page (analyst)": lambda: ("analyst", f"/cases/{rng.choice(numbers)}/", {}),
        # the ЦУР's case page carries the action forms (organisation selects) in most states
        "HTML case page (curator)": lambda: ("curator", f"/cases/{rng.choice(numbers)}/", {}),
    }
    from django.db import connection

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    print(
        f"{'request':36} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        f" {'cpu p50':>8} {'queries':>8}"
    )
    for label, make in kinds.items():
        times = []
        cpu = []  # this process's CPU time: Django's own work, less sensitive to other load
        queries[0] = 0
        statuses = set()
        for _ in range(warmup):  # not measured: first use in the process (imports, templates)
            role, path, params = make()
            clients[role].get(path, params)
        for _ in range(n_requests):
            role, path, params = make()
            t, c = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(count):
                response = clients[role].get(path, params)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            statuses.add(response.status_code)
        if statuses - {200}:
            label += f" (status {sorted(statuses)})"
        print(
            f"{label:36} {len(times):>5} {percentile(times, 50):>8.1f} "
            f"{percentile(times, 95):>8.1f} {percentile(times, 99):>8.1f} {max(times):>8.1f}"
            f" {percentile(cpu, 50):>8.1f} {queries[0] / len(times):>8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--warmup", type=int, default=1, help="unmeasured requests per kind before measuring"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database", help="reuse a filled database URL (skips the fill)")
    args = parser.parse_args()
    if args.database:
        os.environ["OTKLIK_DATABASE_URL"] = args.database
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otklik.settings")
        measure(args.requests, args.warmup)
        return
    with throwaway_database(keep=args.keep) as url:
        env = otklik_env(url)
        otklik(env, "setup", "--skip-static")
        otklik(env, "setup", "--skip-static", "--demo", "--demo-messages", "200")
        fill(url, args.cases)
        os.environ.update(
            {
                "OTKLIK_DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "otklik.settings",
                "OTKLIK_LOG_LEVEL": "WARNING",
            }
        )
        measure(args.requests, args.warmup)


if __name__ == "__main__":
    main()
