"""Signed webhooks: external systems sign the bodies they POST to the ingestion API.

A system that can call Otklik signs each request with HMAC-SHA256 and its own secret::

    X-Otklik-System: <system>
    X-Otklik-Timestamp: <Unix time, seconds>
    X-Otklik-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>." + raw body)>

The secret is read from ``OTKLIK_WEBHOOK_SECRET_<SYSTEM>`` (or ``…_FILE``; ``<SYSTEM>`` is the
system name in capitals, every character other than A–Z and 0–9 replaced by ``_``) — never from
the database: HMAC needs the secret itself, so it cannot be stored hashed like an API key.
A request is refused (401, with the reason) when the signature does not match, when the
timestamp is outside ``OTKLIK_WEBHOOK_TOLERANCE_SECONDS`` (300) of now, or when the same signature
was already used (a replay within the window; remembered in the cache for the window).

A signature is an alternative to the API key, or an addition to it: once a secret is configured
for a system, that system's requests must be signed, with or without its API key (with both,
the key must belong to the signing system).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions

from otklik.accounts.apikeys import ApiKeyAuthentication, SystemPrincipal

SIGNATURE_HEADER = "X-Otklik-Signature"
TIMESTAMP_HEADER = "X-Otklik-Timestamp"
SYSTEM_HEADER = "X-Otklik-System"


def secret_key(system: str) -> str:
    """``<SYSTEM>`` of the system's variable: its name in capitals, other characters as ``_``."""
    return re.sub(r"[^A-Z0-9]", "_", system.upper())


def secret_variable(system: str) -> str:
    return "OTKLIK_WEBHOOK_SECRET_" + secret_key(system)


def webhook_secret(system: str) -> str:
    """The system's signing secret (``settings.OTKLIK_WEBHOOK_SECRETS``, read from the
    environment or files at start-up), or ''."""
    return settings.OTKLIK_WEBHOOK_SECRETS.get(secret_key(system), "") if system else ""


def tolerance_seconds() -> int:
    return settings.OTKLIK_WEBHOOK_TOLERANCE_SECONDS


def webhook_sign(secret: str, body: bytes, timestamp: int | str) -> str:
    """The header value a system sends: ``sha256=<hex>`` over ``"<timestamp>." + body``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@dataclass(frozen=True)
class SignedSystemPrincipal:
    """The caller authenticated by a webhook signature (no API key)."""

    system: str
    is_authenticated: bool = True
    is_active: bool = True
    is_superuser: bool = False
    role: str = ""
    pk: None = None

    def __str__(self) -> str:
        return f"система «{self.system}» (подпись)"


class SignatureError(exceptions.AuthenticationFailed):
    pass


def signature_verify(*, system: str, signature: str, timestamp: str, body: bytes) -> None:
    """Raise ``SignatureError`` with the reason unless the request is signed right and fresh."""
    if not system:
        raise SignatureError(f"Подпись без имени системы (заголовок {SYSTEM_HEADER}).")
    secret = webhook_secret(system)
    if not secret:
        raise SignatureError(
            f"Для системы «{system}» не задан секрет подписи ({secret_variable(system)})."
        )
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        raise SignatureError(
            f"Нет или неверное время подписи (заголовок {TIMESTAMP_HEADER}: секунды Unix)."
        ) from None
    window = tolerance_seconds()
    if abs(time.time() - sent_at) > window:
        raise SignatureError(
            f"Время подписи вне допустимого окна ±{window} с: запрос устарел или часы "
            "системы идут неверно."
        )
    expected = webhook_sign(secret, body, sent_at)
    if not hmac.compare_digest(expected, signature.strip()):
        raise SignatureError(
            "Подпись не совпадает: HMAC-SHA256 от «<время>.<тело запроса>» с секретом системы."
        )
    # The same signed request twice within the window is a replay: refused.
    if not cache.add(f"webhook-signature:{system}:{expected}", 1, timeout=2 * window + 60):
        raise SignatureError("Повтор уже принятого подписанного запроса отклонён.")


class IngestAuthentication(ApiKeyAuthentication):
    """The ingestion API: an API key, a webhook signature, or both (see the module docstring)."""

    def authenticate(self, request):
        by_key = super().authenticate(request)
        signature = request.META.get("HTTP_X_OTKLIK_SIGNATURE", "")
        if not signature:
            if by_key is not None and webhook_secret(by_key[0].system):
                raise SignatureError(
                    f"Запросы системы «{by_key[0].system}» должны быть подписаны "
                    f"(заголовок {SIGNATURE_HEADER})."
                )
            return by_key
        system = request.META.get("HTTP_X_OTKLIK_SYSTEM", "").strip()
        if by_key is not None and by_key[0].system != system:
            raise SignatureError("Ключ API принадлежит другой системе, чем подпись.")
        signature_verify(
            system=system,
            signature=signature,
            timestamp=request.META.get("HTTP_X_OTKLIK_TIMESTAMP", ""),
            body=request._request.body,
        )
        if by_key is not None:
            return by_key
        return SignedSystemPrincipal(system=system), None


def is_external_system(user) -> bool:
    return isinstance(user, SystemPrincipal | SignedSystemPrincipal)


class IngestAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = IngestAuthentication
    name = ["ApiKeyAuth", "WebhookSignature"]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Api-Key <key>` (or the header `X-Api-Key: <key>`); keys are "
                "issued by `otklik apikey create --system NAME`.",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": SIGNATURE_HEADER,
                "description": "`sha256=<hex>`: HMAC-SHA256 with the system's secret "
                f"(`OTKLIK_WEBHOOK_SECRET_<SYSTEM>`) over `<{TIMESTAMP_HEADER}>.<raw body>`, "
                f"with the headers `{SYSTEM_HEADER}` and `{TIMESTAMP_HEADER}` (Unix seconds, "
                "±300 s); a replayed signature is refused.",
            },
        ]
