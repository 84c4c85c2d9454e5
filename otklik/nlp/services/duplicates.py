"""Near-duplicates among the stored messages: each analysed message is indexed by the MinHash
LSH band keys of its lemmas (``MessageBand``, kept with the message's municipality); a new one
looks for the most similar earlier message of the same area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count
from django.utils import timezone

from otklik.intake.models import Message
from otklik.nlp.models import MessageAnalysis, MessageBand
from otklik.nlp.stages.duplicates import (
    address_key,
    band_hashes,
    same_area,
    shingles,
    similarity,
)

# Near-duplicates are looked for among the messages of the last this many days.
DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_OFFER = 0.7  # offered to the operator
DUPLICATE_MERGE = 0.9  # joined to the earlier message's case automatically
MAX_CANDIDATES = 200


def stored_duplicate(message: Message, lemmas: list[str], sector: str | None) -> dict | None:
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


def bands_store(*, message: Message, lemmas: list[str]) -> None:
    """Index ``message`` (locked, in the caller's transaction) by the band keys of its lemmas,
    replacing its previous keys."""
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


def bands_follow_classified(message: Message, fields: Iterable[str]) -> None:
    """A correction moved the message to another municipality: its near-duplicate keys move
    with it (found in the new area, not in the old one). Registered with the intake."""
    if "municipality" in fields:
        MessageBand.objects.filter(message=message).update(municipality=message.municipality)


def bands_prune(*, older_than_days: int = DUPLICATE_WINDOW_DAYS + 5) -> int:
    """Drop the near-duplicate keys of messages older than the window (periodic)."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    deleted, _ = MessageBand.objects.filter(received_at__lt=cutoff).delete()
    return deleted
