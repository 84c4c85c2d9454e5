"""The assessment of the blocks' leads: the ranking with its reasons; the head computes and
publishes. Thin: parse, call a service, render."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from otklik.core.permissions import Action, access_check, can
from otklik.core.views import attempt, require_action
from otklik.office import periods, services_assessment
from otklik.office.assessment import LABELS, WEIGHTS
from otklik.office.models import Assessment
from otklik.office.views import _current_month


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_VIEW)
def assessments_view(request: HttpRequest) -> HttpResponse:
    may = can(request.user, Action.ASSESSMENT_PUBLISH)
    if request.method == "POST":
        access_check(request.user, Action.ASSESSMENT_PUBLISH)
        period = request.POST.get("period", "")
        done = attempt(
            request,
            lambda: services_assessment.assessment_compute(actor=request.user, period=period),
            "Оценка рассчитана: проверьте её и опубликуйте.",
        )
        if done is not None:
            return redirect("office:assessment", period=done.period)
    return render(
        request,
        "office/assessments.html",
        {
            "rows": Assessment.objects.all()[:60],
            "may": may,
            "period": _current_month(),
            "weights": [(LABELS[k], w) for k, w in WEIGHTS.items()],
        },
    )


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_VIEW)
def assessment_view(request: HttpRequest, period: str) -> HttpResponse:
    assessment = Assessment.objects.filter(period=period).first()
    if assessment is None:
        raise Http404
    if request.method == "POST":
        access_check(request.user, Action.ASSESSMENT_PUBLISH)
        attempt(
            request,
            lambda: services_assessment.assessment_publish(
                actor=request.user, assessment=assessment
            ),
            "Оценка опубликована.",
        )
        return redirect("office:assessment", period=period)
    return render(
        request,
        "office/assessment.html",
        {
            "assessment": assessment,
            "period_label": periods.label(period),
            "may_publish": can(request.user, Action.ASSESSMENT_PUBLISH)
            and not assessment.is_published,
        },
    )
