"""The production profile passes `check --deploy` with no warnings; the embedded one is safe."""

import os
import subprocess
import sys

import pytest


def _run(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("OTKLIK_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "otklik", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_profile_passes_check_deploy():
    result = _run(
        {
            "OTKLIK_PROFILE": "production",
            "OTKLIK_SECRET_KEY": "k" * 20 + "-Zx8!q2Lm0pR7tYv3nB6cW9eH1jK4sD5fG",
            "OTKLIK_ALLOWED_HOSTS": "cur.example.ru",
            "OTKLIK_DATABASE_URL": "sqlite:///:memory:",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_profile_refuses_to_start_without_a_secret_key():
    result = _run(
        {
            "OTKLIK_PROFILE": "production",
            "OTKLIK_ALLOWED_HOSTS": "cur.example.ru",
            "OTKLIK_DATABASE_URL": "sqlite:///:memory:",
        },
        "check",
    )
    assert result.returncode != 0
    assert "OTKLIK_SECRET_KEY" in result.stderr


def test_unknown_profile_is_refused():
    result = _run(
        {"OTKLIK_PROFILE": "staging", "OTKLIK_DATABASE_URL": "sqlite:///:memory:"}, "check"
    )
    assert result.returncode != 0
    assert "OTKLIK_PROFILE" in result.stderr


@pytest.mark.parametrize("name", ["OTKLIK_SECRET_KEY"])
def test_secret_from_file(tmp_path, name):
    key_file = tmp_path / "key"
    key_file.write_text("f" * 30 + "-Zx8!q2Lm0pR7tYv3nB6cW9eH1jK4sD5fG\n")
    result = _run(
        {
            "OTKLIK_PROFILE": "production",
            f"{name}_FILE": str(key_file),
            "OTKLIK_ALLOWED_HOSTS": "cur.example.ru",
            "OTKLIK_DATABASE_URL": "sqlite:///:memory:",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
