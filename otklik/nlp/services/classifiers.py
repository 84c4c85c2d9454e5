"""Trained classifiers: train one on the region's confirmed messages, register it, switch it
on, roll back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.nlp import registry
from otklik.nlp.models import ClassifierModel, ModelStatus


def models_dir() -> Path:
    return Path(settings.VAR_DIR) / "nlp" / "models"


@transaction.atomic
def model_register(
    *,
    actor: Any,
    version: str,
    level: str,
    path: str,
    source: str,
    labels: list[str],
    n_train: int,
    n_holdout: int,
    evaluation: dict,
) -> ClassifierModel:
    if actor is not None:
        access_check(actor, Action.MODEL_MANAGE)
    if ClassifierModel.objects.filter(version=version).exists():
        raise ApplicationError(f"Модель {version} уже зарегистрирована.")
    row = ClassifierModel.objects.create(
        version=version,
        level=level,
        path=path,
        source=source,
        labels=labels,
        n_train=n_train,
        n_holdout=n_holdout,
        evaluation=evaluation,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_log(
        actor=actor,
        action="nlp.model_register",
        target=row,
        data={"level": level, "source": source, "evaluation": evaluation},
    )
    return row


MIN_TRAINING_EXAMPLES = 50
HOLDOUT_SHARE = 0.2


def _current_predictions(level: str, texts: list[str]) -> list[str]:
    """What runs now (the active model, or the built-in knowledge) says of ``texts``."""
    results = registry.current().pipeline.run([{"text": t} for t in texts])
    return [str(r.get(level) or "") for r in results]


def model_train_from_history(
    *, actor: Any, level: str, folds: int = 3, progress=None, examples=None, source: str = ""
) -> ClassifierModel:
    """Train a classifier on the region's confirmed messages (ЦУР-accepted cases and operators'
    corrections) — or on ``examples`` read from a file —, oldest 80 % for training, the newest
    20 % held out; evaluate it and what runs now on the holdout; register it as a candidate.
    The registered model is exactly the one evaluated (it is not refitted afterwards)."""
    from otklik.nlp import training
    from otklik.nlp.selectors import training_examples

    if actor is not None:
        access_check(actor, Action.MODEL_MANAGE)
    if level not in ("sector", "topic"):
        raise ApplicationError("Уровень классификации: sector или topic.")
    examples = training_examples(level) if examples is None else examples
    if len(examples) < MIN_TRAINING_EXAMPLES:
        raise ApplicationError(
            f"Подтверждённых сообщений {len(examples)}: для обучения нужно хотя бы "
            f"{MIN_TRAINING_EXAMPLES}."
        )
    cut = int(len(examples) * (1 - HOLDOUT_SHARE))
    train_set, holdout = examples[:cut], examples[cut:]
    if len({e.label for e in train_set}) < 2:
        raise ApplicationError("В обучающей выборке один класс: учить нечему.")
    if progress:
        progress(f"training on {len(train_set)} messages, holding out {len(holdout)}")
    clf = training.train(
        [e.text for e in train_set],
        [e.label for e in train_set],
        folds=folds,
        source=f"history:{level}",
        progress=progress,
    )
    hold_texts, hold_labels = [e.text for e in holdout], [e.label for e in holdout]
    candidate = training.evaluate(clf, hold_texts, hold_labels)
    cur = registry.current()
    predicted = _current_predictions(level, hold_texts)
    current = training.metrics(
        hold_labels, predicted, sorted(set(hold_labels) | set(predicted) - {""})
    )
    version = f"{level}-{timezone.now():%Y%m%d-%H%M%S}-{clf.version[-8:]}"
    path = models_dir() / version
    training.save(clf, path)
    return model_register(
        actor=actor,
        version=version,
        level=level,
        path=str(path),
        source=source or f"Подтверждённые сообщения до {train_set[-1].received_at:%d.%m.%Y}",
        labels=clf.labels,
        n_train=len(train_set),
        n_holdout=len(holdout),
        evaluation={
            "candidate": {k: candidate[k] for k in ("n", "macro_f1", "accuracy")},
            "current": {k: current[k] for k in ("n", "macro_f1", "accuracy")},
            "current_name": cur.version or "встроенные знания",
            "holdout_from": holdout[0].received_at.isoformat(),
            "cv": (clf.meta.get("metrics") or {}).get("macro_f1"),
        },
    )


@transaction.atomic
def model_activate(*, actor: Any, model: ClassifierModel, force: bool = False) -> ClassifierModel:
    """Switch a registered model on (the active one is switched off). A model that did worse
    on the holdout than what runs now is refused unless ``force``."""
    if actor is not None:
        access_check(actor, Action.MODEL_MANAGE)
    model = ClassifierModel.objects.select_for_update().get(pk=model.pk)
    if model.status == ModelStatus.ACTIVE:
        raise ApplicationError(f"Модель {model.version} уже включена.")
    cand, curr = model.candidate_f1, model.current_f1
    if cand is None:
        raise ApplicationError(
            f"Модель {model.version} не проверена на отложенной выборке: включать нельзя."
        )
    if curr is not None and cand < curr and not force:
        cand_text, curr_text = (f"{x:.3f}".replace(".", ",") for x in (cand, curr))
        raise ApplicationError(
            f"Модель {model.version} хуже работающей (средняя F-мера по классам {cand_text} "
            f"против {curr_text}); включить можно только принудительно."
        )
    if not Path(model.path, "model.joblib").exists():
        raise ApplicationError(f"Файлы модели {model.version} не найдены: {model.path}")
    previous = ClassifierModel.objects.select_for_update().filter(status=ModelStatus.ACTIVE).first()
    if previous is not None:
        previous.status = ModelStatus.RETIRED
        previous.save(update_fields=["status", "updated_at"])
    model.status = ModelStatus.ACTIVE
    model.activated_at = timezone.now()
    model.activated_by = actor if getattr(actor, "pk", None) else None
    model.previous = previous
    model.save(update_fields=["status", "activated_at", "activated_by", "previous", "updated_at"])
    audit_log(
        actor=actor,
        action="nlp.model_activate",
        target=model,
        data={"previous": previous.version if previous else None, "forced": force},
    )
    transaction.on_commit(registry.reset)
    return model


@transaction.atomic
def model_rollback(*, actor: Any) -> ClassifierModel | None:
    """Switch the active model off and the one active before it back on (or the built-in
    knowledge alone when there was none). Returns the model now active."""
    if actor is not None:
        access_check(actor, Action.MODEL_MANAGE)
    active = ClassifierModel.objects.select_for_update().filter(status=ModelStatus.ACTIVE).first()
    if active is None:
        raise ApplicationError("Ни одна модель не включена: откатывать нечего.")
    before = active.previous
    active.status = ModelStatus.RETIRED
    active.save(update_fields=["status", "updated_at"])
    if before is not None:
        before.status = ModelStatus.ACTIVE
        before.activated_at = timezone.now()
        before.activated_by = actor if getattr(actor, "pk", None) else None
        before.save(update_fields=["status", "activated_at", "activated_by", "updated_at"])
    audit_log(
        actor=actor,
        action="nlp.model_rollback",
        target=active,
        data={"now_active": before.version if before else None},
    )
    transaction.on_commit(registry.reset)
    return before
