"""Background work of the e-mail channel (thin: each calls the adapter)."""

from __future__ import annotations

from django_tasks import task


@task()
def poll() -> dict:
    """The periodic job ``email.poll``: fetch new mail once (nothing when not configured)."""
    from otklik.channels.email.poll import email_poll

    return email_poll().as_dict()
