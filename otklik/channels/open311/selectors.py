"""Reads of the Open311 endpoint: services, service definitions, service requests, tokens.

Public reads (GeoReport v2 has no user), under the rules of every public surface
(``channels.public``): only cases that an Open311 request opened or joined — other channels
bring appeals and private messages whose publication their authors did not agree to — and of
those, the list shows the public ones only (accepted by the ЦУР, of a topic of public
infrastructure). A request asked for by its id is always answered, so that the app that filed
it can follow it, but a case that is not public shows only its service, status, dates and
agency: no text before the ЦУР accepted it, nothing of a person's own affair. Of a public case
the texts come with personal data masked and without house numbers, the address as its street,
the point rounded to about a hundred metres.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from otklik.cases.choices import CaseStatus
from otklik.cases.models import Answer, Case
from otklik.channels.open311.attributes import attributes_for
from otklik.channels.open311.jurisdictions import Jurisdiction
from otklik.channels.public import PUBLIC_Q, address_street, is_public_as, without_house_numbers
from otklik.directory.cache import reference_snapshot
from otklik.directory.models import Channel, Organization, Topic
from otklik.intake.models import Attachment, Delivery, DeliveryStatus, Message

CHANNEL = "open311"
LIMIT = 1000  # at most this many requests per query (the specification's default)
WINDOW = dt.timedelta(days=90)  # the default and the widest span of start_date..end_date
DESCRIPTION_MAX = 4000  # the schema's maxLength of description
POINT_DIGITS = 3  # the public point: 0.001° ≈ 110 m north–south, ≈ 70 m east–west here

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
    channel_id = reference_snapshot().ids[Channel].get(CHANNEL)
    qs = Case.objects.filter(
        Exists(Message.objects.filter(case=OuterRef("pk"), channel_id=channel_id))
    )
    if jurisdiction.municipality is not None:
        qs = qs.filter(municipality_id=jurisdiction.municipality.pk)
    return qs


# The case columns a request shows (its topic and organisation come from the reference books).
CASE_FIELDS = (
    "pk",
    "number",
    "status",
    "topic_id",
    "organization_id",
    "merged_into__number",
    "address",
    "received_at",
    "updated_at",
    "published_at",
    "closed_at",
    "resolution_due",
)


def request_list(*, jurisdiction: Jurisdiction, filters: RequestFilters) -> list[dict]:
    """The service requests matching ``filters``, newest first, at most ``LIMIT``.

    A list of ids overrides every other filter; otherwise the window is the 90 days up to
    ``end`` (default: now) or from ``start``."""
    qs = _cases(jurisdiction)
    if filters.ids:
        qs = qs.filter(number__in=filters.ids[:LIMIT])
    else:
        qs = qs.filter(PUBLIC_Q)
        end = filters.end or (filters.start + WINDOW if filters.start else timezone.now())
        start = filters.start or end - WINDOW
        qs = qs.filter(received_at__gte=start, received_at__lte=end)
        if filters.service_codes:
            topic_ids = reference_snapshot().ids[Topic]
            qs = qs.filter(
                topic_id__in=[topic_ids[c] for c in filters.service_codes if c in topic_ids]
            )
        if filters.statuses and set(filters.statuses) != {"open", "closed"}:
            if filters.statuses == ["closed"]:
                qs = qs.filter(status__in=CLOSED_STATES)
            else:
                qs = qs.exclude(status__in=CLOSED_STATES)
    return _as_requests(list(qs.order_by("-received_at", "-pk").values(*CASE_FIELDS)[:LIMIT]))


def request_get(*, jurisdiction: Jurisdiction, number: str) -> dict | None:
    found = request_list(jurisdiction=jurisdiction, filters=RequestFilters(ids=[number]))
    return found[0] if found else None


def _iso(value: dt.datetime | None, tz: dt.tzinfo) -> str | None:
    return value.astimezone(tz).isoformat(timespec="seconds") if value else None


def _as_requests(cases: list[dict]) -> list[dict]:
    """The cases as requests. Texts are shown masked from their stored column
    (``Message.text_masked``, ``Answer.text_masked``); one never masked yet (not analysed, or
    published before the column existed) is masked and stored now, once."""
    if not cases:
        return []
    ids = [c["pk"] for c in cases]
    channel_id = reference_snapshot().ids[Channel].get(CHANNEL)
    first: dict[int, dict] = {}
    for row in (
        Message.objects.filter(case_id__in=ids, channel_id=channel_id)
        .annotate(
            media_url=Subquery(
                Attachment.objects.filter(message_id=OuterRef("pk"))
                .exclude(url="")
                .order_by("pk")
                .values("url")[:1]
            )
        )
        .order_by("received_at", "pk")
        .values(
            "pk",
            "case_id",
            "text_masked",
            "address",
            "latitude",
            "longitude",
            "topic_id",
            "media_url",
        )
    ):
        first.setdefault(row["case_id"], row)
    answers: dict[int, tuple[int, str]] = {}
    for case_id, pk, masked in (
        Answer.objects.filter(case_id__in=ids, published_at__isnull=False)
        .order_by("published_at", "pk")
        .values_list("case_id", "pk", "text_masked")
    ):
        answers[case_id] = (pk, masked)  # the latest published answer
    _mask_missing(first, answers)
    books = reference_snapshot().by_id
    topics, organizations = books[Topic], books[Organization]
    tz = timezone.get_current_timezone()  # once, not for each of the thousands of dates
    requests = []
    for case in cases:
        message = first.get(case["pk"]) or {}
        requests.append(
            _as_request(
                case,
                message,
                topic=topics.get(case["topic_id"] or message.get("topic_id")),
                organization=organizations.get(case["organization_id"]),
                answer=answers[case["pk"]][1] if case["pk"] in answers else None,
                tz=tz,
            )
        )
    return requests


def _mask_missing(first: dict[int, dict], answers: dict[int, tuple[int, str]]) -> None:
    """Fill in place the masked texts not stored yet, masking and storing them once."""
    from otklik.nlp.services import texts_mask_store

    messages = [row["pk"] for row in first.values() if not row["text_masked"]]
    if messages:
        masked = texts_mask_store(rows=Message.objects.filter(pk__in=messages))
        for row in first.values():
            row["text_masked"] = row["text_masked"] or masked.get(row["pk"], "")
    missing = [pk for pk, text in answers.values() if not text]
    if missing:
        masked = texts_mask_store(rows=Answer.objects.filter(pk__in=missing))
        for case_id, (pk, text) in list(answers.items()):
            answers[case_id] = (pk, text or masked.get(pk, ""))


def _status_notes(case: dict, answer: str | None) -> str:
    if answer:
        return answer
    if case["status"] == CaseStatus.MERGED and case["merged_into__number"]:
        return f"Объединён с заявкой {case['merged_into__number']}: следите за ней."
    return CaseStatus(case["status"]).label


def _as_request(
    case: dict,
    message: dict,
    *,
    topic: Topic | None,
    organization: Organization | None,
    answer: str | None,
    tz: dt.tzinfo,
) -> dict:
    """One case (its ``CASE_FIELDS``) and its first Open311 message as a GeoReport v2 request
    (``message["text_masked"]`` and ``answer`` already masked)."""
    closed = case["status"] in CLOSED_STATES
    lat, lon = message.get("latitude"), message.get("longitude")
    updated = (
        (case["closed_at"] or case["published_at"] or case["updated_at"])
        if closed
        else case["updated_at"]
    )
    due = case["resolution_due"] if not closed else None
    address = address_street(case["address"] or message.get("address") or "")
    if not is_public_as(case["status"], topic):  # its service, status, dates and agency only
        message, answer, lat, lon, address = {}, None, None, None, ""
    return {
        "service_request_id": case["number"],
        "status": "closed" if closed else "open",
        "status_notes": _status_notes(case, without_house_numbers(answer) if answer else None),
        "service_name": topic.name if topic else None,
        "service_code": topic.code if topic else "",
        "description": (
            without_house_numbers(message["text_masked"])[:DESCRIPTION_MAX]
            if message.get("text_masked")
            else None
        ),
        "agency_responsible": organization.short_name if organization else None,
        "service_notice": (
            f"Ответ будет дан до {due.astimezone(tz):%d.%m.%Y %H:%M}." if due else None
        ),
        "requested_datetime": _iso(case["received_at"], tz),
        "updated_datetime": _iso(updated, tz),
        "expected_datetime": _iso(case["resolution_due"], tz),
        "address": address or None,
        "address_id": None,
        "zipcode": None,
        "lat": round(float(lat), POINT_DIGITS) if lat is not None else None,
        "long": round(float(lon), POINT_DIGITS) if lon is not None else None,
        "media_url": message.get("media_url"),
    }


# --- tokens ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TokenState:
    token: str
    service_request_id: str | None  # None: accepted, the case is not open yet
    rejected: str = ""  # the quarantine reason when the request was not accepted


def token_lookup(token: str) -> TokenState | None:
    channel_id = reference_snapshot().ids[Channel].get(CHANNEL)
    message = (
        Message.objects.filter(channel_id=channel_id, external_id=token)
        .values_list("pk", "case__number")
        .first()
    )
    if message is not None:
        return TokenState(token, message[1])
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


def token_stored(token: str) -> tuple[int | None, str | None] | None:
    """(the id of the API key whose request holds ``token``, the number of its case) — None:
    no such request. One statement: what a repeated POST needs."""
    channel_id = reference_snapshot().ids[Channel].get(CHANNEL)
    return (
        Message.objects.filter(channel_id=channel_id, external_id=token)
        .values_list("raw__api_key_id", "case__number")
        .first()
    )
