"""Personal data masked wherever text leaves the case (training sets, exports, analytics)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from otklik.nlp.pipeline import Pipeline
from otklik.nlp.stages.normalise import NormaliseStage
from otklik.nlp.stages.pii import PiiStage


@functools.cache
def _masker() -> Pipeline:
    return Pipeline([NormaliseStage(), PiiStage(use_ner=True)])


def mask(text: str) -> str:
    """``text`` with names, phones, e-mails, document numbers and flats replaced by labels."""
    return mask_many([text])[0]


def mask_many(texts: Sequence[str]) -> list[str]:
    """``mask`` of each text, in one pass of the pipeline (the name finder works on a batch
    several times faster than text by text)."""
    if not texts:
        return []
    return [r["text_masked"] for r in _masker().run([{"text": t} for t in texts])]
