"""Fixtures of the nlp tests: one pipeline per session (the built-in classifier is built once,
then read from its disk cache), and the hand-written training CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def pipeline():
    from otklik.nlp.pipeline import Pipeline

    return Pipeline.default()


@pytest.fixture
def analyse(pipeline):
    """analyse(text, **fields) -> the result of one message through the whole pipeline."""
    from otklik.nlp.stages.duplicates import DuplicateIndex

    def _analyse(text: str, **fields) -> dict:
        pipeline.stages[-1].index = DuplicateIndex()  # no memory between tests
        return pipeline.run([{"text": text, **fields}])[0]

    return _analyse


@pytest.fixture
def appeals_csv() -> Path:
    return FIXTURES / "appeals.csv"
