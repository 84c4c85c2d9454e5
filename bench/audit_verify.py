"""The journal's hash chain at the issue's size: 1 M audit entries sealed, then verified.

Fills an empty database (a throwaway PostgreSQL one, ``--database URL``, or ``--sqlite FILE``)
with ``--entries`` audit rows by bulk insert (PostgreSQL ``COPY``, SQLite ``executemany``):
actions, objects and ``data`` shaped like the platform's (a case's move with its states, an
answer, a reference change; Cyrillic text in a tenth of them), ``created_at`` spread over the
past year in id order. Then, in this process, ``audit_seal`` appends them all to the chain (as
the first run after the migration does on a big table): rows per second. Then ``otklik audit
verify --no-seal --no-record`` runs as its own process over all of them: wall seconds, its exit
code (0: intact) and its peak memory. The issue's bar: 1 M entries verified within 60 s.

    .venv/bin/python bench/audit_verify.py --entries 1000000              # throwaway PostgreSQL
    .venv/bin/python bench/audit_verify.py --entries 1000000 --sqlite var/bench-audit.sqlite3

Prints the load average before and after (the figures are wall-clock on a shared machine) and
the peak resident memory of the sealer (this process) and of the verify process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._pg import ROOT, otklik_env, throwaway_database

ACTIONS = [
    ("case.transition", "cases.case", lambda r, i: {"from": "new", "to": "in_work", "case": i}),
    ("answer.publish", "cases.answer", lambda r, i: {"case": i, "channel": "vk", "version": 2}),
    (
        "admin.change",
        "directory.organization",
        lambda r, i: {
            "model": "directory.organization",
            "fields": ["name", "phone"],
            "values": {"name": f"МУП «Водоканал» № {i % 97}", "phone": "+7 8442 00-00-00"},
        },
    ),
    ("message.locate", "intake.message", lambda r, i: {"address": "ул. Мира, 5", "district": 3}),
    ("case.accept", "cases.case", lambda r, i: {"organization": r.randint(1, 400), "due": "P3D"}),
]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def rows(n: int):
    """(created_at, action, target_type, target_id, data JSON) for n entries, oldest first."""
    rnd = random.Random(15)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=365)
    step = dt.timedelta(days=365) / n
    for i in range(n):
        action, target_type, data = ACTIONS[i % len(ACTIONS)]
        yield (
            start + step * i,
            action,
            target_type,
            str(rnd.randint(1, 10**6)),
            json.dumps(data(rnd, i), ensure_ascii=False),
        )


def fill(n: int) -> float:
    from django.db import connection

    from otklik.audit.models import AuditEvent

    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = "(created_at, action, target_type, target_id, data, prev_hash, hash)"
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
            for row in rows(n):
                copy.write_row((*row, "", ""))
        connection.connection.commit()
    else:
        batch: list[tuple] = []
        with connection.cursor() as cursor:
            for created, *rest in rows(n):
                batch.append((connection.ops.adapt_datetimefield_value(created), *rest, "", ""))
                if len(batch) == 50_000:
                    cursor.executemany(
                        f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                        batch,
                    )
                    batch.clear()
            if batch:
                cursor.executemany(
                    f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                    batch,
                )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def run(url: str, n: int) -> None:
    os.environ["OTKLIK_DATABASE_URL"] = url
    os.environ.setdefault("OTKLIK_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otklik.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from otklik.audit.models import AuditEvent
    from otklik.audit.services import audit_seal

    call_command("migrate", verbosity=0)
    present = AuditEvent.objects.count()
    if present:
        print(f"the database holds {present} audit entries already: not filled")
    else:
        seconds = fill(n)
        print(f"filled {n:,} entries in {seconds:.1f} s ({n / seconds:,.0f}/s)  (load {load()})")
    total = AuditEvent.objects.count()
    started, cpu = time.perf_counter(), time.process_time()
    report = audit_seal()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"sealed {report.sealed:,} entries in {seconds:.1f} s "
        f"({report.sealed / max(seconds, 1e-9):,.0f}/s, CPU {cpu:.1f} s),"
        f" head № {report.head_seq}, peak memory (this process) {rss:.0f} MB  (load {load()})"
    )
    from django.db import connections

    connections.close_all()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "otklik", "audit", "verify", "--no-seal", "--no-record", "--json"],
        env=otklik_env(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    child, child_cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    if done.returncode not in (0, 1):
        raise SystemExit(f"verify failed:\n{done.stdout}\n{done.stderr}")
    result = json.loads(done.stdout)
    verdict = "intact" if result["ok"] else f"BROKEN: {result['first']}"
    print(
        f"otklik audit verify over {result['entries']:,} of {total:,} entries: {seconds:.1f} s "
        f"wall ({result['entries'] / seconds:,.0f}/s, process start included; "
        f"CPU {child_cpu:.1f} s), exit {done.returncode} ({verdict}), "
        f"peak memory {child:.0f} MB  (load {load()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database", help="a PostgreSQL URL (else a throwaway database)")
    parser.add_argument("--sqlite", help="a SQLite file to create (removed first)")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    args = parser.parse_args()
    print(f"load before: {load()}")
    if args.sqlite:
        path = Path(args.sqlite).resolve()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        run(f"sqlite:///{path}", args.entries)
    elif args.database:
        run(args.database, args.entries)
    else:
        with throwaway_database(keep=args.keep) as url:
            run(url, args.entries)


if __name__ == "__main__":
    main()
