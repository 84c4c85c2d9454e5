"""Tone: Otklik's trainable classifier vs the TF-IDF (word 1–2 + char 2–5) + LinearSVC
baseline, cross-validated on the same folds, and the built-in word-list tone for reference.

Usage:

    .venv/bin/python bench/nlp_tone.py --data ../shared/data/rusentitweet_dev.csv [--json]

Two label sets are measured: the file's own labels (negative, neutral, positive, speech, skip)
and the three tones the pipeline speaks (negative / neutral / positive; the speech-act and
skipped tweets left out). The built-in tone (otklik.nlp.stages.signals, no training) is
measured on the three tones only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from otklik.nlp import training
from otklik.nlp.stages.base import Doc
from otklik.nlp.stages.normalise import NormaliseStage
from otklik.nlp.stages.signals import ToneUrgencyStage

TONES = ("negative", "neutral", "positive")


def compare(texts, labels, folds: int) -> dict:
    k = training.min_class_folds(labels, folds)
    out: dict = {"n": len(texts), "labels": sorted(set(labels)), "folds": k}
    t0 = time.perf_counter()
    pred, _, _ = training.cross_validate(training.baseline_model, texts, labels, folds=k)
    out["baseline"] = _figures(labels, pred, time.perf_counter() - t0)
    t0 = time.perf_counter()
    pred, _, _ = training.cross_validate(
        training.otklik_model, training.prepare(texts), labels, folds=k
    )
    out["otklik"] = _figures(labels, pred, time.perf_counter() - t0)
    out["ahead"] = out["otklik"]["macro_f1"] > out["baseline"]["macro_f1"]
    return out


def _figures(labels, pred, seconds: float) -> dict:
    m = training.metrics(labels, pred, sorted(set(labels)))
    return {"macro_f1": m["macro_f1"], "accuracy": m["accuracy"], "seconds": round(seconds, 1)}


def builtin_tone(texts, labels) -> dict:
    norm, tone = NormaliseStage(), ToneUrgencyStage()
    pred = []
    for t in texts:
        doc = Doc(text=t)
        norm.process_one(doc)
        tone.process_one(doc)
        pred.append(doc.result["sentiment"])
    m = training.metrics(labels, pred, list(TONES))
    return {"macro_f1": m["macro_f1"], "accuracy": m["accuracy"], "n": m["n"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", required=True, help="rusentitweet_dev.csv")
    ap.add_argument("--text-column", default="text")
    ap.add_argument("--label-column", default="label")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not Path(args.data).exists():
        print(f"data file not found: {args.data}", file=sys.stderr)
        return 2
    texts, labels = training.read_labelled(args.data, args.text_column, args.label_column)
    three = [(t, y) for t, y in zip(texts, labels, strict=True) if y in TONES]
    t3, y3 = [t for t, _ in three], [y for _, y in three]
    report = {
        "all_labels": compare(texts, labels, args.folds),
        "three_tones": compare(t3, y3, args.folds),
        "builtin_three_tones": builtin_tone(t3, y3),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for name in ("all_labels", "three_tones"):
            r = report[name]
            b, o = r["baseline"], r["otklik"]
            print(
                f"{Path(args.data).name} [{name}] n={r['n']} folds={r['folds']}: baseline "
                f"macro-F1 {b['macro_f1']:.4f} (acc {b['accuracy']:.4f}) | otklik macro-F1 "
                f"{o['macro_f1']:.4f} (acc {o['accuracy']:.4f}) | "
                f"{'ahead' if r['ahead'] else 'NOT ahead'}"
            )
        b = report["builtin_three_tones"]
        print(
            f"built-in word-list tone (untrained) [three_tones]: macro-F1 {b['macro_f1']:.4f} "
            f"(acc {b['accuracy']:.4f})"
        )
    ok = report["all_labels"]["ahead"] and report["three_tones"]["ahead"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
