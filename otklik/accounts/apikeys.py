"""API keys of external systems: issue, revoke, authenticate (DRF authentication class)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from otklik.accounts.models import ApiKey
from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError

KEY_PREFIX = "otk_"


def _hash(key: str) -> str:
    # Keys are 256 random bits: a fast hash is enough (nothing to brute-force).
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SystemPrincipal:
    """The caller authenticated by an API key: an external system, not a person."""

    api_key: ApiKey
    is_authenticated: bool = True
    is_active: bool = True
    is_superuser: bool = False
    role: str = ""
    pk: None = None

    @property
    def system(self) -> str:
        return self.api_key.system

    def __str__(self) -> str:
        return f"система «{self.system}»"


@transaction.atomic
def apikey_create(*, system: str, actor: Any = None) -> tuple[ApiKey, str]:
    """Issue a key for ``system``; returns the row and the key itself (shown once)."""
    system = system.strip()
    if not system:
        raise ApplicationError("Укажите название внешней системы.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        system=system,
        prefix=key[: len(KEY_PREFIX) + 8],
        key_hash=_hash(key),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_log(actor=actor, action="apikey.create", target=api_key, data={"system": system})
    return api_key, key


@transaction.atomic
def apikey_revoke(*, api_key: ApiKey, actor: Any = None) -> ApiKey:
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit_log(
            actor=actor, action="apikey.revoke", target=api_key, data={"system": api_key.system}
        )
    return api_key


def apikey_lookup(key: str) -> ApiKey | None:
    """The active key row for ``key``, or None."""
    if not key.startswith(KEY_PREFIX):
        return None
    api_key = ApiKey.objects.filter(key_hash=_hash(key), revoked_at__isnull=True).first()
    if api_key is not None:
        # At most one write a minute per key: the ingestion path stays cheap.
        now = timezone.now()
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Api-Key <key>`` or ``X-Api-Key: <key>``."""

    keyword = "Api-Key"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        key = ""
        if header.startswith(self.keyword + " "):
            key = header[len(self.keyword) + 1 :].strip()
        elif request.META.get("HTTP_X_API_KEY"):
            key = request.META["HTTP_X_API_KEY"].strip()
        if not key:
            return None
        api_key = apikey_lookup(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed("Неизвестный или отозванный ключ API.")
        return SystemPrincipal(api_key=api_key), api_key

    def authenticate_header(self, request):
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the API-key authentication."""

    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>` (or the header `X-Api-Key: <key>`); keys are "
            "issued by `otklik apikey create --system NAME`.",
        }
