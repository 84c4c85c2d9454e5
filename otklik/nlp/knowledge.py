"""The built-in classifier: sectors and topics from the taxonomy's own knowledge, no training data.

Its "documents" are what the project itself wrote about each topic: the name, the description
(sentences that send neighbouring cases elsewhere are left out), the example phrasings, the
keywords (otklik/directory/data/topics.toml), the extra phrasings of otklik/nlp/data/
knowledge.toml, the text templates of otklik/directory/data/phrasings.toml and a synthetic
stream rendered from them (otklik.nlp.corpus). Features are pymorphy3 lemma uni- and bigrams
(TF-IDF) and a navec mean vector; a topic LinearSVC and a sector LinearSVC (classes balanced)
are combined, and softmax temperatures fitted on 2-fold out-of-fold predictions calibrate the
confidence.

The model is built in a few seconds on first use and cached on disk (keyed by a hash of all
its sources), so a change to the taxonomy rebuilds it.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import io
import logging
import os
import random
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from otklik.nlp import corpus, resources
from otklik.nlp.corpus.stream import synthetic_stream
from otklik.nlp.features import NavecMean, lemma_analyzer
from otklik.nlp.training import fit_temperature, softmax

logger = logging.getLogger(__name__)

BUILTIN_VERSION = "1"
SYNTHETIC_MESSAGES = 1500
# The reference data files that the synthetic stream is rendered from.
REFERENCE_DATA = ("places", "phrasings", "people", "stream")
SECTORS = ("zhkh", "tko", "energy", "education", "health", "roads", "transport", "social", "other")
_CODE_RE = re.compile(r"\b[a-z]+-[a-z-]+\b")
_SENT_RE = re.compile(r"(?<=[.!?;])\s+")


def _template_text(tpl: str) -> str:
    s = tpl.lstrip("@")
    s = re.sub(r"\{([^{}|]*)\|[^{}]*\}", r"\1", s)  # {писал|писала} → писал
    s = re.sub(r"\{[^{}]*\}", " ", s)  # placeholders
    s = re.sub(r"\[([^\[\]|]*)\|[^\[\]]*\]", r"\1", s)  # [a|b] → a
    return re.sub(r"\s+", " ", s).strip()


def knowledge_documents(synthetic: int = SYNTHETIC_MESSAGES) -> tuple[list[str], list[str]]:
    """(texts, topic codes) that the built-in classifier learns from."""
    extra = resources.lexicon("knowledge").get("topic", {})
    templates = resources.reference("phrasings")["templates"]
    X: list[str] = []
    y: list[str] = []
    for t in resources.taxonomy():
        docs = [t.name]
        docs += [s for s in _SENT_RE.split(t.description) if s and not _CODE_RE.search(s)]
        docs += list(t.examples)
        docs.append(" ".join(t.keywords))
        docs += list(extra.get(t.code, {}).get("examples", ()))
        if extra.get(t.code, {}).get("keywords"):
            docs.append(" ".join(extra[t.code]["keywords"]))
        docs += [_template_text(s) for s in templates.get(t.code, ())]
        X += docs
        y += [t.code] * len(docs)
    if synthetic:
        topics = {t.code: t.sector for t in resources.taxonomy()}
        for m in synthetic_stream(
            rng=random.Random(20261127),  # noqa: S311 - a fixed corpus, not security
            count=synthetic,
            days=365,
            now=datetime(2026, 7, 1, tzinfo=UTC),
            topics=topics,
        ):
            X.append(m.text)
            y.append(m.topic)
    return X, y


def _sources_digest() -> str:
    h = hashlib.sha256()
    vectors = resources.natasha_file(resources.NAVEC_FILE) is not None
    h.update(f"{BUILTIN_VERSION}|{SYNTHETIC_MESSAGES}|{sklearn.__version__}|{vectors}".encode())
    for path in (
        resources.DIRECTORY_DATA / "topics.toml",
        *(resources.DIRECTORY_DATA / f"{name}.toml" for name in REFERENCE_DATA),
        resources.NLP_DATA / "knowledge.toml",
        *sorted(Path(corpus.__file__).parent.glob("*.py")),
        Path(__file__),
        Path(__file__).with_name("features.py"),
    ):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            ("lemma", TfidfVectorizer(analyzer=lemma_analyzer, sublinear_tf=True)),
            ("navec", NavecMean(weight=0.5)),
        ]
    )


@dataclass
class Prediction:
    sector: str
    sector_confidence: float
    topic: str
    topic_confidence: float
    words: list[str]
    # The next likeliest topics [(code, probability)]: what a one-click correction offers.
    alternatives: list[tuple[str, float]] = field(default_factory=list)


class BuiltinClassifier:
    """Sector and topic from the taxonomy's knowledge; see the module docstring."""

    def __init__(self, features, topic_clf, sector_clf, t_topic, t_sector, version):
        self.features = features
        self.topic_clf = topic_clf
        self.sector_clf = sector_clf
        self.t_topic = t_topic
        self.t_sector = t_sector
        self.version = version
        sector_of = {t.code: t.sector for t in resources.taxonomy()}
        self.topics = list(topic_clf.classes_)
        self.sectors = list(sector_clf.classes_)
        self._topic_sector = np.zeros((len(self.topics), len(self.sectors)), dtype=np.float32)
        for i, code in enumerate(self.topics):
            self._topic_sector[i, self.sectors.index(sector_of[code])] = 1.0
        self._names = None

    # ------------------------------------------------------------------------ building
    @classmethod
    def build(cls) -> BuiltinClassifier:
        X, y = knowledge_documents()
        sector_of = {t.code: t.sector for t in resources.taxonomy()}
        ys = [sector_of[c] for c in y]
        features = _features()
        F = features.fit_transform(X)
        topic_clf = LinearSVC(C=1.0).fit(F, y)
        sector_clf = LinearSVC(C=1.0, class_weight="balanced").fit(F, ys)
        # calibration: temperatures fitted on 2-fold out-of-fold decision scores
        t_topic = cls._oof_temperature(F, np.asarray(y), LinearSVC, {"C": 1.0})
        t_sector = cls._oof_temperature(
            F, np.asarray(ys), LinearSVC, {"C": 1.0, "class_weight": "balanced"}
        )
        version = (
            f"builtin-{BUILTIN_VERSION}-{resources.taxonomy_version()}-{_sources_digest()[:8]}"
        )
        return cls(features, topic_clf, sector_clf, t_topic, t_sector, version)

    @staticmethod
    def _oof_temperature(F, y, est, params) -> float:
        classes = sorted(set(y))
        scores = np.full((len(y), len(classes)), -10.0, dtype=np.float32)
        for tr, te in StratifiedKFold(n_splits=2, shuffle=True, random_state=0).split(F, y):
            m = est(**params).fit(F[tr], y[tr])
            cols = [classes.index(c) for c in m.classes_]
            scores[np.ix_(te, cols)] = m.decision_function(F[te])
        idx = np.array([classes.index(c) for c in y])
        return fit_temperature(scores, idx)

    # ---------------------------------------------------------------------- predicting
    def predict(self, texts: list[str], explain: bool = True) -> list[Prediction]:
        if not texts:
            return []
        F = self.features.transform(texts)
        p_topic = softmax(self.topic_clf.decision_function(F), self.t_topic)
        p_sector = softmax(self.sector_clf.decision_function(F), self.t_sector)
        p = 0.5 * (p_sector + p_topic @ self._topic_sector)
        out = []
        for i in range(len(texts)):
            k = int(p[i].argmax())
            sector = str(self.sectors[k])
            # the best topic of the chosen sector
            mask = self._topic_sector[:, k] > 0
            tp = np.where(mask, p_topic[i], -1.0)
            j = int(tp.argmax())
            topic_conf = float(p_topic[i, j] / max(float(p_topic[i][mask].sum()), 1e-9))
            words = self._explain(F[i], j) if explain else []
            alternatives = [
                (str(self.topics[a]), round(float(p_topic[i, a]), 4))
                for a in np.argsort(-p_topic[i])[:4]
                if a != j
            ][:3]
            out.append(
                Prediction(
                    sector=sector,
                    sector_confidence=round(float(p[i, k]), 4),
                    topic=str(self.topics[j]),
                    topic_confidence=round(topic_conf * float(p[i, k]), 4),
                    words=words,
                    alternatives=alternatives,
                )
            )
        return out

    def _explain(self, row, topic_index: int, top: int = 6) -> list[str]:
        if self._names is None:
            self._names = self.features.transformer_list[0][1].get_feature_names_out()
        n_lemma = len(self._names)
        row = row.tocsr()
        idx = row.indices[row.indices < n_lemma]
        vals = row.data[row.indices < n_lemma]
        contrib = vals * self.topic_clf.coef_[topic_index][idx]
        order = np.argsort(-contrib)[:top]
        return [str(self._names[idx[o]]) for o in order if contrib[o] > 0]


