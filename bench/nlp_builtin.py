"""The built-in (untrained) sector classifier on real appeals mapped to Otklik's 9 sectors.

Usage:

    .venv/bin/python bench/nlp_builtin.py --data ../shared/data/kursk_appeals_dev.csv [--json]

The Kursk topics are mapped to sectors by our own table (bench/nlp_kursk_sectors.py). Nothing
is learnt from the file: it is only read to measure. Prints macro-F1 over the 9 sectors,
accuracy, per-sector figures, and how well the confidence is calibrated (expected calibration
error over 10 bins) and how many messages fall under the triage threshold.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from nlp_kursk_sectors import kursk_sector

from otklik.nlp import training
from otklik.nlp.knowledge import SECTORS, builtin_classifier
from otklik.nlp.stages.classify import TRIAGE_THRESHOLD


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", required=True, help="kursk_appeals_dev.csv")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    path = Path(args.data)
    if not path.exists():
        print(f"data file not found: {path}", file=sys.stderr)
        return 2
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    texts, gold = [], []
    for r in rows:
        s = kursk_sector(r.get("label", ""), r.get("topic", ""))
        if s and (r.get("text") or "").strip():
            texts.append(r["text"])
            gold.append(s)
    t0 = time.perf_counter()
    clf = builtin_classifier()
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    preds = clf.predict(training.prepare(texts), explain=False)
    t_pred = time.perf_counter() - t0
    pred = [p.sector for p in preds]
    conf = np.array([p.sector_confidence for p in preds])
    correct = np.array([p == g for p, g in zip(pred, gold, strict=True)])
    m = training.metrics(gold, pred, list(SECTORS))
    bins = np.minimum((conf * 10).astype(int), 9)
    ece = sum(
        abs(correct[bins == b].mean() - conf[bins == b].mean()) * (bins == b).mean()
        for b in range(10)
        if (bins == b).any()
    )
    below = conf < TRIAGE_THRESHOLD
    out = {
        "data": str(path),
        "classifier": clf.version,
        **m,
        "ece": round(float(ece), 4),
        "mean_confidence": round(float(conf.mean()), 4),
        "triage_share": round(float(below.mean()), 4),
        "accuracy_above_threshold": round(float(correct[~below].mean()), 4)
        if (~below).any()
        else None,
        "seconds_load_or_build": round(t_load, 1),
        "seconds_predict": round(t_pred, 1),
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(
            f"built-in classifier {clf.version} on {path.name}: n={m['n']} "
            f"macro-F1 {m['macro_f1']:.4f} accuracy {m['accuracy']:.4f} ECE {out['ece']:.4f} "
            f"triage share {out['triage_share']:.3f} (accuracy above threshold "
            f"{out['accuracy_above_threshold']})"
        )
        for s, v in m["per_class"].items():
            print(
                f"  {s:10s} P {v['precision']:.3f} R {v['recall']:.3f} "
                f"F1 {v['f1']:.3f} n={v['support']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
