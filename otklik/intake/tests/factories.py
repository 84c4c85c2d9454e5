"""Messages for view tests, stored through the intake service as a channel adapter stores them."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from otklik.directory.models import (
    Channel,
    InputKind,
    Municipality,
    Organization,
    Sector,
    Topic,
)
from otklik.intake.models import Message
from otklik.intake.services import AuthorData, message_ingest

_numbers = itertools.count(1)


def _resolve(model, field: str, value: Any):
    if value is None or isinstance(value, model):
        return value
    return model.objects.get(**{field: value})


def make_message(
    *,
    text: str = "Во дворе не вывозят мусор третью неделю",
    channel: Channel | str = "pos",
    kind: InputKind | str = "message",
    received_at: dt.datetime | None = None,
    sector: Sector | str | None = None,
    topic: Topic | str | None = None,
    municipality: Municipality | str | None = None,
    organization: Organization | str | None = None,
    author_name: str | None = None,
    author_phone: str = "",
    author_email: str = "",
    external_id: str | None = None,
    **extra: Any,
) -> Message:
    """A message as a channel adapter would store it; codes or objects for the references
    (sector/topic/channel/kind/organization by code, municipality by OKATO)."""
    message, created = message_ingest(
        channel=_resolve(Channel, "code", channel),
        kind=_resolve(InputKind, "code", kind),
        external_id=external_id or f"T-{next(_numbers):06d}",
        received_at=received_at or timezone.now(),
        text=text,
        author=(
            AuthorData(name=author_name, phone=author_phone, email=author_email)
            if author_name is not None
            else None
        ),
        sector=_resolve(Sector, "code", sector),
        topic=_resolve(Topic, "code", topic),
        municipality=_resolve(Municipality, "okato", municipality),
        organization=_resolve(Organization, "code", organization),
        **extra,
    )
    assert created
    return message
