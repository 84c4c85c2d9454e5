"""The registry pages: thin — parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from otklik.analytics.models import Alert
from otklik.analytics.services import alert_decide
from otklik.cases.models import Case
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, can, visible_to
from otklik.core.views import paginate, require_action
from otklik.problems import forms, selectors, services
from otklik.problems.choices import ProblemSource, ProblemStatus
from otklik.problems.imports import indicators_import, problems_import
from otklik.problems.models import Measure, Problem


def _numbers(text: str) -> list[str]:
    return [n for n in re.split(r"[,;\s]+", text or "") if n]


@require_GET
@require_action(Action.PROBLEM_VIEW)
def problem_list_view(request: HttpRequest) -> HttpResponse:
    form = forms.FilterForm(request.GET or None)
    qs = selectors.problem_list(user=request.user, filters=form.filters())
    counts = selectors.problem_counts(user=request.user)
    return render(
        request,
        "problems/list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "counts": [(ProblemStatus(k).label, k, n) for k, n in counts.items()],
            "total": sum(counts.values()),
            "may_manage": can(request.user, Action.PROBLEM_MANAGE),
            "may_import": can(request.user, Action.PROBLEM_IMPORT),
        },
    )


def _get(request: HttpRequest, pk: int) -> Problem:
    try:
        return selectors.problem_get(user=request.user, pk=pk)
    except Problem.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@require_action(Action.PROBLEM_VIEW)
def problem_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _get(request, pk)
    may_manage = can(request.user, Action.PROBLEM_MANAGE, problem)
    return render(
        request,
        "problems/detail.html",
        {
            "problem": problem,
            "measures": selectors.problem_measures(problem),
            "cases_page": paginate(
                request, selectors.problem_cases(user=request.user, problem=problem)
            ),
            "inflow": selectors.problem_inflow(user=request.user, problem=problem),
            "may_manage": may_manage,
            "status_form": forms.StatusForm() if may_manage else None,
            "cause_form": forms.RootCauseForm(
                initial={"root_cause": problem.root_cause, "owner": problem.owner}
            )
            if may_manage
            else None,
            "measure_form": forms.MeasureForm() if may_manage else None,
            "cases_form": forms.CasesForm() if may_manage else None,
            "indicators_form": forms.IndicatorsForm(
                initial={"indicators": list(problem.indicators.all())}
            )
            if may_manage
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
@require_action(Action.PROBLEM_MANAGE)
def problem_create_view(request: HttpRequest) -> HttpResponse:
    """By hand; or from a cluster: ``case`` numbers posted from a list of cases."""
    numbers = request.POST.getlist("case") or _numbers(request.GET.get("cases", ""))
    cases = selectors.cases_by_numbers(user=request.user, numbers=numbers) if numbers else []
    form = forms.ProblemForm(
        request.POST if "title" in request.POST else None, initial=_guess(cases)
    )
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            problem = services.problem_create(
                actor=request.user,
                title=d["title"],
                sector=d["sector"],
                description=d["description"],
                municipalities=d["municipalities"],
                city_districts=d["city_districts"],
                topics=d["topics"],
                owner=d["owner"],
                root_cause=d["root_cause"],
                source=ProblemSource.CLUSTER if cases else ProblemSource.MANUAL,
                cases=cases,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Проблема внесена в реестр.")
            return redirect("problems:detail", pk=problem.pk)
    return render(request, "problems/form.html", {"form": form, "cases": cases})


def _guess(cases: list[Case]) -> dict:
    """Prefill from the chosen cases: their most common sector, their topics and areas."""
    if not cases:
        return {}
    sectors = [c.sector for c in cases if c.sector]
    return {
        "sector": max(set(sectors), key=sectors.count) if sectors else None,
        "topics": list({c.topic for c in cases if c.topic}),
        "municipalities": list({c.municipality for c in cases if c.municipality}),
        "title": cases[0].topic.name if cases[0].topic else "",
    }


def _valid(form_class, post, error: str) -> dict:
    """The cleaned data of ``form_class`` over ``post``, or the Russian ``error``."""
    form = form_class(post)
    if not form.is_valid():
        raise ApplicationError(error)
    return form.cleaned_data


@require_POST
@require_action(Action.PROBLEM_MANAGE)
def problem_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    problem = _get(request, pk)
    user, post = request.user, request.POST
    try:
        if action == "status":
            data = _valid(forms.StatusForm, post, "Выберите состояние и укажите причину.")
            services.problem_update(actor=user, problem=problem, **data)
            done = "Состояние изменено."
        elif action == "cause":
            data = _valid(forms.RootCauseForm, post, "Проверьте поля.")
            services.problem_update(actor=user, problem=problem, **data)
            done = "Сохранено."
        elif action == "measure":
            data = _valid(forms.MeasureForm, post, "Опишите меру и укажите срок.")
            services.measure_add(actor=user, problem=problem, **data)
            done = "Мера добавлена."
        elif action == "measure_done":
            measure = Measure.objects.filter(problem=problem, pk=post.get("measure")).first()
            data = _valid(forms.MeasureDoneForm, post, "Нет такой меры.")
            if measure is None:
                raise ApplicationError("Нет такой меры.")
            day = data["done_on"]
            done_at = (
                timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
                if day and day < timezone.localdate()
                else None
            )
            services.measure_complete(
                actor=user, measure=measure, done_at=done_at, note=data["note"]
            )
            done = "Мера отмечена выполненной."
        elif action == "cases_add":
            numbers = _numbers(post.get("numbers", ""))
            cases = selectors.cases_by_numbers(user=user, numbers=numbers)
            if len(cases) != len(set(numbers)):
                raise ApplicationError("Некоторых номеров нет или они вне вашей зоны.")
            added = services.problem_cases_add(actor=user, problem=problem, cases=cases)
            done = f"Добавлено инцидентов: {len(added)}."
        elif action == "cases_remove":
            cases = selectors.cases_by_numbers(user=user, numbers=post.getlist("case"))
            removed = services.problem_cases_remove(actor=user, problem=problem, cases=cases)
            done = f"Убрано инцидентов: {len(removed)}."
        elif action == "indicators":
            data = _valid(forms.IndicatorsForm, post, "Нет таких показателей.")
            services.problem_indicators_set(
                actor=user, problem=problem, indicators=data["indicators"]
            )
            done = "Показатели сохранены."
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("problems:detail", pk=problem.pk)


@require_http_methods(["GET", "POST"])
@require_action(Action.PROBLEM_IMPORT)
def import_view(request: HttpRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        run = problems_import if d["kind"] == "problems" else indicators_import
        try:
            report = run(
                actor=request.user,
                name=d["file"].name,
                content=d["file"].read(),
                dry_run=d["dry_run"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(request, "problems/import.html", {"form": form, "report": report})


# --- an emerging-problem alert of the analytics, decided into the registry --------------------
@require_POST
@require_action(Action.ANALYTICS_VIEW)
def alert_decide_view(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    alert = get_object_or_404(
        visible_to(Alert.objects.all(), request.user, Action.ANALYTICS_VIEW), pk=pk
    )
    try:
        if decision == "confirm":
            problem = services.problem_create_from_alert(actor=request.user, alert=alert)
        elif decision == "dismiss":
            alert_decide(actor=request.user, alert=alert, confirm=False)
            problem = None
        else:
            return HttpResponse(status=404)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("analytics:alerts")
    if problem is not None:
        messages.success(request, "Сигнал подтверждён: проблема внесена в реестр.")
        return redirect("problems:detail", pk=problem.pk)
    messages.success(request, "Сигнал отклонён.")
    return redirect("analytics:alerts")
