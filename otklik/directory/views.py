"""Read-only pages of the reference model: territory, sectors, topics, organisations, channels."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from otklik.core.permissions import Action
from otklik.core.views import paginate, require_action
from otklik.directory import selectors
from otklik.directory.filters import OrganizationFilter


@require_action(Action.REFERENCE_VIEW)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "directory/index.html", {"counts": selectors.reference_counts(user=request.user)}
    )


@require_action(Action.REFERENCE_VIEW)
def municipality_list(request: HttpRequest) -> HttpResponse:
    municipalities = selectors.municipality_list_with_districts(user=request.user)
    return render(request, "directory/municipality_list.html", {"municipalities": municipalities})


@require_action(Action.REFERENCE_VIEW)
def sector_list(request: HttpRequest) -> HttpResponse:
    sectors = selectors.sector_list_with_counts(user=request.user)
    return render(request, "directory/sector_list.html", {"sectors": sectors})


@require_action(Action.REFERENCE_VIEW)
def sector_detail(request: HttpRequest, code: str) -> HttpResponse:
    sector = selectors.sector_get(user=request.user, code=code)
    if sector is None:
        raise Http404("Отраслевой блок не найден.")
    return render(
        request,
        "directory/sector_detail.html",
        {
            "sector": sector,
            "topics": selectors.topic_list(user=request.user, sector=sector, include_inactive=True),
            "organizations": selectors.organization_list(
                user=request.user, sector=sector, valid_on=timezone.localdate()
            ),
        },
    )


@require_action(Action.REFERENCE_VIEW)
def organization_list(request: HttpRequest) -> HttpResponse:
    filters = OrganizationFilter(request.GET, request=request)
    return render(
        request,
        "directory/organization_list.html",
        {
            "form": filters.form,
            "filter_error": filters.error_text(),
            "page": paginate(request, filters.qs),
            "today": timezone.localdate(),
        },
    )


@require_action(Action.REFERENCE_VIEW)
def channel_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/channel_list.html",
        {
            "channels": selectors.channel_list(user=request.user),
            "input_kinds": selectors.input_kind_list(user=request.user),
        },
    )
