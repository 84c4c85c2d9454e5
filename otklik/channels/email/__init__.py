"""The e-mail channel: a mailbox polled over IMAP, answers sent by SMTP.

Since 30.03.2025 (547-ФЗ) plain e-mail is no longer a channel of appeals under 59-ФЗ: every mail
becomes a *message* (``kind = message``); the intake refuses ``appeal_59fz`` from ``email``.

- **In** (``poll.email_poll``, the periodic job ``email.poll``, ``otklik email poll``): new mails
  of the folder (after the last UID seen, per UIDVALIDITY, kept with ``state_set``) are fetched,
  stored raw as deliveries and converted by ``converter.mail_convert``; each mail is then marked
  ``\\Seen`` or moved to a folder. The external id is the Message-ID header (fallback
  ``<uidvalidity>:<uid>``), so a repeated poll changes nothing.
- **The raw body** of a delivery is the RFC 822 message itself: when its bytes are valid UTF-8
  (the usual 7-bit MIME mail is) it is stored as that text (``message/rfc822``), otherwise as
  base64 (``message/rfc822; encoding=base64``); ``converter.body_decode`` gives the bytes back.
- **Out** (``transport.send``): the outbox sends approved answers by SMTP through Django's
  mail settings (``OTKLIK_EMAIL_HOST`` …), in reply to the original Message-ID.
"""