def _cache_dir() -> Path:
    env = os.environ.get("OTKLIK_NLP_CACHE")
    if env:
        return Path(env)
    try:
        from django.conf import settings

        if settings.configured:
            return Path(settings.VAR_DIR) / "nlp"
    except Exception:  # noqa: S110 - no Django: fall back to the temp dir
        pass
    return Path(tempfile.gettempdir()) / "otklik-nlp"


@functools.cache
def builtin_classifier() -> BuiltinClassifier:
    """The built-in classifier, from the disk cache when its sources have not changed.

    A lock file makes concurrent processes (test workers, task workers) build it once.
    """
    path = _cache_dir() / f"builtin-{_sources_digest()}.joblib"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = path.with_suffix(".lock").open("w")
    except OSError as e:
        logger.warning("built-in classifier not cached (%s)", e)
        return BuiltinClassifier.build()
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            try:
                return joblib.load(path)
            except Exception:  # a broken cache is rebuilt
                logger.warning("rebuilding the built-in classifier: cache %s unreadable", path)
        clf = BuiltinClassifier.build()
        try:
            buf = io.BytesIO()
            joblib.dump(clf, buf, compress=3)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(buf.getvalue())
            tmp.replace(path)
        except OSError as e:
            logger.warning("built-in classifier not cached (%s)", e)
        return clf
