"""Speed of the whole pipeline: ``otklik nlp classify`` over N demo messages on one core.

Usage:

    .venv/bin/python bench/nlp_speed.py [--count 10000] [--model DIR] [--no-ner] [--json]

The messages come from the demo stream generator (otklik.demo.stream.demo_stream, topics of
otklik/directory/data/topics.toml), with their coordinates when the stream has them. The
command runs as a child process pinned to one core (taskset) with one BLAS/OpenMP thread;
the script reports messages per second (wall clock, start-up included and excluded), the
child's peak memory (ru_maxrss) and, since the stream knows the truth, the share of sectors,
municipalities and city districts found right.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--model", help="a model directory for `nlp classify --model`")
    ap.add_argument("--no-ner", action="store_true")
    ap.add_argument("--cpu", default="0", help="the core the command is pinned to")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--otklik", default=str(ROOT / ".venv" / "bin" / "otklik"))
    args = ap.parse_args(argv)

    from otklik.demo.stream import demo_stream
    from otklik.nlp.resources import taxonomy

    topics = {t.code: t.sector for t in taxonomy()}
    stream = demo_stream(
        count=args.count,
        days=365,
        now=datetime(2026, 11, 27, 12, tzinfo=UTC),
        seed=4,
        topics=topics,
    )
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for m in stream:
                item = {"text": m.text, "date": m.received_at.date().isoformat()}
                if m.latitude is not None:
                    item["lat"], item["lon"] = m.latitude, m.longitude
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
        cmd = [args.otklik, "nlp", "classify", "--json"]
        if args.model:
            cmd += ["--model", args.model]
        if args.no_ner:
            cmd.append("--no-ner")
        if shutil.which("taskset"):
            cmd = ["taskset", "-c", args.cpu, *cmd]
        env = {
            **os.environ,
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "otklik.settings"),
        }
        # start-up alone: an empty input (run twice: the first may build the built-in
        # classifier's disk cache, which happens once per installation)
        for _ in range(2):
            t0 = time.perf_counter()
            subprocess.run(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env, check=True
            )
            startup = time.perf_counter() - t0
        out = Path(tmp) / "out.jsonl"
        with src.open("rb") as fin, out.open("wb") as fout:
            t0 = time.perf_counter()
            subprocess.run(cmd, stdin=fin, stdout=fout, env=env, check=True)
            wall = time.perf_counter() - t0
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        results = [json.loads(line) for line in out.open(encoding="utf-8")]
    n = len(stream)
    assert len(results) == n, (len(results), n)
    ok_sector = sum(r.get("sector") == m.sector for r, m in zip(results, stream, strict=True))
    ok_muni = sum(
        r.get("municipality") == m.municipality for r, m in zip(results, stream, strict=True)
    )
    in_vlg = [(r, m) for r, m in zip(results, stream, strict=True) if m.city_district]
    ok_district = sum(r.get("city_district") == m.city_district for r, m in in_vlg)
    dup = sum(1 for r in results if r.get("duplicate_of"))
    report = {
        "messages": n,
        "seconds": round(wall, 2),
        "startup_seconds": round(startup, 2),
        "messages_per_second": round(n / wall, 1),
        "messages_per_second_after_startup": round(n / max(wall - startup, 1e-9), 1),
        "peak_memory_mib": round(peak_kib / 1024, 1),
        "errors": sum(1 for r in results if "error" in r),
        "sector_accuracy_on_demo": round(ok_sector / n, 4),
        "municipality_accuracy_on_demo": round(ok_muni / n, 4),
        "city_district_accuracy_on_demo": round(ok_district / max(len(in_vlg), 1), 4),
        "duplicates_offered": dup,
        "command": " ".join(cmd),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for k, v in report.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
