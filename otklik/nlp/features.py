"""Feature extractors shared by the built-in and the trainable classifiers (scikit-learn API)."""

from __future__ import annotations

import functools
from itertools import pairwise

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from otklik.nlp import resources
from otklik.nlp.text import WORD_RE, fold, lemma

# Function words that carry no topic (pymorphy lemmas). Short on purpose: TF-IDF does the rest.
_STOP_TEXT = """
    и в во не на с со что как а то все он она они мы вы я ты это по к ко у из за от до о об
    обо же ли бы но или да нет так уже еще ещё для при без над под про через весь этот тот
    который свой наш ваш их его ее её мой твой быть мочь который также там тут здесь когда
    где куда если чтобы уж вот ну очень просто сам самый какой такой себя ни раз только даже"""
STOP_LEMMAS = frozenset(_STOP_TEXT.split())


def lemma_tokens(text: str) -> list[str]:
    """Lowercase lemmas of the words of a text, function words dropped."""
    return list(_lemma_tokens(text))


@functools.lru_cache(maxsize=2048)
def _lemma_tokens(text: str) -> tuple[str, ...]:
    # cached: the TF-IDF, the vectors and the duplicate index all ask for the same text
    out = []
    for w in WORD_RE.findall(fold(text)):
        lm = lemma(w)
        if lm not in STOP_LEMMAS and len(lm) > 1:
            out.append(lm)
    return tuple(out)


def lemma_analyzer(text: str) -> list[str]:
    """Lemma unigrams and bigrams (for TfidfVectorizer(analyzer=...); picklable)."""
    toks = lemma_tokens(text)
    return toks + [f"{a} {b}" for a, b in pairwise(toks)]


def lemma_unigrams(text: str) -> list[str]:
    return lemma_tokens(text)


class NavecMean(BaseEstimator, TransformerMixin):
    """Mean navec vector of a text's lemmas (IDF-weighted when fitted), L2-normalised.

    The vectors are not pickled with the model: they are loaded from the natasha wheel.
    Without navec installed it yields zeros (the model still works, a little worse).
    """

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def fit(self, X, y=None):
        df: dict[str, int] = {}
        for text in X:
            for t in set(lemma_tokens(text)):
                df[t] = df.get(t, 0) + 1
        n = max(len(X), 1)
        self.idf_ = {t: float(np.log((1 + n) / (1 + c)) + 1.0) for t, c in df.items()}
        self.default_idf_ = float(np.log(1 + n) + 1.0)
        return self

    def get_feature_names_out(self, input_features=None):
        return np.array([f"dim{i}" for i in range(300)], dtype=object)

    def transform(self, X):
        nv = resources.navec()
        out = np.zeros((len(X), 300), dtype=np.float32)
        if nv is None:
            return sparse.csr_matrix(out)
        idf = getattr(self, "idf_", {})
        default = getattr(self, "default_idf_", 1.0)
        for i, text in enumerate(X):
            acc = np.zeros(300, dtype=np.float32)
            for t in lemma_tokens(text):
                if t in nv:
                    acc += nv[t] * idf.get(t, default)
            norm = float(np.linalg.norm(acc))
            if norm > 0:
                out[i] = acc / norm * self.weight
        return sparse.csr_matrix(out)
