"""The filters of the registry's list, defined once: the list page and the API's list parse,
check and apply them here. Values are codes (``?sector=zhkh&municipality=18410``), the owner a
user id; an invalid one is an error in Russian on the page and a 400 in the API."""

from __future__ import annotations

from typing import Any

import django_filters

from otklik.core.filters import CheckedFilterSet
from otklik.directory.models import Municipality, Sector
from otklik.problems import selectors
from otklik.problems.choices import ProblemStatus
from otklik.problems.forms import owners
from otklik.problems.models import Problem


class ProblemFilter(CheckedFilterSet):
    status = django_filters.ChoiceFilter(
        label="Состояние", empty_label="все", choices=ProblemStatus.choices
    )
    sector = django_filters.ModelChoiceFilter(
        label="Блок",
        empty_label="все",
        queryset=Sector.objects.all(),
        to_field_name="code",
        help_text="sector code",
    )
    municipality = django_filters.ModelChoiceFilter(
        label="МО",
        empty_label="все",
        queryset=Municipality.objects.all(),
        field_name="municipalities",  # the schema reads the type from it (applied by the selector)
        to_field_name="okato",
        help_text="OKATO",
    )
    owner = django_filters.ModelChoiceFilter(
        label="Ответственный",
        empty_label="все",
        queryset=lambda request: owners(),
        help_text="user id",
    )

    class Meta:
        model = Problem
        fields: list[str] = []

    def filter_queryset(self, queryset: Any) -> Any:
        """The problems of the query through the selector, which narrows them to the user's
        scope (``queryset`` only names the model)."""
        d = self.form.cleaned_data
        return selectors.problem_list(
            user=self.request.user,
            filters={
                "status": d.get("status") or None,
                "sector": d["sector"].pk if d.get("sector") else None,
                "municipality": d["municipality"].pk if d.get("municipality") else None,
                "owner": d["owner"].pk if d.get("owner") else None,
            },
        )
