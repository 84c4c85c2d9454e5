"""Writes of the Telegram adapter: receive an update (webhook or polling), the consent gate,
files, the webhook. The bot's answers are in ``bot``, its chats and subscriptions in
``chats``, the authors' case news in ``news``.

Every update goes through ``channel_receive`` first (raw body stored, converted or set aside);
only then does the bot act on what was not a message. An update already stored (any
``Delivery`` with its ``update_id``) changes nothing, so a repeated webhook delivery or a
re-read polling batch neither stores nor answers twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from django.core.files.base import ContentFile
from django.db import transaction

from otklik.channels.services import channel_receive, health_error, state_get, state_set
from otklik.channels.telegram import texts
from otklik.channels.telegram.bot import bot_answer
from otklik.channels.telegram.chats import bot_reply, chat_touch, pending_clear, pending_location
from otklik.channels.telegram.client import BotApi, BotApiError
from otklik.channels.telegram.consent import message_hold
from otklik.channels.telegram.converter import (
    CHANNEL,
    chat_of,
    convert_update,
    message_files,
    private_chat_id,
    update_message,
)
from otklik.intake.models import Delivery, Message
from otklik.intake.services import ChannelParseError, IngestResult

logger = logging.getLogger(__name__)


# --- inbound --------------------------------------------------------------------------------------
def update_receive(*, body: str | bytes, api: BotApi | None = None) -> IngestResult:
    """One update, exactly as Telegram delivered it (webhook body or one item of getUpdates)."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        update = json.loads(body)
    except ValueError:
        update = None
    update_id = update.get("update_id") if isinstance(update, dict) else None
    external_id = str(update_id) if isinstance(update_id, int) else ""
    if external_id:
        seen = (
            Delivery.objects.filter(channel_code=CHANNEL, external_id=external_id)
            .order_by("pk")
            .first()
        )
        if seen is not None:  # stored before (a message or not): nothing more to do
            return IngestResult(0, "duplicate", external_id, seen.message_id, seen.pk)
    message = update_message(update) if isinstance(update, dict) else None
    chat_id = private_chat_id(message)
    # A chat without consent (152-ФЗ): its message is stored, then held (``processing_gate``).
    sent_at = pending = None
    if message is not None and isinstance(message.get("date"), int):
        sent_at = dt.datetime.fromtimestamp(message["date"], tz=dt.UTC)
        if chat_id is not None and (message.get("text") or message.get("caption")):
            pending = pending_location(chat_id, sent_at)

    def convert() -> dict:
        if update is None:
            raise ChannelParseError("Неверный JSON обновления Telegram.")
        return convert_update(update, pending_location=pending)

    result = channel_receive(
        channel_code=CHANNEL,
        external_id=external_id,
        body=body,
        convert=convert,
        raw=update if isinstance(update, dict) else None,
        sent_at=sent_at,
    )
    if result.status == "created":
        if chat_id is not None:
            chat_touch(chat_id=chat_id)
            if pending is not None:
                pending_clear(chat_id)
        if message_files(message or {}):
            _enqueue_files(result.message_id)
    elif result.status == "rejected" and chat_id is not None:
        bot_reply(chat_id, texts.REJECTED, api=api)
    elif result.status == "ignored":
        bot_answer(update, api=api)
    return result


def processing_gate(message: Message) -> bool:
    """The intake's gate for Telegram messages (``intake.services.PROCESSING_GATES``), whichever
    way they came in (the webhook or poll, a retry from the quarantine): a message of a chat
    without consent is held — after the commit the chat is asked, or, when it refused, the
    message is passed on anonymously (``consent.message_hold``). False: processed as usual.
    Only private chats reach the intake, so the author's chat is the chat."""
    contact = message.author
    chat_id = chat_of(contact.channel_user_id) if contact is not None else None
    if chat_id is None or contact.consent_personal_data:
        return False

    transaction.on_commit(lambda: message_hold(chat_id=chat_id, message_id=message.pk))
    return True


def _enqueue_files(message_id: int) -> None:
    from otklik.channels.telegram.tasks import files_fetch

    transaction.on_commit(lambda: files_fetch.enqueue(message_id))


# --- polling --------------------------------------------------------------------------------------
OFFSET_KEY = "offset"


def updates_poll(*, api: BotApi | None = None, timeout: int = 0, rounds: int = 10) -> int:
    """Read the waiting updates (``getUpdates`` from the kept offset) and receive each; returns
    how many were read. A failure of the Bot API is counted on the channel's health; the offset
    stays, so the next poll reads the same updates again (receiving them is idempotent)."""
    api = api or BotApi()
    read = 0
    for _ in range(rounds):
        offset = int(state_get(CHANNEL, OFFSET_KEY, "0") or 0)
        try:
            updates = api.get_updates(offset=offset or None, timeout=timeout)
        except BotApiError as exc:
            health_error(CHANNEL, f"Получение обновлений: {exc}")
            return read
        if not updates:
            return read
        for update in updates:
            update_receive(body=json.dumps(update, ensure_ascii=False), api=api)
            update_id = update.get("update_id") if isinstance(update, dict) else None
            if isinstance(update_id, int) and update_id >= offset:
                offset = update_id + 1
                state_set(CHANNEL, OFFSET_KEY, str(offset))
            read += 1
        if timeout:  # long polling: one round a call
            return read
    return read


# --- files ----------------------------------------------------------------------------------------
def files_fetch(
    *, message: Message, only: list[str] | None = None, source: dict | None = None
) -> int:
    """Download the message's Telegram files into its attachments (``getFile``, then the file);
    returns how many were stored. ``source``: the Telegram message holding the files (an album
    photo), by default the one of ``message.raw``."""
    files = message_files(source or update_message(message.raw) or {})
    api = BotApi()
    stored = 0
    for f in files:
        if only is not None and f["file_unique_id"] not in only:
            continue
        attachment = message.attachments.filter(name=f["name"], file="").first()
        if attachment is None:
            continue
        try:
            info = api.get_file(file_id=f["file_id"])
            content = api.download(info["file_path"])
        except (BotApiError, KeyError, TypeError) as exc:
            health_error(CHANNEL, f"Файл сообщения {message.pk}: {exc}")
            continue
        attachment.sha256 = hashlib.sha256(content).hexdigest()
        attachment.size = len(content)
        attachment.file.save(f["name"], ContentFile(content), save=False)
        attachment.save(update_fields=["file", "sha256", "size", "updated_at"])
        stored += 1
    return stored


# --- webhook --------------------------------------------------------------------------------------
def webhook_set(*, url: str, secret: str, api: BotApi | None = None) -> bool:
    return (api or BotApi()).set_webhook(url=url, secret_token=secret)


def webhook_delete(*, api: BotApi | None = None) -> bool:
    return (api or BotApi()).delete_webhook()
