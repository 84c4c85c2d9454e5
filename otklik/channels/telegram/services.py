"""Writes of the Telegram adapter: receive an update (webhook or polling), answer the bot's
commands and buttons, subscriptions to area news, files, and telling authors about their case.

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
import math
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.channels.services import channel_receive, health_error, state_get, state_set
from otklik.channels.telegram import texts
from otklik.channels.telegram.adapter import (
    CHANNEL,
    chat_of,
    convert_update,
    message_files,
    message_location,
    update_message,
    user_ref,
)
from otklik.channels.telegram.client import BotApi, BotApiError
from otklik.channels.telegram.models import AreaSubscription, TelegramChat
from otklik.core.exceptions import ApplicationError
from otklik.directory.models import Municipality
from otklik.intake.models import Attachment, Delivery, Message
from otklik.intake.services import ChannelParseError, IngestResult

logger = logging.getLogger(__name__)


# --- sending ------------------------------------------------------------------------------------
def _send(chat_id: int, text: str, reply_markup: dict | None = None, api: BotApi | None = None):
    """A reply of the bot; a failure is counted on the channel's health, never raised."""
    try:
        (api or BotApi()).send_message(chat_id=chat_id, text=text, reply_markup=reply_markup)
    except BotApiError as exc:
        if exc.code == 403:
            chat_blocked(chat_id=chat_id)
        health_error(CHANNEL, f"Ответ в чат: {exc}")
        return False
    except ApplicationError as exc:  # no token configured
        health_error(CHANNEL, str(exc))
        return False
    return True


def _call(method: str, **params: Any) -> None:
    try:
        BotApi().call(method, **params)
    except (BotApiError, ApplicationError) as exc:
        health_error(CHANNEL, f"{method}: {exc}")


# --- chats and subscriptions --------------------------------------------------------------------
def chat_touch(*, chat_id: int) -> TelegramChat:
    chat, _ = TelegramChat.objects.get_or_create(chat_id=chat_id)
    if chat.blocked_at is not None:
        chat.blocked_at = None
        chat.save(update_fields=["blocked_at"])
    return chat


def chat_blocked(*, chat_id: int) -> None:
    """The user stopped the bot: nothing more is sent, subscriptions end."""
    now = timezone.now()
    with transaction.atomic():
        chat, _ = TelegramChat.objects.get_or_create(chat_id=chat_id)
        TelegramChat.objects.filter(pk=chat.pk).update(blocked_at=now)
        ended = AreaSubscription.objects.filter(chat=chat, cancelled_at__isnull=True).update(
            cancelled_at=now
        )
        if ended:
            audit_log(
                actor=None,
                action="telegram.unsubscribe",
                target=chat,
                data={"why": "blocked", "count": ended},
            )


def chat_location_keep(*, chat_id: int, location: dict, at: dt.datetime) -> TelegramChat:
    chat = chat_touch(chat_id=chat_id)
    chat.pending_latitude = Decimal(str(round(location["lat"], 5)))
    chat.pending_longitude = Decimal(str(round(location["lon"], 5)))
    chat.pending_address = location.get("address", "")
    chat.pending_at = at
    chat.save()
    return chat


def message_locate_recent(*, chat_id: int, location: dict, at: dt.datetime) -> Message | None:
    """A location shared just after a text (within ``PENDING_LOCATION_MINUTES``) is the place
    of that text: it is set on the message when the message has none yet. Returns the message,
    or None when there is no such message (the location then waits for the next text)."""
    since = at - dt.timedelta(minutes=texts.PENDING_LOCATION_MINUTES)
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(
                channel__code=CHANNEL,
                author__channel_user_id=user_ref(chat_id),
                received_at__gte=since,
                received_at__lte=at,
            )
            .order_by("-received_at", "-pk")
            .first()
        )
        if message is None or message.latitude is not None:
            return None
        message.latitude = Decimal(str(round(location["lat"], 5)))
        message.longitude = Decimal(str(round(location["lon"], 5)))
        fields = ["latitude", "longitude", "updated_at"]
        if location.get("address") and not message.address:
            message.address = location["address"]
            fields.append("address")
        message.save(update_fields=fields)
        audit_log(actor=None, action="message.locate", target=message, data={"channel": CHANNEL})
    return message


