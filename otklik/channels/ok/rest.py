"""A small client of OK's REST API (``fb.do``) on behalf of the group, for its topics and
comments (https://apiok.ru/dev/methods/).

Every call carries ``application_key``, ``format=json``, ``method`` and ``access_token`` and is
signed: ``sig`` = md5 of the parameters (``access_token`` left out) sorted by name and joined as
``name=value``, followed by the session secret md5(``access_token`` + application secret key),
all in lower case. Errors come as ``{"error_code", "error_msg"}`` (``api.raise_for_error``).
"""

from __future__ import annotations

import hashlib
import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from otklik.channels.ok.api import OkError, post, raise_for_error
from otklik.channels.secrets import channel_secret


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


def call(method: str, creds: Credentials, **params: Any) -> Any:
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


__all__ = ["Credentials", "OkError", "call", "credentials", "signature"]
