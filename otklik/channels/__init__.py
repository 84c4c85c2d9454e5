"""Channels in and out (issue 5): each channel is an adapter package under ``otklik.channels``
(``telegram``, ``vk``, ``ok``, ``email``, ``imports``, ``webform``, ``open311`` …) with its
adapter, views, tests and recorded fixtures.

The contract every adapter keeps:

- **In**: what the channel delivered is passed, exactly as received, to
  ``otklik.channels.services.channel_receive`` with the channel's own id of the item and a
  ``convert`` function that turns it into an item of the ingestion format
  (``otklik/intake/parsing.py``). The raw body is stored first; a body that cannot be
  understood waits in the quarantine with its reason (``ChannelParseError``); a delivery that
  carries no message is kept and marked discarded (``NotForIntake``); a repeated delivery
  changes nothing (idempotent on channel + id).
- **Out**: an adapter registers a transport for its channel code with
  ``otklik.cases.outbox.register_transport`` (in its ``ready()``); the outbox calls it for each
  approved answer and retries on ``TransportError``.
- **Health**: every success and failure in either direction is counted on the channel's
  ``ChannelHealth`` row (shown to the ЦУР at /channels/), with the lag between the channel's
  own timestamp and the moment Otklik received the item.
- **Secrets** come from the environment or files (``otklik.channels.secrets.channel_secret``):
  never from the database.
"""
