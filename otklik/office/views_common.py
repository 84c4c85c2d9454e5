"""What every page module of the office shares (``views``, ``views_risks``, ``views_groups``);
``attempt`` is every page's (``core.views``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from otklik.core import printing
from otklik.core.exceptions import NotFound
from otklik.core.permissions import ACTION_LABELS, Action, can
from otklik.core.views import attempt


def found(get, **lookup):
    """A selector's row, or the 404 page when there is none in the user's zone."""
    try:
        return get(**lookup)
    except NotFound as exc:
        raise Http404 from exc


def require(request: HttpRequest, action: Action) -> None:
    """A verb posted by someone whose role lacks its right: the 403 page before any form is
    read (the service checks the scope again)."""
    if not can(request.user, action):
        raise PermissionDenied(f"Недостаточно прав: «{ACTION_LABELS[action]}».")


def form_errors(form) -> str:
    """A form's errors as one message line."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def posted(request: HttpRequest, action: Action, form, call, done: str = ""):
    """A verb posted from a page with its form: the role's right first (the 403 page), then the
    form (its errors shown on the page again), then the service with the form's data (its
    refusal a message); returns the service's result or None."""
    require(request, action)
    if not form.is_valid():
        return None
    return attempt(request, lambda: call(form.cleaned_data), done)


PRINT_TYPES = {
    "pdf": ("application/pdf", printing.to_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        printing.to_docx,
    ),
}


def printed_response(doc, name: str, fmt: str) -> HttpResponse:
    """A printed document (``printing``) as a download in the asked format, 404 for another."""
    if fmt not in PRINT_TYPES:
        raise Http404
    content_type, render_to = PRINT_TYPES[fmt]
    response = HttpResponse(render_to(doc), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
