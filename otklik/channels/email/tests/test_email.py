"""The e-mail channel against a real IMAP server (dovecot) and a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from otklik.cases.choices import OutboxStatus
from otklik.cases.models import OutboxMessage
from otklik.cases.outbox import outbox_deliver_one
from otklik.cases.services.answers import answer_approve, answer_submit
from otklik.cases.services.lifecycle import case_accept
from otklik.cases.services.waiting import case_request_info
from otklik.channels.email.converter import body_decode, body_encode, convert
from otklik.channels.email.poll import email_poll
from otklik.channels.models import ChannelHealth
from otklik.channels.services import state_get
from otklik.directory.models import Organization
from otklik.intake.models import Attachment, Delivery, DeliveryStatus, Message

pytestmark = pytest.mark.django_db(transaction=False)

TEXT = "Во дворе дома на ул. Мира, 12 третий день не вывозят мусор, контейнеры переполнены."


@pytest.fixture(autouse=True)
def _quiet(settings, tmp_path):
    settings.OTKLIK_NLP_ON_INTAKE = False
    settings.MEDIA_ROOT = str(tmp_path / "media")


def mail(
    *,
    message_id: str | None = "<a1@mail.example.ru>",
    sender="Иванова Мария <maria@example.ru>",
    subject="Мусор во дворе",
    text: str | None = TEXT,
    html: str | None = None,
    files: list[tuple[str, str, bytes]] = (),
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "cur@volgograd.test"
    if subject:
        msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        msg[name] = value
    if text is not None:
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    for name, content_type, data in files:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes(policy=email.policy.SMTP)


def test_a_plain_mail_becomes_a_message_not_an_appeal(region, mailbox):
    mailbox.append(mail())
    result = email_poll(imap=mailbox.settings())
    assert (result.fetched, result.counts["created"]) == (1, 1)
    message = Message.objects.get()
    assert message.channel.code == "email" and message.kind.code == "message"
    assert message.external_id == "<a1@mail.example.ru>"
    assert message.text == f"Мусор во дворе\n\n{TEXT}"
    assert (message.author.name, message.author.email) == ("Иванова Мария", "maria@example.ru")
    assert message.raw["message_id"] == "<a1@mail.example.ru>"
    delivery = Delivery.objects.get()
    assert delivery.source == "channel:email" and delivery.content_type == "message/rfc822"
    assert email.message_from_string(delivery.body)["Message-ID"] == "<a1@mail.example.ru>"
    # the mail is marked seen in the mailbox; the cursor is kept
    assert "\\Seen" in mailbox.flags_and_count()[0]
    assert state_get("email", "last_uid") == "1"
    assert ChannelHealth.objects.get(channel__code="email").inbound_total == 1


def test_html_only_mail_is_read_as_text(region, mailbox):
    html = (
        "<html><head><style>p{color:red}</style></head><body>"
        "<p>Не горит фонарь у&nbsp;остановки &laquo;Школа&raquo;.</p><p>Очень темно.</p>"
        "<script>alert(1)</script></body></html>"
    )
    mailbox.append(mail(text=None, html=html, subject=""))
    email_poll(imap=mailbox.settings())
    message = Message.objects.get()
    assert message.text == "Не горит фонарь у остановки «Школа».\n\nОчень темно."


def test_plain_text_is_preferred_over_html(region, mailbox):
    mailbox.append(mail(html="<p>ВЕРСИЯ HTML</p>"))
    email_poll(imap=mailbox.settings())
    assert "ВЕРСИЯ HTML" not in Message.objects.get().text


def test_attachments_are_saved_as_files_within_the_size_limit(region, mailbox):
    photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    big = b"x" * 3000
    mailbox.append(
        mail(files=[("двор.png", "image/png", photo), ("акт.pdf", "application/pdf", big)])
    )
    email_poll(imap=mailbox.settings(attachment_max_bytes=2500))
    message = Message.objects.get()
    saved, too_big = message.attachments.order_by("pk")
    assert (saved.name, saved.content_type, saved.size) == ("двор.png", "image/png", len(photo))
    assert saved.sha256 == hashlib.sha256(photo).hexdigest()
    with saved.file.open("rb") as f:
        assert f.read() == photo
    # over the limit: the metadata stays, the file is not kept
    assert (too_big.name, too_big.size, too_big.file.name) == ("акт.pdf", 3000, "")
    assert Attachment.objects.count() == 2


def test_encoded_headers_are_decoded(region, mailbox):
    raw = (
        b"From: =?utf-8?B?0J/QtdGC0YDQvtCyINCf0ZHRgtGA?= <petrov@example.ru>\r\n"
        b"To: cur@volgograd.test\r\n"
        b"Subject: =?koi8-r?B?7sXUIMfB2sE=?=\r\n"
        b"Message-ID: <enc-1@example.ru>\r\n"
        b"Content-Type: text/plain; charset=koi8-r\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + "Третий день без газа.".encode("koi8-r")
    )
    mailbox.append(raw)
    email_poll(imap=mailbox.settings())
    message = Message.objects.get()
    assert message.author.name == "Петров Пётр"
    assert message.text == "Нет газа\n\nТретий день без газа."
    # 8-bit KOI8-R is not UTF-8: the delivery keeps the exact bytes in base64
    delivery = Delivery.objects.get()
    assert delivery.content_type == "message/rfc822; encoding=base64"
    assert body_decode(delivery.body).rstrip(b"\r\n") == raw


def test_a_repeated_poll_changes_nothing(region, mailbox):
    mailbox.append(mail())
    email_poll(imap=mailbox.settings())
    again = email_poll(imap=mailbox.settings())
    assert again.fetched == 0
    # the cursor is lost (or the mail is appended again): the Message-ID keeps it one message
    from otklik.channels.services import state_set

    state_set("email", "last_uid", "0")
    mailbox.append(mail())
    third = email_poll(imap=mailbox.settings())
    assert (third.fetched, third.counts["duplicate"]) == (2, 2)
    assert Message.objects.count() == 1 and Delivery.objects.count() == 1


def test_only_new_mail_is_fetched_and_a_new_uidvalidity_starts_again(region, mailbox):
    mailbox.append(mail(message_id="<m1@x.ru>"))
    email_poll(imap=mailbox.settings())
    mailbox.append(mail(message_id="<m2@x.ru>"))
    second = email_poll(imap=mailbox.settings())
    assert (second.fetched, second.counts["created"], second.last_uid) == (1, 1, 2)
    from otklik.channels.services import state_set

    state_set("email", "uidvalidity", "1")  # as if the mailbox had been rebuilt
    third = email_poll(imap=mailbox.settings())
    assert (third.fetched, third.counts["duplicate"]) == (2, 2)
    assert Message.objects.count() == 2


def test_a_mail_without_message_id_is_keyed_by_uid(region, mailbox):
    mailbox.append(mail(message_id=None))
    result = email_poll(imap=mailbox.settings())
    assert Message.objects.get().external_id == f"{result.uidvalidity}:1"


def test_processed_mail_can_be_moved_to_a_folder(region, mailbox):
    mailbox.append(mail())
    email_poll(imap=mailbox.settings(processed_folder="Otklik"))
    assert mailbox.flags_and_count("INBOX") == []
    assert len(mailbox.flags_and_count("Otklik")) == 1
    assert Message.objects.count() == 1


def test_a_malformed_mail_waits_in_the_quarantine(region, mailbox):
    mailbox.append(b"this is not a mail at all\r\n\r\njust some bytes\r\n")
    result = email_poll(imap=mailbox.settings())
    assert result.counts["rejected"] == 1 and not Message.objects.exists()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.QUARANTINED
    assert delivery.error == "В письме нет адреса отправителя (заголовок From)."
    assert delivery.external_id == f"{result.uidvalidity}:1"
    # it is marked processed all the same: the next poll does not fetch it again
    assert email_poll(imap=mailbox.settings()).fetched == 0


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "maria@example.ru", "Auto-Submitted"),
        ({"X-Autoreply": "yes"}, "maria@example.ru", "X-Autoreply"),
        ({}, "MAILER-DAEMON@mx.example.ru", "MAILER-DAEMON"),
    ],
)
def test_auto_replies_and_bounces_are_not_messages(region, mailbox, headers, sender, reason):
    mailbox.append(mail(headers=headers, sender=sender, subject="Автоответ: в отпуске"))
    result = email_poll(imap=mailbox.settings())
    assert result.counts["ignored"] == 1 and not Message.objects.exists()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DISCARDED and reason in delivery.error


def test_a_59fz_appeal_cannot_come_by_email(region):
    from otklik.intake.services import native_receive

    result = native_receive(
        channel_code="email",
        external_id="<x@y>",
        body="x",
        content_type="message/rfc822",
        convert=lambda: {**convert(mail().decode()), "kind": "appeal_59fz"},
        process=False,
    )
    assert result.status == "rejected" and "30.03.2025" in result.errors


def test_a_very_long_mail_is_cut_to_the_format_limit():
    from otklik.channels.email.converter import MAX_TEXT, TRUNCATED, mail_convert

    item = mail_convert(mail(text="Нет воды. " * 20_000))
    assert len(item["text"]) == MAX_TEXT and item["text"].endswith(TRUNCATED)
    assert item["text"].startswith("Мусор во дворе\n\nНет воды. ")


def test_body_encoding_round_trip():
    raw = mail().replace(b"\r\n", b"\n")
    assert body_encode(raw) == (raw.decode(), "message/rfc822")
    binary = b"From: a@b.ru\r\n\r\n\xff\x00\xfe"
    text, content_type = body_encode(binary)
    assert content_type.endswith("base64") and base64.b64decode(text) == binary
    assert body_decode(text) == binary


def test_the_command_polls_once(region, mailbox, settings, capsys):
    settings.OTKLIK_EMAIL_IMAP_HOST = mailbox.server.host
    settings.OTKLIK_EMAIL_IMAP_PORT = mailbox.server.port
    settings.OTKLIK_EMAIL_IMAP_USER = mailbox.user
    settings.OTKLIK_EMAIL_IMAP_PASSWORD = mailbox.password
    settings.OTKLIK_EMAIL_IMAP_SECURITY = "none"
    mailbox.append(mail())
    call_command("email", "poll", "--once", "--json")
    assert '"created": 1' in capsys.readouterr().out
    assert Message.objects.count() == 1


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_to_the_mailbox(region, mailbox, security):
    port = mailbox.server.imaps_port if security == "ssl" else mailbox.server.port
    ca_file = str(mailbox.server.base / "cert.pem")
    mailbox.append(mail())
    imap = mailbox.settings(security=security, port=port, ca_file=ca_file)
    assert email_poll(imap=imap).counts["created"] == 1


def test_an_untrusted_certificate_is_refused(region, mailbox):
    from otklik.channels.email.poll import EmailPollError

    imap = mailbox.settings(security="ssl", port=mailbox.server.imaps_port)
    with pytest.raises(EmailPollError, match="CERTIFICATE_VERIFY_FAILED"):
        email_poll(imap=imap)


def test_a_wrong_password_is_a_channel_error(region, mailbox):
    from otklik.channels.email.poll import EmailPollError

    with pytest.raises(EmailPollError, match="Почтовый ящик недоступен"):
        email_poll(imap=mailbox.settings(password="wrong"))
    health = ChannelHealth.objects.get(channel__code="email")
    assert health.error_total == 1
    assert health.last_error.endswith("[AUTHENTICATIONFAILED] Authentication failed.")


# --- answers by SMTP ---------------------------------------------------------------------------
def _answered_case(personas, mailbox, django_capture_on_commit_callbacks, sender):
    mailbox.append(mail(sender=sender))
    with django_capture_on_commit_callbacks(execute=True):
        email_poll(imap=mailbox.settings())
    message = Message.objects.get()
    case = message.case
    assert case is not None
    org = Organization.objects.get(code="adm-18410")
    case_accept(case=case, actor=personas["analyst"], organization=org)
    answer = answer_submit(
        case=case,
        actor=personas["org_operator"],
        text="Контейнеры вывезены 28.11, график вывоза восстановлен.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    return case, OutboxMessage.objects.get(answer=answer)


def test_the_answer_is_mailed_in_reply_to_the_original(
    personas, mailbox, smtp_server, django_capture_on_commit_callbacks
):
    case, outbox = _answered_case(
        personas, mailbox, django_capture_on_commit_callbacks, "Иванова Мария <maria@example.ru>"
    )
    assert outbox.status == OutboxStatus.SENT
    assert len(smtp_server.messages) == 1
    sent = email.message_from_bytes(smtp_server.messages[0], policy=email.policy.default)
    # (Django folds the encoded Subject after "Subject:", hence the strip)
    assert sent["Subject"].strip() == f"Ответ на ваше сообщение № {case.number}"
    assert sent["To"] == "maria@example.ru" and sent["From"] == "cur@volgograd.test"
    assert sent["In-Reply-To"] == "<a1@mail.example.ru>"
    assert sent["References"] == "<a1@mail.example.ru>"
    assert "Контейнеры вывезены 28.11" in sent.get_content()
    assert outbox.payload["email_sent_to"] == ["maria@example.ru"]
    assert ChannelHealth.objects.get(channel__code="email").outbound_total == 1


def test_a_question_to_the_author_is_mailed_under_its_own_subject(
    personas, mailbox, smtp_server, django_capture_on_commit_callbacks
):
    # given a mailed message whose case is with the Волжский administration
    mailbox.append(mail(sender="Иванова Мария <maria@example.ru>"))
    with django_capture_on_commit_callbacks(execute=True):
        email_poll(imap=mailbox.settings())
    case = Message.objects.get().case
    org = Organization.objects.get(code="adm-18410")
    case_accept(case=case, actor=personas["analyst"], organization=org)

    # when the organisation asks the author for details
    with django_capture_on_commit_callbacks(execute=True):
        case_request_info(
            case=case,
            actor=personas["org_operator"],
            question="Уточните, пожалуйста, номер подъезда и этаж.",
        )

    # then the mail asks, it does not say «Ответ»
    outbox = OutboxMessage.objects.get(case=case, kind="question")
    assert outbox.status == OutboxStatus.SENT
    sent = email.message_from_bytes(smtp_server.messages[0], policy=email.policy.default)
    assert sent["Subject"].strip() == (
        f"Уточните, пожалуйста, сведения по вашему обращению № {case.number}"
    )
    assert "номер подъезда и этаж" in sent.get_content()


def test_a_refused_recipient_is_a_permanent_failure(
    personas, mailbox, smtp_server, django_capture_on_commit_callbacks
):
    _, outbox = _answered_case(
        personas, mailbox, django_capture_on_commit_callbacks, "nobody@example.ru"
    )
    assert outbox.status == OutboxStatus.FAILED and outbox.next_attempt_at is None
    assert "550" in outbox.last_error and smtp_server.messages == []
    # the page shows the error to roles that may not see the applicant's address
    assert "nobody@example.ru" not in outbox.last_error


def test_a_temporary_refusal_is_retried(
    personas, mailbox, smtp_server, django_capture_on_commit_callbacks
):
    _, outbox = _answered_case(
        personas, mailbox, django_capture_on_commit_callbacks, "busy@example.ru"
    )
    assert outbox.status == OutboxStatus.PENDING and outbox.attempts == 1
    assert outbox.next_attempt_at is not None and "451" in outbox.last_error


def test_a_server_that_is_down_is_retried(
    personas, mailbox, settings, django_capture_on_commit_callbacks
):
    from otklik.channels.email.tests.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    _, outbox = _answered_case(
        personas, mailbox, django_capture_on_commit_callbacks, "maria@example.ru"
    )
    assert outbox.status == OutboxStatus.PENDING and "ConnectionRefused" in outbox.last_error
    assert outbox_deliver_one(outbox.pk) == OutboxStatus.PENDING
