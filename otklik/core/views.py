"""The home page, the health check and the decorators every web view of Otklik shares."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from otklik.accounts.choices import Role
from otklik.accounts.permissions import ACTION_LABELS, Action, Scope, can, scope_for
from otklik.core.exceptions import AccessDenied
from otklik.intake.selectors import message_summary

PAGE_SIZE = 25

# What each role does in Otklik, shown on the home page under the greeting.
ROLE_INTRO: dict[str, str] = {
    Role.CURATOR: "Вы распределяете поступившие сообщения по отраслевым блокам и организациям, "
    "следите за сроками и качеством ответов по всей области.",
    Role.EXECUTOR: "Вы готовите и проверяете ответы заявителям, работаете с сообщениями "
    "по всей области и ведёте справочники.",
    Role.HEAD: "Вы видите общую картину по области: поступления, нагрузку отраслевых блоков "
    "и организаций, сроки ответов.",
    Role.SECTOR_LEAD: "Вы отвечаете за свой отраслевой блок: уточняете отрасль и тему сообщений "
    "и следите, чтобы по ним работали организации.",
    Role.ANALYST: "Вы разбираете сообщения: проверяете отрасль, тему и место, модерируете "
    "ответы и готовите аналитику по области.",
    Role.ORG_OPERATOR: "Вы работаете с сообщениями, направленными в вашу организацию.",
    Role.MUNICIPAL_COORDINATOR: "Вы видите сообщения жителей вашего муниципального образования "
    "и помогаете организациям вовремя на них ответить.",
    Role.AUDITOR: "Вы проверяете работу с сообщениями и журнал действий по всей области; "
    "изменять данные вы не можете.",
}


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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {
        "intro": ROLE_INTRO.get(user.role, ""),
        "can_view_messages": can(user, Action.MESSAGE_VIEW),
        "region_wide": scope_for(user, Action.MESSAGE_VIEW) is Scope.ALL,
    }
    if context["can_view_messages"]:
        context["summary"] = message_summary(user=user)
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers and `otklik serve`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
