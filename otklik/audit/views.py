"""The audit log page: who changed what and when, filtered by action and date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from otklik.audit import selectors
from otklik.core.permissions import Action
from otklik.core.views import paginate, require_action

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


@require_action(Action.AUDIT_VIEW)
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None, user=request.user)
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    events = selectors.event_list(user=request.user, filters=filters)  # type: ignore[arg-type]
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": paginate(request, events, per_page=50),
        },
    )
