"""The consolidated plans' pages: the list with the head's form, a plan with its timeline, its
route and its printed form. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from otklik.approvals.selectors import approval_of, approval_panel
from otklik.core.permissions import Action, can
from otklik.core.views import attempt, require_action
from otklik.office import forms, periods, printing, selectors, services_plans
from otklik.office.views_common import printed_response


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_VIEW)
def plans_view(request: HttpRequest) -> HttpResponse:
    may_assemble = can(request.user, Action.PLAN_PREPARE)
    form = forms.PlanForm(request.POST or None) if may_assemble else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            plan = attempt(
                request,
                lambda: services_plans.plan_assemble(
                    actor=request.user, sector=d["sector"], period=d["period"], reason=d["reason"]
                ),
                "План сформирован из утверждённых паспортов.",
            )
            if plan is not None:
                return redirect("office:plan", pk=plan.pk)
    return render(
        request,
        "office/plans.html",
        {"rows": selectors.plan_list(user=request.user), "form": form},
    )


@require_GET
@require_action(Action.OFFICE_VIEW)
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if plan is None:
        raise Http404
    approval = approval_of(kind=services_plans.PLAN, target_id=plan.pk)
    bars = selectors.plan_timeline(plan)
    return render(
        request,
        "office/plan.html",
        {
            "plan": plan,
            "period_label": periods.label(plan.period),
            "timeline": bars,
            "timeline_json": [{k: v for k, v in b.items() if k != "date"} for b in bars],
            "panel": approval_panel(user=request.user, approval=approval),
            "may_assemble": can(request.user, Action.PLAN_PREPARE),
        },
    )


@require_GET
@require_action(Action.OFFICE_VIEW)
def plan_print_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if plan is None:
        raise Http404
    approval = approval_of(kind=services_plans.PLAN, target_id=plan.pk)
    return printed_response(printing.plan_printed(plan, approval), f"plan-{plan.pk}", fmt)
