"""Replay real Open311 service requests (City of Boston) through POST /open311/v2/requests,
then read them back through GET /open311/v2/requests, on PostgreSQL.

Starts a throwaway database and `otklik serve` (gunicorn, no task worker), issues an API key,
posts every row of the CSV (form-encoded, as the specification says; the row's id is the
client's ``token``) from several client threads, then lets `otklik db_worker --batch` open the
cases (with the language pipeline, as in production, which also masks the texts the endpoint
shows; ``--no-nlp`` leaves it out and the endpoint masks on first read), then reads each
request back (GET /requests?service_request_id=…, after GET /tokens/{token}) and lists the
services' requests (GET /requests?service_code=…, up to 1000 rows each). Prints requests/s,
p50 and p99 of each phase and checks that the count posted equals the count stored.

    .venv/bin/python bench/open311_boston.py --data ../shared/data/boston_open311_sample.csv.gz \
        --count 2000 --clients 8 --workers 4

The data file is not part of the project (the script takes its path). Needs PostgreSQL
(OTKLIK_BENCH_PG, default postgres://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import http.client
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from urllib.parse import urlencode, urlparse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._pg import ROOT, otklik, otklik_env, percentile, served, throwaway_database

# Boston's service names → topics of the taxonomy (first matching fragment wins).
TOPIC_OF = [
    ("parking", "roads-parking"),
    ("abandoned vehicle", "roads-parking"),
    ("shovel", "roads-snow"),
    ("snow", "roads-snow"),
    ("sidewalk", "roads-sidewalks"),
    ("pothole", "roads-potholes"),
    ("street light", "energy-street-lighting"),
    ("graffiti", "zhkh-facades-ads"),
    ("tree", "zhkh-trees"),
    ("trash", "tko-container-not-emptied"),
    ("rodent", "other-stray-animals"),
    ("unsafe", "other-public-order"),
]
OTHER = "other-public-order"


def topic_of(service_name: str) -> str:
    name = service_name.lower()
    return next((code for fragment, code in TOPIC_OF if fragment in name), OTHER)


def rows(path: str, count: int | None) -> list[dict]:
    if not os.path.exists(path):
        raise SystemExit(f"data file not found: {path} (pass --data PATH)")
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        found = []
        for row in csv.DictReader(f):
            found.append(row)
            if count and len(found) >= count:
                break
    return found


def form(row: dict, key: str) -> bytes:
    params = {
        "api_key": key,
        "jurisdiction_id": "volgograd-oblast",
        "service_code": topic_of(row["service_name"]),
        "token": f"boston-{row['service_request_id']}",
        "description": row["description"][:4000],
        "address_string": row["address"][:255],
    }
    if row["lat"] and row["long"]:
        params["lat"], params["long"] = row["lat"], row["long"]
    if row["media_url"]:
        params["media_url"] = row["media_url"]
    return urlencode(params).encode()


PROGRESS_SECONDS = 15  # a progress line at most this often


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def progress(name: str, done: Callable[[], int], total: int, stop: threading.Event) -> None:
    """Print ``done()`` of ``total`` with the rate so far until ``stop`` is set."""
    started = time.perf_counter()
    while not stop.wait(PROGRESS_SECONDS):
        n, elapsed = done(), time.perf_counter() - started
        rate = n / elapsed if elapsed else 0.0
        left = f", ~{(total - n) / rate:.0f} s left" if rate and n < total else ""
        say(f"{name}: {n}/{total} in {elapsed:.0f} s ({rate:.1f}/s{left}; load {load()})")


def run(
    name: str,
    base: str,
    jobs: list,
    clients: int,
    send: Callable[[http.client.HTTPConnection, object], int],
) -> tuple[float, list[float], dict[int, int]]:
    """Send ``jobs`` from ``clients`` threads over keep-alive connections."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    todo = iter(jobs)
    sent = [0]

    def client() -> None:
        target = urlparse(base)
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        mine, seen = [], {}
        while True:
            with lock:
                job = next(todo, None)
                sent[0] += job is not None
            if job is None:
                break
            t0 = time.perf_counter()
            status = send(conn, job)
            mine.append(time.perf_counter() - t0)
            seen[status] = seen.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=client) for _ in range(clients)]
    stop = threading.Event()
    reporter = threading.Thread(target=progress, args=(name, lambda: sent[0], len(jobs), stop))
    say(f"{name}: {len(jobs)} requests from {clients} clients (load {load()})")
    started = time.perf_counter()
    reporter.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    stop.set()
    reporter.join()
    say(f"{name}: done in {elapsed:.1f} s (load {load()})")
    return elapsed, latencies, statuses


