"""The adapter's configuration, as it is used (read once by ``otklik/settings.py``; secrets
through ``channel_secret``)."""

from __future__ import annotations

from django.conf import settings

MODES = ("off", "polling", "webhook")


def mode() -> str:
    """``OTKLIK_TELEGRAM_MODE``: ``off`` (default), ``polling`` (the periodic job reads
    updates) or ``webhook`` (Telegram posts them to /channels/telegram/webhook/)."""
    value = settings.OTKLIK_TELEGRAM_MODE
    return value if value in MODES else "off"


def consent_wait_minutes() -> int:
    """``OTKLIK_TELEGRAM_CONSENT_WAIT_MINUTES``: how long a message of a chat without consent
    waits for the answer to the consent question before it goes on anonymously (default 60;
    the ЦУР's social-network answers are due within a day, so the wait is kept short)."""
    return max(1, settings.OTKLIK_TELEGRAM_CONSENT_WAIT_MINUTES)
