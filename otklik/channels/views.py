"""The ЦУР page of channel health."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from otklik.channels.selectors import channel_health_list
from otklik.core.permissions import Action, can
from otklik.core.views import access_denied_as_403, require_action


@require_GET
@require_action(Action.CHANNEL_VIEW)
@access_denied_as_403
def health_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "channels/health.html",
        {
            "rows": channel_health_list(user=request.user),
            "can_import": can(request.user, Action.CHANNEL_IMPORT),
        },
    )
