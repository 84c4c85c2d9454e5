"""Personal data masked wherever text leaves the case (training sets, exports, analytics)."""

from __future__ import annotations

import functools

from otklik.nlp.pipeline import Pipeline
from otklik.nlp.stages.normalise import NormaliseStage
from otklik.nlp.stages.pii import PiiStage


@functools.cache
def _masker() -> Pipeline:
    return Pipeline([NormaliseStage(), PiiStage(use_ner=True)])


def mask(text: str) -> str:
    """``text`` with names, phones, e-mails, document numbers and flats replaced by labels."""
    return _masker().run([{"text": text}])[0]["text_masked"]
