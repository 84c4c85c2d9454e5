"""GET /open311/v2/requests and POST /open311/v2/requests at N stored requests, in PostgreSQL.

Fills a throwaway database with N cases of all channels (bulk SQL, as `case_queries.py`), a
share of them opened by Open311 requests (their first message of the ``open311`` channel, as
analysed: the masked text stored; a third with a photo link; the published and closed cases with
a published answer), then measures in process (Django's whole stack, no network) the lists a
GeoReport v2 client asks for — by service_code, by status, in a date window, of one
municipality (jurisdiction_id), without filters —, one request by id, and POST /requests:
p50/p95/p99 server time, the median CPU time of this process per request (Django's own work;
wall time on a shared machine also carries the other load), SQL statements and rows per request.

    .venv/bin/python bench/open311_queries.py --cases 200000 --share 0.12 --requests 40

``--explain`` prints the plan of the main statement of each list (EXPLAIN ANALYZE). Needs
PostgreSQL (OTKLIK_BENCH_PG); ``--keep`` keeps the database, ``--database URL`` measures an already
filled one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import uuid
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._pg import otklik, otklik_env, percentile, throwaway_database

FILL_CASES = """
WITH ids AS (
  SELECT
    (SELECT array_agg(id ORDER BY id) FROM directory_topic WHERE is_active) AS topics,
    (SELECT array_agg(sector_id ORDER BY id) FROM directory_topic WHERE is_active) AS sectors,
    (SELECT array_agg(id ORDER BY id) FROM directory_municipality) AS munis,
    (SELECT array_agg(id ORDER BY id) FROM directory_channel WHERE code <> 'open311') AS channels,
    (SELECT id FROM directory_channel WHERE code = 'open311') AS open311,
    (SELECT array_agg(id ORDER BY id) FROM directory_organization) AS orgs,
    (SELECT id FROM directory_inputkind WHERE code = 'message') AS kind
)
INSERT INTO cases_case (created_at, updated_at, number, status, priority, title, kind_id,
  channel_id, sector_id, topic_id, municipality_id, organization_id, address,
  classification_confidence, sla_policy, received_at, registered_at, clock_started_at,
  resolution_due, first_response_due, extension_days, warning_level, escalation_level,
  reopen_count, published_at, closed_at)
SELECT now(), now(), '1999-' || lpad(g::text, 7, '0'), s.status, 'normal', 'Заявка ' || g,
  ids.kind,
  CASE WHEN (g * 7919) %% 1000 < %(share)s THEN ids.open311
       ELSE ids.channels[1 + (g * 13) %% array_length(ids.channels, 1)] END,
  ids.sectors[1 + (g * 31) %% array_length(ids.topics, 1)],
  ids.topics[1 + (g * 31) %% array_length(ids.topics, 1)],
  ids.munis[1 + (g * 17) %% array_length(ids.munis, 1)],
  ids.orgs[1 + (g * 19) %% array_length(ids.orgs, 1)],
  'ул. Тестовая, ' || (g %% 200), 0.9, 'message',
  r.at, r.at, r.at, r.at + interval '14 days', r.at + interval '1 day', 0, 0, 0, 0,
  CASE WHEN s.status IN ('published', 'closed') THEN r.at + interval '5 days' END,
  CASE WHEN s.status = 'closed' THEN r.at + interval '7 days' END
FROM generate_series(1, %(n)s) AS g, ids,
  LATERAL (SELECT now() - make_interval(mins => (g * 37) %% (365 * 24 * 60)) AS at) r,
  LATERAL (SELECT (ARRAY['new','assigned','in_work','answer_review','published','closed',
    'closed','closed','published','reopened','no_answer'])[1 + (g * 7) %% 11] AS status) s;
"""

MESSAGE_TEXT = "'Car parked on the sidewalk at ' || c.address || ' for three days, case ' || c.id"
ANSWER_TEXT = "'Выполнен ремонт по адресу ' || c.address || '.'"

FILL_MESSAGES = """
INSERT INTO intake_message (created_at, updated_at, channel_id, kind_id, external_id,
  received_at, raw, text, {masked_column} sector_id, topic_id, municipality_id, address,
  latitude, longitude, case_id)
