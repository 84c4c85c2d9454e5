"""The filter of the audit log page (and of its export)."""

from __future__ import annotations

from typing import Any

from django import forms

from otklik.audit import registry, selectors

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventFilterForm(forms.Form):
    case = forms.CharField(
        label="Номер инцидента",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"placeholder": "2026-0001234"}),
    )
    actor = forms.CharField(label="Пользователь (логин)", required=False, max_length=150)
    action = forms.ChoiceField(label="Действие", required=False)
    target_type = forms.ChoiceField(label="Объект", required=False)
    date_from = forms.DateField(
        label="С", required=False, widget=DATE_INPUT, input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )
    date_to = forms.DateField(
        label="По", required=False, widget=DATE_INPUT, input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = selectors.event_actions(user=user)
        self.fields["action"].choices = [("", "все действия"), *registry.action_choices(actions)]
        targets = registry.target_choices(selectors.event_target_types(user=user))
        self.fields["target_type"].choices = [("", "все объекты"), *targets]

    def filters(self) -> selectors.EventFilters:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}  # type: ignore[return-value]
