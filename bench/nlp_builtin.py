"""The built-in (untrained) sector classifier on real appeals mapped to Otklik's 9 sectors.

Usage:

    .venv/bin/python bench/nlp_builtin.py --data ../shared/data/kursk_appeals_dev.csv [--json]
    .venv/bin/python bench/nlp_builtin.py --data ../shared/data/spb_appeals_dev.csv.gz \
        --per-sector 250 --samples 20

The file's kind is told by its columns: Kursk appeals (``label``, ``topic``) are mapped to
sectors by bench/nlp_kursk_sectors.py, «Наш Санкт-Петербург» messages (``label``, ``reason``)
by bench/nlp_spb_sectors.py; rows whose reason fits no sector cleanly are left out and
counted. Nothing is learnt from the file: it is only read to measure. Prints macro-F1 over the
sectors present, accuracy, per-sector figures, how well the confidence is calibrated (expected
calibration error over 10 bins) and how many messages fall under the triage threshold.

``--per-sector N`` adds a class-balanced view: macro-F1 and accuracy on random samples of at
most N rows per sector (``--samples`` samples, seeds 0, 1, …; the predictions are the same,
only the rows counted change), so that one dominant sector (58 % of SPb is «Благоустройство»)
does not make the figure. ``--unique`` keeps one row per distinct (text, sector).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from nlp_kursk_sectors import kursk_sector
from nlp_spb_sectors import UNLISTED, spb_sector

from otklik.nlp import training
from otklik.nlp.knowledge import SECTORS, builtin_classifier
from otklik.nlp.stages.classify import TRIAGE_THRESHOLD


def read_rows(path: Path) -> list[dict]:
    csv.field_size_limit(sys.maxsize)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def labelled(rows: list[dict], unique: bool = False) -> tuple[str, list[str], list[str], dict]:
    """(kind, texts, gold sectors, what was left out) of the rows of either file."""
    columns = set(rows[0]) if rows else set()
    if "reason" in columns:
        kind = "spb"

        def sector(r):
            return spb_sector(r.get("label", ""), r.get("reason", ""))
    elif "topic" in columns:
        kind = "kursk"

        def sector(r):
            return kursk_sector(r.get("label", ""), r.get("topic", ""))
    else:
        raise SystemExit(f"unknown file: columns {sorted(columns)}")
    texts, gold = [], []
    left_out: Counter = Counter()
    seen: set[tuple[str, str]] = set()
    for r in rows:
        text = (r.get("text") or "").strip()
        s = sector(r)
        if not text:
            left_out["empty text"] += 1
        elif s == UNLISTED:
            left_out["unlisted reason"] += 1
        elif s is None:
            left_out["no clean sector"] += 1
        elif unique and (text, s) in seen:
            left_out["repeated text"] += 1
        else:
            seen.add((text, s))
            texts.append(r["text"])
            gold.append(s)
    return kind, texts, gold, dict(left_out)


def ece(conf: np.ndarray, correct: np.ndarray) -> float:
    bins = np.minimum((conf * 10).astype(int), 9)
    return float(
        sum(
            abs(correct[bins == b].mean() - conf[bins == b].mean()) * (bins == b).mean()
            for b in range(10)
            if (bins == b).any()
        )
    )


def balanced(gold: list[str], pred: list[str], per_sector: int, samples: int) -> dict:
    """Macro-F1 and accuracy on ``samples`` random samples of at most ``per_sector`` rows of
    each sector (seeds 0 … samples-1)."""
    g, p = np.asarray(gold), np.asarray(pred)
    f1s: list[float] = []
    accs: list[float] = []
    per: dict[str, list[float]] = {}
    for seed in range(samples):
        rng = np.random.default_rng(seed)
        idx = np.concatenate(
            [rng.permutation(np.flatnonzero(g == s))[:per_sector] for s in sorted(set(gold))]
        )
        m = training.metrics(list(g[idx]), list(p[idx]), list(SECTORS))
        f1s.append(m["macro_f1"])
        accs.append(m["accuracy"])
        for s, v in m["per_class"].items():
            per.setdefault(s, []).append(v["f1"])
    counts = Counter(gold)
    return {
        "per_sector": per_sector,
        "samples": samples,
        "n": int(sum(min(c, per_sector) for c in counts.values())),
        "macro_f1_mean": round(float(np.mean(f1s)), 4),
        "macro_f1_sd": round(float(np.std(f1s)), 4),
        "macro_f1_min": round(float(np.min(f1s)), 4),
        "macro_f1_max": round(float(np.max(f1s)), 4),
        "accuracy_mean": round(float(np.mean(accs)), 4),
        "per_class_f1_mean": {s: round(float(np.mean(v)), 4) for s, v in per.items()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", required=True, help="kursk_appeals_dev.csv or spb_appeals_dev.csv.gz")
    ap.add_argument(
        "--per-sector", type=int, default=0, help="class-balanced view: at most N rows a sector"
    )
    ap.add_argument("--samples", type=int, default=20, help="balanced samples (seeds 0 … n-1)")
    ap.add_argument("--unique", action="store_true", help="one row per distinct (text, sector)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    path = Path(args.data)
    if not path.exists():
        print(f"data file not found: {path}", file=sys.stderr)
        return 2
    rows = read_rows(path)
    kind, texts, gold, left_out = labelled(rows, unique=args.unique)
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
    below = conf < TRIAGE_THRESHOLD
    out = {
        "data": str(path),
        "kind": kind,
        "rows": len(rows),
        "left_out": left_out,
        "classifier": clf.version,
        "sectors_present": sorted(set(gold)),
        **m,
        "ece": round(ece(conf, correct), 4),
        "mean_confidence": round(float(conf.mean()), 4),
        "triage_share": round(float(below.mean()), 4),
        "accuracy_above_threshold": round(float(correct[~below].mean()), 4)
        if (~below).any()
        else None,
        "seconds_load_or_build": round(t_load, 1),
        "seconds_predict": round(t_pred, 1),
    }
    present = out["sectors_present"]
    pairs = Counter(zip(gold, pred, strict=True))
    out["confusion"] = {g: {p: pairs[g, p] for p in SECTORS if pairs[g, p]} for g in present}
    if args.per_sector:
        out["balanced"] = balanced(gold, pred, args.per_sector, args.samples)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    dropped = ", ".join(f"{k} {v}" for k, v in left_out.items()) or "none"
    print(
        f"built-in classifier {clf.version} on {path.name} ({kind}): {len(rows)} rows, "
        f"left out: {dropped}"
    )
    print(
        f"n={m['n']} macro-F1 {m['macro_f1']:.4f} over {len(out['sectors_present'])} sectors "
        f"present, accuracy {m['accuracy']:.4f} ECE {out['ece']:.4f} "
        f"(mean confidence {out['mean_confidence']:.3f}) triage share "
        f"{out['triage_share']:.3f} (accuracy above threshold {out['accuracy_above_threshold']})"
    )
    for s, v in m["per_class"].items():
        print(
            f"  {s:10s} P {v['precision']:.3f} R {v['recall']:.3f} "
            f"F1 {v['f1']:.3f} n={v['support']}"
        )
    print("  confusion (rows: gold, columns: predicted):")
    print("  " + " " * 10 + "".join(f"{p[:7]:>8s}" for p in SECTORS))
    for g in present:
        print(f"  {g:10s}" + "".join(f"{out['confusion'][g].get(p, 0):8d}" for p in SECTORS))
    if args.per_sector:
        b = out["balanced"]
        per = " ".join(f"{s} {v:.3f}" for s, v in b["per_class_f1_mean"].items() if s in present)
        print(
            f"balanced (≤{b['per_sector']} a sector, n={b['n']}, {b['samples']} samples): "
            f"macro-F1 {b['macro_f1_mean']:.4f} ± {b['macro_f1_sd']:.4f} "
            f"[{b['macro_f1_min']:.4f} … {b['macro_f1_max']:.4f}], "
            f"accuracy {b['accuracy_mean']:.4f}; F1 {per}"
        )
    print(f"(build {out['seconds_load_or_build']} s, predict {out['seconds_predict']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
