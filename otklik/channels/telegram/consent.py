"""Consent to personal-data processing (152-ФЗ ст. 9) in the Telegram bot.

The text and its version are the intake's (``intake/consent.py``, one file the ЦУР's lawyer
edits, the same as the web form's): the bot sends that text whole (it is short enough for one
Telegram message, and the citizen then agrees to exactly the words shown), with inline buttons
«Согласен» / «Не согласен». Consent is recorded on the contact by the same intake service as
the web form's (``contact_consent_give``: flag, time, text version, channel; audited).

How a chat is treated:

- **Consent given** (the contact ``tg:<id>`` has ``consent_personal_data``): messages are
  registered and processed as usual; the chat is never asked again.
- **Not asked yet, or not answered**: the message is stored raw-first as every update is
  (``Delivery`` + ``Message``), but not processed: a ``ConsentHold`` keeps it, and the bot asks
  (on /start too). The question is not repeated for each message within the wait.
- **«Согласен»** (``cs:1:<version>``): consent recorded; the held messages are released to the
  case lifecycle (a case opens, the author hears its number). A tap on a question whose text
  version is no longer current records nothing: the question is shown again with the current
  text. Repeated taps or repeated deliveries of the callback change nothing more.
- **«Не согласен»**, **no answer within** ``OTKLIK_TELEGRAM_CONSENT_WAIT_MINUTES`` (default 60),
  or **/stop** (withdrawal): the held messages are released **anonymously** — the message is
  detached from its author (a contact with nothing else is deleted), its text is masked
  (names, phones, e-mails, documents, flats: ``nlp.masking.mask``), and the sender's name,
  username and chat are dropped from the stored ``Message.raw``; then it is processed like any
  message, so the problem still reaches the ЦУР and the responsible body. The citizen is told
  that the ЦУР cannot answer personally without consent and how to give it (/start).
  Messages of a chat that refused or withdrew go the same way at once, without holding.
  The check is the intake's gate for the channel (``services.processing_gate``), so a message
  retried from the quarantine by the ЦУР goes through it as the webhook's do.

Why: without consent (and outside 59-ФЗ, which these messages are not) the ЦУР has no ground
to process the author's personal data, but a report of a broken pipe is not personal data once
the author is taken out of it; dropping it would lose a real problem, and holding it for ever
would be a silent loss. A short wait keeps the social-network deadline («в течение суток»)
reachable. The record of the update as it arrived (``Delivery.body``) is rewritten to the same
anonymous form (its update id kept, so a repeated delivery is still recognised): nothing of
the author stays. Messages processed with consent keep their records; erasing those on a
later withdrawal (ст. 21 ч. 5, within 30 days) is a procedure of the ЦУР, not automated here.

A withdrawal (/stop, or «Не согласен» after consent) is recorded on the contact
(``contact_consent_withdraw``, audited); from then on no notices are sent to the chat and an
answer through the outbox fails with that reason, shown on the case page.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging

from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.channels.telegram import texts
from otklik.channels.telegram.chats import bot_call, bot_reply, chat_touch
from otklik.channels.telegram.client import BotApi
from otklik.channels.telegram.converter import CHANNEL, user_ref
from otklik.channels.telegram.models import ConsentHold, HoldOutcome, TelegramChat
from otklik.channels.telegram.settings import consent_wait_minutes
from otklik.intake.consent import consent_text
from otklik.intake.models import Contact, Message
from otklik.intake.services import (
    contact_consent_give,
    contact_consent_withdraw,
    contact_of_channel_user,
)
from otklik.intake.services.hooks import message_announce

logger = logging.getLogger(__name__)

# What of a Telegram message is kept once it is anonymous (no sender, no chat, no names).
_ANONYMOUS_KEYS = ("message_id", "date", "photo", "document", "location", "venue")


def chat_consented(chat_id: int) -> bool:
    return Contact.objects.filter(
        channel_user_id=user_ref(chat_id), consent_personal_data=True
    ).exists()


def consent_ask(*, chat_id: int, held: bool = False, api: BotApi | None = None) -> bool:
    """Send the consent question (the web form's text and version) with its buttons."""
    consent = consent_text()
    note = texts.CONSENT_HELD.format(minutes=consent_wait_minutes()) if held else ""
    TelegramChat.objects.filter(chat_id=chat_id).update(consent_asked_at=timezone.now())
    return bot_reply(
        chat_id,
        texts.CONSENT_QUESTION.format(version=consent.version, text=consent.text, held=note),
        texts.consent_keyboard(consent.version),
        api=api,
    )


def message_hold(*, chat_id: int, message_id: int, api: BotApi | None = None) -> ConsentHold:
    """A message of a chat without consent has just been stored (not processed): hold it and
    ask, or — when the chat refused — pass it on anonymously at once."""
    chat = chat_touch(chat_id=chat_id)
    with transaction.atomic():
        hold, _ = ConsentHold.objects.get_or_create(message_id=message_id, defaults={"chat": chat})
        audit_log(
            actor=None,
            action="telegram.consent_hold",
            target=hold.message,
            data={"channel": CHANNEL},
        )
    if chat.consent_refused_at is not None:
        holds_release(chat=chat, personal=False, reason="refused")
        bot_reply(chat_id, texts.ANONYMOUS_REGISTERED, api=api)
        return hold
    wait = dt.timedelta(minutes=consent_wait_minutes())
    if chat.consent_asked_at is not None and timezone.now() - chat.consent_asked_at < wait:
        bot_reply(chat_id, texts.CONSENT_STILL_WAITING, api=api)
    else:
        consent_ask(chat_id=chat_id, held=True, api=api)
    return hold


def holds_release(
    *, chat: TelegramChat, personal: bool, reason: str, held_before: dt.datetime | None = None
) -> int:
    """Hand the chat's held messages (those held before ``held_before``, if given) to the case
    lifecycle: with their author (consent given) or anonymously. Each hold is released once
    (locked, then marked); returns how many were released."""
    with transaction.atomic():
        holds = ConsentHold.objects.select_for_update().filter(chat=chat, released_at__isnull=True)
        if held_before is not None:
            holds = holds.filter(held_at__lt=held_before)
        holds = list(holds.select_related("message").order_by("held_at", "pk"))
        now = timezone.now()
        for hold in holds:
            if not personal:
                message_anonymise(message=hold.message, reason=reason)
            hold.released_at = now
            hold.outcome = HoldOutcome.PERSONAL if personal else HoldOutcome.ANONYMOUS
            hold.reason = reason
            hold.save(update_fields=["released_at", "outcome", "reason"])
            if hold.message.case_id is None:
                message_announce(hold.message_id)  # to the case lifecycle, after the commit
    return len(holds)


def message_anonymise(*, message: Message, reason: str) -> Message:
    """Take the author out of a message (see the module docstring); audited."""
    from otklik.nlp.masking import mask

    contact_id = message.author_id
    message.author = None
    message.text = mask(message.text)
    raw = copy.deepcopy(message.raw) if isinstance(message.raw, dict) else {}
    inner = raw.get("message") if isinstance(raw.get("message"), dict) else {}
    kept = {k: inner[k] for k in _ANONYMOUS_KEYS if k in inner}
    kept["chat"] = {"type": "private"}
    kept["text"] = message.text
    message.raw = {"update_id": raw.get("update_id"), "message": kept, "anonymous": True}
    message.save(update_fields=["author", "text", "raw", "updated_at"])
    # the update as it arrived goes too: its record keeps the anonymous form (the update id
    # stays, so a repeated delivery is still recognised)
    message.deliveries.update(body=json.dumps(message.raw, ensure_ascii=False), corrected_body="")
    audit_log(
        actor=None,
        action="message.anonymise",
        target=message,
        data={"channel": CHANNEL, "why": reason},
    )
    if contact_id is not None:
        contact = Contact.objects.filter(pk=contact_id, consent_at__isnull=True).first()
        if contact is not None and not (contact.messages.exists() or contact.cases.exists()):
            audit_log(actor=None, action="contact.delete", target=contact, data={"why": reason})
            contact.delete()
    return message


def consent_give(*, chat_id: int, name: str, version: str) -> str:
    """«Согласен» pressed for the text ``version``: ``given`` (recorded now), ``already`` (it
    was), or ``stale`` (another version of the text is current: nothing recorded)."""
    current = consent_text().version
    if version != current:
        return "stale"
    chat = chat_touch(chat_id=chat_id)
    with transaction.atomic():
        chat = TelegramChat.objects.select_for_update().get(pk=chat.pk)
        contact = contact_of_channel_user(channel_user_id=user_ref(chat_id), name=name)
        recorded = contact_consent_give(contact=contact, version=current, channel=CHANNEL)
        if chat.consent_refused_at is not None:
            chat.consent_refused_at = None
            chat.save(update_fields=["consent_refused_at"])
        held = holds_release(chat=chat, personal=True, reason="consent")
    return "given" if recorded or held else "already"


def consent_refuse(*, chat_id: int) -> bool:
    """«Не согласен»: the chat's messages go on anonymously (held ones now). After a consent
    given before, it is a withdrawal. Returns True when the chat had consented."""
    chat = chat_touch(chat_id=chat_id)
    with transaction.atomic():
        chat = TelegramChat.objects.select_for_update().get(pk=chat.pk)
        withdrawn = _withdraw(chat_id)
        if chat.consent_refused_at is None:
            chat.consent_refused_at = timezone.now()
            chat.save(update_fields=["consent_refused_at"])
            audit_log(actor=None, action="telegram.consent_refuse", target=chat, data={})
        holds_release(chat=chat, personal=False, reason="withdrawn" if withdrawn else "refused")
    return withdrawn


def consent_withdraw(*, chat_id: int) -> bool:
    """/stop: withdraw the consent (recorded on the contact); True when there was one."""
    return consent_refuse(chat_id=chat_id)


def _withdraw(chat_id: int) -> bool:
    withdrawn = False
    for contact in Contact.objects.filter(
        channel_user_id=user_ref(chat_id), consent_personal_data=True
    ):
        withdrawn = contact_consent_withdraw(contact=contact, channel=CHANNEL) or withdrawn
    return withdrawn


def consent_holds_expire(*, now: dt.datetime | None = None, api: BotApi | None = None) -> int:
    """Held messages nobody answered for within the wait go on anonymously; the chat is told.
    Run every minute by the job ``telegram.poll``. Returns how many messages were released."""
    since = (now or timezone.now()) - dt.timedelta(minutes=consent_wait_minutes())
    chats = TelegramChat.objects.filter(
        holds__released_at__isnull=True, holds__held_at__lt=since
    ).distinct()
    released = 0
    for chat in list(chats):
        count = holds_release(chat=chat, personal=False, reason="timeout", held_before=since)
        if count:
            released += count
            bot_reply(chat.chat_id, texts.CONSENT_TIMEOUT, api=api)
    return released


def consent_button(*, query: dict, chat_id: int, api: BotApi | None = None) -> None:
    """The answer to the consent question (``cs:1:<version>`` / ``cs:0``)."""
    data = str(query.get("data") or "")
    sender = query.get("from") if isinstance(query.get("from"), dict) else {}
    message = query.get("message") if isinstance(query.get("message"), dict) else {}
    message_id = message.get("message_id")
    reply, edit = "", None
    if data.startswith("cs:1:"):
        name = " ".join(filter(None, [sender.get("first_name"), sender.get("last_name")]))
        outcome = consent_give(chat_id=chat_id, name=name[:255], version=data[5:])
        if outcome == "stale":
            reply = texts.CONSENT_STALE
            consent_ask(chat_id=chat_id, api=api)
        elif outcome == "already":
            reply = texts.CONSENT_ALREADY
        else:
            asked = (
                TelegramChat.objects.filter(chat_id=chat_id)
                .values_list("consent_asked_at", flat=True)
                .first()
            )
            late = (
                asked is not None
                and ConsentHold.objects.filter(
                    chat__chat_id=chat_id, outcome=HoldOutcome.ANONYMOUS, released_at__gte=asked
                ).exists()
            )
            text = texts.CONSENT_GIVEN.format(version=data[5:])
            edit = text + (texts.CONSENT_GIVEN_LATE if late else "")
    elif data == "cs:0":
        consent_refuse(chat_id=chat_id)
        edit = texts.CONSENT_REFUSED
    if query.get("id"):
        bot_call("answerCallbackQuery", callback_query_id=str(query["id"]), text=reply or None)
    if edit is not None and isinstance(message_id, int):
        bot_call("editMessageText", chat_id=chat_id, message_id=message_id, text=edit)
