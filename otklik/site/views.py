"""The home page and the health check (the composition root: the home page reads several apps)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from otklik.audit.selectors import chain_alert
from otklik.core.permissions import Action, Scope, can, scope_for
from otklik.core.roles import Role
from otklik.intake.selectors import message_summary
from otklik.site.selectors import home_tasks

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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {
        "intro": ROLE_INTRO.get(user.role, ""),
        "can_view_messages": can(user, Action.MESSAGE_VIEW),
        "region_wide": scope_for(user, Action.MESSAGE_VIEW) is Scope.ALL,
    }
    context["tasks"] = home_tasks(user=user)
    context["chain_alert"] = chain_alert(user=user)
    if context["can_view_messages"]:
        context["summary"] = message_summary(user=user)
    return render(request, "site/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers and `otklik serve`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
