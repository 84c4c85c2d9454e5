"""The operator's page «Зарегистрировать обращение» (thin: the form, the service, the result)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from otklik.channels.desk.forms import AppealForm
from otklik.channels.desk.services import appeal_register
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.permissions import Action
from otklik.core.views import require_action


@require_http_methods(["GET", "POST"])
@require_action(Action.APPEAL_REGISTER)
def register_view(request: HttpRequest) -> HttpResponse:
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = appeal_register(actor=request.user, data=form.appeal())
        except AccessDenied:
            raise
        except ApplicationError as exc:
            for name, texts in exc.extra.get("errors", {}).items():
                for text in texts:
                    form.add_error(name if name in form.fields else None, text)
            if not exc.extra.get("errors"):
                form.add_error(None, exc.message)
        else:
            result = result.reread()  # the case is opened once the message has committed
            if result.message is not None:
                messages.success(request, result.summary)
            else:
                messages.warning(request, result.summary)
            return redirect("channels_desk:register")
    return render(
        request,
        "channels_desk/register.html",
        {"form": form, "own_organization": getattr(request.user, "organization", None)},
    )
