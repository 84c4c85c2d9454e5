"""The trainable classifier: fit on any labelled texts, cross-validate, save, load, evaluate.

A model directory holds ``model.joblib`` (the scikit-learn pipeline) and ``meta.json``
(version, labels, metrics of the internal cross-validation, the softmax temperature that
calibrates its confidence, and the SHA-256 of the model file, checked before loading: a
joblib file is a pickle, so only directories written by ``otklik nlp train`` are loaded).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import sklearn
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from otklik.nlp.features import NavecMean, lemma_analyzer
from otklik.nlp.stages.base import Doc
from otklik.nlp.stages.normalise import NormaliseStage

MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
FORMAT = 2
MODEL_KIND = "tfidf-lemma-navec-linearsvc-balanced-remembering"


class DataError(ValueError):
    """The data file is missing, unreadable or lacks the named columns."""


# ------------------------------------------------------------------------------- data
def read_labelled(
    path: str | Path, text_column: str, label_column: str | None
) -> tuple[list[str], list[str]]:
    """Texts and labels of a CSV (optionally gzipped); rows with an empty text or label skipped."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"data file not found: {path}")
    csv.field_size_limit(sys.maxsize)
    opener = gzip.open if path.suffix == ".gz" else open
    texts: list[str] = []
    labels: list[str] = []
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = reader.fieldnames or []
            for col in (text_column, label_column):
                if col and col not in fields:
                    raise DataError(f"{path}: no column {col!r} (columns: {', '.join(fields)})")
            for row in reader:
                text = (row.get(text_column) or "").strip()
                label = (row.get(label_column) or "").strip() if label_column else ""
                if not text or (label_column and not label):
                    continue
                texts.append(text)
                labels.append(label)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise DataError(f"{path}: cannot read ({e})") from e
    return texts, labels


def prepare(texts: Iterable[str]) -> list[str]:
    """The analysis form the pipeline gives the classifier (see NormaliseStage)."""
    stage = NormaliseStage()
    out = []
    for t in texts:
        doc = Doc(text=t)
        stage.process_one(doc)
        out.append(doc.analysed)
    return out


# ------------------------------------------------------------------------------ models
def baseline_model() -> Pipeline:
    """The reference: TF-IDF of word 1–2 and char 2–5 grams + LinearSVC, defaults."""
    return Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        ("word", TfidfVectorizer(ngram_range=(1, 2))),
                        ("char", TfidfVectorizer(analyzer="char", ngram_range=(2, 5))),
                    ]
                ),
            ),
            ("clf", LinearSVC()),
        ]
    )


class RememberingPipeline(Pipeline):
    """A Pipeline that also remembers the label of every training text it saw verbatim (after
    normalisation, by a hash: no text is kept). Portals' template texts repeat word for word;
    a text that operators already labelled gets that label (the most frequent one when it was
    labelled several ways), the linear model decides the rest."""

    def fit(self, X, y=None, **params):
        super().fit(X, y, **params)
        counts: dict[bytes, Counter] = {}
        for text, label in zip(X, y, strict=True):
            counts.setdefault(_text_key(text), Counter())[label] += 1
        self.seen_ = {k: c.most_common(1)[0][0] for k, c in counts.items()}
        return self

    def remembered(self, X) -> list:
        seen = getattr(self, "seen_", {})
        return [seen.get(_text_key(t)) for t in X]

    def predict(self, X, **params):
        pred = super().predict(X, **params)
        for i, label in enumerate(self.remembered(X)):
            if label is not None:
                pred[i] = label
        return pred

    def decision_function(self, X, **params):
        return self.boost(X, np.asarray(super().decision_function(X, **params)))

    def boost(self, X, dec: np.ndarray) -> np.ndarray:
        """Decision scores with each remembered label put ahead by a clear margin."""
        classes = list(self.classes_)
        dec = dec.copy()
        for i, label in enumerate(self.remembered(X)):
            if label is None or label not in classes:
                continue
            k = classes.index(label)
            if dec.ndim == 1:
                dec[i] = (abs(dec[i]) + 1.0) * (1 if k == 1 else -1)
            else:
                dec[i, k] = max(float(dec[i].max()), 0.0) + 1.0
        return dec


def _text_key(text: str) -> bytes:
    return hashlib.blake2b(" ".join(text.split()).encode(), digest_size=12).digest()


