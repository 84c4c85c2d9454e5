"""Classification: sector and topic with calibrated confidence; below the threshold → triage.

The built-in classifier (otklik.nlp.knowledge) always runs. A trained model (``--model DIR``)
overrides what its labels speak about: sector codes → ``sector``; topic codes of the taxonomy →
``topic`` (and its sector); any other label set → ``label`` and ``label_confidence`` only.
"""

from __future__ import annotations

from otklik.nlp import resources
from otklik.nlp.knowledge import SECTORS, builtin_classifier
from otklik.nlp.stages.base import Doc, Stage

TRIAGE_THRESHOLD = 0.5


class ClassifyStage(Stage):
    name = "classify"
    version = "1"

    def __init__(self, model=None, threshold: float = TRIAGE_THRESHOLD):
        self.builtin = builtin_classifier()
        self.model = model
        self.threshold = threshold
        labels = set(model.labels) if model is not None else set()
        self._sector_of = {t.code: t.sector for t in resources.taxonomy()}
        self.model_speaks = (
            "sector"
            if labels and labels <= set(SECTORS)
            else "topic"
            if labels and labels <= set(self._sector_of)
            else "label"
        )

    def process(self, docs: list[Doc]) -> None:
        texts = [d.analysed for d in docs]
        for doc, p in zip(docs, self.builtin.predict(texts), strict=True):
            r = doc.result
            r["sector"], r["sector_confidence"] = p.sector, p.sector_confidence
            r["topic"], r["topic_confidence"] = p.topic, p.topic_confidence
            r["explanation"] = p.words
            r["alternatives"] = [{"topic": t, "confidence": c} for t, c in p.alternatives]
            r["classifier"] = self.builtin.version
        if self.model is not None:
            predictions = self.model.predict_explained(texts)
            for doc, (label, conf, words) in zip(docs, predictions, strict=True):
                r = doc.result
                r["classifier"] = f"{self.builtin.version}+model-{self.model.version}"
                if self.model_speaks == "sector":
                    r["sector"], r["sector_confidence"] = label, conf
                    if self._sector_of.get(r["topic"]) != label:
                        r["topic"], r["topic_confidence"] = None, 0.0
                    r["explanation"] = words
                elif self.model_speaks == "topic":
                    r["topic"], r["topic_confidence"] = label, conf
                    r["sector"], r["sector_confidence"] = self._sector_of[label], conf
                    r["explanation"] = words
                else:
                    r["label"], r["label_confidence"] = label, conf
                    r["label_explanation"] = words
        for doc in docs:
            r = doc.result
            if r.get("language") not in ("ru", None) or not doc.analysed.strip():
                # nothing Russian to go by: the ЦУР reads it
                r["sector_confidence"] = min(r["sector_confidence"], 0.0)
                r["topic_confidence"] = 0.0
            r["triage"] = r["sector_confidence"] < self.threshold
            doc.versions[self.name] = f"{self.version}/{r['classifier']}"
