"""The routing rules: listed in the order they are evaluated; the ЦУР adds, edits, deletes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from otklik.cases import forms
from otklik.cases.selectors import routing_rule_list
from otklik.cases.services.routing import routing_rule_delete, routing_rule_save
from otklik.cases.views.common import errors_text
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.permissions import Action, can
from otklik.core.views import require_action


def _save_rule(request: HttpRequest, form: forms.RoutingRuleForm, rule: Any = None) -> bool:
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return False
    try:
        routing_rule_save(actor=request.user, rule=rule, **form.rule_fields())
    except AccessDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    return True


@require_action(Action.CASE_VIEW)
def routing_view(request: HttpRequest) -> HttpResponse:
    """The rules in the order they are evaluated; the ЦУР adds rules here."""
    user = request.user
    can_edit = can(user, Action.ROUTING_EDIT)
    form = forms.RoutingRuleForm(user=user) if can_edit else None
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Недостаточно прав: «Правила маршрутизации и шаблоны ответов».")
        form = forms.RoutingRuleForm(request.POST, user=user)
        if _save_rule(request, form):
            messages.success(request, "Правило добавлено.")
            return redirect("cases:routing")
        status = 400
    rules = list(routing_rule_list(user=user))
    return render(
        request,
        "cases/routing.html",
        {"rules": rules, "form": form, "can_edit": can_edit},
        status=status,
    )


def _rule_or_404(request: HttpRequest, pk: int) -> Any:
    rule = routing_rule_list(user=request.user).filter(pk=pk).first()
    if rule is None:
        raise Http404("Правило не найдено.")
    return rule


@require_action(Action.ROUTING_EDIT)
def routing_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule_or_404(request, pk)
    status = 200
    if request.method == "POST":
        form = forms.RoutingRuleForm(request.POST, user=request.user)
        if _save_rule(request, form, rule):
            messages.success(request, "Правило сохранено.")
            return redirect("cases:routing")
        status = 400
    else:
        form = forms.RoutingRuleForm(
            user=request.user, initial=forms.RoutingRuleForm.initial_for(rule)
        )
    return render(request, "cases/routing_edit.html", {"rule": rule, "form": form}, status=status)


@require_POST
@require_action(Action.ROUTING_EDIT)
def routing_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule_or_404(request, pk)
    name = str(rule)
    routing_rule_delete(actor=request.user, rule=rule)
    messages.success(request, f"Правило «{name}» удалено.")
    return redirect("cases:routing")
