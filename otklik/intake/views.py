"""The message list (with HTMX-refreshed filters), the message page and the quarantine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.permissions import Action, can
from otklik.core.views import paginate, require_action
from otklik.intake.forms import DiscardForm, MessageFilterForm, RetryForm
from otklik.intake.parsing import body_files_shortened
from otklik.intake.selectors import (
    applicant_shown,
    delivery_body_for,
    message_case_link,
    message_get,
    message_list,
    quarantine_get,
    quarantine_list,
)
from otklik.intake.services.quarantine import delivery_discard, delivery_retry


@require_action(Action.MESSAGE_VIEW)
def message_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = MessageFilterForm(request.GET or None, user=user)
    filters = form.filters()
    page = paginate(request, message_list(user=user, filters=filters))
    context = {
        "form": form,
        "page": page,
        "filtered": bool(filters),
        "hx_target": "#message-table",
        # the operator's desk (channels/desk) registers calls and letters
        "can_register": can(request.user, Action.APPEAL_REGISTER),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "intake/_message_table.html" if partial else "intake/message_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_action(Action.MESSAGE_VIEW)
def message_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = message_get(user=request.user, pk=pk)
    if message is None:
        raise Http404("Сообщение не найдено.")
    return render(
        request,
        "intake/message_detail.html",
        {
            "message": message,
            "applicant": applicant_shown(user=request.user, contact=message.author),
            "case_link": message_case_link(user=request.user, message=message),
        },
    )


# --- the quarantine ------------------------------------------------------------------------
@require_action(Action.QUARANTINE_VIEW)
def quarantine_view(request: HttpRequest) -> HttpResponse:
    """Deliveries that could not be parsed, with their reason and the raw body."""
    user = request.user
    page = paginate(request, quarantine_list(user=user))
    rows = []
    for delivery in page:
        shown = body_files_shortened(delivery.body)
        body, redacted = delivery_body_for(user=user, body=shown)
        rows.append({"delivery": delivery, "body": body, "redacted": redacted, "editable": shown})
    return render(
        request,
        "intake/quarantine.html",
        {
            "page": page,
            "rows": rows,
            "can_manage": can(user, Action.QUARANTINE_MANAGE),
        },
    )


def _quarantined_or_404(request: HttpRequest, pk: int):
    delivery = quarantine_get(user=request.user, pk=pk)
    if delivery is None:
        raise Http404("Поступление не найдено в карантине.")
    return delivery


def _retry(request: HttpRequest, delivery: Any) -> str:
    form = RetryForm(request.POST)
    form.is_valid()
    body = form.cleaned_data.get("body") or None
    if body is not None and body.strip() in (
        delivery.body.strip(),
        body_files_shortened(delivery.body).strip(),
    ):
        body = None
    result = delivery_retry(actor=request.user, delivery=delivery, body=body)
    state = "сообщение создано" if result.status == "created" else "такое сообщение уже было"
    return f"Поступление #{delivery.pk} разобрано: {state}."


def _discard(request: HttpRequest, delivery: Any) -> str:
    form = DiscardForm(request.POST)
    if not form.is_valid():
        raise ApplicationError("укажите причину отклонения.")
    delivery_discard(actor=request.user, delivery=delivery, reason=form.cleaned_data["reason"])
    return f"Поступление #{delivery.pk} отклонено и убрано из карантина."


# The verbs on a quarantined delivery: one POST view, /messages/quarantine/<id>/<verb>/, as the
# verbs of a case (docs/architecture.md «Adding a workflow»).
QUARANTINE_VERBS: dict[str, Callable[[HttpRequest, Any], str]] = {
    "retry": _retry,
    "discard": _discard,
}


@require_POST
@require_action(Action.QUARANTINE_MANAGE)
def quarantine_verb_view(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    run = QUARANTINE_VERBS.get(verb)
    if run is None:
        raise Http404("Нет такого действия.")
    delivery = _quarantined_or_404(request, pk)
    try:
        done = run(request, delivery)
    except AccessDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, f"Поступление #{delivery.pk}: {exc.message}")
    else:
        messages.success(request, done)
    return redirect("intake:quarantine")
