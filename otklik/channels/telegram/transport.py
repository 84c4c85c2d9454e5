"""The outbox's transport of Telegram (``send``): the approved answer and the author's notices
(status news, the survey question; outbox rows of kind ``notice``); an author who withdrew
consent gets neither (the row fails with that reason)."""

from __future__ import annotations

from otklik.cases.outbox import TransportError
from otklik.channels.telegram import texts
from otklik.channels.telegram.chats import chat_blocked
from otklik.channels.telegram.client import BotApi, BotApiError
from otklik.channels.telegram.converter import chat_of

CONSENT_WITHDRAWN = (
    "Заявитель отозвал согласие на обработку персональных данных: в Telegram не отправляется."
)
BLOCKED = "Пользователь заблокировал бота: в Telegram не отправляется."


def _chunks(text: str, size: int = 4000) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def send(outbox) -> None:
    """The outbox's transport: the approved answer to the author's chat, or a notice (kind
    ``notice``: status news, the survey question) to the chat named in its payload."""
    case = outbox.case
    markup = None
    if outbox.kind == "notice":
        chat_id = outbox.payload.get("chat_id")
        text, markup = outbox.payload.get("text", ""), outbox.payload.get("reply_markup")
        if not isinstance(chat_id, int) or not text:
            raise TransportError("Уведомление без чата или текста.", permanent=True)
    else:
        author = case.author if case.author_id else None
        chat_id = chat_of(author.channel_user_id) if author is not None else None
        if chat_id is None:
            raise TransportError("У инцидента нет автора в Telegram.", permanent=True)
        if author.consent_withdrawn_at is not None and not author.consent_personal_data:
            raise TransportError(CONSENT_WITHDRAWN, permanent=True)
        answer = outbox.answer
        if outbox.kind == "question":
            template = texts.QUESTION
        elif answer and answer.is_intermediate:
            template = texts.INTERMEDIATE
        else:
            template = texts.ANSWER
        text = template.format(number=case.number, text=outbox.payload.get("text", ""))
    try:
        api = BotApi()
        chunks = _chunks(text)
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            api.send_message(chat_id=chat_id, text=chunk, reply_markup=markup if last else None)
    except BotApiError as exc:
        if exc.code == 403:
            chat_blocked(chat_id=chat_id)
        raise TransportError(str(exc), permanent=exc.permanent) from None
    except Exception as exc:  # a missing token: worth retrying once it is configured
        raise TransportError(str(exc), permanent=False) from None
