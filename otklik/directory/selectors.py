"""Reads on the reference model. Every read checks ``Action.REFERENCE_VIEW`` for the user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from otklik.core.permissions import Action, access_check
from otklik.directory.cache import ReferenceSnapshot, reference_snapshot
from otklik.directory.models import (
    Channel,
    CityDistrict,
    InputKind,
    Municipality,
    Organization,
    Sector,
    Topic,
)


def reference_books(*, user: Any) -> ReferenceSnapshot:
    """The reference books as this process holds them (no query while they are unchanged):
    code → row maps and the choice lists of the forms, in the orders of the lists below."""
    access_check(user, Action.REFERENCE_VIEW)
    return reference_snapshot()


def municipality_list(*, user: Any) -> QuerySet[Municipality]:
    access_check(user, Action.REFERENCE_VIEW)
    return Municipality.objects.order_by("kind", "name")


def municipality_list_with_districts(*, user: Any) -> QuerySet[Municipality]:
    return municipality_list(user=user).prefetch_related(
        Prefetch("city_districts", queryset=CityDistrict.objects.order_by("name"))
    )


def sector_list(*, user: Any) -> QuerySet[Sector]:
    access_check(user, Action.REFERENCE_VIEW)
    return Sector.objects.order_by("order", "code")


def sector_list_with_counts(*, user: Any) -> QuerySet[Sector]:
    return sector_list(user=user).annotate(
        topic_count=Count("topics", filter=Q(topics__is_active=True), distinct=True),
        organization_count=Count("organizations", distinct=True),
    )


def sector_get(*, user: Any, code: str) -> Sector | None:
    return sector_list(user=user).filter(code=code).first()


def topic_list(
    *, user: Any, sector: Sector | None = None, include_inactive: bool = False
) -> QuerySet[Topic]:
    access_check(user, Action.REFERENCE_VIEW)
    qs = Topic.objects.select_related("sector").order_by("sector__order", "order", "code")
    if sector is not None:
        qs = qs.filter(sector=sector)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs


def organization_list(
    *,
    user: Any,
    kind: str | None = None,
    sector: Sector | None = None,
    municipality: Municipality | None = None,
    q: str = "",
    valid_on: dt.date | None = None,
) -> QuerySet[Organization]:
    """Organisations, optionally narrowed; ``valid_on`` keeps only those in force that day."""
    access_check(user, Action.REFERENCE_VIEW)
    qs = Organization.objects.select_related("parent", "municipality").prefetch_related(
        "sectors", "municipalities"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if sector is not None:
        qs = qs.filter(sectors=sector)
    if municipality is not None:
        qs = qs.filter(
            Q(serves_whole_region=True)
            | Q(municipalities=municipality)
            | Q(municipality=municipality)
        )
    if q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(name__icontains=text) | Q(short_name__icontains=text) | Q(code__iexact=text)
        )
    if valid_on is not None:
        qs = qs.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=valid_on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_on),
        )
    return qs.distinct().order_by("kind", "short_name")


def channel_list(*, user: Any) -> QuerySet[Channel]:
    access_check(user, Action.REFERENCE_VIEW)
    return Channel.objects.order_by("order", "code")


def input_kind_list(*, user: Any) -> QuerySet[InputKind]:
    access_check(user, Action.REFERENCE_VIEW)
    return InputKind.objects.order_by("order", "code")


def reference_counts(*, user: Any) -> dict[str, int]:
    """How many rows each reference book holds (the directory index page)."""
    access_check(user, Action.REFERENCE_VIEW)
    return {
        "municipalities": Municipality.objects.count(),
        "city_districts": CityDistrict.objects.count(),
        "sectors": Sector.objects.count(),
        "topics": Topic.objects.filter(is_active=True).count(),
        "organizations": organization_list(user=user, valid_on=timezone.localdate()).count(),
        "channels": Channel.objects.count(),
        "input_kinds": InputKind.objects.count(),
    }
