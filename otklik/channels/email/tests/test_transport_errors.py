"""An SMTP failure as the case page and the channel page show it: never the applicant's address
(the organisation operator and the auditor see these pages, not the applicant's e-mail)."""

from __future__ import annotations

import smtplib

import pytest

from otklik.channels.email.transport import _failure

CASES = [
    (
        smtplib.SMTPRecipientsRefused(
            {
                "maria@example.ru": (
                    550,
                    b"5.1.1 <maria@example.ru>: Recipient address rejected: User unknown",
                )
            }
        ),
        "SMTP: адресат отклонён ([адрес заявителя]: 550 5.1.1 <[адрес заявителя]>: Recipient "
        "address rejected: User unknown)",
        True,
    ),
    (
        smtplib.SMTPRecipientsRefused({"busy.user@mail.example.ru": (451, "Try again later")}),
        "SMTP: адресат отклонён ([адрес заявителя]: 451 Try again later)",
        False,
    ),
    (
        smtplib.SMTPDataError(554, b"Message to ivanov@example.ru rejected as spam"),
        "SMTP: 554 Message to [адрес заявителя] rejected as spam",
        True,
    ),
    (
        smtplib.SMTPAuthenticationError(535, b"bad credentials"),
        "SMTP: вход отклонён (535)",
        False,
    ),
    (
        ConnectionRefusedError(111, "Connection refused"),
        "SMTP: ConnectionRefusedError: [Errno 111] Connection refused",
        False,
    ),
]


@pytest.mark.parametrize(("exc", "text", "permanent"), CASES)
def test_an_smtp_failure_never_names_the_applicants_address(exc, text, permanent):
    failure = _failure(exc)

    assert (str(failure), failure.permanent) == (text, permanent)
