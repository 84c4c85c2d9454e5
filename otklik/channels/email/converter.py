"""A mail (RFC 822 bytes) → an item of the ingestion format, with the stdlib ``email`` package.

Text: the text/plain body is preferred, an HTML-only mail is turned into text; the Subject is
put before it. Author: the From name and address. Attachments: metadata in the item, the bytes
kept by ``mail_attachments`` for the adapter to save as files. Auto-replies and bounces are not
messages (``NotForIntake``); a mail without a sender or without any content is quarantined
(``ChannelParseError``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import re
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser

from django.utils import timezone

from otklik.intake.services import ChannelParseError, NotForIntake

CONTENT_TYPE_TEXT = "message/rfc822"
CONTENT_TYPE_BASE64 = "message/rfc822; encoding=base64"
MAX_EXTERNAL_ID = 128
MAX_TEXT = 100_000  # the ingestion format's limit
TRUNCATED = "\n\n[… письмо сокращено]"

_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]+$")


# --- the raw body of a delivery ------------------------------------------------------------------
def body_encode(raw: bytes) -> tuple[str, str]:
    """The mail as the delivery's text body and its content type (see the package docstring)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return text, CONTENT_TYPE_TEXT
    return base64.b64encode(raw).decode("ascii"), CONTENT_TYPE_BASE64


def body_decode(body: str) -> bytes:
    """The mail's bytes from a delivery body written by ``body_encode``.

    A mail always has a header line with a colon; base64 never has one."""
    if ":" not in body and _BASE64.match(body):
        try:
            return base64.b64decode(body, validate=False)
        except (binascii.Error, ValueError):
            pass
    return body.encode("utf-8")


# --- HTML → text ----------------------------------------------------------------------------------
class _TextOfHtml(HTMLParser):
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- the mail -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MailFile:
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def mail_parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the policy cannot parse: read it as it is
        value = msg.get_all(name, [""])[0] if hasattr(msg, "get_all") else ""
    return str(value or "").strip()


def mail_message_id(msg: EmailMessage) -> str:
    """The Message-ID as it stands in the header (angle brackets kept), or ''."""
    return " ".join(_header(msg, "Message-ID").split())


def external_id_for(message_id: str, *, uidvalidity: str, uid: int) -> str:
    """Message-ID, or ``<uidvalidity>:<uid>`` when the mail has none; a very long Message-ID is
    replaced by its hash (the id column holds 128 characters)."""
    if not message_id:
        return f"{uidvalidity}:{uid}"
    if len(message_id) > MAX_EXTERNAL_ID:
        return "sha256:" + hashlib.sha256(message_id.encode("utf-8")).hexdigest()
    return message_id


_DAEMONS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|auto-?reply)@", re.IGNORECASE)


def auto_reply_reason(msg: EmailMessage) -> str:
    """Why the mail is an automatic one (a vacation reply, a bounce), or ''."""
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Автоматическое письмо (Auto-Submitted: {auto})."
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if _header(msg, name) and name != "X-Auto-Response-Suppress":
            return f"Автоответ ({name})."
    precedence = _header(msg, "Precedence").lower()
    if precedence in {"auto_reply", "bulk", "junk", "list"}:
        return f"Автоматическая или массовая рассылка (Precedence: {precedence})."
    if msg.get_content_type() == "multipart/report":
        return "Уведомление о доставке (multipart/report)."
    _, address = email.utils.parseaddr(_header(msg, "From"))
    if _DAEMONS.match(address):
        return f"Служебное письмо почтовой системы ({address.split('@')[0]})."
    if _header(msg, "Return-Path") == "<>":
        return "Уведомление о недоставке (пустой Return-Path)."
    return ""


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    return content


def mail_text(msg: EmailMessage) -> tuple[str, EmailMessage | None]:
    """The mail's text (plain preferred, else HTML as text) and the part it came from."""
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        return "", None
    text = _part_text(body)
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.strip(), body


def mail_files(msg: EmailMessage, *, body: EmailMessage | None = None) -> list[MailFile]:
    """Every attached file (parts with a file name or marked as attachment), in order."""
    files: list[MailFile] = []
    for part in msg.walk():
        if part is body or part.is_multipart():
            continue
        name = part.get_filename() or ""
        if not name and not part.is_attachment():
            continue
        data = part.get_payload(decode=True) or b""
        files.append(
            MailFile(
                name=name or f"вложение-{len(files) + 1}",
                content_type=part.get_content_type(),
                data=data,
            )
        )
    return files


def _sent_at(msg: EmailMessage) -> dt.datetime | None:
    value = _header(msg, "Date")
    if not value:
        return None
    try:
        sent = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if timezone.is_naive(sent):  # "-0000": the time is in UTC, its zone unknown
        sent = sent.replace(tzinfo=dt.UTC)
    return sent


def mail_sent_at(msg: EmailMessage) -> dt.datetime | None:
    """When the sender says it was sent (the Date header): only the lag is measured with it."""
    return _sent_at(msg)


def mail_convert(raw: bytes) -> dict:
    """One mail → an item of the ingestion format (channel and external id are added by the
    intake; the poller adds the time the mailbox received it — the Date header is the sender's
    word and only measures the lag). Raises ``NotForIntake`` for automatic mail,
    ``ChannelParseError`` when it cannot be understood."""
    try:
        msg = mail_parse(raw)
    except Exception as exc:  # the parser is lenient; this is a real breakage
        raise ChannelParseError(f"Письмо не читается: {exc.__class__.__name__}.") from None
    reason = auto_reply_reason(msg)
    if reason:
        raise NotForIntake(reason)
    try:
        from_header = msg["From"]
        addresses = getattr(from_header, "addresses", ()) if from_header is not None else ()
    except Exception:
        addresses = ()
    if not addresses or not addresses[0].addr_spec or "@" not in addresses[0].addr_spec:
        raise ChannelParseError("В письме нет адреса отправителя (заголовок From).")
    author = addresses[0]
    try:
        text, body = mail_text(msg)
        files = mail_files(msg, body=body)
    except Exception as exc:
        raise ChannelParseError(
            f"Содержимое письма не читается: {exc.__class__.__name__}."
        ) from None
    subject = " ".join(_header(msg, "Subject").split())
    if not text and not files:
        raise ChannelParseError("В письме нет ни текста, ни вложений.")
    if not text:
        text = "(письмо без текста, только вложения: " + ", ".join(f.name for f in files) + ")"
    if subject:
        text = f"{subject}\n\n{text}"
    if len(text) > MAX_TEXT:  # a long quoted thread: the start is what the author wrote
        text = text[: MAX_TEXT - len(TRUNCATED)] + TRUNCATED
    item: dict = {
        "kind": "message",
        "text": text,
        "author": {"name": (author.display_name or "")[:255], "email": author.addr_spec},
        "attachments": [
            {
                "name": f.name[:255],
                "content_type": f.content_type[:128],
                "size": len(f.data),
                "sha256": f.sha256,
            }
            for f in files
        ],
    }
    return item


def mail_raw_summary(msg: EmailMessage, **extra) -> dict:
    """What ``Message.raw`` keeps of a mail: the ids an answer needs, not the personal data."""
    return {
        "message_id": mail_message_id(msg),
        "references": " ".join(_header(msg, "References").split()),
        **extra,
    }


def convert(body: str) -> dict:
    """The quarantine's retry: a stored (or corrected) delivery body → an item."""
    return mail_convert(body_decode(body))
