"""A small client of the VK API methods Otklik uses (``method/<name>`` with ``access_token`` and
``v``; answers ``{"response": ...}`` or ``{"error": {"error_code", "error_msg"}}``)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from otklik.channels.secrets import channel_secret

TIMEOUT_SECONDS = 20

# Errors worth retrying: unknown, authorisation (a key being replaced), too many requests,
# flood control, internal server error, rate limit, temporarily unavailable. Every other code
# is a refusal (access denied, deleted post, blacklist, privacy …) and will not change.
RETRYABLE_CODES = frozenset({1, 5, 6, 9, 10, 29, 603})


class VkError(Exception):
    """A failure of a VK call; ``permanent`` when repeating it will not help."""

    def __init__(self, message: str, *, code: int | None = None, permanent: bool = False):
        super().__init__(message)
        self.code = code
        self.permanent = permanent


def api_url() -> str:
    return settings.OTKLIK_VK_API_URL.rstrip("/")


def group_id() -> int:
    value = channel_secret("vk", "group_id")
    try:
        return abs(int(value))
    except ValueError:
        raise VkError(f"OTKLIK_VK_GROUP_ID={value!r}: нужен числовой id сообщества.") from None


def call(method: str, *, token: str, **params: Any) -> Any:
    """Call ``method``; returns the ``response`` part or raises ``VkError``."""
    data = {k: v for k, v in params.items() if v is not None and v != ""}
    data["access_token"] = token
    data["v"] = settings.OTKLIK_VK_API_VERSION
    body = urllib.parse.urlencode(data).encode()
    url = f"{api_url()}/{method}"
    if not url.startswith(("https://", "http://")):
        raise VkError(f"Неверный адрес API ВКонтакте: {url}", permanent=True)
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 — scheme checked
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            payload = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise VkError(f"{method}: HTTP {exc.code}", permanent=False) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise VkError(f"{method}: сеть недоступна ({exc})") from None
    except (ValueError, UnicodeDecodeError):
        raise VkError(f"{method}: ответ API не в формате JSON") from None
    if not isinstance(payload, dict):
        raise VkError(f"{method}: неожиданный ответ API")
    if "error" in payload:
        error = payload["error"] or {}
        code = error.get("error_code")
        text = error.get("error_msg", "")
        raise VkError(
            f"{method}: ошибка {code}: {text}",
            code=code,
            permanent=code not in RETRYABLE_CODES,
        )
    if "response" not in payload:
        raise VkError(f"{method}: в ответе API нет response")
    return payload["response"]
