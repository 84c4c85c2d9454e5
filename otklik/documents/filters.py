"""The filters of the journal, defined once: the «Документы ЦУР» page and the API's list parse,
check and apply them here (``?sector=zhkh&kind=passport&date_from=2026-01-01&q=…``)."""

from __future__ import annotations

from typing import Any

import django_filters

from otklik.core.filters import CheckedFilterSet
from otklik.directory.models import Sector
from otklik.documents import selectors
from otklik.documents.models import RegisteredDocument
from otklik.documents.registry import PREFIXES


def kind_choices() -> list[tuple[str, str]]:
    return [(code, label) for code, (_prefix, label) in PREFIXES.items()]


class DocumentFilter(CheckedFilterSet):
    q = django_filters.CharFilter(
        label="Поиск", help_text="words in the number, title or text", method="_none"
    )
    sector = django_filters.ModelChoiceFilter(
        label="Блок",
        empty_label="все",
        queryset=Sector.objects.all(),
        to_field_name="code",
        help_text="sector code",
    )
    kind = django_filters.ChoiceFilter(
        label="Вид документа", empty_label="все", choices=kind_choices
    )
    date_from = django_filters.DateFilter(
        label="Зарегистрирован с", field_name="registered_at", help_text="YYYY-MM-DD"
    )
    date_to = django_filters.DateFilter(
        label="по", field_name="registered_at", help_text="YYYY-MM-DD"
    )

    class Meta:
        model = RegisteredDocument
        fields: list[str] = []

    def _none(self, queryset, name, value):  # applied by the selector
        return queryset

    def filter_queryset(self, queryset: Any) -> Any:
        """The documents of the query through the selector, which narrows them to the user's
        scope (``queryset`` only names the model)."""
        d = self.form.cleaned_data
        return selectors.document_list(
            user=self.request.user,
            filters={
                "q": (d.get("q") or "").strip(),
                "sector": d["sector"].pk if d.get("sector") else None,
                "kind": d.get("kind") or None,
                "date_from": d.get("date_from"),
                "date_to": d.get("date_to"),
            },
        )
