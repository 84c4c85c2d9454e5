"""Rate limits of the public form, kept in Django's cache (the database cache of the embedded
profile, Redis when configured).

A counter starts at the first hit and expires ``window`` seconds later (no fixed clock
windows). Keys carry a hash of the address or contact, never the value itself."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

HOUR = 3600
DAY = 24 * HOUR


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or the header named by
    ``OTKLIK_WEBFORM_CLIENT_IP_HEADER`` when a reverse proxy sets it (e.g. ``X-Real-IP``)."""
    header = settings.OTKLIK_WEBFORM_CLIENT_IP_HEADER
    if header:
        value = request.headers.get(header, "")
        if value:
            return value.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, ident: str) -> str:
    digest = hashlib.sha256(f"{scope}:{ident}".encode()).hexdigest()[:32]
    return f"otklik:webform:{scope}:{digest}"


def used(scope: str, ident: str) -> int:
    return int(cache.get(_key(scope, ident)) or 0)


def exceeded(scope: str, ident: str, limit: int) -> bool:
    """Whether ``ident`` already used up ``limit`` (0 turns the limit off)."""
    return bool(limit) and used(scope, ident) >= limit


def count(scope: str, ident: str, window: int) -> int:
    """One more use; the counter lives ``window`` seconds from its first use."""
    key = _key(scope, ident)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def contact_ident(phone: str, email: str) -> str:
    return email.strip().lower() or "".join(ch for ch in phone if ch.isdigit())
