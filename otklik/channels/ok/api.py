"""A small client of OK's Graph API (Bot API for groups): JSON over HTTPS, ``access_token`` in
the query; errors come as ``{"error_code", "error_msg"}``."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from otklik.channels.secrets import channel_secret
from otklik.config import env_str

DEFAULT_API_URL = "https://api.ok.ru/graph"
TIMEOUT_SECONDS = 20

# Worth retrying: unknown, service unavailable, flood control, limit reached, system error.
RETRYABLE_CODES = frozenset({1, 2, 8, 11, 9999})


class OkError(Exception):
    def __init__(self, message: str, *, code: int | None = None, permanent: bool = False):
        super().__init__(message)
        self.code = code
        self.permanent = permanent


def call(path: str, payload: dict) -> Any:
    """POST ``payload`` to ``<API>/<path>`` on behalf of the group."""
    token = channel_secret("ok", "token")
    base = (env_str("OTKLIK_OK_API_URL") or DEFAULT_API_URL).rstrip("/")
    url = f"{base}/{path}?" + urllib.parse.urlencode({"access_token": token})
    if not url.startswith(("https://", "http://")):
        raise OkError(f"Неверный адрес API Одноклассников: {base}", permanent=True)
    request = urllib.request.Request(  # noqa: S310 — scheme checked
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json;charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise OkError(f"{path}: HTTP {exc.code}", permanent=exc.code in (400, 403, 404)) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise OkError(f"{path}: сеть недоступна ({exc})") from None
    except (ValueError, UnicodeDecodeError):
        raise OkError(f"{path}: ответ API не в формате JSON") from None
    if isinstance(answer, dict) and "error_code" in answer:
        code = answer.get("error_code")
        raise OkError(
            f"{path}: ошибка {code}: {answer.get('error_msg', '')}",
            code=code,
            permanent=code not in RETRYABLE_CODES,
        )
    return answer
