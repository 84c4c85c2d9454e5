"""Trainable classifier vs the TF-IDF (word 1–2 + char 2–5) + LinearSVC baseline, cross-validated.

Usage (data paths are arguments; nothing of the data is copied into the project):

    .venv/bin/python bench/nlp_quality.py \
        --data ../shared/data/spb_appeals_dev.csv.gz --levels label reason \
        --data ../shared/data/kursk_appeals_dev.csv --levels label topic [--folds 5] [--json]

Every ``--data`` is followed by its ``--levels`` (label columns). For each level both models
are cross-validated on the same stratified folds in the same run; the script prints macro-F1
and accuracy of both, and exits 1 if Otklik's model is not ahead on some level.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otklik.settings")

from otklik.nlp import training


def run_level(path: str, level: str, folds: int, text_column: str) -> dict:
    texts, labels = training.read_labelled(path, text_column, level)
    k = training.min_class_folds(labels, folds)
    out = {"data": path, "level": level, "n": len(texts), "labels": len(set(labels)), "folds": k}
    t0 = time.perf_counter()
    pred, _, _ = training.cross_validate(training.baseline_model, texts, labels, folds=k)
    out["baseline"] = _figures(labels, pred, time.perf_counter() - t0)
    t0 = time.perf_counter()
    prepared = training.prepare(texts)
    pred, _, _ = training.cross_validate(training.otklik_model, prepared, labels, folds=k)
    out["otklik"] = _figures(labels, pred, time.perf_counter() - t0)
    out["ahead"] = out["otklik"]["macro_f1"] > out["baseline"]["macro_f1"]
    return out


def _figures(labels, pred, seconds: float) -> dict:
    m = training.metrics(labels, pred, sorted(set(labels)))
    return {"macro_f1": m["macro_f1"], "accuracy": m["accuracy"], "seconds": round(seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", action="append", required=True, help="CSV or CSV.GZ file")
    ap.add_argument("--levels", action="append", nargs="+", required=True, help="label columns")
    ap.add_argument("--text-column", default="text")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print one JSON object per level")
    args = ap.parse_args(argv)
    if len(args.levels) != len(args.data):
        ap.error("give --levels after each --data")
    ok = True
    for path, levels in zip(args.data, args.levels, strict=True):
        if not Path(path).exists():
            print(f"data file not found: {path}", file=sys.stderr)
            return 2
        for level in levels:
            r = run_level(path, level, args.folds, args.text_column)
            ok &= r["ahead"]
            if args.json:
                print(json.dumps(r, ensure_ascii=False), flush=True)
            else:
                b, o = r["baseline"], r["otklik"]
                print(
                    f"{Path(path).name} [{level}] n={r['n']} labels={r['labels']} "
                    f"folds={r['folds']}: baseline macro-F1 {b['macro_f1']:.4f} "
                    f"(acc {b['accuracy']:.4f}, {b['seconds']} s) | otklik macro-F1 "
                    f"{o['macro_f1']:.4f} (acc {o['accuracy']:.4f}, {o['seconds']} s) | "
                    f"{'ahead' if r['ahead'] else 'NOT ahead'}",
                    flush=True,
                )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
