"""Read-only pages of the reference model: territory, sectors, topics, organisations, channels."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from otklik.core.permissions import Action
from otklik.core.views import paginate, require_action
from otklik.directory import selectors
from otklik.directory.choices import OrganizationKind


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


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(
        label="Название",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label="Вид", required=False, choices=[("", "все виды"), *OrganizationKind.choices]
    )
    sector = forms.ModelChoiceField(
        label="Отраслевой блок",
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label="все блоки",
    )
    municipality = forms.ModelChoiceField(
        label="Работает в МО",
        queryset=None,
        required=False,
        to_field_name="okato",
        empty_label="любое МО",
    )
    current = forms.BooleanField(label="только действующие", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = selectors.sector_list(user=user)
        self.fields["municipality"].queryset = selectors.municipality_list(user=user)


@require_action(Action.REFERENCE_VIEW)
def organization_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = OrganizationFilterForm(request.GET or None, user=user)
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    today = timezone.localdate()
    organizations = selectors.organization_list(
        user=user,
        kind=data.get("kind") or None,
        sector=data.get("sector"),
        municipality=data.get("municipality"),
        q=data.get("q", ""),
        valid_on=today if data.get("current") else None,
    )
    return render(
        request,
        "directory/organization_list.html",
        {
            "form": form,
            "page": paginate(request, organizations),
            "today": today,
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
