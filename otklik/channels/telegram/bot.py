"""The bot's own answers to what was not a message: commands, a location or a photo without
text, edits, button presses (consent, the survey, subscriptions), chat-member changes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from otklik.audit.services import audit_log
from otklik.cases.services.answers import survey_respond
from otklik.cases.services.surveys import survey_of_author
from otklik.channels.telegram import texts
from otklik.channels.telegram.chats import (
    bot_call,
    bot_reply,
    chat_blocked,
    chat_location_keep,
    chat_touch,
    message_locate_recent,
    municipality_choices,
    municipality_nearest,
    subscription_cancel,
    subscription_start,
)
from otklik.channels.telegram.client import BotApi
from otklik.channels.telegram.consent import (
    chat_consented,
    consent_ask,
    consent_button,
    consent_withdraw,
)
from otklik.channels.telegram.converter import (
    CHANNEL,
    message_files,
    message_location,
    private_chat_id,
    update_message,
    user_ref,
)
from otklik.channels.telegram.models import AreaSubscription
from otklik.core.exceptions import ApplicationError
from otklik.directory.models import Municipality
from otklik.intake.models import Attachment, Message


def bot_answer(update: dict, *, api: BotApi | None) -> None:
    """The bot's own answer to what was not a message."""
    message = update_message(update)
    if message is not None:
        chat_id = private_chat_id(message)
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
                bot_reply(chat_id, texts.LOCATION_ADDED.format(case=case), api=api)
                return
            chat_location_keep(chat_id=chat_id, location=location, at=at)
            nearest = municipality_nearest(location["lat"], location["lon"])
            markup = None
            if nearest is not None:
                label = texts.SUBSCRIBE_NEAREST.format(name=nearest.name)
                markup = {
                    "inline_keyboard": [[{"text": label, "callback_data": f"sub:{nearest.okato}"}]]
                }
            bot_reply(chat_id, texts.LOCATION_KEPT, markup, api=api)
        elif message_files(message):
            if message.get("media_group_id") and _album_attach(message):
                return
            bot_reply(chat_id, texts.PHOTO_WITHOUT_TEXT, api=api)
        else:
            bot_reply(chat_id, texts.NO_TEXT, api=api)
        return
    if isinstance(update.get("edited_message"), dict):
        chat_id = private_chat_id(update["edited_message"])
        if chat_id is not None:
            bot_reply(chat_id, texts.EDITED, api=api)
    elif isinstance(update.get("callback_query"), dict):
        _callback(update["callback_query"], api=api)
    elif isinstance(update.get("my_chat_member"), dict):
        member = update["my_chat_member"]
        chat_id = private_chat_id(member)
        status = (member.get("new_chat_member") or {}).get("status")
        if chat_id is not None and status == "kicked":
            chat_blocked(chat_id=chat_id)
        elif chat_id is not None and status == "member":
            chat_touch(chat_id=chat_id)


def _album_attach(message: dict) -> bool:
    """A photo of an album without a caption joins the album's registered message."""
    chat_id = private_chat_id(message)
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
        bot_reply(
            chat_id,
            texts.SUBSCRIBE_CHOOSE,
            texts.municipalities_keyboard(municipality_choices(), 0),
            api=api,
        )
    elif command == "/unsubscribe":
        active = list(
            AreaSubscription.objects.filter(chat__chat_id=chat_id, cancelled_at__isnull=True)
            .order_by("municipality__name")
            .values_list("municipality__okato", "municipality__name")
        )
        if not active:
            bot_reply(chat_id, texts.NO_SUBSCRIPTIONS, api=api)
            return
        rows = [[{"text": name, "callback_data": f"unsub:{okato}"}] for okato, name in active]
        rows.append([{"text": texts.UNSUBSCRIBE_ALL, "callback_data": "unsub:all"}])
        bot_reply(chat_id, texts.UNSUBSCRIBE_CHOOSE, {"inline_keyboard": rows}, api=api)
    elif command == "/stop":
        withdrawn = consent_withdraw(chat_id=chat_id)
        bot_reply(chat_id, texts.CONSENT_WITHDRAWN if withdrawn else texts.CONSENT_NONE, api=api)
    else:  # /start, /help and anything unknown
        bot_reply(chat_id, texts.GREETING, texts.location_keyboard(), api=api)
        if not chat_consented(chat_id):
            consent_ask(chat_id=chat_id, api=api)


def _callback(query: dict, *, api: BotApi | None) -> None:
    data = str(query.get("data") or "")
    sender = query.get("from") if isinstance(query.get("from"), dict) else {}
    user_id = sender.get("id")
    message = query.get("message") if isinstance(query.get("message"), dict) else {}
    chat_id = private_chat_id(message)
    message_id = message.get("message_id")
    reply = ""
    edit: tuple[str, dict | None] | None = None
    if data.startswith("cs:") and chat_id is not None:
        consent_button(query=query, chat_id=chat_id, api=api)
        return
    if data.startswith("sv:") and isinstance(user_id, int):
        reply, edit = _survey_button(data, user_id)
    elif data.startswith("subp:") and chat_id is not None:
        page = int(data[5:]) if data[5:].isdigit() else 0
        edit = (
            texts.SUBSCRIBE_CHOOSE,
            texts.municipalities_keyboard(municipality_choices(), page),
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
        bot_call("answerCallbackQuery", callback_query_id=str(query["id"]), text=reply or None)
    if edit is not None and chat_id is not None and isinstance(message_id, int):
        text, markup = edit
        bot_call(
            "editMessageText",
            chat_id=chat_id,
            message_id=message_id,
            text=text,
            reply_markup=markup,
        )


def _survey_button(data: str, user_id: int) -> tuple[str, tuple[str, dict | None] | None]:
    """``sv:<survey>:<solved>`` asks for the rating; ``sv:<survey>:<solved>:<rating>`` records
    the answer through the same service as the web survey page."""
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
