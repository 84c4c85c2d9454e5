"""Pages of the language pipeline: the one-click correction on the case page, and the ЦУР page
of classifier models, corrections and re-processing runs (with progress)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from otklik.cases.selectors import case_get
from otklik.core.exceptions import ApplicationError, NotFound
from otklik.core.permissions import Action, can
from otklik.core.views import access_denied_as_403, require_action
from otklik.directory.models import Topic
from otklik.nlp import selectors, services
from otklik.nlp.models import ClassifierModel, ReprocessRun


@require_POST
@require_action(Action.MESSAGE_CLASSIFY)
@access_denied_as_403
def case_correct_view(request: HttpRequest, number: str) -> HttpResponse:
    """«Это другая тема»: the opening message of the case (and the case, while the ЦУР has
    not decided on it) take the topic chosen."""
    try:
        case = case_get(user=request.user, pk=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    message = case.messages.order_by("received_at", "pk").first()
    topic = Topic.objects.filter(code=request.POST.get("topic", ""), is_active=True).first()
    if message is None or topic is None:
        messages.error(request, "Выберите тему из списка.")
        return redirect("cases:detail", number=case.number)
    try:
        services.analysis_correct(actor=request.user, message=message, topic=topic)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Тема исправлена: {topic.name}. Исправление учтётся при обучении."
        )
    return redirect("cases:detail", number=case.number)


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
        lambda: services.model_activate(actor=request.user, model=model, force=force),
        f"Модель {model.version} включена.",
    )


@require_POST
@require_action(Action.MODEL_MANAGE)
@access_denied_as_403
def model_rollback_view(request: HttpRequest) -> HttpResponse:
    return _manage(
        request,
        lambda: services.model_rollback(actor=request.user),
        "Откат выполнен: работает предыдущая модель.",
    )


@require_POST
@require_action(Action.MODEL_MANAGE)
@access_denied_as_403
def reprocess_start_view(request: HttpRequest) -> HttpResponse:
    only = request.POST.get("only_unanalysed") == "1"
    return _manage(
        request,
        lambda: services.reprocess_start(actor=request.user, only_unanalysed=only),
        "Переобработка запущена: ход виден ниже.",
    )


@require_POST
@require_action(Action.MODEL_MANAGE)
@access_denied_as_403
def reprocess_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ReprocessRun, pk=pk)
    return _manage(
        request,
        lambda: services.reprocess_cancel(actor=request.user, run=run),
        "Переобработка остановлена.",
    )
