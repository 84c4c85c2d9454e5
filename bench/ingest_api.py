"""Ingest N messages through the ingestion API (POST /api/v1/messages) into PostgreSQL.

Starts a throwaway database and `otklik serve` (gunicorn) and sends the demo stream's messages
from several client threads over keep-alive connections. Prints messages/second, p50 and p99
request latency, and checks that the count sent equals the count stored.

    .venv/bin/python bench/ingest_api.py --count 100000 --batch 1 --clients 8 --workers 4
    .venv/bin/python bench/ingest_api.py --count 100000 --batch 100 --clients 4 --workers 4

Needs PostgreSQL (OTKLIK_BENCH_PG, default postgres://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import sys
import threading
import time
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._pg import otklik, otklik_env, percentile, served, throwaway_database


def payloads(count: int) -> list[dict]:
    import tomllib

    from otklik.demo.stream import demo_stream

    with open(
        os.path.join(os.path.dirname(__file__), "..", "otklik", "directory", "data", "topics.toml"),
        "rb",
    ) as f:
        topics = {t["code"]: t["sector"] for t in tomllib.load(f)["topic"]}
    now = dt.datetime.now(ZoneInfo("Europe/Volgograd"))
    items = []
    for n, m in enumerate(demo_stream(count=count, days=90, now=now, seed=7, topics=topics)):
        items.append(
            {
                "channel": m.channel,
                "external_id": f"bench-{n}-{m.external_id}",
                "kind": m.kind,
                "text": m.text,
                "received_at": m.received_at.isoformat(),
                "author": {
                    "name": m.author_name,
                    "phone": m.author_phone,
                    "email": m.author_email,
                    "consent": bool(m.author_name),
                },
                "location": {"lat": m.latitude, "lon": m.longitude, "address": m.address},
                "municipality": m.municipality,
                "topic": m.topic,
            }
        )
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1, help="messages per request")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otklik.settings")
    items = payloads(args.count)
    bodies = [
        json.dumps(
            items[i : i + args.batch] if args.batch > 1 else items[i], ensure_ascii=False
        ).encode()
        for i in range(0, len(items), args.batch)
    ]
    with throwaway_database() as url:
        env = otklik_env(url)
        otklik(env, "setup", "--skip-static")
        key = json.loads(otklik(env, "apikey", "create", "--system", "bench", "--json"))["key"]
        with served(env, workers=args.workers) as base:
            latencies: list[float] = []
            errors: list[str] = []
            lock = threading.Lock()
            next_index = iter(range(len(bodies)))

            def client() -> None:
                target = urlparse(base)
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
                mine = []
                while True:
                    with lock:
                        i = next(next_index, None)
                    if i is None:
                        break
                    t0 = time.perf_counter()
                    conn.request("POST", "/api/v1/messages", body=bodies[i], headers=headers)
                    response = conn.getresponse()
                    response.read()
                    mine.append(time.perf_counter() - t0)
                    if response.status not in (200, 201):
                        with lock:
                            errors.append(f"{response.status}")
                with lock:
                    latencies.extend(mine)

            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
        import psycopg

        with psycopg.connect(url) as conn:
            stored = conn.execute("SELECT count(*) FROM intake_message").fetchone()[0]
            deliveries = conn.execute("SELECT count(*) FROM intake_delivery").fetchone()[0]
    print(
        f"messages sent      {len(items)} in {len(bodies)} requests "
        f"(batch {args.batch}, {args.clients} clients, {args.workers} gunicorn workers)"
    )
    print(f"elapsed            {elapsed:.1f} s")
    print(
        f"throughput         {len(items) / elapsed:.0f} messages/s, "
        f"{len(bodies) / elapsed:.0f} requests/s"
    )
    print(f"latency p50        {percentile(latencies, 50) * 1000:.1f} ms per request")
    print(f"latency p99        {percentile(latencies, 99) * 1000:.1f} ms per request")
    print(f"errors             {len(errors)}")
    print(f"stored             {stored} messages, {deliveries} raw deliveries")
    print(f"count in = stored  {'yes' if stored == len(items) else 'NO'}")


if __name__ == "__main__":
    main()
