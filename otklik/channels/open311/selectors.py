"""Reads of the Open311 endpoint: services, service definitions, service requests, tokens.

Public reads (GeoReport v2 has no user): only cases that an Open311 request opened or joined
are shown — other channels bring appeals and private messages whose publication their authors
did not agree to — and texts are shown with personal data masked.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from otklik.cases.choices import CaseStatus
from otklik.cases.models import Answer, Case
from otklik.channels.open311.attributes import attributes_for
from otklik.channels.open311.jurisdictions import Jurisdiction
from otklik.directory.models import Channel, Topic
from otklik.intake.models import Attachment, Delivery, DeliveryStatus, Message

CHANNEL = "open311"
LIMIT = 1000  # at most this many requests per query (the specification's default)
WINDOW = dt.timedelta(days=90)  # the default and the widest span of start_date..end_date
DESCRIPTION_MAX = 4000  # the schema's maxLength of description

# Case states an Open311 client sees as closed: answered (published), closed, set aside.
CLOSED_STATES = frozenset(
    {CaseStatus.PUBLISHED, CaseStatus.CLOSED, CaseStatus.NO_ANSWER, CaseStatus.MERGED}
)


# --- services -------------------------------------------------------------------------------
def _topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True).select_related("sector")


def _service(topic: Topic) -> dict:
    return {
        "service_code": topic.code,
        "service_name": topic.name,
        "description": topic.description or None,
        "metadata": bool(attributes_for(topic.code, topic.sector.code)),
        # The request id may come later than the answer to the POST (a token comes at once).
        "type": "batch",
        "keywords": ", ".join(topic.keywords[:10]) or None,
        "group": topic.sector.name,
    }


def service_list() -> list[dict]:
    return [_service(t) for t in _topics().order_by("sector__order", "order", "code")]


def service_definition(code: str) -> dict | None:
    topic = _topics().filter(code=code).first()
    if topic is None:
        return None
    return {
        "service_code": topic.code,
        "attributes": [a.as_spec() for a in attributes_for(topic.code, topic.sector.code)],
    }


# --- requests -------------------------------------------------------------------------------
@dataclass
class RequestFilters:
    ids: list[str] | None = None
    service_codes: list[str] | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: list[str] | None = None


def _cases(jurisdiction: Jurisdiction) -> QuerySet[Case]:
    channel_id = Channel.objects.filter(code=CHANNEL).values_list("pk", flat=True).first()
    qs = Case.objects.filter(
        Exists(Message.objects.filter(case=OuterRef("pk"), channel_id=channel_id))
    )
    if jurisdiction.municipality is not None:
        qs = qs.filter(municipality=jurisdiction.municipality)
    return qs


def request_list(*, jurisdiction: Jurisdiction, filters: RequestFilters) -> list[dict]:
    """The service requests matching ``filters``, newest first, at most ``LIMIT``.

    A list of ids overrides every other filter; otherwise the window is the 90 days up to
    ``end`` (default: now) or from ``start``."""
    qs = _cases(jurisdiction)
    if filters.ids:
        qs = qs.filter(number__in=filters.ids[:LIMIT])
    else:
        end = filters.end or (filters.start + WINDOW if filters.start else timezone.now())
        start = filters.start or end - WINDOW
        qs = qs.filter(received_at__gte=start, received_at__lte=end)
        if filters.service_codes:
            qs = qs.filter(topic__code__in=filters.service_codes)
        if filters.statuses and set(filters.statuses) != {"open", "closed"}:
            if filters.statuses == ["closed"]:
                qs = qs.filter(status__in=CLOSED_STATES)
            else:
                qs = qs.exclude(status__in=CLOSED_STATES)
    cases = list(
        qs.select_related("topic", "organization", "merged_into").order_by("-received_at", "-pk")[
            :LIMIT
        ]
    )
    return _as_requests(cases)


def request_get(*, jurisdiction: Jurisdiction, number: str) -> dict | None:
    found = request_list(jurisdiction=jurisdiction, filters=RequestFilters(ids=[number]))
    return found[0] if found else None


@functools.lru_cache(maxsize=20_000)
def _masked(text: str) -> str:
    from otklik.nlp.masking import mask

    return mask(text)


def masked_many(texts: set[str]) -> dict[str, str]:
    """Each text with personal data masked. The language pipeline has usually masked a
    message already (its analysis is read instead); what it has not, and the answers, are
    masked here and remembered in the process (masking costs milliseconds a text). Not in the
    shared cache: the database cache of the embedded profile keeps only 300 entries."""
    return {text: _masked(text) for text in texts if text}


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _as_requests(cases: list[Case]) -> list[dict]:
    if not cases:
        return []
    ids = [c.pk for c in cases]
    first: dict[int, dict] = {}
    for row in (
        Message.objects.filter(case_id__in=ids, channel__code=CHANNEL)
        .order_by("received_at", "pk")
        .values(
            "pk",
            "case_id",
            "text",
            "address",
            "latitude",
            "longitude",
            "topic__code",
            "topic__name",
            "analysis__result__text_masked",
        )
    ):
        first.setdefault(row["case_id"], row)
    media: dict[int, str] = {}
    for case_id, url in (
        Attachment.objects.filter(message_id__in=[r["pk"] for r in first.values()])
        .exclude(url="")
        .order_by("pk")
        .values_list("message__case_id", "url")
    ):
        media.setdefault(case_id, url)
    answers: dict[int, str] = {}
    for case_id, text in (
        Answer.objects.filter(case_id__in=ids, published_at__isnull=False)
        .order_by("published_at", "pk")
        .values_list("case_id", "text")
    ):
        answers[case_id] = text  # the latest published answer
    # The pipeline's masked text when the message was analysed; masked here otherwise.
    analysed = {pk: row.get("analysis__result__text_masked") for pk, row in first.items()}
    raw = {c.pk: (first.get(c.pk) or {}).get("text") or c.title for c in cases}
    masked = masked_many(
        {raw[c.pk] for c in cases if not analysed.get(c.pk)} | set(answers.values())
    )
    return [
        _as_request(
            c,
            first.get(c.pk) or {},
            description=analysed.get(c.pk) or masked.get(raw[c.pk], ""),
            media_url=media.get(c.pk),
            answer=masked.get(answers[c.pk], "") if c.pk in answers else None,
        )
        for c in cases
    ]


def _status_notes(case: Case, answer: str | None) -> str:
    if answer:
        return answer
    if case.status == CaseStatus.MERGED and case.merged_into is not None:
        return f"Объединён с заявкой {case.merged_into.number}: следите за ней."
    return CaseStatus(case.status).label


def _as_request(
    case: Case, message: dict, *, description: str, media_url: str | None, answer: str | None
) -> dict:
    """One case as a GeoReport v2 request (``description`` and ``answer`` already masked)."""
    closed = case.status in CLOSED_STATES
    lat, lon = message.get("latitude"), message.get("longitude")
    topic_code = case.topic.code if case.topic else message.get("topic__code") or ""
    topic_name = case.topic.name if case.topic else message.get("topic__name")
    updated = (
        (case.closed_at or case.published_at or case.updated_at) if closed else case.updated_at
    )
    due = case.resolution_due if not closed else None
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": _status_notes(case, answer),
        "service_name": topic_name,
        "service_code": topic_code,
        "description": description[:DESCRIPTION_MAX],
        "agency_responsible": case.organization.short_name if case.organization else None,
        "service_notice": (
            f"Ответ будет дан до {timezone.localtime(due):%d.%m.%Y %H:%M}." if due else None
        ),
        "requested_datetime": _iso(case.received_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": _iso(case.resolution_due),
        "address": case.address or message.get("address") or None,
        "address_id": None,
        "zipcode": None,
        "lat": float(lat) if lat is not None else None,
        "long": float(lon) if lon is not None else None,
        "media_url": media_url,
    }


# --- tokens ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TokenState:
    token: str
    service_request_id: str | None  # None: accepted, the case is not open yet
    rejected: str = ""  # the quarantine reason when the request was not accepted


def token_lookup(token: str) -> TokenState | None:
    message = (
        Message.objects.filter(channel__code=CHANNEL, external_id=token)
        .select_related("case")
        .first()
    )
    if message is not None:
        return TokenState(token, message.case.number if message.case else None)
    delivery = (
        Delivery.objects.filter(
            channel_code=CHANNEL, external_id=token, status=DeliveryStatus.QUARANTINED
        )
        .order_by("-pk")
        .first()
    )
    if delivery is not None:
        return TokenState(token, None, delivery.error)
    return None


def token_owner(token: str) -> int | None:
    """The id of the API key whose request holds ``token`` (None: no such request)."""
    raw = (
        Message.objects.filter(channel__code=CHANNEL, external_id=token)
        .values_list("raw", flat=True)
        .first()
    )
    return (raw or {}).get("api_key_id") if raw is not None else None
