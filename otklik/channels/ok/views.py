"""The webhook of the group's chats in Одноклассники."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from otklik.channels.ok.services import webhook_handle


@csrf_exempt  # OK signs nothing: the secret in the address authenticates
@require_POST
def webhook_view(request: HttpRequest, key: str) -> HttpResponse:
    status, text = webhook_handle(key=key, body=request.body.decode("utf-8", errors="replace"))
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
