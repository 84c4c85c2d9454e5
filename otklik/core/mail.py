"""E-mail to the platform's staff, sent once the transaction that decided it commits (a
rolled-back change sends nothing). Delivery errors are not the caller's: the message is
best-effort, the change is what counts."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction


def mail_on_commit(subject: str, body: str, emails: Iterable[str]) -> None:
    """Send ``subject``/``body`` to ``emails`` (blank and repeated addresses dropped) after
    the current transaction commits; nothing when there is nobody to tell."""
    to = list(dict.fromkeys(e for e in emails if e))
    if not to:
        return

    def send() -> None:
        from django.core.mail import send_mail

        send_mail(subject, body, None, to, fail_silently=True)

    transaction.on_commit(send)


def page_link(path: str) -> str:
    """``path`` as a link a mail reader can open: on ``OTKLIK_PUBLIC_URL`` when it is set."""
    return settings.OTKLIK_PUBLIC_URL.rstrip("/") + path
