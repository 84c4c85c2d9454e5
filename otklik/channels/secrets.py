"""Credentials of the channels: from the environment or files, never from the database.

``channel_secret("telegram", "token")`` is the setting ``OTKLIK_TELEGRAM_TOKEN``, read at
start-up by ``otklik/settings.py`` from ``OTKLIK_TELEGRAM_TOKEN`` or the file named by
``OTKLIK_TELEGRAM_TOKEN_FILE``.
"""

from __future__ import annotations

from django.conf import settings

from otklik.core.exceptions import ApplicationError


class MissingSecret(ApplicationError):
    pass


def secret_name(channel: str, name: str) -> str:
    return f"OTKLIK_{channel.upper()}_{name.upper()}"


def channel_secret(channel: str, name: str, *, required: bool = True) -> str:
    variable = secret_name(channel, name)
    value = getattr(settings, variable, "")
    if not value:
        if required:
            raise MissingSecret(f"Канал {channel}: не задан {variable} (или {variable}_FILE).")
        return ""
    return value
