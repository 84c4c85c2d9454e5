"""Reads on the registry of input. Every read takes the acting user and applies ``visible_to``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from otklik.core.applicant import PERSONAL_FIELDS, ApplicantField, applicant_fields
from otklik.core.permissions import Action, Scope, scope_for, visible_to
from otklik.directory.models import Channel, InputKind, Municipality, Organization, Sector, Topic
from otklik.intake.models import Contact, Message

# What a role that may not see the applicant (``core.applicant.APPLICANT_FIELDS``) is shown.
AUTHOR_HIDDEN = "скрыто"
# The fields of the applicant's record (``Contact``) a page can show.
CONTACT_FIELDS = frozenset(
    {ApplicantField.NAME, ApplicantField.PHONE, ApplicantField.EMAIL, ApplicantField.POSTAL_ADDRESS}
)


class MessageFilters(TypedDict, total=False):
    """Parsed filters of the message list; a missing or empty key does not filter."""

    sector: Sector | None
    topic: Topic | None
    municipality: Municipality | None
    organization: Organization | None
    channel: Channel | None
    kind: InputKind | None
    date_from: dt.date | None  # inclusive, local date (Europe/Volgograd)
    date_to: dt.date | None  # inclusive
    q: str


def _visible_messages(*, user: Any) -> QuerySet[Message]:
    return visible_to(Message.objects.all(), user, Action.MESSAGE_VIEW)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def message_filter(qs: QuerySet[Message], filters: MessageFilters | None) -> QuerySet[Message]:
    filters = filters or {}
    for name in ("sector", "topic", "municipality", "organization", "channel", "kind"):
        value = filters.get(name)
        if value is not None:
            qs = qs.filter(**{name: value})
    if filters.get("date_from"):
        qs = qs.filter(received_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(received_at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1)))
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(_text_search_q(text))
    return qs


def _text_search_q(text: str) -> Q:
    """Case-insensitive substring search in the text and address, or an exact channel number.

    SQLite folds case for ASCII only, so besides ``icontains`` (enough on PostgreSQL) the query is
    also tried in lower, upper and capitalised form, which covers Cyrillic in practice. Full-text
    search replaces this when the NLP pipeline lands.
    """
    q = Q(external_id__iexact=text)
    for variant in dict.fromkeys((text, text.lower(), text.upper(), text.capitalize())):
        q |= Q(text__icontains=variant) | Q(address__icontains=variant)
    return q


def message_list(*, user: Any, filters: MessageFilters | None = None) -> QuerySet[Message]:
    """Messages ``user`` may see, narrowed by ``filters``, newest first."""
    qs = message_filter(_visible_messages(user=user), filters)
    return qs.select_related(
        "channel", "kind", "sector", "topic", "municipality", "city_district", "organization"
    ).order_by("-received_at", "-id")


def message_get(*, user: Any, pk: int) -> Message | None:
    """One message ``user`` may see; out of scope is indistinguishable from missing (None)."""
    return message_list(user=user).select_related("author").filter(pk=pk).first()


@dataclass(frozen=True)
class CaseLink:
    """The case of a message, as the message page links to it."""

    number: str
    url: str
    status: str  # in Russian


# The cases app (above the intake) says where a message's case is, for a user who may see it:
# ``linker(user=…, message=…)`` → ``CaseLink``, or None when the user may not see the case. It
# registers its linker in ``AppConfig.ready()``; the intake never imports it.
CASE_LINKERS: list[Callable[..., CaseLink | None]] = []


def register_case_linker(linker: Callable[..., CaseLink | None]) -> None:
    if linker not in CASE_LINKERS:
        CASE_LINKERS.append(linker)


def message_case_link(*, user: Any, message: Message) -> CaseLink | None:
    """The link to ``message``'s case when it has one that ``user`` may see, else None (the
    page then says nothing of a case: one out of the user's sight is not hinted at)."""
    if message.case_id is None:
        return None
    for linker in CASE_LINKERS:
        link = linker(user=user, message=message)
        if link is not None:
            return link
    return None


def message_author_visible(*, user: Any) -> bool:
    """Whether ``user`` sees the applicant's name (the policy: ``core.applicant``)."""
    return ApplicantField.NAME in applicant_fields(user)


@dataclass(frozen=True)
class Applicant:
    """The applicant of a message as ``user`` may see them (``applicant_shown``): a field the
    role may not see is empty, never the value."""

    hidden: bool  # the role sees nothing of the applicant: shown as «скрыто»
    known: bool  # the message has an author
    name: str = ""
    phone: str = ""
    email: str = ""
    consent_missing: bool = False  # no consent to processing (shown only with the data)
    postal_address: str = ""
    # a legal entity as the applicant (then the fields above are its contact person's)
    legal_name: str = ""
    inn: str = ""
    ogrn: str = ""

    @property
    def legal_line(self) -> str:
        """«ООО «Ромашка», ИНН 3444000000, ОГРН 1023400000000» ("" for a person)."""
        if not self.legal_name:
            return ""
        return f"{self.legal_name}, ИНН {self.inn}, ОГРН {self.ogrn}"

    @property
    def line(self) -> str:
        """One line for a page: «Петрова Анна, +79610000000», «скрыто» or «не указан»; a legal
        entity first, then its contact person."""
        person = (
            AUTHOR_HIDDEN
            if self.hidden
            else ", ".join(v for v in (self.name, self.phone, self.email) if v)
        )
        if self.legal_name:
            return f"{self.legal_line}; контактное лицо: {person or 'не указано'}"
        if not self.known and not self.hidden:
            return "не указан"
        return person or "не указан"


