"""The pipeline: stages in order over batches of messages; each writes its version on the result.

    pipeline = Pipeline.default(model=None)
    results = pipeline.run([{"text": "Нет воды в Волжском", "lat": None, "lon": None}])

or, for one message in a task of another app, ``analyse(text, lat=..., lon=..., received=...)``.

No database is needed: the taxonomy and the gazetteer come from the versioned data files.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date

from otklik.nlp.stages.base import Doc, Stage
from otklik.nlp.stages.classify import ClassifyStage
from otklik.nlp.stages.duplicates import DuplicateIndex, DuplicateStage
from otklik.nlp.stages.language import LanguageStage
from otklik.nlp.stages.location import LocationStage
from otklik.nlp.stages.normalise import NormaliseStage
from otklik.nlp.stages.pii import PiiStage
from otklik.nlp.stages.signals import ConflictStage, ToneUrgencyStage

# Order of the output fields (the rest follow).
FIELDS = (
    "sector", "sector_confidence", "topic", "topic_confidence", "triage", "label",
    "label_confidence", "municipality", "municipality_name", "city_district",
    "city_district_name", "address", "location_confidence", "location_source", "sentiment",
    "sentiment_score", "urgency", "urgency_score", "urgency_signals", "conflict", "pii",
    "text_masked", "duplicate_of", "language", "explanation", "label_explanation", "classifier",
)  # fmt: skip


class Pipeline:
    def __init__(self, stages: Sequence[Stage]):
        self.stages = list(stages)

    @classmethod
    def default(
        cls,
        *,
        model=None,
        duplicates: DuplicateIndex | None = None,
        use_ner: bool = True,
        with_duplicates: bool = True,
    ) -> Pipeline:
        stages: list[Stage] = [
            NormaliseStage(),
            LanguageStage(),
            ClassifyStage(model=model),
            LocationStage(),
            ToneUrgencyStage(),
            ConflictStage(),
            PiiStage(use_ner=use_ner),
        ]
        if with_duplicates:
            stages.append(DuplicateStage(duplicates))
        return cls(stages)

    @property
    def versions(self) -> dict[str, str]:
        return {s.name: s.version for s in self.stages}

    def process(self, docs: list[Doc]) -> list[Doc]:
        for stage in self.stages:
            stage.process(docs)
        return docs

    def run(self, items: Sequence[dict]) -> list[dict]:
        """Results (dicts of the output fields) for inputs {"text", "lat"?, "lon"?, "date"?}."""
        return [result_of(d) for d in self.process(docs_of(items))]


def docs_of(items: Sequence[dict]) -> list[Doc]:
    return [
        Doc(
            text=str(it.get("text") or ""),
            lat=it.get("lat"),
            lon=it.get("lon"),
            received=it.get("date") if isinstance(it.get("date"), date) else None,
            facts={"id": it["id"]} if it.get("id") is not None else {},
        )
        for it in items
    ]


def result_of(doc: Doc) -> dict:
    r = doc.result
    out = {k: r[k] for k in FIELDS if k in r}
    out.update({k: v for k, v in r.items() if k not in out})
    out["versions"] = dict(doc.versions)
    return out


@functools.cache
def default_pipeline() -> Pipeline:
    """One pipeline per process (the classifier and the vectors are loaded once)."""
    return Pipeline.default()


def analyse(
    text: str,
    *,
    lat: float | None = None,
    lon: float | None = None,
    received: date | None = None,
) -> dict:
    """The result of one message (built-in knowledge; duplicates among this process's recent
    messages only: a caller that knows the area's recent cases should check them itself)."""
    return default_pipeline().run([{"text": text, "lat": lat, "lon": lon, "date": received}])[0]