def report(name: str, elapsed: float, latencies: list[float], statuses: dict[int, int]) -> None:
    n = len(latencies)
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    print(
        f"{name:<22} {n} requests in {elapsed:.1f} s = {n / elapsed:.0f} requests/s, "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, statuses {dict(sorted(statuses.items()))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data",
        default=os.path.join(ROOT.parent, "shared", "data", "boston_open311_sample.csv.gz"),
    )
    parser.add_argument("--count", type=int, default=0, help="rows to replay (0: all)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--task-workers", type=int, default=2, help="db_worker processes")
    parser.add_argument("--no-nlp", action="store_true", help="cases opened without the pipeline")
    args = parser.parse_args()

    data = rows(args.data, args.count or None)
    say(f"{len(data)} rows of {args.data} (load {load()})")
    with throwaway_database() as url:
        env = otklik_env(url, OTKLIK_NLP="0" if args.no_nlp else "1")
        otklik(env, "setup", "--skip-static")
        say("database set up")
        key = json.loads(otklik(env, "apikey", "create", "--system", "bench", "--json"))["key"]
        bodies = [form(row, key) for row in data]
        tokens = [f"boston-{row['service_request_id']}" for row in data]
        with served(env, workers=args.workers) as base:
            headers = {"Content-Type": "application/x-www-form-urlencoded"}

            def post(conn, body) -> int:
                conn.request("POST", "/open311/v2/requests.json", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                return response.status

            post_run = run("POST /requests", base, bodies, args.clients, post)

            # The cases open in the background (as with `otklik serve` and its task workers).
            import psycopg

            def cases_open() -> int:
                with psycopg.connect(url) as conn:
                    return conn.execute(
                        "SELECT count(*) FROM intake_message m JOIN directory_channel c "
                        "ON c.id = m.channel_id WHERE c.code = 'open311' "
                        "AND m.case_id IS NOT NULL"
                    ).fetchone()[0]

            say(f"opening the cases: {args.task_workers} task workers (load {load()})")
            stop = threading.Event()
            reporter = threading.Thread(
                target=progress, args=("requests with a case", cases_open, len(data), stop)
            )
            reporter.start()
            t0 = time.perf_counter()
            workers = [
                threading.Thread(
                    target=otklik,
                    args=(env, "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*"),
                )
                for _ in range(args.task_workers)
            ]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            opening = time.perf_counter() - t0
            stop.set()
            reporter.join()
            say(f"cases opened in {opening:.1f} s (load {load()})")

            numbers: dict[str, str] = {}

            def follow(conn, token) -> int:
                conn.request("GET", f"/open311/v2/tokens/{token}.json")
                response = conn.getresponse()
                body = response.read()
                if response.status != 200:
                    return response.status
                number = json.loads(body)[0].get("service_request_id")
                if not number:
                    return 202
                conn.request("GET", f"/open311/v2/requests.json?service_request_id={number}")
                response = conn.getresponse()
                found = json.loads(response.read())
                if response.status == 200 and len(found) == 1:
                    numbers[token] = found[0]["service_request_id"]
                return response.status

            get_run = run("GET token + request", base, tokens, args.clients, follow)

            codes = sorted({topic_of(row["service_name"]) for row in data})
            listed: dict[str, int] = {}

            def listing(conn, code) -> int:
                conn.request("GET", f"/open311/v2/requests.json?service_code={code}")
                response = conn.getresponse()
                listed[code] = len(json.loads(response.read()))
                return response.status

            list_run = run("GET /requests by code", base, codes * 5, args.clients, listing)

        with psycopg.connect(url) as conn:
            stored = conn.execute(
                "SELECT count(*) FROM intake_message m JOIN directory_channel c "
                "ON c.id = m.channel_id WHERE c.code = 'open311'"
            ).fetchone()[0]
            quarantined = conn.execute(
                "SELECT count(*) FROM intake_delivery WHERE channel_code = 'open311' "
                "AND status = 'quarantined'"
            ).fetchone()[0]
            cases = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    print(
        f"rows replayed          {len(data)} "
        f"({args.clients} clients, {args.workers} gunicorn workers)"
    )
    report("POST /requests", *post_run)
    print(
        f"cases opened           {cases} in {opening:.1f} s by {args.task_workers} task workers "
        f"(language pipeline {'off' if args.no_nlp else 'on'})"
    )
    report("GET token + request", *get_run)
    report("GET /requests by code", *list_run)
    print(f"rows per list          {dict(sorted(listed.items()))}")
    print(f"stored                 {stored} open311 messages, {quarantined} quarantined")
    print(f"read back by id        {len(numbers)}")
    ok = stored + quarantined == len(data) and len(numbers) == stored
    print(f"count in = count stored {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
