"""The registry pages: thin — parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from otklik.analytics.models import Alert
from otklik.analytics.services import alert_decide
from otklik.cases.models import Case
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, can, visible_to
from otklik.core.uploads import upload_form, upload_step
from otklik.core.views import attempt, paginate, require_action
from otklik.problems import forms, selectors, services
from otklik.problems.choices import ProblemSource, ProblemStatus
from otklik.problems.filters import ProblemFilter
from otklik.problems.imports import (
    ImportReport,
    indicators_import,
    indicators_mapping,
    problems_import,
    problems_mapping,
)
from otklik.problems.models import Measure, Problem


def _numbers(text: str) -> list[str]:
    return [n for n in re.split(r"[,;\s]+", text or "") if n]


@require_GET
@require_action(Action.PROBLEM_VIEW)
def problem_list_view(request: HttpRequest) -> HttpResponse:
    filters = ProblemFilter(request.GET, request=request)
    counts = selectors.problem_counts(user=request.user)
    return render(
        request,
        "problems/list.html",
        {
            "form": filters.form,
            "filter_error": filters.error_text(),
            "page_obj": paginate(request, filters.qs),
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


# --- the verbs of the problem page: POST /problems/<pk>/<verb>/ -----------------------------
@dataclass(frozen=True)
class Verb:
    run: Callable[[HttpRequest, Problem, Any], Any]  # the service call, with the parsed data
    done: Callable[[Any], str] | str  # what the page says about the result ("": run said it)
    form: type[django_forms.Form] | None = None  # parses the POST (None: ``run`` reads it)
    invalid: str = ""  # what the page says when the form is invalid


def _measure_done(request: HttpRequest, problem: Problem, d: dict) -> Any:
    measure = Measure.objects.filter(problem=problem, pk=request.POST.get("measure")).first()
    if measure is None:
        raise ApplicationError("Нет такой меры.")
    day = d["done_on"]
    done_at = (
        timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
        if day and day < timezone.localdate()
        else None
    )
    return services.measure_complete(
        actor=request.user, measure=measure, done_at=done_at, note=d["note"]
    )


def _cases_add(request: HttpRequest, problem: Problem, post: Any) -> str:
    """The numbers that can be joined are; the others are named, each by why not."""
    numbers = _numbers(post.get("numbers", ""))
    if not numbers:
        raise ApplicationError("Введите номера инцидентов через пробел или запятую.")
    result = services.problem_cases_add_numbers(
        actor=request.user, problem=problem, numbers=numbers
    )
    refused = [
        (result.already, "уже в проблеме"),
        (result.not_found, "нет такого инцидента или он вам недоступен"),
        ([f"«{m}»" for m in result.malformed], "не номер инцидента (нужен вид 2026-0000123)"),
    ]
    why = "; ".join(f"{', '.join(items)} — {reason}" for items, reason in refused if items)
    if not result.added:
        raise ApplicationError(f"Инциденты не добавлены: {why}.")
    added = f"Добавлено инцидентов: {len(result.added)} ({', '.join(result.added)})."
    if why:  # some joined, some not: one warning tells both
        messages.warning(request, f"{added} Не добавлены: {why}.")
        return ""
    return added


def _cases_remove(request: HttpRequest, problem: Problem, post: Any) -> list:
    cases = selectors.cases_by_numbers(user=request.user, numbers=post.getlist("case"))
    return services.problem_cases_remove(actor=request.user, problem=problem, cases=cases)


def _update(request: HttpRequest, problem: Problem, d: dict) -> Problem:
    return services.problem_update(actor=request.user, problem=problem, **d)


VERBS: dict[str, Verb] = {
    "status": Verb(
        _update, "Состояние изменено.", forms.StatusForm, "Выберите состояние и укажите причину."
    ),
    "cause": Verb(_update, "Сохранено.", forms.RootCauseForm, "Проверьте поля."),
    "measure": Verb(
        lambda r, p, d: services.measure_add(actor=r.user, problem=p, **d),
        "Мера добавлена.",
        forms.MeasureForm,
        "Опишите меру и укажите срок.",
    ),
    "measure_done": Verb(
        _measure_done, "Мера отмечена выполненной.", forms.MeasureDoneForm, "Нет такой меры."
    ),
    "cases_add": Verb(_cases_add, lambda said: said),
    "cases_remove": Verb(_cases_remove, lambda removed: f"Убрано инцидентов: {len(removed)}."),
    "indicators": Verb(
        lambda r, p, d: services.problem_indicators_set(
            actor=r.user, problem=p, indicators=d["indicators"]
        ),
        "Показатели сохранены.",
        forms.IndicatorsForm,
        "Нет таких показателей.",
    ),
}


@require_POST
@require_action(Action.PROBLEM_MANAGE)
def problem_verb_view(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """Parse the verb's form, call its service, go back to the problem with a message."""
    problem = _get(request, pk)
    spec = VERBS.get(verb)
    if spec is None:
        raise Http404
    try:
        data: Any = request.POST
        if spec.form is not None:
            form = spec.form(request.POST)
            if not form.is_valid():
                raise ApplicationError(spec.invalid)
            data = form.cleaned_data
        result = spec.run(request, problem, data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        done = spec.done(result) if callable(spec.done) else spec.done
        if done:
            messages.success(request, done)
    return redirect("problems:detail", pk=problem.pk)


@require_http_methods(["GET", "POST"])
@require_action(Action.PROBLEM_IMPORT)
def import_view(request: HttpRequest) -> HttpResponse:
    form = upload_form(forms.ImportForm, request)

    def run(payload: dict, dry_run: bool) -> ImportReport:
        problems = payload["kind"] == "problems"
        text = payload["mapping"]
        mapping = (problems_mapping if problems else indicators_mapping)(text) if text else None
        return (problems_import if problems else indicators_import)(
            actor=request.user,
            name=payload["name"],
            content=payload["content"],
            dry_run=dry_run,
            mapping=mapping,
        )

    report, token = upload_step(request, form, run, extra=("kind",))
    return render(request, "problems/import.html", {"form": form, "report": report, "token": token})


# --- an emerging-problem alert of the analytics, decided into the registry --------------------
def _dismiss(request: HttpRequest, alert: Alert) -> None:
    alert_decide(actor=request.user, alert=alert, confirm=False)


# POST /problems/from-alert/<pk>/<verb>/: verb → the service call (the new problem, or None)
ALERT_VERBS: dict[str, Callable[[HttpRequest, Alert], Problem | None]] = {
    "confirm": lambda r, alert: services.problem_create_from_alert(actor=r.user, alert=alert),
    "dismiss": _dismiss,
}


@require_POST
@require_action(Action.ANALYTICS_VIEW)
def alert_verb_view(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    alert = get_object_or_404(
        visible_to(Alert.objects.all(), request.user, Action.ANALYTICS_VIEW), pk=pk
    )
    run = ALERT_VERBS.get(verb)
    if run is None:
        raise Http404
    try:
        problem = run(request, alert)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("analytics:alerts")
    if problem is not None:
        messages.success(request, "Сигнал подтверждён: проблема внесена в реестр.")
        return redirect("problems:detail", pk=problem.pk)
    messages.success(request, "Сигнал отклонён.")
    return redirect("analytics:alerts")


# --- the ЦУР's list of regional problems (its approved work plan) ------------------------------
@require_http_methods(["GET", "POST"])
@require_action(Action.PROBLEM_VIEW)
def lists_view(request: HttpRequest) -> HttpResponse:
    may_form = can(request.user, Action.PROBLEM_MANAGE) and not request.user.sector_id
    form = forms.ProblemListForm(request.POST or None) if may_form else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Перечень формирует ЦУР.")
        if form.is_valid():
            d = form.cleaned_data
            plan = attempt(
                request,
                lambda: services.problem_list_form(
                    actor=request.user, title=d["title"], period=d["period"], top=d["top"],
                    due=d["due"],
                ),
                "Перечень сформирован по приоритетам: проверьте его.",
            )  # fmt: skip
            if plan is not None:
                return redirect("problems:list_detail", pk=plan.pk)
    return render(
        request,
        "problems/lists.html",
        {
            "rows": selectors.problem_lists(user=request.user),
            "ranking": selectors.problem_ranking(user=request.user)[:20],
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@require_action(Action.PROBLEM_VIEW)
def list_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    from otklik.approvals.selectors import approval_of, approval_panel

    plan = selectors.problem_list_get(user=request.user, pk=pk)
    if plan is None:
        raise Http404
    approval = approval_of(kind=services.PROBLEM_LIST, target_id=plan.pk)
    may_edit = (
        approval is not None
        and approval.is_editable
        and can(request.user, Action.PROBLEM_MANAGE)
        and not request.user.sector_id
    )
    if request.method == "POST":
        item = get_object_or_404(plan.items.all(), pk=request.POST.get("item"))
        form = forms.ProblemListItemForm(request.POST, prefix=f"i{item.pk}")
        if not form.is_valid():
            messages.error(request, "Укажите блок и срок.")
        else:
            d = form.cleaned_data
            attempt(
                request,
                lambda: services.problem_list_item_update(
                    actor=request.user, item=item, sector=d["sector"], project=d["project"],
                    due=d["due"],
                ),
                "Строка перечня сохранена.",
            )  # fmt: skip
        return redirect("problems:list_detail", pk=plan.pk)
    items = list(plan.items.select_related("problem", "sector").order_by("rank"))
    return render(
        request,
        "problems/list_detail.html",
        {
            "plan": plan,
            "items": [
                (
                    i,
                    forms.ProblemListItemForm(
                        initial={"sector": i.sector, "project": i.project, "due": i.due},
                        prefix=f"i{i.pk}",
                    )
                    if may_edit
                    else None,
                )
                for i in items
            ],
            "may_edit": may_edit,
            "panel": approval_panel(user=request.user, approval=approval),
        },
    )
