"""Reads of the language pipeline: training examples from the region's own history, the model
registry, corrections and re-processing runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from otklik.core.permissions import Action, access_check
from otklik.intake.models import Message
from otklik.nlp.models import ClassifierModel, Correction, ModelStatus, ReprocessRun


@dataclass(frozen=True)
class Example:
    message_id: int
    text: str  # masked: personal data never goes into a training set
    label: str
    received_at: datetime


@dataclass(frozen=True)
class ConfirmedSource:
    """Where an app above the pipeline keeps messages whose sector and topic a person
    confirmed (the cases app: the messages of cases the ЦУР accepted), registered in its
    ``ready()``: ``messages`` filters ``Message``; ``label_from`` is the lookup from a message
    to the row that holds the confirmed ``sector`` and ``topic`` when the message has none
    (e.g. ``"case"``)."""

    messages: Q
    label_from: str


CONFIRMED_SOURCES: list[ConfirmedSource] = []


def register_confirmed_source(source: ConfirmedSource) -> None:
    if source not in CONFIRMED_SOURCES:
        CONFIRMED_SOURCES.append(source)


def confirmed_messages() -> QuerySet[Message]:
    """Messages whose sector and topic a person confirmed: an operator corrected them, or a
    registered source confirms them (their case passed ЦУР moderation)."""
    confirmed = Q(pk__in=Correction.objects.values("message_id"))
    for source in CONFIRMED_SOURCES:
        confirmed |= source.messages
    return Message.objects.filter(confirmed)


def training_examples(level: str) -> list[Example]:
    """(masked text, sector or topic code) of every confirmed message, oldest first."""
    from otklik.nlp.masking import mask

    field = "topic__code" if level == "topic" else "sector__code"
    fallbacks = [f"{source.label_from}__{field}" for source in CONFIRMED_SOURCES]
    rows = (
        confirmed_messages()
        .annotate(label=Coalesce(field, *fallbacks) if fallbacks else F(field))
        .filter(label__isnull=False)
        .order_by("received_at", "pk")
        .values_list("pk", "text", "label", "received_at", "analysis__result__text_masked")
    )
    return [
        Example(pk, masked if isinstance(masked, str) and masked else mask(text), label, at)
        for pk, text, label, at, masked in rows
    ]


def file_examples(path: str, text_column: str, label_column: str, level: str) -> list[Example]:
    """Examples from a labelled CSV (in file order; texts masked like the history's): labels
    must be sector codes (``level="sector"``) or topic codes of the taxonomy."""
    from django.utils import timezone

    from otklik.core.exceptions import ApplicationError
    from otklik.directory.models import Sector, Topic
    from otklik.nlp import training
    from otklik.nlp.masking import mask

    texts, labels = training.read_labelled(path, text_column, label_column)
    known = set((Sector if level == "sector" else Topic).objects.values_list("code", flat=True))
    unknown = sorted(set(labels) - known)
    if unknown:
        raise ApplicationError(
            f"В файле метки, которых нет в справочнике ({level}): {', '.join(unknown[:10])}"
        )
    now = timezone.now()
    return [Example(0, mask(t), lab, now) for t, lab in zip(texts, labels, strict=True)]


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


# --------------------------------------------------------------------------- the case page
SIGNAL_LABELS = {
    # urgency
    "emergency": "аварийная ситуация",
    "danger": "угроза жизни или здоровью",
    "accident": "авария",
    "cold_season": "холодное время года",
    "outage_heat": "нет отопления",
    "outage_water": "нет воды",
    "outage_power": "нет электричества",
    "outage_gas": "нет газа",
    "vulnerable": "дети, пожилые, инвалиды",
    "many_affected": "затронуто много людей",
    # conflict
    "prosecutor": "угроза обратиться в прокуратуру",
    "court": "угроза обратиться в суд",
    "president": "угроза обратиться к Президенту",
    "governor": "угроза обратиться к губернатору",
    "media": "угроза обратиться в СМИ",
    "collective": "коллективное обращение",
    "repeated": "повторная жалоба",
    "answer_complaint": "жалоба на прежний ответ",
    "threat": "угрозы, протест",
    "aggression": "агрессия, брань",
}
SENTIMENT_LABELS = {"negative": "негативная", "neutral": "нейтральная", "positive": "позитивная"}
URGENCY_LABELS = {
    "low": "обычная",
    "medium": "повышенная",
    "high": "высокая",
    "critical": "аварийная",  # an accident (signals.toml [urgency.emergency])
}


def _pct(x: Any) -> int:
    return round(float(x or 0) * 100)


def case_analysis(*, case: Any, user: Any) -> dict | None:
    """What the pipeline said of the message that opened ``case``, in Russian, for the case
    page: sector and topic with confidence, the words that weighed, place, tone, urgency and
    conflict signals, the masked text, a similar case; what a one-click correction offers."""
    from otklik.core.permissions import can
    from otklik.directory.models import Sector, Topic
    from otklik.nlp.models import MessageAnalysis
    from otklik.nlp.text import surface_forms

    analysis = (
        MessageAnalysis.objects.filter(message__case=case)
        .select_related("message", "model", "duplicate_of__case")
        .order_by("message__received_at", "message_id")
        .first()
    )
    if analysis is None:
        return None
    r = analysis.result or {}
    alt_codes = [a.get("topic") for a in r.get("alternatives") or []]
    topics = {
        t.code: t
        for t in Topic.objects.filter(code__in=[analysis.topic_code, *alt_codes]).select_related(
            "sector"
        )
    }
    sector = Sector.objects.filter(code=analysis.sector_code).first()
    message = analysis.message
    may_correct = can(user, Action.MESSAGE_CLASSIFY, message)
    similar = analysis.duplicate_of.case if analysis.duplicate_of else None
    if similar is not None and similar.pk == case.pk:
        similar = None
    offers = []
    if may_correct:
        for code in [analysis.topic_code, *alt_codes]:
            t = topics.get(code)
            if t is not None and t.pk != message.topic_id and t not in offers:
                offers.append(t)
    return {
        "analysis": analysis,
        "message": message,
        "sector": sector,
        "sector_pct": _pct(analysis.sector_confidence),
        "topic": topics.get(analysis.topic_code),
        "topic_pct": _pct(analysis.topic_confidence),
        "triage": analysis.triage,
        "words": surface_forms(r.get("text_masked") or "", r.get("explanation") or []),
        "place": ", ".join(
            p
            for p in (r.get("municipality_name"), r.get("city_district_name"), r.get("address"))
            if p
        ),
        "place_pct": _pct(r.get("location_confidence")),
        "sentiment": SENTIMENT_LABELS.get(analysis.sentiment, analysis.sentiment),
        "urgency": URGENCY_LABELS.get(analysis.urgency, analysis.urgency),
        "urgency_signals": [SIGNAL_LABELS.get(s, s) for s in r.get("urgency_signals") or []],
        "conflict": [SIGNAL_LABELS.get(s, s) for s in analysis.conflict],
        "masked": r.get("text_masked") or "",
        "pii_count": len(r.get("pii") or []),
        "similar": similar,
        "similarity_pct": _pct(analysis.duplicate_similarity),
        "may_correct": may_correct,
        "offers": offers[:3],
        "topic_choices": topic_choices if may_correct else (),  # called by the template cache
        # the versions of the stages: for those who look after the models, never for operators
        "technical": can(user, Action.MODEL_VIEW),
        "classifier": analysis.model.version if analysis.model else "встроенные знания",
        "versions": analysis.versions,
    }


def topic_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """All topics grouped by sector, for the correction select."""
    from otklik.directory.models import Topic

    groups: dict[str, list[tuple[str, str]]] = {}
    topics = Topic.objects.filter(is_active=True).select_related("sector")
    for t in topics.order_by("sector__order", "name"):
        groups.setdefault(t.sector.name, []).append((t.code, t.name))
    return list(groups.items())
