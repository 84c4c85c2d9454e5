"""``otklik nlp train | evaluate | classify``: the text-understanding pipeline from the shell.

    otklik nlp train --data FILE.csv[.gz] --text-column text --label-column label --out DIR
    otklik nlp evaluate --data FILE.csv[.gz] --model DIR --text-column text --label-column label --json
    otklik nlp classify --json [--model DIR] < messages.jsonl > results.jsonl

None of these three needs the database. The registry of the running platform:

    otklik nlp learn --level topic|sector [--activate] [--json]   train on confirmed history
    otklik nlp models [--json]                                    the registered models
    otklik nlp activate VERSION [--force]                         switch a model on
    otklik nlp rollback                                           back to the previous one
    otklik nlp reprocess [--since DATE] [--until DATE] [--unanalysed] [--batch N]
"""  # noqa: E501

from __future__ import annotations

import codecs
import io
import json
import logging
import math
import os
import sys
import time
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from otklik.core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

BATCH = 256
READ_CHUNK = 1 << 16


class Command(BaseCommand):
    help = "Understand citizens' messages: train and evaluate classifiers, classify JSON lines."
    stealth_options = ("stdin",)
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="{train,evaluate,classify,learn,models,activate,rollback,reprocess}",
        )
        p = sub.add_parser("train", help="train a classifier on a labelled CSV")
        p.add_argument("--data", required=True, help="CSV or CSV.GZ with a text and a label column")
        p.add_argument("--text-column", default="text")
        p.add_argument("--label-column", default="label")
        p.add_argument("--out", required=True, help="directory to write model.joblib, meta.json")
        p.add_argument(
            "--folds",
            type=int,
            default=5,
            help="cross-validation folds (metrics, calibration); 0 skips",
        )
        p.add_argument("--json", action="store_true", help="print the metadata as JSON")

        p = sub.add_parser("evaluate", help="measure a trained classifier on a labelled CSV")
        p.add_argument("--data", required=True)
        p.add_argument("--model", required=True, help="directory written by `nlp train`")
        p.add_argument("--text-column", default="text")
        p.add_argument("--label-column", default="label")
        p.add_argument("--json", action="store_true", help="print one JSON object")

        p = sub.add_parser("classify", help="JSON lines {'text', 'lat'?, 'lon'?} on stdin")
        p.add_argument("--json", action="store_true", help="JSON lines out (the default)")
        p.add_argument("--model", help="directory written by `nlp train` (else built-in only)")
        p.add_argument("--no-ner", action="store_true", help="names by morphology only (faster)")

        p = sub.add_parser("learn", help="train on the region's confirmed messages, register")
        p.add_argument("--level", choices=["sector", "topic"], default="topic")
        p.add_argument("--folds", type=int, default=3, help="CV folds for calibration; 0 skips")
        p.add_argument("--activate", action="store_true", help="switch on if not worse")
        p.add_argument("--json", action="store_true")
        p.add_argument(
            "--data",
            help="a labelled CSV[.gz] instead of the confirmed history (last 20 %% held out)",
        )
        p.add_argument("--text-column", default="text")
        p.add_argument("--label-column", default="label")
        p = sub.add_parser("models", help="list the registered classifier models")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("activate", help="switch a registered model on")
        p.add_argument("version")
        p.add_argument("--force", action="store_true", help="even if worse on the holdout")
        sub.add_parser("rollback", help="switch the active model off, the previous one on")
        p = sub.add_parser("reprocess", help="run the pipeline again over stored messages")
        p.add_argument("--since", type=date.fromisoformat, help="YYYY-MM-DD")
        p.add_argument("--until", type=date.fromisoformat, help="YYYY-MM-DD (exclusive)")
        p.add_argument("--unanalysed", action="store_true", help="only never analysed messages")
        p.add_argument("--batch", type=int, default=200)

    def handle(self, *args, **options):
        from otklik.nlp.training import DataError

        try:
            return getattr(self, f"_{options['action']}")(options)
        except ApplicationError as e:
            raise CommandError(str(e)) from e
        except DataError as e:
            raise CommandError(str(e)) from e

    # ------------------------------------------------------------------------- train
    def _train(self, o):
        from otklik.nlp import training

        texts, labels = training.read_labelled(o["data"], o["text_column"], o["label_column"])
        if not texts:
            raise CommandError(f"{o['data']}: no rows with both a text and a label")
        t0 = time.perf_counter()
        clf = training.train(
            texts,
            labels,
            folds=o["folds"],
            source=os.path.basename(o["data"]),
            progress=lambda msg: self.stderr.write(msg),
        )
        clf.meta["train_seconds"] = round(time.perf_counter() - t0, 1)
        clf.meta["text_column"], clf.meta["label_column"] = o["text_column"], o["label_column"]
        out = training.save(clf, o["out"])
        if o["json"]:
            self.stdout.write(json.dumps(clf.meta, ensure_ascii=False))
            return
        m = clf.meta["metrics"]
        self.stdout.write(f"model {clf.version} written to {out}")
        self.stdout.write(f"{clf.meta['n']} texts, {len(clf.labels)} labels")
        if m:
            self.stdout.write(
                f"cross-validation ({m['cv_folds']} folds): macro-F1 {m['macro_f1']:.4f}, "
                f"accuracy {m['accuracy']:.4f}"
            )

    # ---------------------------------------------------------------------- evaluate
    def _evaluate(self, o):
        from otklik.nlp import training

        clf = training.load(o["model"])
        texts, labels = training.read_labelled(o["data"], o["text_column"], o["label_column"])
        if not texts:
            raise CommandError(f"{o['data']}: no rows with both a text and a label")
        result = training.evaluate(clf, texts, labels)
        if o["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"model {result['model_version']}: n={result['n']} macro-F1 {result['macro_f1']:.4f} "
            f"accuracy {result['accuracy']:.4f}"
        )
        for label, v in result["per_class"].items():
            self.stdout.write(
                f"  {label[:40]:40s} P {v['precision']:.3f} R {v['recall']:.3f} "
                f"F1 {v['f1']:.3f} n={v['support']}"
            )

    # ---------------------------------------------------------------------- the registry
    def _learn(self, o):
        from otklik.nlp.selectors import file_examples
        from otklik.nlp.services.classifiers import model_activate, model_train_from_history

        examples = (
            file_examples(o["data"], o["text_column"], o["label_column"], o["level"])
            if o.get("data")
            else None
        )
        row = model_train_from_history(
            actor=None,
            level=o["level"],
            folds=o["folds"],
            progress=lambda msg: self.stderr.write(msg),
            examples=examples,
            source=f"Файл {os.path.basename(o['data'])}" if o.get("data") else "",
        )
        activated = False
        if o["activate"]:
            try:
                model_activate(actor=None, model=row)
                activated = True
            except ApplicationError as e:
                self.stderr.write(f"not switched on: {e}")
        if o["json"]:
            self.stdout.write(json.dumps({**_model_json(row), "activated": activated}))
            return
        ev = row.evaluation
        self.stdout.write(
            f"model {row.version}: {row.n_train} messages, holdout {row.n_holdout}: "
            f"macro-F1 {ev['candidate']['macro_f1']:.4f} against "
            f"{ev['current']['macro_f1']:.4f} of {ev['current_name']}"
            + ("; switched on" if activated else "")
        )

    def _models(self, o):
        from otklik.nlp.models import ClassifierModel

        rows = list(ClassifierModel.objects.all())
        if o["json"]:
            self.stdout.write(json.dumps([_model_json(r) for r in rows], ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(
                f"{r.version:40s} {r.status:9s} {r.level:6s} n={r.n_train:<6d} "
                f"holdout F1 {r.candidate_f1} (was {r.current_f1})"
            )

    def _activate(self, o):
        from otklik.nlp.models import ClassifierModel
        from otklik.nlp.services.classifiers import model_activate

        row = ClassifierModel.objects.filter(version=o["version"]).first()
        if row is None:
            raise CommandError(f"no model {o['version']}")
        model_activate(actor=None, model=row, force=o["force"])
        self.stdout.write(f"model {row.version} switched on")

    def _rollback(self, o):
        from otklik.nlp.services.classifiers import model_rollback

        now = model_rollback(actor=None)
        self.stdout.write(f"now active: {now.version if now else 'built-in knowledge only'}")

    def _reprocess(self, o):
        from django.utils import timezone

        from otklik.nlp.services.reprocess import reprocess_start, reprocess_step

        def moment(d):
            return timezone.make_aware(datetime.combine(d, datetime.min.time())) if d else None

        run = reprocess_start(
            actor=None,
            since=moment(o["since"]),
            until=moment(o["until"]),
            only_unanalysed=o["unanalysed"],
            enqueue=False,
        )
        t0 = time.perf_counter()
        while reprocess_step(run=run, batch=o["batch"]):
            run.refresh_from_db()
            rate = run.done / max(time.perf_counter() - t0, 1e-9)
            self.stderr.write(f"{run.done}/{run.total} ({run.percent} %), {rate:.0f} msg/s")
        run.refresh_from_db()
        self.stdout.write(
            f"re-processed {run.done} messages, sector or topic changed for {run.changed}"
        )

    # ---------------------------------------------------------------------- classify
    def _classify(self, o):
        from otklik.nlp import training
        from otklik.nlp.pipeline import Pipeline

        model = training.load(o["model"]) if o.get("model") else None
        pipeline = Pipeline.default(model=model, use_ner=not o.get("no_ner"))
        stdin = o.get("stdin") or sys.stdin
        out = self.stdout
        n = 0
        for lines in _batches(stdin):
            items, results = [], []
            for line in lines:
                n += 1
                item, error = _parse(line, n)
                results.append(error)
                if item is not None:
                    items.append(item)
            done = zip(items, _run_guarded(pipeline, items), strict=True)
            for i, err in enumerate(results):
                if err is None:
                    item, res = next(done)
                    results[i] = {"line": item["id"], **res}
            for r in results:
                out.write(json.dumps(r, ensure_ascii=False, allow_nan=False))
            out.flush()


def _model_json(row) -> dict:
    return {
        "version": row.version,
        "level": row.level,
        "status": row.status,
        "n_train": row.n_train,
        "n_holdout": row.n_holdout,
        "evaluation": row.evaluation,
        "path": row.path,
    }


def _run_guarded(pipeline, items: list[dict]) -> list[dict]:
    """Results of a batch; when the batch fails, each item alone, so that one message that
    breaks a stage yields an error object for its line and the stream goes on."""
    if not items:
        return []
    try:
        return pipeline.run(items)
    except Exception:  # noqa: S110 - the culprit is found and logged below
        pass
    out = []
    for item in items:
        try:
            out.append(pipeline.run([item])[0])
        except Exception as e:
            logger.exception("nlp classify: line %s failed", item.get("id"))
            out.append({"error": f"processing failed: {type(e).__name__}"})
    return out


def _parse(line: str, n: int) -> tuple[dict | None, dict | None]:
    """(pipeline input, None) or (None, error object) for one input line."""
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as e:
        return None, {"line": n, "error": f"not valid JSON: {str(e)[:200]}"}
    if not isinstance(obj, dict):
        return None, {"line": n, "error": "expected a JSON object with a 'text' field"}
    text = obj.get("text")
    if not isinstance(text, str):
        return None, {"line": n, "error": "'text' must be a string"}
    item: dict = {"text": text, "id": n}
    for key in ("lat", "lon"):
        v = obj.get(key)
        if v is None:
            item[key] = None
        elif isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
            item[key] = float(v)
        else:
            return None, {"line": n, "error": f"'{key}' must be a number"}
    if (item["lat"] is None) != (item["lon"] is None):
        item["lat"] = item["lon"] = None
    when = obj.get("date") or obj.get("received_at")
    if isinstance(when, str):
        try:
            item["date"] = datetime.fromisoformat(when.replace("Z", "+00:00")).date()
        except ValueError:
            try:
                item["date"] = date.fromisoformat(when[:10])
            except ValueError:
                return None, {"line": n, "error": "'date' must be an ISO date"}
    return item, None


def _batches(stdin):
    """Lists of input lines: everything already available, at most BATCH at a time, so a
    producer that writes one line and waits for its answer gets it at once."""
    try:
        fd = stdin.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        fd = None
    if fd is None:
        batch: list[str] = []
        for line in stdin:
            batch.append(line.rstrip("\r\n"))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    while True:
        chunk = os.read(fd, READ_CHUNK)
        if not chunk:
            pending += decoder.decode(b"", final=True)
            if pending:
                yield [pending.rstrip("\r")]
            return
        pending += decoder.decode(chunk)
        if "\n" not in pending:
            continue
        *lines, pending = pending.split("\n")
        lines = [ln.rstrip("\r") for ln in lines]
        for i in range(0, len(lines), BATCH):
            yield lines[i : i + BATCH]
