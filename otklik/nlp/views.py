"""The ЦУР page of the language pipeline: classifier models, corrections and re-processing runs
(with progress). The one-click correction on the case page is the cases app's
(``otklik.cases.views.verbs``, the verb «correct»)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, can
from otklik.core.views import access_denied_as_403, require_action
from otklik.nlp import selectors
from otklik.nlp.models import ClassifierModel, ReprocessRun
from otklik.nlp.services import classifiers, reprocess


def _models_context(request: HttpRequest) -> dict:
    user = request.user
    runs = selectors.reprocess_runs(user=user)
    return {
        "models": list(selectors.model_list(user=user)[:20]),
        "active": selectors.active_model(),
        "runs": runs,
        "running": any(r.status in ("queued", "running") for r in runs),
        "corrections": selectors.correction_summary(user=user),
        "may_manage": can(user, Action.MODEL_MANAGE),
    }


@require_GET
@require_action(Action.MODEL_VIEW)
@access_denied_as_403
def models_view(request: HttpRequest) -> HttpResponse:
    context = _models_context(request)
    if request.headers.get("HX-Request"):
        return render(request, "nlp/_runs.html", context)
    return render(request, "nlp/models.html", context)


def _manage(request: HttpRequest, run, done: str) -> HttpResponse:
    try:
        run()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("nlp:models")


@require_POST
@require_action(Action.MODEL_MANAGE)
@access_denied_as_403
def model_activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    model = get_object_or_404(ClassifierModel, pk=pk)
    force = request.POST.get("force") == "1"
    return _manage(
        request,
        lambda: classifiers.model_activate(actor=request.user, model=model, force=force),
        f"Модель {model.version} включена.",
    )


@require_POST
@require_action(Action.MODEL_MANAGE)
@access_denied_as_403
def model_rollback_view(request: HttpRequest) -> HttpResponse:
    return _manage(
        request,
        lambda: classifiers.model_rollback(actor=request.user),
        "Откат выполнен: работает предыдущая модель.",
    )


@require_POST
@require_action(Action.MODEL_MANAGE)
@access_denied_as_403
def reprocess_start_view(request: HttpRequest) -> HttpResponse:
    only = request.POST.get("only_unanalysed") == "1"
    return _manage(
        request,
        lambda: reprocess.reprocess_start(actor=request.user, only_unanalysed=only),
        "Переобработка запущена: ход виден ниже.",
    )


@require_POST
@require_action(Action.MODEL_MANAGE)
@access_denied_as_403
def reprocess_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ReprocessRun, pk=pk)
    return _manage(
        request,
        lambda: reprocess.reprocess_cancel(actor=request.user, run=run),
        "Переобработка остановлена.",
    )
