"""The filters of the organisation list, defined once: the reference page and the API's list
parse, check and apply them here (``?kind=…&sector=zhkh&municipality=18410&q=…&current=true``);
an invalid one is an error in Russian on the page and a 400 in the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils import timezone

from otklik.core.filters import CheckedFilterSet
from otklik.directory import selectors
from otklik.directory.choices import OrganizationKind
from otklik.directory.models import Municipality, Organization, Sector


class OrganizationFilter(CheckedFilterSet):
    q = django_filters.CharFilter(label="Название", max_length=200, help_text="name or code")
    kind = django_filters.ChoiceFilter(
        label="Вид", empty_label="все виды", choices=OrganizationKind.choices
    )
    sector = django_filters.ModelChoiceFilter(
        label="Отраслевой блок",
        empty_label="все блоки",
        queryset=Sector.objects.all(),
        field_name="sectors",
        to_field_name="code",
        help_text="sector code",
    )
    municipality = django_filters.ModelChoiceFilter(
        label="Работает в МО",
        empty_label="любое МО",
        queryset=Municipality.objects.all(),
        field_name="municipalities",
        to_field_name="okato",
        help_text="OKATO: organisations working there (its own, listed, or region-wide)",
    )
    current = django_filters.BooleanFilter(
        label="только действующие",
        widget=forms.CheckboxInput,
        help_text="true: only those in force today",
    )

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_queryset(self, queryset: Any) -> Any:
        """The organisations through the selector (``queryset`` only names the model)."""
        d = self.form.cleaned_data
        return selectors.organization_list(
            user=self.request.user,
            kind=d.get("kind") or None,
            sector=d.get("sector"),
            municipality=d.get("municipality"),
            q=d.get("q") or "",
            valid_on=timezone.localdate() if d.get("current") else None,
        )
