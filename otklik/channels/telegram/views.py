"""The webhook Telegram posts updates to (``setWebhook`` with ``secret_token``)."""

from __future__ import annotations

import hmac

from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from otklik.channels.secrets import channel_secret
from otklik.channels.telegram.services import update_receive

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 — a header name


@csrf_exempt
@require_POST
def webhook_view(request):
    """Checks ``X-Telegram-Bot-Api-Secret-Token`` against ``OTKLIK_TELEGRAM_WEBHOOK_SECRET``
    (no secret configured: every call is refused), then receives the update. Answers 200 once
    the update is stored, even when it went to the quarantine: Telegram would only repeat it."""
    expected = channel_secret("telegram", "webhook_secret", required=False)
    given = request.headers.get(SECRET_HEADER, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponseForbidden("forbidden")
    update_receive(body=request.body)
    return HttpResponse("ok", content_type="text/plain")
