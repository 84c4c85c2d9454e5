"""The audit log page: who changed what and when, filtered by action and date."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from otklik.audit import selectors
from otklik.audit.forms import EventFilterForm
from otklik.core.permissions import Action
from otklik.core.views import paginate, require_action


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
