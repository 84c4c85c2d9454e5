"""The region's picture at N messages in PostgreSQL: the cost of the rollups and the server time
of the dashboards, the rating page and the analytics API.

Fills a throwaway database (migrate + ``otklik setup`` for the reference data and demo users,
the shipped rating methodology) with a year of data by bulk SQL (generate_series and a
deterministic hash as the random source, so every run fills the same data):

- cases: most messages have their own case, the rest join one (``--join-share``); topics
  (with their sector) and municipalities skewed, the organisation mostly the municipality's
  administration, else a regional body; statuses by age (an answer not due yet is still in
  work), ``first_response_at``, ``published_at``, ``resolution_due`` (10 days),
  ``breached_at`` when the answer came late or never;
- answers: an approved one per published case (``moderated_at``, quality 3–5), a returned one
  before it for some; surveys for a third of published cases (solved, rating); reopen events;
- message analyses (sentiment, conflict) for three messages in four.

The fill runs in chunks of ``--chunk`` rows with progress, with the filled tables' secondary
indexes and constraints dropped and rebuilt after (the tables stay logged).

Then runs the real rollup refresh (``rollups_refresh(full=True)``: rollups and cubes, a month
at a time) and reports seconds per day of data, ``rollup_day`` alone on ``--sample-days`` days,
and the incremental refresh (``services.rollups_refresh``) after one day changed; then
the server time (Django's whole stack in process, test Client, no network) of
each dashboard page for 30 days (the default) and 365 days, the rating page of a month, the
drill-down, and the API, as a curator/head and in the scoped paths (sector lead, municipal
coordinator), after ``--warmup`` unmeasured requests per kind; ``--no-cubes`` reads the
daily rollups only (the fallback), for comparison.

    .venv/bin/python bench/analytics_queries.py --messages 10000000 --requests 100

Needs PostgreSQL (OTKLIK_BENCH_PG). ``--keep`` keeps the database, ``--database URL`` measures
an already filled one (``--skip-rollups`` when its rollups are done, ``--skip-full-refresh``
to time the single days and the incremental refresh only).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._pg import otklik, otklik_env, percentile, throwaway_database

# u(g, salt): a deterministic uniform number in [0, 1) for row g
U = """
CREATE OR REPLACE FUNCTION bench_u(g bigint, salt int) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (hashint8extended(g, salt) & 1073741823)::float8 / 1073741824 $$;
"""

REF = """
CREATE TEMP TABLE bench_ref AS SELECT
  (SELECT array_agg(id ORDER BY id) FROM directory_topic) AS topics,
  (SELECT array_agg(sector_id ORDER BY id) FROM directory_topic) AS topic_sectors,
  (SELECT array_agg(id ORDER BY id) FROM directory_municipality) AS munis,
  (SELECT array_agg(coalesce((SELECT min(o.id) FROM directory_organization o
                      WHERE o.municipality_id = m.id AND o.kind = 'municipal_administration'),
                     (SELECT min(id) FROM directory_organization)) ORDER BY m.id)
     FROM directory_municipality m) AS muni_admin,
  (SELECT array_agg(id ORDER BY id) FROM directory_organization
     WHERE kind IN ('regional_body', 'resource_supplier', 'regional_operator')) AS regional,
  (SELECT array_agg(id ORDER BY id) FROM directory_channel) AS channels,
  (SELECT id FROM directory_inputkind WHERE code = 'message') AS kind,
  %(end)s::timestamptz AS t_end,
  %(days)s::int AS days;
"""

# a case per g; received uniformly over the year, answered after exp(1 + 5.4u) hours
FILL_CASES = """
INSERT INTO cases_case (created_at, updated_at, number, status, priority, title, kind_id,
  channel_id, sector_id, topic_id, municipality_id, organization_id, address,
  classification_confidence, sla_policy, received_at, registered_at, clock_started_at,
  resolution_due, first_response_due, first_response_at, published_at, closed_at,
  extension_days, warning_level, escalation_level, reopen_count, breached_at)
SELECT rec, rec, '1999-' || lpad(g::text, 8, '0'), status, 'normal', 'Обращение ' || g, r.kind,
  r.channels[ci], r.topic_sectors[ti], r.topics[ti], r.munis[mi],
  CASE WHEN uo < 0.65 THEN r.muni_admin[mi]
       ELSE r.regional[1 + (ti * 7 + mi) %% array_length(r.regional, 1)] END,
  'ул. Тестовая, ' || (g %% 200), 0.9, 'message', rec, rec, rec,
  due, rec + interval '1 day', first_at, pub,
  CASE WHEN status = 'closed' THEN pub + interval '1 day' END,
  0, 0, 0, (status = 'reopened')::int,
  CASE WHEN due IS NOT NULL AND due < r.t_end AND (pub IS NULL OR pub > due) THEN due END
FROM (
  SELECT *,
    CASE WHEN us < 0.07 THEN 'no_answer'
         WHEN us < 0.10 OR pub0 >= t_end THEN
           (ARRAY['new','assigned','in_work','in_work','answer_review'])[1 + g %% 5]
         WHEN u9 < 0.75 THEN 'closed' WHEN u9 < 0.95 THEN 'published' ELSE 'reopened' END
      AS status
  FROM (
    SELECT g, r.t_end,
      r.t_end - make_interval(secs => bench_u(g, 1) * r.days * 86400) AS rec,
      1 + floor(array_length(r.topics, 1) * bench_u(g, 2) ^ 2)::int AS ti,
      1 + floor(array_length(r.munis, 1) * bench_u(g, 3) ^ 1.7)::int AS mi,
      1 + floor(array_length(r.channels, 1) * bench_u(g, 8) ^ 2)::int AS ci,
      bench_u(g, 4) AS uo, bench_u(g, 5) AS us, bench_u(g, 9) AS u9,
      exp(1 + 5.4 * bench_u(g, 6)) AS ans_h, exp(3.5 * bench_u(g, 7)) AS first_h
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g, bench_ref r
  ) a0, LATERAL (SELECT a0.rec + make_interval(secs => a0.ans_h * 3600) AS pub0) p0
) a, LATERAL (SELECT
    CASE WHEN a.status IN ('closed', 'published', 'reopened') THEN a.pub0 END AS pub,
    CASE WHEN a.status <> 'no_answer' THEN a.rec + interval '10 days' END AS due,
    CASE WHEN a.status <> 'no_answer' AND a.rec + make_interval(secs => a.first_h * 3600) < a.t_end
         THEN a.rec + make_interval(secs => a.first_h * 3600) END AS first_at
  ) b, bench_ref r;
"""

FILL_MESSAGES = """
INSERT INTO intake_message (created_at, updated_at, channel_id, kind_id, external_id,
  received_at, raw, text, text_masked, sector_id, topic_id, municipality_id, organization_id,
  address, case_id)
SELECT c.received_at, c.received_at, c.channel_id, c.kind_id, 'bench-' || c.id, c.received_at,
  '{}', 'Нет горячей воды третий день, дом ' || c.id || ', просим разобраться.', '',
  c.sector_id, c.topic_id, c.municipality_id, c.organization_id, c.address, c.id
FROM cases_case c WHERE c.id BETWEEN %(lo)s AND %(hi)s;
"""

# the rest join a case (a second message about the same thing, within two days)
FILL_JOINED = """
INSERT INTO intake_message (created_at, updated_at, channel_id, kind_id, external_id,
  received_at, raw, text, text_masked, sector_id, topic_id, municipality_id, organization_id,
  address, case_id)
SELECT t, t, c.channel_id, c.kind_id, 'bench-j' || g, t, '{}',
  'Присоединяюсь: ' || c.title, '', c.sector_id, c.topic_id, c.municipality_id, c.organization_id,
  c.address, c.id
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
JOIN cases_case c ON c.id = %(first)s + floor(bench_u(g, 11) * %(cases)s)::bigint,
LATERAL (SELECT least(c.received_at + make_interval(secs => bench_u(g, 12) * 172800),
                      %(end)s::timestamptz - interval '1 second') AS t) x;
"""

FILL_ANSWERS = """
INSERT INTO cases_answer (created_at, updated_at, case_id, organization_id, text, text_masked,
  is_intermediate, status, moderation_comment, quality_score, moderated_at, published_at)
SELECT c.published_at, c.published_at, c.id, c.organization_id, 'Ответ по обращению', '',
  false, 'approved', '', 3 + floor(bench_u(c.id, 13) * 3)::int,
  c.published_at - interval '30 minutes', c.published_at
