"""`otklik serve` starts web + worker + scheduler and stops them all cleanly on Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout
    return {int(p) for p in out.split()}


def _healthz(port: int) -> str | None:
    """The health answer of the server on ``port``, waiting up to a minute for it to start."""
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return r.read().decode()
        except OSError:
            time.sleep(0.5)
    return None


def _serve(env: dict[str, str]) -> tuple[int, subprocess.Popen]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "otklik", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return port, proc


def _ctrl_c(proc: subprocess.Popen) -> str:
    """Ctrl-C to serve; its whole output once it has stopped."""
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=60)
    return output


@pytest.fixture
def embedded_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTKLIK_")}
    env["OTKLIK_VAR_DIR"] = str(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "otklik", "setup", "--skip-static"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env


def test_serve_runs_all_parts_and_stops_on_ctrl_c(embedded_env):
    port, proc = _serve(embedded_env)
    try:
        assert _healthz(port) == '{"status": "ok"}'
        children = _children(proc.pid)
        assert len(children) == 3  # web, one task worker, scheduler
        output = _ctrl_c(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert "serve: stopped" in output
    for pid in children:
        assert not os.path.exists(f"/proc/{pid}") or _is_zombie(pid), f"child {pid} still runs"


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] == "Z"
    except FileNotFoundError:
        return True


def test_the_demo_history_runs_beside_the_pages_and_its_end_stops_nothing(tmp_path):
    """After `setup --demo`, serve drives the demo's history once, in the background: the pages
    answer meanwhile, and when it is done the other parts go on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTKLIK_")}
    env["OTKLIK_VAR_DIR"] = str(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "otklik", "setup", "--skip-static", "--demo", "--demo-messages=80"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    port, proc = _serve(env)
    try:
        lines = []
        for line in proc.stdout:  # until the history says it is done
            lines.append(line)
            if "serve: demo-history" in line:
                break
        assert "serve: demo-history finished" in lines[-1], "".join(lines)
        assert any("80 из 80 сообщений (100 %)" in line for line in lines)
        assert _healthz(port) == '{"status": "ok"}'
        assert len(_children(proc.pid)) == 3  # web, worker, scheduler: still there
        output = _ctrl_c(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
