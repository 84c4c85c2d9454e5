"""Answers by e-mail: the outbox transport of the ``email`` channel.

SMTP is Django's mail configuration (``OTKLIK_EMAIL_HOST``, ``_PORT``, ``_USER``, ``_PASSWORD``,
``_USE_TLS``, ``_USE_SSL``, ``_FROM``): the platform has one outgoing mail server, used for
notifications and answers alike (without ``OTKLIK_EMAIL_HOST`` the embedded profile writes mail
to ``var/mail/``). Each author of the case's e-mail messages gets one reply, threaded to their
mail (``In-Reply-To``/``References``); who has already been answered is kept on the outbox row,
so a retry does not mail them twice.

A refused recipient or message (5xx) is a permanent failure; 4xx, a lost connection or a
refused login are retried by the outbox. The error's text is shown on the case page and the
channel page to roles that may not see the applicant's e-mail (``core.applicant``): every
address in it, the server's echo included, is replaced by «[адрес заявителя]».
"""

from __future__ import annotations

import re
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from otklik.cases.outbox import TransportError
from otklik.intake.models import Message

CHANNEL = "email"
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ADDRESS_HIDDEN = "[адрес заявителя]"


def answer_subject(case_number: str, kind: str = "answer") -> str:
    """The subject of the mail: an answer, or a question of the organisation (kind
    ``question``: the author is asked for details, not answered)."""
    if kind == "question":
        return f"Уточните, пожалуйста, сведения по вашему обращению № {case_number}"
    return f"Ответ на ваше сообщение № {case_number}"


def _recipients(outbox) -> list[tuple[str, Message]]:
    """(address, the author's first mail) for every author of the case's e-mail messages."""
    seen: dict[str, Message] = {}
    messages = (
        Message.objects.filter(case=outbox.case, channel__code=CHANNEL)
        .select_related("author")
        .order_by("received_at", "pk")
    )
    for message in messages:
        address = (message.author.email if message.author else "").strip()
        if address and address.lower() not in seen:
            seen[address.lower()] = message
    return [(m.author.email.strip(), m) for m in seen.values()]


def _reply(outbox, address: str, original: Message) -> EmailMessage:
    number = outbox.case.number
    text = (outbox.payload or {}).get("text", "")
    body = f"{text}\n\n—\nНомер вашего сообщения: {number}.\n"
    headers = {}
    message_id = (original.raw or {}).get("message_id", "")
    if message_id:
        references = (original.raw or {}).get("references", "")
        headers["In-Reply-To"] = message_id
        headers["References"] = f"{references} {message_id}".strip()
    return EmailMessage(
        subject=answer_subject(number, outbox.kind),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers=headers,
    )


def _failure(exc: Exception) -> TransportError:
    failure = _smtp_failure(exc)
    return TransportError(_ADDRESS.sub(ADDRESS_HIDDEN, str(failure)), permanent=failure.permanent)


def _smtp_failure(exc: Exception) -> TransportError:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(
            f"{addr}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        )
        permanent = bool(codes) and all(500 <= c < 600 for c in codes)
        return TransportError(f"SMTP: адресат отклонён ({detail})", permanent=permanent)
    if isinstance(exc, smtplib.SMTPAuthenticationError):  # our configuration: fixable, retried
        return TransportError(f"SMTP: вход отклонён ({exc.smtp_code})", permanent=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        error = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        return TransportError(
            f"SMTP: {exc.smtp_code} {error}", permanent=500 <= exc.smtp_code < 600
        )
    return TransportError(f"SMTP: {exc.__class__.__name__}: {exc}", permanent=False)


def send(outbox) -> None:
    """Send the outbox row's answer to every e-mail author of the case not yet answered."""
    recipients = _recipients(outbox)
    if not recipients:
        raise TransportError("Нет адреса электронной почты автора.", permanent=True)
    payload = dict(outbox.payload or {})
    done = {a.lower() for a in payload.get("email_sent_to", [])}
    pending = [(a, m) for a, m in recipients if a.lower() not in done]
    if not pending:
        return
    try:
        with get_connection(fail_silently=False) as connection:
            for address, original in pending:
                connection.send_messages([_reply(outbox, address, original)])
                done.add(address.lower())
    except (smtplib.SMTPException, OSError) as exc:
        raise _failure(exc) from exc
    finally:
        payload["email_sent_to"] = sorted(done)
        outbox.payload = payload