SELECT now(), now(), c.channel_id, c.kind_id, 'bench-' || c.id, c.received_at, '{{}}',
  {text}, {masked_value} c.sector_id, c.topic_id, c.municipality_id, c.address,
  48.7 + (c.id % 100) / 1000.0, 44.5 + (c.id % 77) / 1000.0, c.id
FROM cases_case c;
"""

FILL_ANALYSES = """
INSERT INTO nlp_messageanalysis (message_id, analysed_at, versions, result, sector_code,
  sector_confidence, topic_code, topic_confidence, triage, sentiment, urgency, conflict,
  has_conflict, lemmas, address_key, applied)
SELECT m.id, now(), '{}', jsonb_build_object('text_masked', m.text), '', 0, '', 0, false,
  'neutral', 'normal', '[]', false, '', '', '[]'
FROM intake_message m JOIN directory_channel ch ON ch.id = m.channel_id
WHERE ch.code = 'open311';
"""

FILL_ATTACHMENTS = """
INSERT INTO intake_attachment (created_at, updated_at, message_id, name, content_type, sha256,
  url, file)
SELECT now(), now(), m.id, '', '', '', 'https://example.org/photo/' || m.id || '.jpg', ''
FROM intake_message m JOIN directory_channel ch ON ch.id = m.channel_id
WHERE ch.code = 'open311' AND m.id % 3 = 0;
"""

FILL_ANSWERS = """
INSERT INTO cases_answer (created_at, updated_at, case_id, organization_id, text,
  {masked_column} is_intermediate, status, moderation_comment, moderated_at, published_at)
SELECT now(), now(), c.id, c.organization_id, {text},
  {masked_value} false, 'approved', '', c.published_at, c.published_at
