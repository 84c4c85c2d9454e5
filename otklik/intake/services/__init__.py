"""Writes on the registry of input, by concern:

- ``receive``: ``delivery_receive`` (the ingestion API) and ``native_receive`` (every channel
  adapter) store what arrived before parsing it, then ingest it or quarantine it;
- ``parsed``: a parsed item becomes a message with its attachments;
- ``messages``: ``message_ingest`` (idempotent on channel + external id), an operator's
  correction (``message_classify``), what the language pipeline filled
  (``message_fill_from_analysis``);
- ``contacts``: citizens' contacts and their consent to personal-data processing;
- ``quarantine``: the ЦУР's decisions on a quarantined delivery;
- ``hooks``: the registries the apps above fill in their ``ready()`` (channel converters and
  gates, the listeners of stored and corrected messages).

The public services other apps call are re-exported here.
"""

from otklik.intake.services.contacts import (
    AuthorData,
    contact_consent_give,
    contact_consent_withdraw,
    contact_of_channel_user,
)
from otklik.intake.services.hooks import (
    NATIVE_CONVERTERS,
    PROCESSING_GATES,
    ChannelParseError,
    NotForIntake,
    message_announce,
    register_classified_listener,
    register_message_listener,
    register_native_converter,
    register_processing_gate,
)
from otklik.intake.services.messages import (
    message_classify,
    message_fill_from_analysis,
    message_ingest,
)
from otklik.intake.services.quarantine import delivery_discard, delivery_retry
from otklik.intake.services.receive import (
    IngestResult,
    ReceiveOutcome,
    delivery_receive,
    native_receive,
)

__all__ = [
    "NATIVE_CONVERTERS",
    "PROCESSING_GATES",
    "AuthorData",
    "ChannelParseError",
    "IngestResult",
    "NotForIntake",
    "ReceiveOutcome",
    "contact_consent_give",
    "contact_consent_withdraw",
    "contact_of_channel_user",
    "delivery_discard",
    "delivery_receive",
    "delivery_retry",
    "message_announce",
    "message_classify",
    "message_fill_from_analysis",
    "message_ingest",
    "native_receive",
    "register_classified_listener",
    "register_message_listener",
    "register_native_converter",
    "register_processing_gate",
]