def otklik_model(C: float = 1.0) -> Pipeline:
    """Otklik's classifier: words, char n-grams, lemmas (pymorphy3) and navec vectors; a
    LinearSVC with classes weighted by their rarity (macro-F1 counts every class), and the
    labels of texts seen verbatim remembered (RememberingPipeline)."""
    return RememberingPipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        (
                            "word",
                            TfidfVectorizer(
                                ngram_range=(1, 2), sublinear_tf=True, min_df=1, max_df=0.95
                            ),
                        ),
                        (
                            "char",
                            TfidfVectorizer(
                                analyzer="char", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                            ),
                        ),
                        ("lemma", TfidfVectorizer(analyzer=lemma_analyzer, sublinear_tf=True)),
                        ("navec", NavecMean(weight=0.5)),
                    ]
                ),
            ),
            ("clf", LinearSVC(C=C, class_weight="balanced")),
        ]
    )


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    if scores.ndim == 1:  # binary LinearSVC: one column for the positive class
        scores = np.column_stack([-scores, scores])
    z = scores / max(temperature, 1e-6)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, y_idx: np.ndarray) -> float:
    """The temperature that minimises the log-loss of softmax(scores / T) (calibration)."""

    def nll(t: float) -> float:
        p = softmax(scores, t)
        return float(-np.mean(np.log(p[np.arange(len(y_idx)), y_idx] + 1e-12)))

    res = minimize_scalar(nll, bounds=(0.01, 10.0), method="bounded")
    return float(res.x)


def metrics(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> dict:
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=list(labels), zero_division=0
    )
    present = sorted(set(y_true))
    return {
        "n": len(y_true),
        "macro_f1": round(
            float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)), 4
        ),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "per_class": {
            lab: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(s[i]),
            }
            for i, lab in enumerate(labels)
            if s[i] or lab in set(y_pred)
        },
    }


def min_class_folds(labels: Sequence[str], folds: int) -> int:
    counts = np.unique(np.asarray(labels), return_counts=True)[1]
    # StratifiedKFold only needs the largest class to fill every fold; rarer classes are spread.
    return int(max(2, min(folds, counts.max()))) if len(counts) > 1 else 0


def cross_validate(
    make_model, texts: Sequence[str], labels: Sequence[str], folds: int = 5, seed: int = 0
) -> tuple[list[str], np.ndarray | None, list[str]]:
    """Out-of-fold predictions and decision scores (classes in sorted order).

    Classes with fewer members than folds are kept (StratifiedKFold warns and spreads them).
    """
    classes = sorted(set(labels))
    y = np.asarray(labels)
    X = np.asarray(texts, dtype=object)
    pred = np.empty(len(y), dtype=object)
    scores = np.zeros((len(y), len(classes)), dtype=np.float32) if len(classes) > 2 else None
    bin_scores = np.zeros(len(y), dtype=np.float32)
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class")
        splits = list(skf.split(X, y))
    for train_idx, test_idx in splits:
        model = make_model()
        model.fit(list(X[train_idx]), y[train_idx])
        pred[test_idx] = model.predict(list(X[test_idx]))
        dec = model.decision_function(list(X[test_idx]))
        fold_classes = list(model.classes_)
        if dec.ndim == 1:
            bin_scores[test_idx] = dec
        elif scores is not None:
            cols = [classes.index(c) for c in fold_classes]
            scores[np.ix_(test_idx, cols)] = dec
            missing = [i for i in range(len(classes)) if i not in cols]
            if missing:
                scores[np.ix_(test_idx, missing)] = -10.0
    if scores is None:
        scores = bin_scores
    return list(pred), scores, classes


