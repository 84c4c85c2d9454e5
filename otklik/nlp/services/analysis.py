"""The analysis of messages: the pipeline runs over a batch outside any transaction; each
message's result is then stored in one short transaction — the ``MessageAnalysis``, its
near-duplicate keys, and what it fills on the message (written by the intake's
``message_fill_from_analysis``: the channel's own values and operators' corrections are kept)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.directory.models import CityDistrict, Municipality, Sector, Topic
from otklik.intake.models import Message
from otklik.intake.services import message_fill_from_analysis
from otklik.nlp import registry
from otklik.nlp.features import lemma_tokens
from otklik.nlp.models import Correction, MessageAnalysis
from otklik.nlp.pipeline import docs_of, result_of
from otklik.nlp.services.duplicates import bands_store, stored_duplicate
from otklik.nlp.stages.duplicates import address_key

# What the pipeline may fill on a message (when the channel did not say it).
TOPIC_MIN_CONFIDENCE = 0.25
LOCATION_MIN_CONFIDENCE = 0.5


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
) -> tuple[dict[str, Any], list[str]]:
    """What to fill of what the channel did not say, and to re-fill of what the pipeline
    filled before unless an operator corrected it (the channel's own values are never
    replaced). Returns the values to write on the message and the fields now owed to the
    pipeline."""
    values: dict[str, Any] = {}
    applied: list[str] = []

    def current(field: str) -> Any:
        """The field's value (an id, or the address) with what is put so far."""
        if field in values:
            value = values[field]
            return value if field == "address" or value is None else value.pk
        return getattr(message, "address" if field == "address" else f"{field}_id")

    def free(field: str) -> bool:
        if field in corrected:
            return False
        return current(field) in (None, "") or field in previous

    def put(field: str, value: Any) -> None:
        # a value the pipeline no longer claims is withdrawn only if the pipeline put it there
        if value not in (None, "") or field in previous:
            values[field] = value
            if value not in (None, ""):
                applied.append(field)

    sector = topic = None
    if result.get("sector") and not result.get("triage"):
        sector = ref.sectors.get(result["sector"])
    if sector is not None and float(result.get("topic_confidence") or 0) >= TOPIC_MIN_CONFIDENCE:
        topic = ref.topics.get(result.get("topic") or "")
        topic = topic if topic is not None and topic.sector_id == sector.pk else None
    # A channel that named the topic has named the sector too.
    if free("sector") and (current("topic") is None or "topic" in previous):
        put("sector", sector)
    if free("topic"):
        put("topic", topic if topic is not None and topic.sector_id == current("sector") else None)

    municipality = district = None
    if result.get("municipality") and (
        float(result.get("location_confidence") or 0) >= LOCATION_MIN_CONFIDENCE
    ):
        municipality = ref.municipalities.get(result["municipality"])
    if free("municipality"):
        put("municipality", municipality)
    if result.get("city_district") and current("municipality") is not None:
        district = ref.districts.get(result["city_district"])
        if district is not None and district.municipality_id != current("municipality"):
            district = None
    if free("city_district"):
        put("city_district", district)
    if free("address"):
        address = str(result.get("address") or "")[:255]
        if address or "address" in previous:
            values["address"] = address
            if address:
                applied.append("address")
    return values, applied


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
        values, applied = _apply(
            message,
            result,
            list(previous.applied) if previous else [],
            corrections.of(message),
            ref,
        )
        if isinstance(result.get("text_masked"), str):
            # Public reads (Open311) take the masked text from the message's own column.
            values["text_masked"] = result["text_masked"]
        message = message_fill_from_analysis(message=message, values=values)
        duplicate = stored_duplicate(message, lemmas, result.get("sector"))
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
        bands_store(message=message, lemmas=lemmas)
    return AnalysisOutcome(analysis, before != (message.sector_id, message.topic_id))
