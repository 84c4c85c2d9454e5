"""Reads of the language pipeline: training examples from the region's own history, the model
registry, corrections and re-processing runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from otklik.accounts.permissions import Action, access_check
from otklik.cases.choices import CaseStatus
from otklik.intake.models import Message
from otklik.nlp.models import ClassifierModel, Correction, ModelStatus, ReprocessRun

# A case the ЦУР has not decided on, or set aside, does not confirm its topic.
UNCONFIRMED = (CaseStatus.NEW, CaseStatus.NO_ANSWER, CaseStatus.MERGED)


@dataclass(frozen=True)
class Example:
    message_id: int
    text: str  # masked: personal data never goes into a training set
    label: str
    received_at: datetime


def confirmed_messages() -> QuerySet[Message]:
    """Messages whose sector and topic a person confirmed: their case passed ЦУР moderation,
    or an operator corrected them."""
    corrected = Correction.objects.values("message_id")
    return Message.objects.filter(
        Q(case__isnull=False) & ~Q(case__status__in=UNCONFIRMED) | Q(pk__in=corrected)
    )


def training_examples(level: str) -> list[Example]:
    """(masked text, sector or topic code) of every confirmed message, oldest first."""
    from otklik.nlp.masking import mask

    field = "topic__code" if level == "topic" else "sector__code"
    case_field = f"case__{field}"
    rows = (
        confirmed_messages()
        .annotate(label=Coalesce(field, case_field))
        .filter(label__isnull=False)
        .order_by("received_at", "pk")
        .values_list("pk", "text", "label", "received_at", "analysis__result__text_masked")
    )
    return [
        Example(pk, masked if isinstance(masked, str) and masked else mask(text), label, at)
        for pk, text, label, at, masked in rows
    ]


def model_list(*, user: Any) -> QuerySet[ClassifierModel]:
    access_check(user, Action.MODEL_VIEW)
    return ClassifierModel.objects.select_related("created_by", "activated_by")


def active_model() -> ClassifierModel | None:
    return ClassifierModel.objects.filter(status=ModelStatus.ACTIVE).first()


def reprocess_runs(*, user: Any, limit: int = 10) -> list[ReprocessRun]:
    access_check(user, Action.MODEL_VIEW)
    return list(ReprocessRun.objects.select_related("started_by")[:limit])


def correction_summary(*, user: Any) -> dict:
    """How many corrections there are, since the active model was switched on, and the most
    frequent (predicted → corrected) pairs: what the next training should learn."""
    access_check(user, Action.MODEL_VIEW)
    active = active_model()
    qs = Correction.objects.filter(field="topic")
    since = qs.filter(at__gte=active.activated_at) if active and active.activated_at else qs
    pairs = (
        qs.values("predicted", "corrected").annotate(n=Count("id")).order_by("-n", "predicted")[:10]
    )
    return {"total": qs.count(), "since_active": since.count(), "pairs": list(pairs)}