# ------------------------------------------------------------------------ train / save
@dataclass
class TrainedClassifier:
    model: Pipeline
    meta: dict

    @property
    def labels(self) -> list[str]:
        return list(self.meta["labels"])

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    def predict(self, prepared: Sequence[str]) -> list[tuple[str, float]]:
        """(label, calibrated confidence) for each text already in analysis form."""
        return [(label, conf) for label, conf, _ in self.predict_explained(prepared, top=0)]

    def predict_explained(
        self, prepared: Sequence[str], top: int = 6
    ) -> list[tuple[str, float, list[str]]]:
        """(label, confidence, the words and lemmas that weighed most for it) for each text."""
        if not prepared:
            return []
        classes = [str(c) for c in self.model.classes_]
        if len(classes) == 1 or "features" not in self.model.named_steps:
            return [(str(p), 1.0, []) for p in self.model.predict(list(prepared))]
        features = self.model.named_steps["features"]
        clf = self.model.named_steps["clf"]
        X = features.transform(list(prepared)).tocsr()
        dec = np.asarray(clf.decision_function(X))
        if isinstance(self.model, RememberingPipeline):
            dec = self.model.boost(list(prepared), dec)
        probs = softmax(dec, float(self.meta.get("temperature", 1.0)))
        best = probs.argmax(axis=1)
        out = []
        for i, k in enumerate(best):
            words = self._explain(X[i], int(k), top) if top else []
            out.append((classes[k], round(float(probs[i, k]), 4), words))
        return out

    def _explain(self, row, k: int, top: int) -> list[str]:
        clf = self.model.named_steps["clf"]
        if clf.coef_.shape[0] == 1:  # binary: one row, for the second class
            coef = clf.coef_[0] if k == 1 else -clf.coef_[0]
        else:
            coef = clf.coef_[k]
        names = self._names()
        contrib = row.data * coef[row.indices]
        out: list[str] = []
        for j in np.argsort(-contrib):
            if contrib[j] <= 0 or len(out) >= top:
                break
            name = str(names[row.indices[j]])
            if name.startswith(("word__", "lemma__")):
                word = name.split("__", 1)[1]
                if word not in out:
                    out.append(word)
        return out

    def _names(self):
        names = getattr(self, "_feature_names", None)
        if names is None:
            names = self.model.named_steps["features"].get_feature_names_out()
            self._feature_names = names
        return names


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    source: str = "",
    progress=None,
) -> TrainedClassifier:
    """Cross-validate (metrics, calibration), then fit on everything."""
    if len(texts) != len(labels) or not texts:
        raise DataError("no labelled texts to train on")
    classes = sorted(set(labels))
    prepared = prepare(texts)
    meta: dict = {
        "format": FORMAT,
        "kind": MODEL_KIND,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "labels": classes,
        "label_counts": {
            c: int(n) for c, n in zip(*np.unique(labels, return_counts=True), strict=True)
        },
        "n": len(texts),
        "source": source,
        "sklearn_version": sklearn.__version__,
        "temperature": 1.0,
        "metrics": None,
    }
    k = min_class_folds(labels, folds) if len(classes) > 1 and folds >= 2 else 0
    if k >= 2:
        if progress:
            progress(f"cross-validating on {len(texts)} texts, {len(classes)} labels, {k} folds")
        pred, scores, cls = cross_validate(otklik_model, prepared, labels, folds=k)
        y_idx = np.array([cls.index(lab) for lab in labels])
        meta["temperature"] = round(fit_temperature(np.asarray(scores), y_idx), 4)
        meta["metrics"] = {"cv_folds": k, **metrics(labels, pred, classes)}
    if progress:
        progress("fitting on all texts")
    model = otklik_model()
    if len(classes) == 1:
        from sklearn.dummy import DummyClassifier

        model = Pipeline([("clf", DummyClassifier(strategy="most_frequent"))])
    model.fit(prepared, list(labels))
    digest = hashlib.sha256(
        "\n".join(f"{t}\t{y}" for t, y in zip(texts, labels, strict=True)).encode()
    )
    meta["data_sha256"] = digest.hexdigest()
    meta["version"] = f"{meta['created_at'][:10]}-{digest.hexdigest()[:8]}"
    return TrainedClassifier(model=model, meta=meta)


def save(clf: TrainedClassifier, directory: str | Path) -> Path:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    joblib.dump(clf.model, buf, compress=3)
    data = buf.getvalue()
    (directory / MODEL_FILE).write_bytes(data)
    meta = {**clf.meta, "model_file": MODEL_FILE, "model_sha256": hashlib.sha256(data).hexdigest()}
    (directory / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    return directory


def load(directory: str | Path) -> TrainedClassifier:
    directory = Path(directory)
    meta_path, model_path = directory / META_FILE, directory / MODEL_FILE
    if not meta_path.exists() or not model_path.exists():
        raise DataError(f"{directory}: not a model directory (needs {META_FILE} and {MODEL_FILE})")
    meta = json.loads(meta_path.read_text())
    if meta.get("format") != FORMAT:
        raise DataError(f"{directory}: model format {meta.get('format')!r}, expected {FORMAT}")
    data = model_path.read_bytes()
    if hashlib.sha256(data).hexdigest() != meta.get("model_sha256"):
        raise DataError(f"{directory}: {MODEL_FILE} does not match the checksum in {META_FILE}")
    model = joblib.load(io.BytesIO(data))
    return TrainedClassifier(model=model, meta=meta)


def evaluate(clf: TrainedClassifier, texts: Sequence[str], labels: Sequence[str]) -> dict:
    predicted = [lab for lab, _ in clf.predict(prepare(texts))]
    all_labels = sorted(set(labels) | set(clf.labels))
    return {"model_version": clf.version, **metrics(labels, predicted, all_labels)}
