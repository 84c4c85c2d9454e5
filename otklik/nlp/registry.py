"""The pipeline a worker uses: the built-in knowledge plus the switched-on trained model.

Workers load the pipeline once and look at the registry again at most every
``RECHECK_SECONDS`` (a model switched on or rolled back reaches every worker within that time;
the process that switched it resets at once)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from otklik.nlp.pipeline import Pipeline

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 30.0


@dataclass
class Current:
    pipeline: Pipeline
    model_id: int | None
    version: str | None


_lock = threading.Lock()
_state: dict = {"current": None, "checked": 0.0}


def _active_row():
    from otklik.nlp.models import ClassifierModel, ModelStatus

    return ClassifierModel.objects.filter(status=ModelStatus.ACTIVE).first()


def _build(row) -> Current:
    from otklik.nlp import training

    model = None
    if row is not None:
        try:
            model = training.load(row.path)
        except Exception:  # a missing or broken model directory must not stop the intake
            logger.exception("classifier model %s could not be loaded; built-in only", row)
            row = None
    return Current(
        pipeline=Pipeline.default(model=model, with_duplicates=False),
        model_id=row.pk if row is not None else None,
        version=row.version if row is not None else None,
    )


def current() -> Current:
    """The pipeline with the active model (without the in-memory duplicate stage: the caller
    looks for duplicates among stored messages)."""
    now = time.monotonic()
    with _lock:
        cur = _state["current"]
        if cur is not None and now - _state["checked"] < RECHECK_SECONDS:
            return cur
        row = _active_row()
        if cur is None or (row.version if row else None) != cur.version:
            cur = _build(row)
            _state["current"] = cur
        _state["checked"] = now
        return cur


def reset() -> None:
    """Forget the loaded pipeline (after a switch in this process)."""
    with _lock:
        _state["current"] = None
        _state["checked"] = 0.0


def training_version(row) -> str:
    """The version the trained files carry (what the pipeline writes on its results)."""
    from otklik.nlp import training

    return training.load(row.path).version
