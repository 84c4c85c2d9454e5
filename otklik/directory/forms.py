"""The form of the reference pages: the organisation list's filters."""

from __future__ import annotations

from typing import Any

from django import forms

from otklik.directory import selectors
from otklik.directory.choices import OrganizationKind


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
