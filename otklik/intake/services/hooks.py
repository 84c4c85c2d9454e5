"""Where the intake calls out: the registries that channel adapters and the apps above the
intake fill in their ``AppConfig.ready()`` (the intake never imports them).

- ``NATIVE_CONVERTERS``: a delivery source → the adapter's converter of a stored raw body into
  an item of the ingestion format (so the quarantine can retry it);
- ``PROCESSING_GATES``: a channel code → the adapter's gate, asked before a new message of the
  channel is announced;
- ``MESSAGE_STORED_LISTENERS``: called with the id of each new message to process, once its
  transaction has committed (the cases app opens or joins a case);
- ``MESSAGE_CLASSIFIED_LISTENERS``: called inside the transaction of a correction of what a
  message is about or where, with the message and the names of the fields changed (the
  language pipeline moves its near-duplicate keys with the message's municipality).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

from otklik.intake.models import Message


class NotForIntake(Exception):
    """A channel's delivery that carries no message (a service event, an edit we do not take):
    kept as received and marked discarded with this reason."""


class ChannelParseError(Exception):
    """A channel's delivery that cannot be understood: it waits in the quarantine with this
    reason (in Russian)."""


# Delivery source ("channel:<code>") → the adapter's converter of a stored raw body into an
# item of the ingestion format; adapters register theirs so the quarantine can retry them.
NATIVE_CONVERTERS: dict[str, Callable[[str], dict]] = {}
# Channel code → the adapter's gate, asked before a new message of that channel is announced
# to the listeners (the case lifecycle), whichever way it came in (the channel, the API, a
# retry from the quarantine): True when the adapter holds the message instead — Telegram, for
# a chat without consent to personal-data processing (it asks after the commit and releases
# it later).
PROCESSING_GATES: dict[str, Callable[[Message], bool]] = {}


def register_processing_gate(channel_code: str, gate: Callable[[Message], bool]) -> None:
    PROCESSING_GATES[channel_code] = gate


def register_native_converter(
    channel_code: str, convert: Callable[[str], dict], *, source: str | None = None
) -> None:
    """``source``: a delivery source other than ``channel:<code>``; ``"<prefix>:*"`` serves every
    source of that prefix (the file import's ``import:<system>``)."""
    NATIVE_CONVERTERS[source or f"channel:{channel_code}"] = convert


MESSAGE_STORED_LISTENERS: list[Callable[[int], None]] = []
MESSAGE_CLASSIFIED_LISTENERS: list[Callable[[Message, Iterable[str]], None]] = []


def register_message_listener(listener: Callable[[int], None]) -> None:
    """``listener(message_id)`` is called after the commit that stored a new message to be
    processed (not for a repeated delivery, nor one a channel's gate holds)."""
    if listener not in MESSAGE_STORED_LISTENERS:
        MESSAGE_STORED_LISTENERS.append(listener)


def register_classified_listener(listener: Callable[[Message, Iterable[str]], None]) -> None:
    """``listener(message, fields)`` is called in the transaction of a correction."""
    if listener not in MESSAGE_CLASSIFIED_LISTENERS:
        MESSAGE_CLASSIFIED_LISTENERS.append(listener)


def message_announce(message_id: int) -> None:
    """Hand a stored message on to the listeners once the transaction commits (a channel that
    held the message back — Telegram, until the consent — calls it when it releases it)."""
    for listener in MESSAGE_STORED_LISTENERS:
        transaction.on_commit(lambda listener=listener: listener(message_id))


def message_classified(message: Message, fields: Iterable[str]) -> None:
    for listener in MESSAGE_CLASSIFIED_LISTENERS:
        listener(message, fields)
