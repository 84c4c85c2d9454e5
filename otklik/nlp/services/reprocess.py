"""Re-processing of the stored messages in batches, with progress (after a new model)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.intake.models import Message
from otklik.nlp.models import ReprocessRun, ReprocessStatus
from otklik.nlp.services.analysis import messages_analyse


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