FROM cases_case c WHERE c.published_at IS NOT NULL AND c.id BETWEEN %(lo)s AND %(hi)s
UNION ALL
SELECT m, m, c.id, c.organization_id, 'Черновик ответа', '', false, 'returned', 'Доработать', 2, m,
  NULL
FROM cases_case c,
LATERAL (SELECT c.received_at + (c.published_at - c.received_at) / 2 AS m) x
WHERE c.published_at IS NOT NULL AND bench_u(c.id, 14) < 0.10 AND c.id BETWEEN %(lo)s AND %(hi)s;
"""

FILL_SURVEYS = """
INSERT INTO cases_survey (created_at, updated_at, case_id, answer_id, token, responded_at,
  solved, rating, comment)
SELECT a.published_at, t, a.case_id, a.id, 'bench-' || a.id, t,
  bench_u(a.id, 16) < 0.65, 1 + floor(bench_u(a.id, 17) ^ 0.6 * 5)::int, ''
FROM cases_answer a,
LATERAL (SELECT a.published_at + make_interval(secs => 3600 + bench_u(a.id, 18) * 172800) AS t) x
WHERE a.status = 'approved' AND bench_u(a.id, 15) < 0.33 AND t < %(end)s::timestamptz
  AND a.id BETWEEN %(lo)s AND %(hi)s;
"""

FILL_REOPENS = """
INSERT INTO cases_caseevent (case_id, at, kind, from_status, to_status, text, data)
SELECT c.id, c.published_at + interval '2 days', 'reopen', 'published', 'reopened',
  'Заявитель: проблема не решена', '{}'
FROM cases_case c
WHERE c.status = 'reopened' AND c.published_at + interval '2 days' < %(end)s::timestamptz
  AND c.id BETWEEN %(lo)s AND %(hi)s;
"""

FILL_ANALYSES = """
INSERT INTO nlp_messageanalysis (message_id, analysed_at, versions, result, sector_code,
  sector_confidence, topic_code, topic_confidence, triage, sentiment, urgency, conflict,
  has_conflict, lemmas, address_key, applied)
SELECT m.id, m.received_at, '{}', '{}', '', 0.9, '', 0.8, false,
  CASE WHEN s < 0.40 THEN 'negative' WHEN s < 0.85 THEN 'neutral' ELSE 'positive' END,
  'normal', '[]', bench_u(m.id, 22) < (CASE WHEN s < 0.40 THEN 0.12 ELSE 0.01 END), '', '', '{}'
FROM intake_message m, LATERAL (SELECT bench_u(m.id, 21) AS s) x
WHERE bench_u(m.id, 20) < 0.75 AND m.id BETWEEN %(lo)s AND %(hi)s;
"""

TABLES = (
    "cases_case",
    "intake_message",
    "cases_answer",
    "cases_survey",
    "cases_caseevent",
    "nlp_messageanalysis",
)


# Secondary indexes, unique and foreign-key constraints of the filled tables are dropped for the
# bulk fill and built again after it (one sort per index instead of a B-tree insert and a
# trigger per row); the primary keys stay. The tables stay logged: what is measured is the
# real thing.
SAVED_DDL = """
SELECT 'index', i.indexrelid::regclass::text, t.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relname = ANY(%(tables)s) AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
UNION ALL
SELECT 'constraint', c.conname, t.relname, pg_get_constraintdef(c.oid)
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
WHERE t.relname = ANY(%(tables)s) AND c.contype IN ('u', 'f')
   OR c.contype = 'f' AND c.confrelid::regclass::text = ANY(%(tables)s)
