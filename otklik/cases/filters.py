"""The filters of the case queue, defined once: the queue page and the API's case list parse,
check and apply them here. Values are codes (``?sector=zhkh&status=in_work``); an unknown code
is an error in Russian on the page and a 400 in the API.

The option lists come from the process's reference books and are rendered once per version of
the reference data (``PrerenderedSelect``): they are most of the queue page otherwise; checking
a code against them costs no query.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils import timezone

from otklik.cases.choices import CaseStatus, Priority
from otklik.cases.models import Case
from otklik.cases.selectors import ORDERS, QUEUES, CaseFilters, case_list
from otklik.core.filters import CheckedFilterSet
from otklik.core.widgets import PrerenderedSelect
from otklik.directory import selectors as directory


def _choice(label: str, empty: str, choices: Any = (), **kwargs: Any):
    return django_filters.ChoiceFilter(
        label=label, empty_label=empty, choices=choices, widget=PrerenderedSelect, **kwargs
    )


class CaseFilter(CheckedFilterSet):
    q = django_filters.CharFilter(
        label="Поиск",
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "номер, слово из текста или адрес"}
        ),
        help_text="number, a word of the title, the address or the messages",
    )
    sector = _choice("Отраслевой блок", "все блоки", help_text="sector code")
    topic = _choice("Тема", "все темы", help_text="topic code")
    municipality = _choice("Муниципальное образование", "все МО", help_text="OKATO")
    organization = _choice("Организация", "все организации", help_text="organisation code")
    channel = _choice("Канал", "все каналы", help_text="channel code")
    status = _choice("Состояние", "все состояния", CaseStatus.choices)
    priority = _choice("Приоритет", "любой", Priority.choices)
    order = _choice(
        "Порядок",
        "по очереди",
        list(ORDERS.items()),
        help_text="priority: accidents first, then high, normal, low",
    )
    queue = django_filters.ChoiceFilter(
        label="Очередь", empty_label=None, choices=list(QUEUES.items()), help_text="named queue"
    )

    class Meta:
        model = Case
        fields: list[str] = []

    @property
    def user(self) -> Any:
        return self.request.user

    @property
    def form(self) -> forms.Form:
        fresh = not hasattr(self, "_form")
        form = super().form
        if fresh:
            books = directory.reference_books(user=self.user)
            today = timezone.localdate()
            options = {
                "sector": books.sector_choices,
                "topic": books.topic_groups,
                "municipality": books.municipality_choices,
                "organization": books.organization_choices(valid_on=today),
                "channel": books.channel_choices,
            }
            for name, choices in options.items():
                form.fields[name].choices = choices
            for name, field in form.fields.items():
                if isinstance(field.widget, PrerenderedSelect):
                    field.widget.prerender(store=books.rendered, key=("case-filter", name, today))
        return form

    def case_filters(self) -> CaseFilters:
        """The valid filters of the query (an invalid one is left out, and told)."""
        self.form.is_valid()
        values = {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}
        return CaseFilters(**values)

    def filter_queryset(self, queryset: Any) -> Any:
        """The cases of the query through the selector, which narrows them to the user's scope
        and turns reference codes into ids first (``queryset`` only names the model)."""
        return case_list(user=self.user, filters=self.case_filters())
