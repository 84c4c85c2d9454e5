"""The case page's part of the language pipeline: the one-click correction of the topic."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from otklik.cases.selectors import case_get
from otklik.cases.services.corrections import message_topic_correct
from otklik.core.exceptions import ApplicationError, NotFound
from otklik.core.permissions import Action
from otklik.core.views import access_denied_as_403, require_action
from otklik.directory.models import Topic


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
        message_topic_correct(actor=request.user, message=message, topic=topic)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Тема исправлена: {topic.name}. Исправление учтётся при обучении."
        )
    return redirect("cases:detail", number=case.number)
