"""The Callback API endpoint of the VK community."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from otklik.channels.vk.services import callback_handle


@csrf_exempt  # VK signs nothing with cookies: the secret key in the body authenticates
@require_POST
def callback_view(request: HttpRequest) -> HttpResponse:
    body = request.body.decode("utf-8", errors="replace")
    answer = callback_handle(body=body)
    return HttpResponse(answer.text, status=answer.status, content_type="text/plain; charset=utf-8")