def applicant_shown(*, user: Any, contact: Contact | None) -> Applicant:
    """``contact`` as ``user``'s role may see it (``core.applicant.APPLICANT_FIELDS``)."""
    shown = applicant_fields(user)
    fields = shown & CONTACT_FIELDS
    legal = {}
    if contact is not None and contact.inn and ApplicantField.LEGAL_ENTITY in shown:
        legal = {"legal_name": contact.legal_name, "inn": contact.inn, "ogrn": contact.ogrn}
    if not fields:
        return Applicant(hidden=True, known=contact is not None, **legal)
    if contact is None:
        return Applicant(hidden=False, known=False)
    return Applicant(
        hidden=False,
        known=True,
        name=(contact.name or "имя не указано") if ApplicantField.NAME in fields else "",
        phone=contact.phone if ApplicantField.PHONE in fields else "",
        email=contact.email if ApplicantField.EMAIL in fields else "",
        consent_missing=not contact.consent_personal_data,
        postal_address=(contact.postal_address if ApplicantField.POSTAL_ADDRESS in fields else ""),
        **legal,
    )


@dataclass(frozen=True)
class CountRow:
    label: str
    code: str  # the value of the list filter that reproduces this count
    count: int


@dataclass(frozen=True)
class MessageSummary:
    total: int
    last_days: int
    days: int
    since: dt.date
    by_sector: list[CountRow]
    by_channel: list[CountRow]
    by_municipality: list[CountRow]  # only for users who see the whole region


def message_summary(*, user: Any, days: int = 7, top: int = 6) -> MessageSummary:
    """Counts for the home page, over exactly what ``message_list`` shows to ``user``."""
    qs = _visible_messages(user=user)
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    total = qs.count()
    last_days = message_filter(qs, {"date_from": since}).count()
    by_sector = [
        CountRow(row["sector__name"], row["sector__code"], row["n"])
        for row in qs.filter(sector__isnull=False)
        .values("sector__code", "sector__name")
        .annotate(n=Count("id"))
        .order_by("-n", "sector__name")[:top]
    ]
    by_channel = [
        CountRow(row["channel__name"], row["channel__code"], row["n"])
        for row in qs.values("channel__code", "channel__name")
        .annotate(n=Count("id"))
        .order_by("-n", "channel__name")
    ]
    by_municipality: list[CountRow] = []
    if scope_for(user, Action.MESSAGE_VIEW) is Scope.ALL:
        by_municipality = [
            CountRow(row["municipality__name"], row["municipality__okato"], row["n"])
            for row in qs.filter(municipality__isnull=False)
            .values("municipality__okato", "municipality__name")
            .annotate(n=Count("id"))
            .order_by("-n", "municipality__name")[:top]
        ]
    return MessageSummary(
        total=total,
        last_days=last_days,
        days=days,
        since=since,
        by_sector=by_sector,
        by_channel=by_channel,
        by_municipality=by_municipality,
    )


# --- the quarantine ------------------------------------------------------------------------
def quarantine_list(*, user: Any) -> QuerySet:
    """Deliveries waiting in the quarantine, newest first (``QUARANTINE_VIEW``)."""
    from otklik.core.permissions import access_check
    from otklik.intake.models import Delivery, DeliveryStatus

    access_check(user, Action.QUARANTINE_VIEW)
    return Delivery.objects.filter(status=DeliveryStatus.QUARANTINED).order_by(
        "-received_at", "-id"
    )


def quarantine_count(*, user: Any) -> int:
    """The number in the menu badge; 0 for users who do not see the quarantine."""
    from otklik.core.permissions import can
    from otklik.intake.models import Delivery, DeliveryStatus

    if not can(user, Action.QUARANTINE_VIEW):
        return 0
    return Delivery.objects.filter(status=DeliveryStatus.QUARANTINED).count()


def quarantine_get(*, user: Any, pk: int):
    """One delivery still in the quarantine, or None."""
    return quarantine_list(user=user).filter(pk=pk).first()


def delivery_body_for(*, user: Any, body: str) -> tuple[str, bool]:
    """The raw body as ``user`` may read it: ``(text, redacted)``.

    A raw delivery may carry any of the author's personal data. Roles that see all of it
    (``core.applicant``) get it as it arrived; others (the auditor) get JSON with the author's
    fields replaced by «скрыто», or nothing when the body is not JSON (it cannot be redacted
    reliably).
    """
    import json

    if applicant_fields(user) >= PERSONAL_FIELDS:
        return body, False
    try:
        data = json.loads(body)
    except (ValueError, TypeError):
        return "", True

    def scrub(value: Any, *, inside_author: bool = False) -> Any:
        if isinstance(value, dict):
            return {
                k: (
                    AUTHOR_HIDDEN
                    if (inside_author or k == "author") and not isinstance(v, dict | list)
                    else scrub(v, inside_author=inside_author or k == "author")
                )
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [scrub(v, inside_author=inside_author) for v in value]
        return value

    return json.dumps(scrub(data), ensure_ascii=False, indent=2), True
