"""Channels in and out (issue 5): each channel is an adapter package under ``otklik.channels``
(``telegram``, ``vk``, ``ok``, ``email``, ``imports``, ``webform``, ``open311``, and ``desk``:
calls and paper letters registered by an operator) with its
converter, transport, views, tests and recorded fixtures. This package is the channels base
(receive, health, state, secrets, notices, the health page); adapters build on it and on the
apps below, never on each other (``pyproject.toml``, contract ``adapters``).

One layout, the same module and function names in every adapter (where the part exists):

- ``converter.py``: ``convert(body: str) -> dict``, the channel's native body (as stored) → an
  item of the ingestion format (``otklik/intake/parsing.py``); registered in ``ready()`` with
  ``intake.services.register_native_converter`` so the quarantine's retry converts again.
  Helpers for the channel's parts of a body live beside it (``convert_event``, ``mail_convert``).
- ``transport.py``: ``send(outbox)``, our answer (or a notice) out through the channel;
  registered in ``ready()`` with ``cases.outbox.register_transport``.
- ``client.py``: the external system's API client (``api/`` would be *our* REST API).
- ``services.py`` (writes: receive a delivery, the webhook), ``selectors.py`` (reads),
  ``tasks.py`` (thin: each calls a service), ``forms.py``, ``views.py`` (thin), ``urls.py``,
  ``apps.py`` (the registrations), ``models.py``, ``admin.py``, ``management/commands/``.
- ``settings.py`` only where a setting needs interpreting (Telegram's mode); every setting is
  read from the environment once, by ``otklik/settings.py``, and read here from
  ``django.conf.settings``.
- Larger adapters split their writes by concern next to ``services.py``: what is pulled on a
  schedule is read by ``poll.py`` (the e-mail box over IMAP, OK's group page) or
  ``monitor.py`` (VK's keyword monitoring); Telegram has ``bot.py`` (the bot's answers),
  ``chats.py``, ``consent.py`` and ``news.py`` (the author's case news).

The contract every adapter keeps:

- **In**: what the channel delivered is passed, exactly as received, to
  ``otklik.channels.services.channel_receive`` with the channel's own id of the item and a
  ``convert`` function (``converter.convert`` or one of its helpers). The raw body is stored
  first; a body that cannot be understood waits in the quarantine with its reason
  (``ChannelParseError``); a delivery that carries no message is kept and marked discarded
  (``NotForIntake``); a repeated delivery changes nothing (idempotent on channel + id).
- **Out**: the outbox calls the adapter's ``transport.send`` for each approved answer, question
  or notice and retries on ``TransportError``. Deliveries are queued only by
  ``cases.outbox.outbox_queue`` (the row, then the delivery after commit); satisfaction surveys
  are made and looked up only by ``cases.services.surveys`` (and answered by
  ``cases.services.answers.survey_respond``). No adapter creates ``OutboxMessage`` or ``Survey``
  rows itself.
- **Health**: every success and failure in either direction is counted on the channel's
  ``ChannelHealth`` row (shown to the ЦУР at /channels/), with the lag between the channel's
  own timestamp and the moment Otklik received the item. Deliveries are counted through the
  outbox's listener registry (``cases.outbox.register_delivery_listener``, filled in
  ``ChannelsConfig.ready()``), so the cases never import the channels.
- **Secrets** come from the environment or files, read at start-up into the settings
  (``otklik.channels.secrets.channel_secret`` reads them and names the variable when one is
  missing): never from the database.
- **Consent** (152-ФЗ) is the intake's: its text and version are ``otklik.intake.consent``.
"""
