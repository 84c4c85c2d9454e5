"""Writes of the Open311 endpoint: a posted service request goes in through ``channel_receive``."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from otklik.accounts.models import ApiKey
from otklik.channels.open311 import converter
from otklik.channels.open311.selectors import CHANNEL, token_stored
from otklik.channels.services import channel_receive
from otklik.core.exceptions import ApplicationError
from otklik.intake.models import Message
from otklik.intake.services import ChannelParseError

TOKEN = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


@dataclass(frozen=True)
class Submitted:
    token: str
    status: str  # created | duplicate | rejected
    service_request_id: str | None = None
    reason: str = ""


FORM = "application/x-www-form-urlencoded"


def _not_a_form(content_type: str) -> dict:
    raise ChannelParseError(
        f"Тело запроса не в формате формы ({content_type or 'без типа'}): GeoReport v2 "
        f"принимает {FORM} (или multipart/form-data)."
    )


def request_submit(
    *,
    api_key: ApiKey,
    params: list[tuple[str, str]],
    body: str | None = None,
    content_type: str = FORM,
) -> Submitted:
    """Take one posted service request of the system of ``api_key``.

    ``params`` are the request's parameters as received, less ``api_key``. Their form encoding
    is stored first (the raw body); the request is idempotent on its ``token`` (the client's,
    or one generated here): the same token again returns the same request. A request that
    cannot be taken waits in the quarantine (``status="rejected"``, ``reason`` in Russian).
    A ``body`` that is not a form (JSON, XML …) is kept as it came, in the quarantine."""
    given = [v for k, v in params if k == "token"]
    token = given[-1].strip() if given and given[-1].strip() else uuid.uuid4().hex
    if not TOKEN.match(token):
        raise ApplicationError("token: до 100 знаков из латинских букв, цифр и «._:-».")
    stored = token_stored(token)
    if stored is not None:
        owner, number = stored
        if owner is not None and owner != api_key.pk:
            raise ApplicationError("token: этот token уже использован другой системой.")
        return Submitted(token, "duplicate", number)  # the same token again: nothing changes
    if body is None:
        body = urlencode([(k, v) for k, v in params if k != "api_key"])
        convert = lambda: converter.convert(body)  # noqa: E731
    else:
        convert = lambda: _not_a_form(content_type)  # noqa: E731
    result = channel_receive(
        channel_code=CHANNEL,
        external_id=token,
        body=body,
        content_type=content_type,
        convert=convert,
        raw={
            "params": [[k, v] for k, v in params if k != "api_key"],
            "system": api_key.system,
            "api_key_id": api_key.pk,
        },
        stored_checked=True,
    )
    if result.status == "rejected":
        return Submitted(token, "rejected", reason=result.errors)
    # With tasks run at once the case is open by now; with a worker it comes later (token).
    number = (
        Message.objects.filter(pk=result.message_id).values_list("case__number", flat=True).first()
    )
    return Submitted(token, result.status, number)
