"""Writes of the language pipeline: analyse a message, find its near-duplicates among stored
messages, take an operator's correction, register / switch on / roll back trained models,
re-process history in batches.

The pipeline's CPU work runs outside transactions; each write is one short transaction with
its audit event."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case as DbCase
from django.db.models import Count, QuerySet, Value, When
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.directory.models import CityDistrict, Municipality, Sector, Topic
from otklik.intake.models import Message
from otklik.nlp import registry
from otklik.nlp.features import lemma_tokens
from otklik.nlp.models import (
    ClassifierModel,
    Correction,
    MessageAnalysis,
    MessageBand,
    ModelStatus,
    ReprocessRun,
    ReprocessStatus,
)
from otklik.nlp.pipeline import docs_of, result_of
from otklik.nlp.stages.duplicates import (
    address_key,
    band_hashes,
    same_area,
    shingles,
    similarity,
)

logger = logging.getLogger(__name__)

# Near-duplicates are looked for among the messages of the last this many days.
DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_OFFER = 0.7  # offered to the operator
DUPLICATE_MERGE = 0.9  # joined to the earlier message's case automatically
MAX_CANDIDATES = 200
# What the pipeline may fill on a message (when the channel did not say it).
TOPIC_MIN_CONFIDENCE = 0.25
LOCATION_MIN_CONFIDENCE = 0.5


# --------------------------------------------------------------------------- analysis
def _analyse_texts(messages: list[Message]) -> tuple[list[tuple[dict, list[str]]], Any]:
    """The pipeline over a batch (much faster than one by one): (result, lemmas) each."""
    cur = registry.current()
    docs = docs_of(
        [
            {
                "text": m.text,
                "lat": float(m.latitude) if m.latitude is not None else None,
                "lon": float(m.longitude) if m.longitude is not None else None,
                "date": timezone.localdate(m.received_at),
            }
            for m in messages
        ]
    )
    cur.pipeline.process(docs)
    out = []
    for doc in docs:
        lemmas = doc.facts.get("lemmas") or lemma_tokens(doc.analysed)
        out.append((result_of(doc), [lm for lm in lemmas if len(lm) > 2][:400]))
    return out, cur


class _Reference:
    """Sectors, topics, municipalities and districts by code, read once per batch."""

    def __init__(self):
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.topics = {t.code: t for t in Topic.objects.all()}
        self.municipalities = {m.okato: m for m in Municipality.objects.all()}
        self.districts = {d.okato: d for d in CityDistrict.objects.all()}


class _Corrections:
    """The fields operators corrected, for a batch of messages: one query for the batch.

    A correction (``analysis_correct``) saves its message in the same transaction, so a message
    whose ``updated_at`` under the row lock differs from the one loaded with the batch may have
    been corrected since the batch was read: only then is it read again, under the lock."""

    def __init__(self, messages: list[Message]):
        self.seen = {m.pk: m.updated_at for m in messages}
        self.fields: dict[int, set[str]] = {m.pk: set() for m in messages}
        for message_id, field in Correction.objects.filter(
            message_id__in=list(self.seen)
        ).values_list("message_id", "field"):
            self.fields[message_id].add(field)

    def of(self, locked: Message) -> set[str]:
        seen = self.seen.get(locked.pk)
        if seen is None or seen != locked.updated_at:
            return set(Correction.objects.filter(message=locked).values_list("field", flat=True))
        return self.fields[locked.pk]


def _apply(
    message: Message, result: dict, previous: list[str], corrected: set[str], ref: _Reference
) -> list[str]:
    """Fill what the channel did not say, and re-fill what the pipeline filled before unless an
    operator corrected it (the channel's own values are never replaced). Returns the fields
    now owed to the pipeline."""
    applied: list[str] = []

    def free(field: str) -> bool:
        if field in corrected:
            return False
        current = getattr(message, "address" if field == "address" else f"{field}_id")
        return current in (None, "") or field in previous

    def put(field: str, value: Any) -> None:
        # a value the pipeline no longer claims is withdrawn only if the pipeline put it there
        if value not in (None, "") or field in previous:
            setattr(message, field, value if value is not None else None)
            if value not in (None, ""):
                applied.append(field)

    sector = topic = None
    if result.get("sector") and not result.get("triage"):
        sector = ref.sectors.get(result["sector"])
    if sector is not None and float(result.get("topic_confidence") or 0) >= TOPIC_MIN_CONFIDENCE:
        topic = ref.topics.get(result.get("topic") or "")
        topic = topic if topic is not None and topic.sector_id == sector.pk else None
    # A channel that named the topic has named the sector too.
    if free("sector") and (message.topic_id is None or "topic" in previous):
        put("sector", sector)
    if free("topic"):
        put("topic", topic if topic is not None and topic.sector_id == message.sector_id else None)

    municipality = district = None
    if result.get("municipality") and (
        float(result.get("location_confidence") or 0) >= LOCATION_MIN_CONFIDENCE
    ):
        municipality = ref.municipalities.get(result["municipality"])
    if free("municipality"):
        put("municipality", municipality)
    if result.get("city_district") and message.municipality_id is not None:
        district = ref.districts.get(result["city_district"])
        if district is not None and district.municipality_id != message.municipality_id:
            district = None
    if free("city_district"):
        put("city_district", district)
    if free("address"):
        address = str(result.get("address") or "")[:255]
        if address or "address" in previous:
            message.address = address
            if address:
                applied.append("address")
    return applied


def _stored_duplicate(message: Message, lemmas: list[str], sector: str | None) -> dict | None:
    """The most similar earlier message of the same area among the stored ones (the MinHash LSH
    band keys of the municipality's messages in the database give candidates, those sharing
    the most keys first, with the earlier messages of the same address; the finer similarity
    confirms)."""
    grams = shingles(lemmas)
    if len(grams) < 3:
        return None
    bands = band_hashes(grams)
    since = message.received_at - dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    # The messages of the same municipality sharing the most band keys first (the more keys
    # shared, the more alike): an index-only scan of nlp_band_area_idx.
    candidate_ids = set(
        MessageBand.objects.filter(
            band__in=bands,
            municipality_id=message.municipality_id,
            received_at__gte=since,
            received_at__lte=message.received_at,
        )
        .exclude(message_id=message.pk)
        .values("message_id")
        .annotate(shared=Count("*"))
        .order_by("-shared", "-message_id")
        .values_list("message_id", flat=True)[:MAX_CANDIDATES]
    )
    addr = address_key(message.address or "")
    if addr:
        candidate_ids.update(
            MessageAnalysis.objects.filter(
                address_key=addr,
                message__municipality_id=message.municipality_id,
                message__received_at__gte=since,
                message__received_at__lte=message.received_at,
            )
            .exclude(message_id=message.pk)
            .values_list("message_id", flat=True)[:MAX_CANDIDATES]
        )
    if not candidate_ids:
        return None
    text = " ".join(lemmas)
    area = (message.municipality_id, message.city_district_id)
    best: tuple[float, int] | None = None
    rows = MessageAnalysis.objects.filter(message_id__in=list(candidate_ids)[: MAX_CANDIDATES * 4])
    for row in rows.values(
        "message_id",
        "lemmas",
        "address_key",
        "sector_code",
        "message__municipality_id",
        "message__city_district_id",
    ):
        if not same_area(area, (row["message__municipality_id"], row["message__city_district_id"])):
            continue
        sim = similarity(
            text, addr, sector, row["lemmas"], row["address_key"], row["sector_code"] or None
        )
        if sim is None:
            continue
        cand = row["message_id"]
        if best is None or sim > best[0] or (sim == best[0] and cand < best[1]):
            best = (sim, cand)
    if best is None or best[0] < DUPLICATE_OFFER:
        return None
    return {
        "message": best[1],
        "similarity": round(best[0], 3),
        "merge": best[0] >= DUPLICATE_MERGE,
    }


@dataclass(frozen=True)
class AnalysisOutcome:
    analysis: MessageAnalysis
    changed: bool  # the message's sector or topic changed


def message_analyse(*, message: Message) -> AnalysisOutcome:
    """Run the pipeline on ``message``, store the result, fill what the channel did not say,
    index it for near-duplicates. Safe to repeat (re-processing)."""
    return messages_analyse(messages=[message])[0]


def messages_analyse(*, messages: list[Message]) -> list[AnalysisOutcome]:
    """``message_analyse`` for a batch: the pipeline runs once over all of them, then each is
    stored in its own short transaction, in the order given (give them oldest first: a
    near-duplicate finds the earlier messages of the batch)."""
    if not messages:
        return []
    analysed, cur = _analyse_texts(messages)
    ref = _Reference()
    corrections = _Corrections(messages)
    return [
        _store(message, result, lemmas, cur, ref, corrections)
        for message, (result, lemmas) in zip(messages, analysed, strict=True)
    ]


def _store(
    message: Message,
    result: dict,
    lemmas: list[str],
    cur: Any,
    ref: _Reference,
    corrections: _Corrections,
):
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        previous = MessageAnalysis.objects.filter(message=message).first()
        before = (message.sector_id, message.topic_id)
        applied = _apply(
            message,
            result,
            list(previous.applied) if previous else [],
            corrections.of(message),
            ref,
        )
        if isinstance(result.get("text_masked"), str):
            # Public reads (Open311) take the masked text from the message's own column.
            message.text_masked = result["text_masked"]
        message.save(
            update_fields=[
                "sector",
                "topic",
                "municipality",
                "city_district",
                "address",
                "text_masked",
                "updated_at",
            ]
        )
        duplicate = _stored_duplicate(message, lemmas, result.get("sector"))
        result["duplicate_of"] = duplicate
        conflict = list(result.get("conflict") or [])
        if duplicate and "repeated" not in conflict:
            conflict.append("repeated")
            result["conflict"] = conflict
        versions = dict(result.get("versions") or {})
        versions["duplicates"] = "stored-1"
        result["versions"] = versions
        analysis, _ = MessageAnalysis.objects.update_or_create(
            message=message,
            defaults={
                "versions": versions,
                "model_id": cur.model_id,
                "result": result,
                "sector_code": result.get("sector") or "",
                "sector_confidence": float(result.get("sector_confidence") or 0.0),
                "topic_code": result.get("topic") or "",
                "topic_confidence": float(result.get("topic_confidence") or 0.0),
                "triage": bool(result.get("triage")),
                "sentiment": result.get("sentiment") or "",
                "urgency": result.get("urgency") or "",
                "conflict": conflict,
                "has_conflict": bool(conflict),
                "lemmas": " ".join(lemmas),
                "address_key": address_key(message.address or "")[:255],
                "duplicate_of_id": duplicate["message"] if duplicate else None,
                "duplicate_similarity": duplicate["similarity"] if duplicate else None,
                "applied": applied,
            },
        )
        MessageBand.objects.filter(message=message).delete()
        grams = shingles(lemmas)
        if len(grams) >= 3:
            MessageBand.objects.bulk_create(
                MessageBand(
                    message=message,
                    band=b,
                    municipality_id=message.municipality_id,
                    received_at=message.received_at,
                )
                for b in band_hashes(grams)
            )
    return AnalysisOutcome(analysis, before != (message.sector_id, message.topic_id))


MASK_CHUNK = 200  # texts masked and stored per statement


def texts_mask_store(*, rows: QuerySet) -> dict[int, str]:
    """Mask the ``text`` of the rows of ``rows`` (messages or answers) whose ``text_masked`` is
    still empty, store it, and return it by primary key: each text is masked once and kept, not
    per read nor per process. A row masked meanwhile by someone else keeps that text."""
    from otklik.nlp.masking import mask_many

    missing = list(rows.filter(text_masked="").exclude(text="").values_list("pk", "text"))
    done: dict[int, str] = {}
    for i in range(0, len(missing), MASK_CHUNK):
        chunk = missing[i : i + MASK_CHUNK]
        masked = mask_many([text or "" for _, text in chunk])
        values = dict(zip((pk for pk, _ in chunk), masked, strict=True))
        rows.model.objects.filter(pk__in=list(values), text_masked="").update(
            text_masked=DbCase(*(When(pk=pk, then=Value(m)) for pk, m in values.items()))
        )
        done.update(values)
    return done


def bands_prune(*, older_than_days: int = DUPLICATE_WINDOW_DAYS + 5) -> int:
    """Drop the near-duplicate keys of messages older than the window (periodic)."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    deleted, _ = MessageBand.objects.filter(received_at__lt=cutoff).delete()
    return deleted


# --------------------------------------------------------------------------- corrections
@transaction.atomic
def analysis_correct(*, actor: Any, message: Message, topic: Topic) -> Message:
    """An operator says what the message is really about (one click on the case page): the
    message and its case take the topic and its sector; the correction is kept as a training
    signal and audited."""
    from otklik.cases.services.opening import case_classification_follow
    from otklik.intake.services import message_classify

    message = Message.objects.select_for_update().get(pk=message.pk)
    access_check(actor, Action.MESSAGE_CLASSIFY, message)
    analysis = MessageAnalysis.objects.filter(message=message).first()
    predicted = {
        "topic": analysis.topic_code if analysis else "",
        "sector": analysis.sector_code if analysis else "",
    }
    before = {"topic": message.topic.code if message.topic else "", "sector": ""}
    before["sector"] = message.sector.code if message.sector else ""
    message = message_classify(actor=actor, message=message, topic=topic, sector=topic.sector)
    for field, value in (("topic", topic.code), ("sector", topic.sector.code)):
        if value != before[field] or value != predicted[field]:
            Correction.objects.create(
                message=message,
                actor=actor,
                field=field,
                predicted=predicted[field] or before[field],
                corrected=value,
            )
    if message.case_id is not None:
        case_classification_follow(case=message.case, message=message, actor=actor)
    return message


# --------------------------------------------------------------------------- models
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
        raise ApplicationError(
            f"Модель {model.version} хуже работающей (macro-F1 {cand:.3f} против {curr:.3f}); "
            "включить можно только принудительно."
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


# --------------------------------------------------------------------------- re-processing
@transaction.atomic
def reprocess_start(
    *,
    actor: Any,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    only_unanalysed: bool = False,
    enqueue: bool = True,
) -> ReprocessRun:
    """Queue a re-processing of the stored messages (the task works in batches)."""
    if actor is not None:
        access_check(actor, Action.MODEL_MANAGE)
    if ReprocessRun.objects.filter(
        status__in=[ReprocessStatus.QUEUED, ReprocessStatus.RUNNING]
    ).exists():
        raise ApplicationError("Переобработка уже идёт: дождитесь её окончания или остановите.")
    run = ReprocessRun.objects.create(
        since=since,
        until=until,
        only_unanalysed=only_unanalysed,
        total=_reprocess_queryset(since, until, only_unanalysed).count(),
        started_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_log(
        actor=actor,
        action="nlp.reprocess_start",
        target=run,
        data={"total": run.total, "only_unanalysed": only_unanalysed},
    )
    if enqueue:
        from otklik.nlp.tasks import reprocess_batch

        transaction.on_commit(lambda: reprocess_batch.enqueue(run.pk))
    return run


@transaction.atomic
def reprocess_cancel(*, actor: Any, run: ReprocessRun) -> ReprocessRun:
    if actor is not None:
        access_check(actor, Action.MODEL_MANAGE)
    run = ReprocessRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in (ReprocessStatus.QUEUED, ReprocessStatus.RUNNING):
        raise ApplicationError("Переобработка уже закончена.")
    run.status = ReprocessStatus.CANCELLED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at", "updated_at"])
    audit_log(actor=actor, action="nlp.reprocess_cancel", target=run, data={"done": run.done})
    return run


def _reprocess_queryset(since, until, only_unanalysed: bool):
    qs = Message.objects.all()
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if until is not None:
        qs = qs.filter(received_at__lt=until)
    if only_unanalysed:
        qs = qs.filter(analysis__isnull=True)
    return qs


def reprocess_step(*, run: ReprocessRun, batch: int = 200) -> bool:
    """Process the next batch of ``run`` (oldest first, so duplicates find their originals).
    Returns True when more remain. Progress is saved after every batch."""
    with transaction.atomic():
        run = ReprocessRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in (ReprocessStatus.QUEUED, ReprocessStatus.RUNNING):
            return False
        if run.status == ReprocessStatus.QUEUED:
            run.status = ReprocessStatus.RUNNING
            run.save(update_fields=["status", "updated_at"])
    qs = _reprocess_queryset(run.since, run.until, run.only_unanalysed)
    ids = list(
        qs.filter(pk__gt=run.last_message_id).order_by("pk").values_list("pk", flat=True)[:batch]
    )
    batch_messages = list(Message.objects.filter(pk__in=ids).order_by("received_at", "pk"))
    changed = sum(o.changed for o in messages_analyse(messages=batch_messages))
    with transaction.atomic():
        run = ReprocessRun.objects.select_for_update().get(pk=run.pk)
        if run.status == ReprocessStatus.CANCELLED:
            return False
        run.done += len(ids)
        run.changed += changed
        run.last_message_id = ids[-1] if ids else run.last_message_id
        more = len(ids) == batch
        if not more:
            run.status = ReprocessStatus.DONE
            run.finished_at = timezone.now()
            run.total = max(run.total, run.done)
        run.save()
    return more


def reprocess_fail(*, run: ReprocessRun, error: str) -> None:
    ReprocessRun.objects.filter(pk=run.pk).update(
        status=ReprocessStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )
