"""Polling the ЦУР's mailbox over IMAP (stdlib ``imaplib``).

Configuration (environment or ``_FILE``, see README): ``OTKLIK_EMAIL_IMAP_HOST`` (empty: the
channel is off), ``_PORT``, ``_USER``, ``_PASSWORD``, ``_SECURITY`` (``ssl`` — IMAPS, the
default; ``starttls``; ``none`` — local test servers only), ``_FOLDER`` (``INBOX``),
``_PROCESSED_FOLDER`` (empty: processed mail is marked ``\\Seen``; a name: it is moved there),
``_CA_FILE`` (a private CA to trust), ``OTKLIK_EMAIL_ATTACHMENT_MAX_MB`` (10) and
``OTKLIK_EMAIL_POLL_BATCH`` (200 mails a poll).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import logging
import re
import ssl
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile

from otklik.channels.email.converter import (
    body_encode,
    external_id_for,
    mail_convert,
    mail_files,
    mail_message_id,
    mail_parse,
    mail_raw_summary,
    mail_sent_at,
    mail_text,
)
from otklik.channels.secrets import channel_secret
from otklik.channels.services import channel_receive, health_error, state_get, state_set
from otklik.core.exceptions import ApplicationError
from otklik.intake.models import Attachment
from otklik.intake.services import IngestResult

logger = logging.getLogger(__name__)

CHANNEL = "email"
SECURITY_MODES = ("ssl", "starttls", "none")


class EmailPollError(ApplicationError):
    pass


@dataclass(frozen=True)
class ImapSettings:
    host: str
    user: str
    password: str
    port: int = 993
    security: str = "ssl"
    folder: str = "INBOX"
    processed_folder: str = ""
    attachment_max_bytes: int = 10 * 1024 * 1024
    batch: int = 200
    timeout: int = 60
    ca_file: str = ""  # a private CA to trust (the system's CAs otherwise)

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file or None)

    @classmethod
    def from_settings(cls) -> ImapSettings | None:
        """The mailbox of the settings, or None when the channel is not configured."""
        host = settings.OTKLIK_EMAIL_IMAP_HOST
        if not host:
            return None
        security = settings.OTKLIK_EMAIL_IMAP_SECURITY
        if security not in SECURITY_MODES:
            raise EmailPollError(
                f"OTKLIK_EMAIL_IMAP_SECURITY={security!r}: ожидается ssl, starttls или none."
            )
        return cls(
            host=host,
            port=settings.OTKLIK_EMAIL_IMAP_PORT or (993 if security == "ssl" else 143),
            user=channel_secret(CHANNEL, "imap_user"),
            password=channel_secret(CHANNEL, "imap_password"),
            security=security,
            folder=settings.OTKLIK_EMAIL_IMAP_FOLDER,
            processed_folder=settings.OTKLIK_EMAIL_IMAP_PROCESSED_FOLDER,
            attachment_max_bytes=settings.OTKLIK_EMAIL_ATTACHMENT_MAX_BYTES,
            batch=settings.OTKLIK_EMAIL_POLL_BATCH,
            ca_file=settings.OTKLIK_EMAIL_IMAP_CA_FILE,
        )


@dataclass
class PollResult:
    configured: bool = True
    fetched: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "duplicate": 0, "rejected": 0, "ignored": 0}
    )
    last_uid: int = 0
    uidvalidity: str = ""

    def as_dict(self) -> dict:
        return {
            "configured": self.configured,
            "fetched": self.fetched,
            **self.counts,
            "last_uid": self.last_uid,
            "uidvalidity": self.uidvalidity,
        }


def _reason(exc: Exception) -> str:
    """imaplib puts the server's bytes in its errors: say them as text."""
    parts = [
        a.decode("utf-8", "replace") if isinstance(a, bytes) else str(a) for a in exc.args
    ] or [exc.__class__.__name__]
    return " ".join(parts)


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response: tuple, what: str) -> list:
    typ, data = response
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise EmailPollError(f"IMAP {what}: {typ} {detail}".strip())
    return data


def imap_connect(imap: ImapSettings) -> imaplib.IMAP4:
    if imap.security == "ssl":
        client = imaplib.IMAP4_SSL(
            imap.host, imap.port, ssl_context=imap.ssl_context(), timeout=imap.timeout
        )
    else:
        client = imaplib.IMAP4(imap.host, imap.port, timeout=imap.timeout)
        if imap.security == "starttls":
            client.starttls(ssl_context=imap.ssl_context())
    _check(client.login(imap.user, imap.password), "LOGIN")
    return client


def _capabilities(client: imaplib.IMAP4) -> set[str]:
    data = _check(client.capability(), "CAPABILITY")
    return {c.upper() for c in (data[0] or b"").decode("ascii", "replace").split()}


_INTERNALDATE = re.compile(rb'INTERNALDATE "[^"]+"')


def _fetch(client: imaplib.IMAP4, uid: int) -> tuple[bytes, dt.datetime | None]:
    """The mail's bytes and the time the mailbox received it (INTERNALDATE)."""
    data = _check(client.uid("FETCH", str(uid), "(INTERNALDATE BODY.PEEK[])"), "FETCH")
    raw, received = None, None
    for item in data:
        if isinstance(item, tuple):
            raw = item[1]
            match = _INTERNALDATE.search(item[0])
            if match:
                parsed = imaplib.Internaldate2tuple(match.group(0))
                if parsed is not None:
                    received = dt.datetime.fromtimestamp(time.mktime(parsed), tz=dt.UTC)
    if raw is None:
        raise EmailPollError(f"IMAP FETCH: письмо UID {uid} не получено.")
    return raw, received


