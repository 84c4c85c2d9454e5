"""The adapter's configuration (environment; secrets through ``channel_secret``)."""

from __future__ import annotations

from otklik.config import env_str

MODES = ("off", "polling", "webhook")


def mode() -> str:
    """``OTKLIK_TELEGRAM_MODE``: ``off`` (default), ``polling`` (the periodic job reads
    updates) or ``webhook`` (Telegram posts them to /channels/telegram/webhook/)."""
    value = (env_str("OTKLIK_TELEGRAM_MODE") or "off").strip().lower()
    return value if value in MODES else "off"
