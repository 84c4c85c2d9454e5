"""Background tasks run through both backends of the Tasks API: the database queue (default) and
RQ on Redis (when OTKLIK_REDIS_URL is set), each with its real worker command."""

import os
import subprocess
import sys

import pytest

ENQUEUE = (
    "import django; django.setup(); "
    "from otklik.core.tasks import production_calendar_check as t; "
    "print(t.enqueue().id)"
)
RESULT = (
    "import sys, django; django.setup(); "
    "from otklik.core.tasks import production_calendar_check as t; "
    "r = t.get_result(sys.argv[1]); print(r.status, r.return_value['year'])"
)


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTKLIK_")}
    env.update({"OTKLIK_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "otklik.settings"})
    env.update(extra)
    return env


def _run(env, *argv, timeout=600):  # a guard against a hang, not a measure
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def test_database_backend_with_db_worker(tmp_path):
    env = _env(tmp_path)
    _run(env, sys.executable, "-m", "otklik", "migrate", "-v0")
    task_id = _run(env, sys.executable, "-c", ENQUEUE)
    _run(
        env,
        sys.executable,
        "-m",
        "otklik",
        "db_worker",
        "--batch",
        "--no-reload",
        "--queue-name",
        "*",
    )
    status, year = _run(env, sys.executable, "-c", RESULT, task_id).split()
    assert status == "SUCCESSFUL"
    assert int(year) >= 2027


def test_redis_backend_with_rq_worker(tmp_path):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (CI starts it in .ci/run)")
    env = _env(tmp_path, OTKLIK_REDIS_URL=url)
    _run(env, sys.executable, "-m", "otklik", "migrate", "-v0")
    task_id = _run(env, sys.executable, "-c", ENQUEUE)
    _run(
        env,
        sys.executable,
        "-m",
        "otklik",
        "rqworker",
        "default",
        "--burst",
        "--job-class",
        "django_tasks_rq.Job",
    )
    status, year = _run(env, sys.executable, "-c", RESULT, task_id).split()
    assert status == "SUCCESSFUL"
    assert int(year) >= 2027