def _pending_location(chat_id: int, at: dt.datetime) -> dict | None:
    chat = TelegramChat.objects.filter(chat_id=chat_id, pending_at__isnull=False).first()
    if chat is None:
        return None
    age = at - chat.pending_at
    if not dt.timedelta(minutes=-1) <= age <= dt.timedelta(minutes=texts.PENDING_LOCATION_MINUTES):
        return None
    return {
        "lat": float(chat.pending_latitude),
        "lon": float(chat.pending_longitude),
        "address": chat.pending_address,
    }


def pending_locations_expire(*, now: dt.datetime | None = None) -> int:
    """Forget locations that waited longer than ``PENDING_LOCATION_MINUTES`` (personal data
    kept no longer than it can be used)."""
    since = (now or timezone.now()) - dt.timedelta(minutes=texts.PENDING_LOCATION_MINUTES)
    return TelegramChat.objects.filter(pending_at__lt=since).update(
        pending_latitude=None, pending_longitude=None, pending_address="", pending_at=None
    )


def _pending_clear(chat_id: int) -> None:
    TelegramChat.objects.filter(chat_id=chat_id).update(
        pending_latitude=None, pending_longitude=None, pending_address="", pending_at=None
    )


def subscription_start(*, chat_id: int, municipality: Municipality) -> AreaSubscription:
    """Subscribe a chat to a municipality's news (again subscribing changes nothing)."""
    chat = chat_touch(chat_id=chat_id)
    existing = AreaSubscription.objects.filter(
        chat=chat, municipality=municipality, cancelled_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            subscription = AreaSubscription.objects.create(chat=chat, municipality=municipality)
            audit_log(
                actor=None,
                action="telegram.subscribe",
                target=chat,
                data={"municipality": municipality.okato},
            )
    except IntegrityError:  # the same button pressed twice at once
        return AreaSubscription.objects.get(
            chat=chat, municipality=municipality, cancelled_at__isnull=True
        )
    return subscription


@transaction.atomic
def subscription_cancel(*, chat_id: int, okato: str | None = None) -> list[str]:
    """End the chat's subscription to one municipality (or all); returns the names ended."""
    rows = AreaSubscription.objects.select_for_update().filter(
        chat__chat_id=chat_id, cancelled_at__isnull=True
    )
    if okato is not None:
        rows = rows.filter(municipality__okato=okato)
    names = list(rows.values_list("municipality__name", flat=True))
    ended = rows.update(cancelled_at=timezone.now())
    if ended:
        chat = TelegramChat.objects.get(chat_id=chat_id)
        audit_log(
            actor=None,
            action="telegram.unsubscribe",
            target=chat,
            data={"municipality": okato or "all", "count": ended},
        )
    return names


def municipality_nearest(lat: float, lon: float) -> Municipality | None:
    """The municipality whose administrative centre is nearest (a rough choice: centres, not
    boundaries; good enough to offer, the citizen confirms with a button)."""
    best, best_d = None, math.inf
    for m in Municipality.objects.filter(centre_in_other=False):
        dlat = math.radians(float(m.latitude) - lat)
        dlon = math.radians(float(m.longitude) - lon) * math.cos(math.radians(lat))
        d = dlat * dlat + dlon * dlon
        if d < best_d:
            best, best_d = m, d
    return best


def _municipality_choices() -> list[tuple[str, str]]:
    return list(Municipality.objects.order_by("-kind", "name").values_list("okato", "name"))


# --- inbound ------------------------------------------------------------------------------------
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
    chat_id = _chat_id(message)
    # A chat without consent (152-ФЗ): its message is stored, then held (``processing_gate``).
    sent_at = pending = None
    if message is not None and isinstance(message.get("date"), int):
        sent_at = dt.datetime.fromtimestamp(message["date"], tz=dt.UTC)
        if chat_id is not None and (message.get("text") or message.get("caption")):
            pending = _pending_location(chat_id, sent_at)

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
                _pending_clear(chat_id)
        if message_files(message or {}):
            _enqueue_files(result.message_id)
    elif result.status == "rejected" and chat_id is not None:
        _send(chat_id, texts.REJECTED, api=api)
    elif result.status == "ignored":
        _act(update, api=api)
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

    def hold() -> None:
        from otklik.channels.telegram.consent import message_hold

        message_hold(chat_id=chat_id, message_id=message.pk)

    transaction.on_commit(hold)
    return True


def _consented(chat_id: int) -> bool:
    from otklik.channels.telegram.consent import chat_consented

    return chat_consented(chat_id)


def _chat_id(message: dict | None) -> int | None:
    chat = (message or {}).get("chat")
    if isinstance(chat, dict) and chat.get("type") == "private":
        chat_id = chat.get("id")
        return chat_id if isinstance(chat_id, int) else None
    return None


def _enqueue_files(message_id: int) -> None:
    from otklik.channels.telegram.tasks import files_fetch

    transaction.on_commit(lambda: files_fetch.enqueue(message_id))


def _act(update: dict, *, api: BotApi | None) -> None:
    """The bot's own answer to what was not a message."""
    message = update_message(update)
    if message is not None:
        chat_id = _chat_id(message)
        if chat_id is None:
            return
        chat_touch(chat_id=chat_id)
        text = (message.get("text") or message.get("caption") or "").strip()
        if text.startswith("/"):
            _command(chat_id, text, api=api)
            return
        location = message_location(message)
        if location is not None:
            at = dt.datetime.fromtimestamp(message["date"], tz=dt.UTC)
            located = message_locate_recent(chat_id=chat_id, location=location, at=at)
            if located is not None:
                case = f" (обращение № {located.case.number})" if located.case_id else ""
                _send(chat_id, texts.LOCATION_ADDED.format(case=case), api=api)
                return
            chat_location_keep(chat_id=chat_id, location=location, at=at)
            nearest = municipality_nearest(location["lat"], location["lon"])
            markup = None
            if nearest is not None:
                label = texts.SUBSCRIBE_NEAREST.format(name=nearest.name)
                markup = {
                    "inline_keyboard": [[{"text": label, "callback_data": f"sub:{nearest.okato}"}]]
                }
            _send(chat_id, texts.LOCATION_KEPT, markup, api=api)
        elif message_files(message):
            if message.get("media_group_id") and _album_attach(message):
                return
            _send(chat_id, texts.PHOTO_WITHOUT_TEXT, api=api)
        else:
            _send(chat_id, texts.NO_TEXT, api=api)
        return
    if isinstance(update.get("edited_message"), dict):
        chat_id = _chat_id(update["edited_message"])
        if chat_id is not None:
            _send(chat_id, texts.EDITED, api=api)
    elif isinstance(update.get("callback_query"), dict):
        _callback(update["callback_query"], api=api)
    elif isinstance(update.get("my_chat_member"), dict):
        member = update["my_chat_member"]
        chat_id = _chat_id(member)
        status = (member.get("new_chat_member") or {}).get("status")
        if chat_id is not None and status == "kicked":
            chat_blocked(chat_id=chat_id)
        elif chat_id is not None and status == "member":
            chat_touch(chat_id=chat_id)


def _album_attach(message: dict) -> bool:
    """A photo of an album without a caption joins the album's registered message."""
    chat_id = _chat_id(message)
    first = (
        Message.objects.filter(
            channel__code=CHANNEL,
            raw__message__media_group_id=message["media_group_id"],
            raw__message__chat__id=chat_id,
        )
        .order_by("pk")
        .first()
    )
    if first is None:
        return False
    files = message_files(message)
    with transaction.atomic():
        for f in files:
            Attachment.objects.create(
                message=first, name=f["name"], content_type=f["content_type"], size=f["size"]
            )
        audit_log(
            actor=None,
            action="message.attachment_add",
            target=first,
            data={"files": len(files), "channel": CHANNEL},
        )
    from otklik.channels.telegram.tasks import files_fetch

    transaction.on_commit(
        lambda: files_fetch.enqueue(first.pk, [f["file_unique_id"] for f in files], message)
    )
    return True


def _command(chat_id: int, text: str, *, api: BotApi | None) -> None:
    command = text.split()[0].split("@")[0].lower()
    if command == "/subscribe":
        _send(
            chat_id,
            texts.SUBSCRIBE_CHOOSE,
            texts.municipalities_keyboard(_municipality_choices(), 0),
            api=api,
        )
    elif command == "/unsubscribe":
        active = list(
            AreaSubscription.objects.filter(chat__chat_id=chat_id, cancelled_at__isnull=True)
            .order_by("municipality__name")
            .values_list("municipality__okato", "municipality__name")
        )
        if not active:
            _send(chat_id, texts.NO_SUBSCRIPTIONS, api=api)
            return
        rows = [[{"text": name, "callback_data": f"unsub:{okato}"}] for okato, name in active]
        rows.append([{"text": texts.UNSUBSCRIBE_ALL, "callback_data": "unsub:all"}])
        _send(chat_id, texts.UNSUBSCRIBE_CHOOSE, {"inline_keyboard": rows}, api=api)
    elif command == "/stop":
        from otklik.channels.telegram.consent import consent_withdraw

        withdrawn = consent_withdraw(chat_id=chat_id)
        _send(chat_id, texts.CONSENT_WITHDRAWN if withdrawn else texts.CONSENT_NONE, api=api)
    else:  # /start, /help and anything unknown
        _send(chat_id, texts.GREETING, texts.location_keyboard(), api=api)
        if not _consented(chat_id):
            from otklik.channels.telegram.consent import consent_ask

            consent_ask(chat_id=chat_id, api=api)


def _callback(query: dict, *, api: BotApi | None) -> None:
    data = str(query.get("data") or "")
    sender = query.get("from") if isinstance(query.get("from"), dict) else {}
    user_id = sender.get("id")
    message = query.get("message") if isinstance(query.get("message"), dict) else {}
    chat_id = _chat_id(message)
    message_id = message.get("message_id")
    reply = ""
    edit: tuple[str, dict | None] | None = None
    if data.startswith("cs:") and chat_id is not None:
        from otklik.channels.telegram.consent import consent_button

        consent_button(query=query, chat_id=chat_id, api=api)
        return
    if data.startswith("sv:") and isinstance(user_id, int):
        reply, edit = _survey_button(data, user_id)
    elif data.startswith("subp:") and chat_id is not None:
        page = int(data[5:]) if data[5:].isdigit() else 0
        edit = (
            texts.SUBSCRIBE_CHOOSE,
            texts.municipalities_keyboard(_municipality_choices(), page),
        )
    elif data.startswith("sub:") and chat_id is not None:
        municipality = Municipality.objects.filter(okato=data[4:]).first()
        if municipality is not None:
            subscription_start(chat_id=chat_id, municipality=municipality)
            edit = (texts.SUBSCRIBED.format(name=municipality.name), None)
    elif data.startswith("unsub:") and chat_id is not None:
        okato = data[6:]
        names = subscription_cancel(chat_id=chat_id, okato=None if okato == "all" else okato)
        edit = (
            texts.UNSUBSCRIBED.format(names=", ".join(names)) if names else texts.NO_SUBSCRIPTIONS,
            None,
        )
    if query.get("id"):
        _call("answerCallbackQuery", callback_query_id=str(query["id"]), text=reply or None)
    if edit is not None and chat_id is not None and isinstance(message_id, int):
        text, markup = edit
        _call(
            "editMessageText",
            chat_id=chat_id,
            message_id=message_id,
            text=text,
            reply_markup=markup,
        )


def _survey_button(data: str, user_id: int) -> tuple[str, tuple[str, dict | None] | None]:
    """``sv:<survey>:<solved>`` asks for the rating; ``sv:<survey>:<solved>:<rating>`` records
    the answer through the same service as the web survey page."""
    from otklik.cases.services.answers import survey_respond
    from otklik.cases.services.surveys import survey_of_author

    parts = data.split(":")
    if len(parts) not in (3, 4) or not all(p.isdigit() for p in parts[1:]):
        return texts.SURVEY_UNKNOWN, None
    survey, own = survey_of_author(survey_id=int(parts[1]), channel_user_id=user_ref(user_id))
    if survey is None:
        return texts.SURVEY_UNKNOWN, None
    if not own:
        return texts.SURVEY_NOT_YOURS, None
    solved = parts[2] == "1"
    if len(parts) == 3:
        return "", (texts.SURVEY_RATING, texts.rating_keyboard(survey.pk, int(solved)))
    rating = int(parts[3]) or None
    try:
        survey_respond(token=survey.token, solved=solved, rating=rating)
    except ApplicationError as exc:
        return exc.message, None
    return texts.SURVEY_THANKS, (texts.SURVEY_THANKS, None)


# --- polling ------------------------------------------------------------------------------------
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


# --- files --------------------------------------------------------------------------------------
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


# --- telling the author -------------------------------------------------------------------------
def _news_text(*, kind: str, number: str, data: dict) -> tuple[str, dict | None]:
    """What the author is told of a case event (plain Russian), with its buttons."""
    from otklik.directory.models import Organization

    org = ""
    if data.get("organization"):
        name = (
            Organization.objects.filter(code=data["organization"])
            .values_list("name", flat=True)
            .first()
        )
        org = f": {name}" if name else ""
    simple = {
        "opened": texts.OPENED,
        "message_joined": texts.JOINED,
        "take": texts.TAKEN,
        "reject": texts.REJECTED_CASE,
        "reopen": texts.REOPENED,
    }
    if kind in simple:
        return simple[kind].format(number=number), None
    if kind == "accept":
        return texts.ACCEPTED.format(number=number, org=org), None
    if kind == "assign":
        return texts.ASSIGNED.format(number=number, org=org), None
    if kind == "merge":
        return texts.MERGED.format(number=number, into=data.get("into", "")), None
    if kind == "extended":
        return texts.EXTENDED.format(number=number, days=data.get("days", "")), None
    if kind == "publish" and data.get("survey"):
        survey = int(data["survey"])
        return texts.SURVEY_QUESTION.format(number=number), texts.survey_keyboard(survey)
    return "", None


def case_news_queue(
    *, case_id: int, number: str, kind: str, data: dict, event_id: int | None = None
):
    """Queue the notice of a case event for its Telegram author (of the case, or of the message
    that joined it) as an outbox row of kind ``notice``: one row per case, event and chat, so a
    repeated task queues nothing more; the outbox sends it and retries with its backoff. A chat
    that blocked the bot or an author who withdrew consent gets a row failed at once, with the
    reason (the ЦУР sees why the author was not told). Returns the row, or None."""
    from otklik.cases.models import Case, OutboxMessage
    from otklik.cases.outbox import outbox_queue
    from otklik.channels.telegram.adapter import BLOCKED, CONSENT_WITHDRAWN
    from otklik.directory.models import Channel

    if kind == "message_joined":
        message = Message.objects.select_related("author").filter(pk=data.get("message_id")).first()
        contact = message.author if message is not None else None
    else:
        case = Case.objects.select_related("author").filter(pk=case_id).first()
        contact = case.author if case is not None else None
    chat_id = chat_of(contact.channel_user_id) if contact is not None else None
    if chat_id is None:
        return None
    text, markup = _news_text(kind=kind, number=number, data=data)
    if not text:
        return None
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
        if case is None:
            return None
        key = {"payload__event": kind, "payload__chat_id": chat_id}
        if event_id is not None:
            key["payload__event_id"] = event_id
        rows = OutboxMessage.objects.filter(case=case, kind="notice", channel__code=CHANNEL)
        if rows.filter(**key).exists():
            return None
        refusal = ""
        if TelegramChat.objects.filter(chat_id=chat_id, blocked_at__isnull=False).exists():
            refusal = BLOCKED
        elif contact.consent_withdrawn_at is not None and not contact.consent_personal_data:
            refusal = CONSENT_WITHDRAWN
        return outbox_queue(
            case=case,
            channel=Channel.objects.get(code=CHANNEL),
            kind="notice",
            payload={
                "text": text,
                "reply_markup": markup,
                "event": kind,
                "event_id": event_id,
                "chat_id": chat_id,
                "private_only": True,
            },
            refusal=refusal,
        )


# --- webhook ------------------------------------------------------------------------------------
def webhook_set(*, url: str, secret: str, api: BotApi | None = None) -> bool:
    return (api or BotApi()).set_webhook(url=url, secret_token=secret)


def webhook_delete(*, api: BotApi | None = None) -> bool:
    return (api or BotApi()).delete_webhook()
