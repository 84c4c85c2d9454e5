"""The decorators and helpers every web view of Otklik shares."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse

from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.permissions import ACTION_LABELS, Action, can

PAGE_SIZE = 25


def access_denied_as_403(view: Callable) -> Callable:
    """A service's or selector's ``AccessDenied`` becomes the 403 page with its message."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapper


def require_action(action: Action) -> Callable[[Callable], Callable]:
    """Anonymous users go to the login page; users without ``action`` get the 403 page."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, action):
                raise PermissionDenied(f"Недостаточно прав: «{ACTION_LABELS[action]}».")
            return view(request, *args, **kwargs)

        return login_required(access_denied_as_403(wrapper))

    return decorator


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page:
    """The page named by ``?page=`` (the last page when it is past the end)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def attempt(request: HttpRequest, call: Callable[[], Any], done: str = "") -> Any:
    """Run a service from a page: a refused rule becomes the page's error message (a refused
    right stays a 403), success the ``done`` message; returns the result, or None."""
    try:
        result = call()
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
        return None
    if done:
        messages.success(request, done)
    return result