FROM cases_case c WHERE c.published_at IS NOT NULL;
"""


def fill(url: str, n: int, share: float) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        t = time.perf_counter()

        def has_masked(table: str) -> bool:  # the column this change adds (absent before it)
            return bool(
                conn.execute(
                    "SELECT 1 FROM information_schema.columns WHERE table_name = %s "
                    "AND column_name = 'text_masked'",
                    [table],
                ).fetchone()
            )

        conn.execute(FILL_CASES, {"n": n, "share": round(share * 1000)})
        for sql, table, text in (
            (FILL_MESSAGES, "intake_message", MESSAGE_TEXT),
            (FILL_ANSWERS, "cases_answer", ANSWER_TEXT),
        ):
            masked = has_masked(table)  # stored as analysed / published (all text is PII-free)
            conn.execute(
                sql.format(
                    text=text,
                    masked_column="text_masked," if masked else "",
                    masked_value=f"{text}," if masked else "",
                )
            )
        conn.execute(FILL_ANALYSES)
        conn.execute(FILL_ATTACHMENTS)
        for table in (
            "cases_case",
            "intake_message",
            "nlp_messageanalysis",
            "cases_answer",
            "intake_attachment",
        ):
            conn.execute(f"VACUUM ANALYZE {table}")
        open311 = conn.execute(
            "SELECT count(*) FROM cases_case c JOIN directory_channel ch ON ch.id = c.channel_id "
            "WHERE ch.code = 'open311'"
        ).fetchone()[0]
        print(
            f"filled {n} cases ({open311} opened by Open311, {open311 * 90 // 365} of them in "
            f"the last 90 days) in {time.perf_counter() - t:.0f} s",
            flush=True,
        )


def measure(n_requests: int, warmup: int, explain: bool) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from otklik.accounts.apikeys import apikey_create
    from otklik.cases.models import Case
    from otklik.directory.models import Channel

    rng = random.Random(1)
    client = Client(HTTP_HOST="127.0.0.1")
    open311 = Case.objects.filter(channel=Channel.objects.get(code="open311"))
    numbers = list(open311.order_by("?").values_list("number", flat=True)[:500])
    recent = timezone.now() - dt.timedelta(days=90)
    used = list(
        open311.filter(received_at__gte=recent)
        .values_list("topic__code", "municipality__okato")
        .distinct()
    )
    codes = sorted({c for c, _ in used})
    munis = sorted({m for _, m in used})
    key = apikey_create(system="bench-queries")[1]
    posted = iter(range(10**9))
    run = uuid.uuid4().hex[:8]

    def window():
        end = timezone.now() - dt.timedelta(days=rng.randint(0, 300))
        start = end - dt.timedelta(days=30)
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        return {"start_date": start.strftime(fmt), "end_date": end.strftime(fmt)}

    base = "/open311/v2/requests.json"
    kinds = {
        "list, no filter": lambda: ("GET", base, {}),
        "list by service_code": lambda: ("GET", base, {"service_code": rng.choice(codes)}),
        "list status=open": lambda: ("GET", base, {"status": "open"}),
        "list status=closed": lambda: ("GET", base, {"status": "closed"}),
        "list, 30-day window": lambda: ("GET", base, window()),
        "list of a municipality": lambda: ("GET", base, {"jurisdiction_id": rng.choice(munis)}),
        "list, XML, no filter": lambda: ("GET", "/open311/v2/requests.xml", {}),
        "one request by id": lambda: ("GET", base, {"service_request_id": rng.choice(numbers)}),
        "POST /requests": lambda: (
            "POST",
            base,
            {
                "api_key": key,
                "service_code": rng.choice(codes),
                "token": f"bench-q-{run}-{next(posted)}",  # new in every run of the bench
                "description": "Car parked on the sidewalk for three days near the school.",
                "address_string": "ул. Мира, 10",
                "lat": "48.7861",
                "long": "44.7732",
            },
        ),
    }
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    def send(method, path, params):
        if method == "POST":
            return client.post(
                path, urlencode(params), content_type="application/x-www-form-urlencoded"
            )
        return client.get(path, params)

    print(
        f"{'request':26} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        f" {'cpu p50':>8} {'queries':>8} {'rows':>6}",
        flush=True,
    )
    for label, make in kinds.items():
        times, cpu, rows, statuses = [], [], [], set()
        queries[0] = 0
        for _ in range(warmup):  # not measured: the first use in the process
            send(*make())
        for _ in range(n_requests):
            request = make()
            t, c = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(count):
                response = send(*request)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            statuses.add(response.status_code)
            if response.status_code == 200:
                item = b"<request>" if request[1].endswith(".xml") else b'"service_request_id"'
                rows.append(response.content.count(item))
        if statuses - {200}:
            label += f" ({sorted(statuses)})"
        print(
            f"{label:26} {len(times):>4} {percentile(times, 50):>8.1f} "
            f"{percentile(times, 95):>8.1f} {percentile(times, 99):>8.1f} {max(times):>8.1f}"
            f" {percentile(cpu, 50):>8.1f} {queries[0] / len(times):>8.1f}"
            f" {percentile(rows, 50) if rows else '-':>6}",
            flush=True,
        )
        if explain and request[0] == "GET":
            with CaptureQueriesContext(connection) as ctx:
                send(*request)
            main = next(q["sql"] for q in ctx.captured_queries if 'FROM "cases_case"' in q["sql"])
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {main}")
                print("\n".join("    " + r[0] for r in cursor.fetchall()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--share", type=float, default=0.12, help="share opened by Open311")
    parser.add_argument("--requests", type=int, default=40, help="measured requests per kind")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database", help="reuse a filled database URL (skips the fill)")
    args = parser.parse_args()
    os.environ.update({"DJANGO_SETTINGS_MODULE": "otklik.settings", "OTKLIK_LOG_LEVEL": "WARNING"})
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    if args.database:
        os.environ["OTKLIK_DATABASE_URL"] = args.database
        measure(args.requests, args.warmup, args.explain)
    else:
        with throwaway_database(keep=args.keep) as url:
            otklik(otklik_env(url), "setup", "--skip-static")
            fill(url, args.cases, args.share)
            os.environ["OTKLIK_DATABASE_URL"] = url
            measure(args.requests, args.warmup, args.explain)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)


if __name__ == "__main__":
    main()
