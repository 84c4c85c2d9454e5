"""The project office at the issue's size: 9 blocks × 50 projects × 36 monthly reports, each
with its approval and sheet, in PostgreSQL — the server time of the block page, the project
page and «На согласовании у меня», and the time to compute every indicator of a month.

Fills the office by bulk inserts (``bulk_create``) into a database that ``otklik setup`` made:
a throwaway one, or ``--database URL`` — e.g. the one ``analytics_queries.py --messages
10000000 --keep`` left, so that the computed indicators read the rollups of 10 M messages.
Per block: its lead, a computed indicator (answers on time in the block) and an entered one
with 36 months of facts; per project: passport version 1 approved (its sheet: open, submit,
agree, approve), every tenth a version 2 at the curator's step, 36 monthly reports approved
(four lines of sheet each), the newest month of every fifth project at the head's step, so the
inbox of the head and of the curator hold 90 and 45 documents.

    .venv/bin/python bench/office_pages.py --requests 100
    .venv/bin/python bench/office_pages.py --database URL --requests 100   # 10 M analytics

Prints per page and role p50 / p95 / p99 of server time (Django's whole stack in process,
test Client, no network) and SQL statements per request, after ``--warmup`` unmeasured
requests; then the seconds of ``indicators_compute`` for the last month; the machine's load
beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._pg import otklik, otklik_env, percentile, throwaway_database

BLOCKS = ("zhkh", "tko", "energy", "education", "health", "roads", "transport", "social", "other")


def _months(last: dt.date, n: int) -> list[str]:
    out, day = [], last.replace(day=1)
    for _ in range(n):
        out.append(f"{day.year:04d}-{day.month:02d}")
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return out[::-1]


def fill(projects_per_block: int, months: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from otklik.accounts.models import User
    from otklik.accounts.services import user_create
    from otklik.approvals.models import Approval, ApprovalEvent
    from otklik.approvals.services import route_of
    from otklik.core.roles import Role
    from otklik.directory.models import Sector
    from otklik.office import passport
    from otklik.office.models import (
        Block,
        Indicator,
        IndicatorFact,
        IndicatorTarget,
        PassportVersion,
        ProgressReport,
        Project,
    )

    now = timezone.now()
    today = timezone.localdate()
    periods = _months(today.replace(day=1) - dt.timedelta(days=1), months)
    head = User.objects.filter(role=Role.HEAD).first() or user_create(
        actor=None, username="bench-head", password="x" * 12, role=Role.HEAD, validate=False
    )
    curator = User.objects.filter(role=Role.CURATOR).first() or user_create(
        actor=None, username="bench-curator", password="x" * 12, role=Role.CURATOR,
        validate=False,
    )  # fmt: skip
    routes = {kind: route_of(kind) for kind in ("passport", "report")}
    texts = {
        "goal": "Цель проекта",
        "tasks": "Задача 1\nЗадача 2",
        "control_points": "\n".join(
            f"Контрольная точка {i} | 1{i}.0{i}.2027 | Комитет" for i in range(1, 7)
        ),
    }
    with transaction.atomic():
        for code in BLOCKS:
            sector = Sector.objects.get(code=code)
            lead = User.objects.filter(role=Role.SECTOR_LEAD, sector=sector).first()
            if lead is None:
                lead = user_create(
                    actor=None, username=f"bench-lead-{code}", password="x" * 12,
                    role=Role.SECTOR_LEAD, sector=sector, validate=False,
                )  # fmt: skip
            Block.objects.filter(sector=sector).update(lead=lead)
            computed = Indicator.objects.create(
                code=f"B-{code}-1", name=f"Ответы в срок, {sector.name}", unit="процент",
                sector=sector, source="computed", measure="on_time_share", state="approved",
            )  # fmt: skip
            entered = Indicator.objects.create(
                code=f"B-{code}-2", name=f"Мероприятия в срок, {sector.name}", unit="процент",
                sector=sector, state="approved",
            )  # fmt: skip
            IndicatorTarget.objects.bulk_create(
                IndicatorTarget(indicator=i, period=str(today.year), value=85)
                for i in (computed, entered)
            )
            IndicatorFact.objects.bulk_create(
                IndicatorFact(indicator=entered, period=p, value=70 + n % 20, evidence="сводка")
                for n, p in enumerate(periods)
            )
            content = passport.content_from_text(
                {**texts, "indicators": f"{computed.code} | 60 | {today.year}=85\n"
                 f"{entered.code} | 50 | {today.year}=80"}
            )  # fmt: skip
            projects = Project.objects.bulk_create(
                Project(
                    code=f"B-{code}-{n:03d}",
                    name=f"Проект {n} блока {sector.name}",
                    sector=sector,
                    state="in_progress",
                    created_by=lead,
                )
                for n in range(projects_per_block)
            )
            versions = PassportVersion.objects.bulk_create(
                PassportVersion(project=p, number=1, content=content, author=lead) for p in projects
            )
            second = PassportVersion.objects.bulk_create(
                PassportVersion(
                    project=p, number=2, content=content, reason="Изменение сроков", author=lead
                )
                for n, p in enumerate(projects)
                if n % 10 == 0
            )
            reports = ProgressReport.objects.bulk_create(
                ProgressReport(
                    project=p,
                    period=period,
                    due=today,
                    author=lead,
                    content={
                        "period": period,
                        "indicators": [],
                        "control_points": [],
                        "risks": "",
                        "comment": "Работы идут по плану",
                    },
                )
                for p in projects
                for period in periods
            )
            approvals = []
            for v in versions:
                approvals.append(
                    Approval(
                        kind="passport",
                        target_id=str(v.pk),
                        title=v.project.name,
                        version=1,
                        sector=sector,
                        author=lead,
                        state="approved",
                        route=routes["passport"],
                        approved_at=now,
                        approved_by=curator,
                    )
                )
            for v in second:
                step = routes["passport"][1]
                approvals.append(
                    Approval(
                        kind="passport",
                        target_id=str(v.pk),
                        title=v.project.name,
                        version=2,
                        reason=v.reason,
                        sector=sector,
                        author=lead,
                        state="in_route",
                        route=routes["passport"],
                        step=step["order"],
                        step_label=step["label"],
                        step_role=step["role"],
                        step_verb=step["verb"],
                        step_since=now,
                        step_due=today,
                    )
                )
            newest = periods[-1]
            for r in reports:
                waiting = r.period == newest and int(r.project.code[-3:]) % 5 == 0
                step = routes["report"][0]
                approvals.append(
                    Approval(
                        kind="report",
                        target_id=str(r.pk),
                        title=f"{r.project.name}: отчёт",
                        sector=sector,
                        author=lead,
                        route=routes["report"],
                        state="in_route" if waiting else "approved",
                        step=step["order"] if waiting else None,
                        step_label=step["label"] if waiting else "",
                        step_role=step["role"] if waiting else "",
                        step_verb=step["verb"] if waiting else "",
                        step_due=today if waiting else None,
                        approved_at=None if waiting else now,
                        approved_by=None if waiting else curator,
                    )
                )
            approvals = Approval.objects.bulk_create(approvals, batch_size=2000)
            events = []
            for a in approvals:
                decisions = ["open", "submit", "agree", "approve"]
                if a.state == "in_route":
                    decisions = ["open", "submit"] + (["agree"] if a.step == 2 else [])
                for d in decisions:
                    actor = {"agree": head, "approve": curator}.get(d, lead)
                    events.append(ApprovalEvent(approval=a, decision=d, actor=actor, at=now))
            ApprovalEvent.objects.bulk_create(events, batch_size=5000)
    return {
        "projects": Project.objects.count(),
        "reports": ProgressReport.objects.count(),
        "approvals": Approval.objects.count(),
        "events": ApprovalEvent.objects.count(),
        "last": periods[-1],
    }


def measure(args, facts: dict) -> None:
    from django.db import connection
    from django.test import Client

    from otklik.accounts.models import User
    from otklik.core.roles import Role
    from otklik.office.models import Project
    from otklik.office.services import indicators_compute

    users = {
        "head": User.objects.filter(role=Role.HEAD).first(),
        "curator": User.objects.filter(role=Role.CURATOR).first(),
        "lead": User.objects.filter(role=Role.SECTOR_LEAD, sector__code="zhkh").first(),
    }
    projects = list(Project.objects.filter(code__startswith="B-").values_list("pk", flat=True))
    pages = [
        ("block page", "head", lambda n: f"/office/block/{BLOCKS[n % len(BLOCKS)]}/"),
        ("block page", "lead", lambda n: "/office/block/zhkh/"),
        ("project page", "head", lambda n: f"/office/project/{projects[n % len(projects)]}/"),
        ("project page", "lead", lambda n: f"/office/project/{projects[n % 50]}/"),
        ("На согласовании у меня", "head", lambda n: "/approvals/"),
        ("На согласовании у меня", "curator", lambda n: "/approvals/"),
        ("office overview", "curator", lambda n: "/office/"),
    ]
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    for name, who, url in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users[who])
        for n in range(args.warmup):
            client.get(url(n))
        times = []
        statements[0] = 0
        for n in range(args.requests):
            t = time.perf_counter()
            with connection.execute_wrapper(count):
                response = client.get(url(n))
            times.append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url(n)}: {response.status_code}")
        print(
            f"{name:24} {who:8} p50 {statistics.median(times):6.1f} ms  "
            f"p95 {percentile(times, 95):6.1f}  p99 {percentile(times, 99):6.1f}  "
            f"statements {statements[0] / len(times):.1f}"
        )
    t = time.perf_counter()
    values = indicators_compute(period=facts["last"])
    print(
        f"indicators_compute({facts['last']}): {len(values)} indicators in "
        f"{time.perf_counter() - t:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="a database URL made by `otklik setup` (kept)")
    parser.add_argument("--projects", type=int, default=50, help="projects per block")
    parser.add_argument("--months", type=int, default=36, help="monthly reports per project")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.database:
        run(args, args.database)
        return
    with throwaway_database(keep=args.keep) as url:
        t = time.perf_counter()
        otklik(otklik_env(url), "setup", "--skip-static")
        print(f"setup: {time.perf_counter() - t:.0f} s")
        run(args, url)


def filled() -> dict | None:
    """The office of an earlier run on the same ``--database`` (its indicator ``B-zhkh-1``
    exists): measured again as it is, not filled twice."""
    from django.utils import timezone

    from otklik.approvals.models import Approval, ApprovalEvent
    from otklik.office.models import Indicator, ProgressReport, Project

    if not Indicator.objects.filter(code="B-zhkh-1").exists():
        return None
    today = timezone.localdate()
    return {
        "reused": True,
        "projects": Project.objects.filter(code__startswith="B-").count(),
        "reports": ProgressReport.objects.filter(project__code__startswith="B-").count(),
        "approvals": Approval.objects.count(),
        "events": ApprovalEvent.objects.count(),
        "last": _months(today.replace(day=1) - dt.timedelta(days=1), 1)[-1],
    }


def run(args, url: str) -> None:
    os.environ["OTKLIK_DATABASE_URL"] = url
    os.environ.setdefault("OTKLIK_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otklik.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a database of an older main
    from otklik.site.services import platform_data_load

    platform_data_load()
    t = time.perf_counter()
    facts = filled() or fill(args.projects, args.months)
    print(
        f"{'reused' if facts.get('reused') else 'filled'} {facts['projects']} projects, "
        f"{facts['reports']} reports, {facts['approvals']} approvals, {facts['events']} sheet "
        f"lines in {time.perf_counter() - t:.0f} s"
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    import otklik.wsgi  # noqa: F401 — as a web worker starts: every view imported, gc.freeze()

    measure(args, facts)
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
