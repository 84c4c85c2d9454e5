"""A small client of OK's Graph API (Bot API for groups): JSON over HTTPS, ``access_token`` in
the query; errors come as ``{"error_code", "error_msg"}``."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from otklik.channels.secrets import channel_secret

TIMEOUT_SECONDS = 20

# Worth retrying (OK's error codes, the same for the Graph API and ``fb.do``): unknown, service
# temporarily unavailable, action temporarily blocked, flood control, limit reached, system
# error. Every other code (permission denied, not found, wrong parameter or signature, expired
# session …) is a refusal that repeating will not change.
RETRYABLE_CODES = frozenset({1, 2, 7, 8, 11, 9999})


class OkError(Exception):
    def __init__(self, message: str, *, code: int | None = None, permanent: bool = False):
        super().__init__(message)
        self.code = code
        self.permanent = permanent


def call(path: str, payload: dict) -> Any:
    """POST ``payload`` to ``<API>/<path>`` on behalf of the group."""
    token = channel_secret("ok", "token")
    base = settings.OTKLIK_OK_API_URL.rstrip("/")
    url = f"{base}/{path}?" + urllib.parse.urlencode({"access_token": token})
    answer = post(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        content_type="application/json;charset=utf-8",
        where=path,
    )
    raise_for_error(path, answer)
    return answer


def post(url: str, *, data: bytes, content_type: str, where: str) -> Any:
    """One POST to OK; the JSON answer (an error answer too), or ``OkError`` when the network or
    the answer fails."""
    if not url.startswith(("https://", "http://")):
        raise OkError(f"Неверный адрес API Одноклассников: {url.split('?')[0]}", permanent=True)
    request = urllib.request.Request(  # noqa: S310 — scheme checked
        url, data=data, headers={"Content-Type": content_type}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise OkError(f"{where}: HTTP {exc.code}", permanent=exc.code in (400, 403, 404)) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise OkError(f"{where}: сеть недоступна ({exc})") from None
    except (ValueError, UnicodeDecodeError):
        raise OkError(f"{where}: ответ API не в формате JSON") from None


def raise_for_error(where: str, answer: Any) -> None:
    """OK answers a failed call with ``{"error_code", "error_msg"}`` (HTTP 200)."""
    if isinstance(answer, dict) and "error_code" in answer:
        code = answer.get("error_code")
        raise OkError(
            f"{where}: ошибка {code}: {answer.get('error_msg', '')}",
            code=code,
            permanent=code not in RETRYABLE_CODES,
        )
