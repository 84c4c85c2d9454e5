"""Background work of the Telegram adapter (thin: each calls a service)."""

from __future__ import annotations

from django_tasks import task


@task()
def poll() -> dict:
    """The periodic job ``telegram.poll``: forget expired waiting locations, pass on messages
    that waited for consent too long (anonymously); read waiting updates when the bot runs in
    polling mode (``OTKLIK_TELEGRAM_MODE=polling``)."""
    from otklik.channels.telegram.chats import pending_locations_expire
    from otklik.channels.telegram.consent import consent_holds_expire
    from otklik.channels.telegram.services import updates_poll
    from otklik.channels.telegram.settings import mode

    pending_locations_expire()
    consent_holds_expire()
    if mode() != "polling":
        return {"skipped": f"mode {mode()}"}
    return {"read": updates_poll()}


@task()
def case_news(news: dict) -> bool:
    """Queue the author's notice of a case event in the outbox (sent, retried there)."""
    from otklik.channels.telegram.news import case_news_queue

    return (
        case_news_queue(
            case_id=news["case_id"],
            number=news["number"],
            kind=news["kind"],
            data=news["data"],
            event_id=news.get("event_id"),
        )
        is not None
    )


@task()
def files_fetch(message_id: int, only: list | None = None, source: dict | None = None) -> int:
    from otklik.channels.telegram.services import files_fetch as fetch
    from otklik.intake.models import Message

    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return 0
    return fetch(message=message, only=only, source=source)
