"""The form of the audit log page: its filters."""

from __future__ import annotations

from typing import Any

from django import forms

from otklik.audit import selectors

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(label="Действие", required=False)
    date_from = forms.DateField(
        label="С", required=False, widget=DATE_INPUT, input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )
    date_to = forms.DateField(
        label="По", required=False, widget=DATE_INPUT, input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = selectors.event_actions(user=user)
        self.fields["action"].choices = [("", "все действия"), *((a, a) for a in actions)]