"""


def _drop_secondary(conn) -> list[tuple]:
    saved = conn.execute(SAVED_DDL, {"tables": list(TABLES)}).fetchall()
    # foreign keys before the unique constraints they may rest on
    for kind, name, table, _ in sorted(saved, key=lambda r: not r[3].startswith("FOREIGN")):
        if kind == "constraint":
            conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')
    for kind, name, _, _ in saved:
        if kind == "index":
            conn.execute(f"DROP INDEX IF EXISTS {name}")
    return saved


def _restore_secondary(conn, saved: list[tuple]) -> None:
    for kind, name, table, ddl in sorted(saved, key=lambda r: r[3].startswith("FOREIGN")):
        t = time.perf_counter()
        if kind == "index":
            conn.execute(ddl)
        else:
            conn.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {ddl}')
        print(f"    {kind} {name}: {time.perf_counter() - t:.0f} s", flush=True)


def fill(url: str, n_messages: int, days: int, join_share: float, end: dt.datetime, chunk: int):
    import psycopg

    n_cases = round(n_messages * (1 - join_share))
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute(U)
        conn.execute(REF, {"end": end, "days": days})
        saved = _drop_secondary(conn)
        print(f"  dropped {len(saved)} secondary indexes and constraints for the fill", flush=True)

        def ids(table: str) -> tuple[int, int]:
            lo, hi = conn.execute(f"SELECT min(id), max(id) FROM {table}").fetchone()  # noqa: S608 — our table names
            return lo or 1, hi or 0

        def step(label: str, sql: str, lo: int, hi: int, **params) -> None:
            """``sql`` over ``lo``–``hi`` in chunks, with progress."""
            t, rows = time.perf_counter(), 0
            for a in range(lo, hi + 1, chunk):
                b = min(hi, a + chunk - 1)
                rows += conn.execute(sql, {**params, "lo": a, "hi": b}).rowcount
                done = (b - lo + 1) / max(1, hi - lo + 1)
                print(
                    f"  {label:28} {rows:>10} rows {time.perf_counter() - t:7.0f} s ({done:.0%})",
                    flush=True,
                )

        step("cases", FILL_CASES, 1, n_cases)
        first, last = ids("cases_case")
        step("messages (own case)", FILL_MESSAGES, first, last)
        step(
            "messages (joining a case)",
            FILL_JOINED,
            1,
            n_messages - n_cases,
            first=first,
            cases=n_cases,
            end=end,
        )
        step("answers", FILL_ANSWERS, first, last)
        step("surveys", FILL_SURVEYS, *ids("cases_answer"), end=end)
        step("reopen events", FILL_REOPENS, first, last, end=end)
        step("message analyses", FILL_ANALYSES, *ids("intake_message"))
        t = time.perf_counter()
        print("  rebuilding indexes and constraints:", flush=True)
        _restore_secondary(conn, saved)
        print(f"  {'indexes and constraints':28} {'':>10}      {time.perf_counter() - t:7.0f} s")
        t = time.perf_counter()
        for table in TABLES:
            conn.execute(f"VACUUM ANALYZE {table}")
        print(f"  {'vacuum analyze':28} {'':>10}      {time.perf_counter() - t:7.0f} s")
    print(
        f"filled {n_messages} messages, {n_cases} cases in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )


def django_setup(url: str) -> None:
    os.environ.update(
        {
            "OTKLIK_DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "otklik.settings",
            "OTKLIK_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()


def refresh(days: int, sample_days: int, *, full: bool = True) -> None:
    """The full refresh (``rollups_refresh(full=True)``: set-based, a month at a time), the
    refresh of single days as the periodic job does it (``rollup_day``: the day's rollups and
    cubes, its month's cube rows), then an incremental refresh after changes on one day."""
    from django.db import connection, reset_queries
    from django.utils import timezone

    from otklik.analytics.models import DailyRollup, RollupCube
    from otklik.analytics.services import rollup_day, rollups_refresh
    from otklik.cases.models import Case
    from otklik.directory.models import Municipality

    today = timezone.localdate()
    if full:
        t0 = time.perf_counter()
        result = rollups_refresh(full=True)
        total = time.perf_counter() - t0
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE analytics_dailyrollup")
            cur.execute("VACUUM ANALYZE analytics_rollupcube")
        print(
            f"full refresh: {result['days']} days, {result['rows']} rollup rows, "
            f"{RollupCube.objects.count()} cube rows, {total:.0f} s total, "
            f"{total / max(1, result['days']):.2f} s per day of data",
            flush=True,
        )
    per_day, parts = [], {}
    for i in range(sample_days):
        day = today - dt.timedelta(days=7 + i * max(1, (days - 14) // max(1, sample_days)))
        reset_queries()
        connection.force_debug_cursor = True
        t = time.perf_counter()
        rollup_day(day)
        per_day.append(time.perf_counter() - t)
        connection.force_debug_cursor = False
        for q in connection.queries:
            part = _refresh_part(q["sql"])
            parts[part] = parts.get(part, 0.0) + float(q["time"])
    if per_day:
        print(
            f"one day refreshed alone (rollup_day, {len(per_day)} days spread over the year): "
            f"mean {statistics.mean(per_day):.2f} s, p95 {percentile(per_day, 95):.2f} s, "
            f"max {max(per_day):.2f} s; per day: "
            + ", ".join(f"{k} {v / len(per_day):.3f} s" for k, v in parts.items()),
            flush=True,
        )
    print(f"daily rollup rows stored: {DailyRollup.objects.count()}", flush=True)
    # one day changed: 50 cases received 40 days ago are edited
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    ids = list(
        Case.objects.filter(received_at__gte=start, received_at__lt=start + dt.timedelta(days=1))
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    # moved to another municipality: their figures move between rows of the rollups and the
    # cubes (a touch alone would recompute the days to the same rows)
    other = Municipality.objects.order_by("-pk").values_list("pk", flat=True).first()
    Case.objects.filter(pk__in=ids).update(updated_at=timezone.now(), municipality_id=other)
    t = time.perf_counter()
    result = rollups_refresh()
    print(
        f"incremental refresh after 50 cases of one day moved to another municipality: "
        f"{result['days']} dirty days "
        f"recomputed in {time.perf_counter() - t:.2f} s",
        flush=True,
    )
    t = time.perf_counter()
    result = rollups_refresh()
    print(
        f"incremental refresh with nothing changed (the 10-minute overlap): {result['days']} days"
        f" in {time.perf_counter() - t:.2f} s",
        flush=True,
    )
    _check_months(day)


def _check_months(changed: dt.date) -> None:
    """The month rows kept by difference against the month rows rebuilt from the rollups, for
    the months from ``changed`` to today (where the incremental refreshes wrote): how many
    rows differ (expected 0)."""
    from django.db import connection

    from otklik.analytics import cubes
    from otklik.analytics.models import DailyRollup

    columns = ", ".join(("cube", "period", *cubes.DIM_COLUMNS, *cubes.FIGURES))
    stored = f"SELECT {columns} FROM analytics_rollupcube WHERE grain = 'm' AND period = %s"  # noqa: S608 — names from constants
    rebuilt, repeat = cubes._select(cubes.CUBES, "CAST(%s AS date)", by_day=False)
    last = DailyRollup.objects.order_by("-day").values_list("day", flat=True).first()
    month, differ, months = cubes.month_start(changed), 0, 0
    t = time.perf_counter()
    with connection.cursor() as cur:
        while month <= last:
            params = [month, month, cubes.month_end(month)] * repeat
            cur.execute(
                f"SELECT count(*) FROM (({stored} EXCEPT {rebuilt}) UNION ALL "  # noqa: S608
                f"({rebuilt} EXCEPT {stored})) x",
                [month, *params, *params, month],
            )
            differ += cur.fetchone()[0]
            months += 1
            month = cubes.month_end(month) + dt.timedelta(days=1)
    print(
        f"month rows after the refreshes by difference against the rebuilt ones: {differ} rows "
        f"differ in {months} months (checked in {time.perf_counter() - t:.0f} s)",
        flush=True,
    )


def _refresh_part(sql: str) -> str:
    """Which part of a day's refresh a statement is."""
    if "analytics_dailyrollup (day" in sql or 'DELETE FROM "analytics_dailyrollup"' in sql:
        return "rollups from the raw tables"
    if "analytics_cube_" in sql:
        return "month rows by difference"
    if "analytics_rollupcube" in sql:
        return "cube day rows (and month rows rebuilt)"
    if sql.startswith("COMMIT"):
        return "commit"
    return "other"


def measure(
    n_requests: int,
    only: str | None = None,
    warmup: int = 1,
    slowest: int = 0,
    explain: bool = False,
) -> None:
    from django.test import Client
    from django.utils import timezone

    from otklik.accounts.models import User
    from otklik.directory.models import Municipality, Organization, Sector, Topic

    rng = random.Random(1)
    clients = {}
    for name in ("curator", "head", "lead-zhkh", "coordinator-kamyshin"):
        c = Client(HTTP_HOST="127.0.0.1")
        c.force_login(User.objects.get(username=name))
        clients[name] = c
    sectors = list(Sector.objects.values_list("pk", "code"))
    munis = list(Municipality.objects.values_list("pk", "okato"))
    orgs = list(Organization.objects.values_list("pk", "code"))
    topics = list(Topic.objects.values_list("pk", "code"))
    today = timezone.localdate()
    months = []
    m = today.replace(day=1)
    for _ in range(12):
        m = (m - dt.timedelta(days=1)).replace(day=1)
        months.append(f"{m:%Y-%m}")

    def html_filters(days: int | None) -> dict:
        params: dict = {}
        if days:
            end = today - dt.timedelta(days=rng.randint(0, 30))
            params = {"from": (end - dt.timedelta(days=days - 1)).isoformat(), "to": end}
        pick = rng.random()
        if pick < 0.15:
            params["sector"] = rng.choice(sectors)[0]
        elif pick < 0.3:
            params["municipality"] = rng.choice(munis)[0]
        elif pick < 0.4:
            params["organization"] = rng.choice(orgs)[0]
        elif pick < 0.5:
            params["topic"] = rng.choice(topics)[0]
        return params

    def api_filters(days: int) -> dict:
        end = today - dt.timedelta(days=rng.randint(0, 30))
        params = {"date_from": end - dt.timedelta(days=days - 1), "date_to": end}
        pick = rng.random()
        if pick < 0.15:
            params["sector"] = rng.choice(sectors)[1]
        elif pick < 0.3:
            params["municipality"] = rng.choice(munis)[1]
        elif pick < 0.4:
            params["topic"] = rng.choice(topics)[1]
        return params

    boss = ("curator", "head")
    kinds: dict = {}
    for page, path in (
        ("picture", "/analytics/"),
        ("processing", "/analytics/processing/"),
        ("satisfaction", "/analytics/satisfaction/"),
        ("conflicts", "/analytics/conflicts/"),
    ):
        kinds[f"{page} 30 d (curator/head)"] = lambda p=path: (
            rng.choice(boss),
            p,
            html_filters(None),
        )
        kinds[f"{page} 365 d (curator/head)"] = lambda p=path: (
            rng.choice(boss),
            p,
            html_filters(365),
        )
        kinds[f"{page} 30 d (lead, coordinator)"] = lambda p=path: (
            rng.choice(("lead-zhkh", "coordinator-kamyshin")),
            p,
            html_filters(None),
        )
    kinds["ratings month (curator/head)"] = lambda: (
        rng.choice(boss),
        "/analytics/ratings/",
        {"month": rng.choice(months)},
    )
    kinds["ratings month (lead, coordinator)"] = lambda: (
        rng.choice(("lead-zhkh", "coordinator-kamyshin")),
        "/analytics/ratings/",
        {"month": rng.choice(months)},
    )
    kinds["drill-down 30 d (curator)"] = lambda: (
        "curator",
        "/analytics/cases/",
        {
            "metric": rng.choice(["cases_opened", "answered", "breached", "not_solved"]),
            **html_filters(None),
        },
    )
    for name in ("picture", "processing", "satisfaction", "conflicts"):
        kinds[f"API {name} 30 d (head)"] = lambda n=name: (
            "head",
            f"/api/v1/analytics/{n}",
            api_filters(30),
        )
        kinds[f"API {name} 365 d (head)"] = lambda n=name: (
            "head",
            f"/api/v1/analytics/{n}",
            api_filters(365),
        )
    kinds["API picture 30 d (lead)"] = lambda: (
        "lead-zhkh",
        "/api/v1/analytics/picture",
        api_filters(30),
    )
    kinds["API ratings month (head)"] = lambda: (
        "head",
        "/api/v1/analytics/ratings",
        {"month": rng.choice(months)},
    )
    kinds["API drill-down 30 d (head)"] = lambda: (
        "head",
        "/api/v1/analytics/cases",
        {"metric": rng.choice(["cases_opened", "answered", "breached"]), **api_filters(30)},
    )
    from django.db import connection, reset_queries

    slow: list = []
    header = f"{'request':40} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    print(f"{header} {'queries':>7}")
    for label, make in kinds.items():
        if only and only not in label:
            continue
        for _ in range(warmup):  # the first request of a kind: imports, templates
            user, path, params = make()
            clients[user].get(path, params)
        times, statuses, queries, requests = [], set(), [], []
        for _ in range(n_requests):
            user, path, params = make()
            reset_queries()
            connection.force_debug_cursor = True
            t = time.perf_counter()
            response = clients[user].get(path, params)
            times.append((time.perf_counter() - t) * 1000)
            connection.force_debug_cursor = False
            queries.append(len(connection.queries))
            statuses.add(response.status_code)
            requests.append((times[-1], user, path, params, list(connection.queries)))
        slow.append((label, sorted(requests, key=lambda r: -r[0])[:slowest]))
        if statuses - {200}:
            label += f" (status {sorted(statuses)})"
        print(
            f"{label:40} {len(times):>4} {percentile(times, 50):>8.1f} "
            f"{percentile(times, 95):>8.1f} {percentile(times, 99):>8.1f} {max(times):>8.1f} "
            f"{statistics.mean(queries):>7.1f}",
            flush=True,
        )
    if slowest:
        _print_slowest(slow, explain)


def _print_slowest(slow: list, explain: bool) -> None:
    """The slowest requests of each kind: who, the filters, the total and the three slowest
    statements (ms and the start of the SQL); ``explain``: EXPLAIN ANALYZE of the slowest
    statement of the slowest request of each kind."""
    from django.db import connection

    print(f"\nthe slowest requests of each kind (statements over {SLOW_STATEMENT_MS} ms):")
    for label, requests in slow:
        print(f"{label}")
        for i, (ms, user, path, params, queries) in enumerate(requests):
            db_ms = sum(float(q["time"]) for q in queries) * 1000
            shown = {k: str(v) for k, v in params.items()}
            print(
                f"  {ms:7.1f} ms ({db_ms:.1f} in {len(queries)} statements) {user} {path} {shown}"
            )
            top = sorted(queries, key=lambda q: -float(q["time"]))
            for q in top[:3]:
                if float(q["time"]) * 1000 >= SLOW_STATEMENT_MS:
                    sql = " ".join(q["sql"].split())
                    print(f"      {float(q['time']) * 1000:7.1f} ms  {sql[:300]}")
            if explain and i == 0 and top and float(top[0]["time"]) * 1000 >= SLOW_STATEMENT_MS:
                with connection.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + top[0]["sql"])
                    for (line,) in cur.fetchall():
                        print(f"        | {line}")


SLOW_STATEMENT_MS = 20


def _uptime(when: str) -> None:
    import subprocess

    out = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"load {when}: {out or os.getloadavg()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--join-share", type=float, default=0.15)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured requests per kind")
    parser.add_argument("--chunk", type=int, default=500_000, help="rows per fill statement")
    parser.add_argument("--sample-days", type=int, default=10, help="days refreshed alone")
    parser.add_argument("--no-cubes", action="store_true", help="read the daily rollups only")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database", help="reuse a filled database URL (skips the fill)")
    parser.add_argument("--skip-rollups", action="store_true", help="with --database")
    parser.add_argument(
        "--skip-full-refresh",
        action="store_true",
        help="with --database: the single days and the incremental refresh only",
    )
    parser.add_argument("--only", help="measure only the requests whose label contains this")
    parser.add_argument("--slowest", type=int, default=3, help="slowest requests shown per kind")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest statement per kind"
    )
    args = parser.parse_args()
    _uptime("before")
    t0 = time.perf_counter()

    def run(url: str) -> None:
        if not args.skip_rollups:
            refresh(args.days, args.sample_days, full=not args.skip_full_refresh)
        from otklik.analytics import cubes

        with cubes.disabled() if args.no_cubes else contextlib.nullcontext():
            measure(args.requests, args.only, args.warmup, args.slowest, args.explain)

    if args.database:
        django_setup(args.database)
        run(args.database)
    else:
        with throwaway_database(keep=args.keep) as url:
            env = otklik_env(url)
            otklik(env, "setup", "--skip-static")
            otklik(env, "setup", "--skip-static", "--demo", "--demo-messages", "0")
            from zoneinfo import ZoneInfo

            # the fill ends at the start of the current hour in the region's time
            end = dt.datetime.now(ZoneInfo("Europe/Volgograd")).replace(
                minute=0, second=0, microsecond=0
            )
            fill(url, args.messages, args.days, args.join_share, end, args.chunk)
            django_setup(url)
            from otklik.analytics.services import methodology_seed

            methodology_seed()
            run(url)
    print(f"all done in {time.perf_counter() - t0:.0f} s")
    _uptime("after")


if __name__ == "__main__":
    main()