def _mark(client: imaplib.IMAP4, uid: int, imap: ImapSettings, capabilities: set[str]) -> None:
    if not imap.processed_folder:
        _check(client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)"), "STORE")
        return
    target = _quote(imap.processed_folder)
    if "MOVE" in capabilities:
        _check(client.uid("MOVE", str(uid), target), "MOVE")
        return
    _check(client.uid("COPY", str(uid), target), "COPY")
    _check(client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted \Seen)"), "STORE")
    if "UIDPLUS" in capabilities:
        _check(client.uid("EXPUNGE", str(uid)), "EXPUNGE")
    else:
        _check(client.expunge(), "EXPUNGE")


def mail_receive(
    raw: bytes,
    *,
    uidvalidity: str,
    uid: int,
    folder: str = "INBOX",
    received_at: dt.datetime | None = None,
    attachment_max_bytes: int = 10 * 1024 * 1024,
) -> IngestResult:
    """One fetched mail through the channel contract (raw first, then parse), its files saved."""
    body, content_type = body_encode(raw)
    place = {"uidvalidity": uidvalidity, "uid": uid, "folder": folder}
    try:
        msg = mail_parse(raw)
        message_id = mail_message_id(msg)
        summary = mail_raw_summary(msg, imap=place)
    except Exception:  # the parser is lenient: a failure here is kept and quarantined below
        msg, message_id, summary = None, "", {"imap": place}

    def convert() -> dict:
        item = mail_convert(raw)
        if received_at is not None:
            item["received_at"] = received_at.isoformat()
        return item

    result = channel_receive(
        channel_code=CHANNEL,
        external_id=external_id_for(message_id, uidvalidity=uidvalidity, uid=uid),
        body=body,
        content_type=content_type,
        convert=convert,
        raw=summary,
        sent_at=mail_sent_at(msg) if msg is not None else None,
    )
    if result.status == "created" and msg is not None:
        attachments_save(message_id=result.message_id, msg=msg, max_bytes=attachment_max_bytes)
    return result


def attachments_save(*, message_id: int, msg, max_bytes: int) -> int:
    """Save the mail's files on the message's attachment rows (matched by SHA-256); a file over
    ``max_bytes`` keeps its name, type, size and hash only. Returns the number of files saved."""
    _, body = mail_text(msg)
    files = {f.sha256: f for f in mail_files(msg, body=body)}
    saved = 0
    for attachment in Attachment.objects.filter(message_id=message_id, file=""):
        found = files.get(attachment.sha256)
        if found is None or len(found.data) > max_bytes:
            continue
        attachment.file.save(attachment.name or "file", ContentFile(found.data), save=True)
        saved += 1
    return saved


def email_poll(*, imap: ImapSettings | None = None) -> PollResult:
    """Fetch the new mail of the folder once; see the module docstring."""
    imap = imap or ImapSettings.from_settings()
    if imap is None:
        return PollResult(configured=False)
    try:
        client = imap_connect(imap)
    except (OSError, imaplib.IMAP4.error, EmailPollError) as exc:
        health_error(CHANNEL, f"IMAP {imap.host}:{imap.port}: {_reason(exc)}")
        raise EmailPollError(f"Почтовый ящик недоступен: {_reason(exc)}") from exc
    result = PollResult()
    try:
        capabilities = _capabilities(client)
        _check(client.select(_quote(imap.folder)), f"SELECT {imap.folder}")
        uidvalidity = (client.response("UIDVALIDITY")[1] or [b""])[0]
        uidvalidity = (uidvalidity or b"").decode("ascii")
        last_uid = 0
        if state_get(CHANNEL, "uidvalidity") == uidvalidity:
            last_uid = int(state_get(CHANNEL, "last_uid", "0") or 0)
        else:  # a new mailbox (or it was rebuilt): its UIDs start again
            state_set(CHANNEL, "uidvalidity", uidvalidity)
            state_set(CHANNEL, "last_uid", "0")
        if imap.processed_folder:
            client.create(_quote(imap.processed_folder))  # NO when it exists: fine
        data = _check(client.uid("SEARCH", None, f"UID {last_uid + 1}:*"), "SEARCH")
        # "n:*" always matches the last mail, even when its UID is below n.
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > last_uid)
        result.uidvalidity = uidvalidity
        result.last_uid = last_uid
        for uid in uids[: imap.batch]:
            raw, received_at = _fetch(client, uid)
            outcome = mail_receive(
                raw,
                uidvalidity=uidvalidity,
                uid=uid,
                folder=imap.folder,
                received_at=received_at,
                attachment_max_bytes=imap.attachment_max_bytes,
            )
            result.fetched += 1
            result.counts[outcome.status] = result.counts.get(outcome.status, 0) + 1
            _mark(client, uid, imap, capabilities)
            state_set(CHANNEL, "last_uid", str(uid))
            result.last_uid = uid
    except (OSError, imaplib.IMAP4.error, EmailPollError) as exc:
        health_error(CHANNEL, f"IMAP {imap.host}:{imap.port}: {_reason(exc)}")
        raise EmailPollError(f"Ошибка при чтении почтового ящика: {_reason(exc)}") from exc
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return result
