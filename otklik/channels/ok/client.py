"""Small clients of OK's two APIs, on behalf of the group.

- The Graph API (Bot API for groups, ``call``): JSON over HTTPS, ``access_token`` in the query.
- The REST API (``fb.do``, ``rest_call``), for the group's topics and comments
  (https://apiok.ru/dev/methods/). Every call carries ``application_key``, ``format=json``,
  ``method`` and ``access_token`` and is signed: ``sig`` = md5 of the parameters
  (``access_token`` left out) sorted by name and joined as ``name=value``, followed by the
  session secret md5(``access_token`` + application secret key), all in lower case.

Both answer a failed call with ``{"error_code", "error_msg"}`` (``raise_for_error``).
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
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


# --- the REST API (fb.do) ------------------------------------------------------------------------
@dataclass(frozen=True)
class Credentials:
    application_key: str
    secret_key: str
    access_token: str
    group_id: str


def credentials(*, required: bool = True) -> Credentials | None:
    """The group's REST credentials from the environment (never the database); ``None`` when
    one is missing and ``required`` is false (the group's page is then not read)."""
    values = [
        channel_secret("ok", name, required=required)
        for name in ("application_key", "secret_key", "access_token", "group_id")
    ]
    if not all(values):
        return None
    return Credentials(*values)


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest().lower()  # OK's protocol


def signature(params: dict[str, str], *, access_token: str, secret_key: str) -> str:
    joined = "".join(f"{name}={params[name]}" for name in sorted(params))
    return _md5(joined + _md5(access_token + secret_key))


def rest_call(method: str, creds: Credentials, **params: Any) -> Any:
    """Call ``method``; the answer, or ``OkError`` (``permanent`` when repeating will not help)."""
    signed = {k: str(v) for k, v in params.items() if v is not None and v != ""}
    signed |= {"application_key": creds.application_key, "format": "json", "method": method}
    signed["sig"] = signature(signed, access_token=creds.access_token, secret_key=creds.secret_key)
    signed["access_token"] = creds.access_token
    answer = post(
        settings.OTKLIK_OK_REST_URL,
        data=urllib.parse.urlencode(signed).encode(),
        content_type="application/x-www-form-urlencoded;charset=utf-8",
        where=method,
    )
    raise_for_error(method, answer)
    return answer
