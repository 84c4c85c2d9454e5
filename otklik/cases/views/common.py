"""What the case views share: the case of the URL, the form errors in Russian, the way back;
and the link from a message's page to its case (``intake.selectors.register_case_linker``)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from otklik.cases.models import Case
from otklik.cases.selectors import case_get
from otklik.core.exceptions import NotFound
from otklik.intake.models import Message
from otklik.intake.selectors import CaseLink

NUMBER_RE = re.compile(r"^[0-9]{4}-[0-9]+$")


def case_or_404(request: HttpRequest, number: str) -> Case:
    try:
        return case_get(user=request.user, pk=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def errors_text(form: forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return "Проверьте форму. " + "; ".join(parts)


def safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def back_to(request: HttpRequest, case: Case) -> HttpResponse:
    """The case page again, or the queue if the action took the case out of the user's sight."""
    try:
        case_get(user=request.user, pk=case.pk)
    except NotFound:
        return redirect("cases:list")
    return redirect("cases:detail", number=case.number)


def message_case_link(*, user: Any, message: Message) -> CaseLink | None:
    """The case page of ``message``'s case, if ``user`` may see the case."""
    try:
        case = case_get(user=user, pk=message.case_id)
    except NotFound:
        return None
    return CaseLink(
        number=case.number,
        url=reverse("cases:detail", args=[case.number]),
        status=case.get_status_display(),
    )
