"""The adapter's configuration (environment; secrets through ``channel_secret``)."""

from __future__ import annotations

from otklik.config import env_int, env_str

MODES = ("off", "polling", "webhook")


def mode() -> str:
    """``OTKLIK_TELEGRAM_MODE``: ``off`` (default), ``polling`` (the periodic job reads
    updates) or ``webhook`` (Telegram posts them to /channels/telegram/webhook/)."""
    value = (env_str("OTKLIK_TELEGRAM_MODE") or "off").strip().lower()
    return value if value in MODES else "off"


CONSENT_WAIT_MINUTES = 60


def consent_wait_minutes() -> int:
    """``OTKLIK_TELEGRAM_CONSENT_WAIT_MINUTES``: how long a message of a chat without consent
    waits for the answer to the consent question before it goes on anonymously (default 60;
    the ЦУР's social-network answers are due within a day, so the wait is kept short)."""
    return max(1, env_int("OTKLIK_TELEGRAM_CONSENT_WAIT_MINUTES", CONSENT_WAIT_MINUTES))
