"""Helpers shared by the benchmarks: a throwaway PostgreSQL database and an `otklik` process."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pg_admin_url() -> str:
    return os.environ.get("OTKLIK_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def throwaway_database(keep: bool = False) -> Iterator[str]:
    """A new empty PostgreSQL database; dropped afterwards unless ``keep``."""
    import psycopg

    name = f"otklik_bench_{uuid.uuid4().hex[:8]}"
    admin = pg_admin_url()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print(f"kept database: {url}")


def otklik_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTKLIK_")}
    env.update({"OTKLIK_DATABASE_URL": database_url, "OTKLIK_LOG_LEVEL": "WARNING", **extra})
    return env


def otklik(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "otklik", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"otklik {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(env: dict[str, str], *, workers: int) -> Iterator[str]:
    """`otklik serve` (gunicorn, no task worker, no scheduler) on a free port."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "otklik",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--task-workers",
            "0",
            "--no-scheduler",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310 — our own http://127.0.0.1 server
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]
