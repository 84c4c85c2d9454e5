"""A posted Open311 service request (its form body) → an item of the ingestion format."""

from __future__ import annotations

from urllib.parse import parse_qsl

from otklik.channels.open311.attributes import attributes_for
from otklik.channels.open311.jurisdictions import UnknownJurisdiction, jurisdiction_resolve
from otklik.directory.cache import reference_snapshot
from otklik.intake.services import ChannelParseError

# The parameters of POST /requests (GeoReport v2) and our one extension, ``token``: a client's
# idempotency key (the same token again returns the same request instead of a new one).
FIELDS = (
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    "token",
)


def form_params(body: str) -> tuple[dict[str, str], dict[str, str]]:
    """(parameters, attribute values) of a form body; the last of a repeated name wins."""
    params: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for name, value in parse_qsl(body, keep_blank_values=True):
        if name.startswith("attribute[") and name.endswith("]"):
            attributes[name[len("attribute[") : -1]] = value.strip()
        elif name in FIELDS:
            params[name] = value.strip()
    return params, attributes


def _coordinate(params: dict[str, str], name: str, limit: float) -> float | None:
    raw = params.get(name, "")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ChannelParseError(f"{name}: ожидается число, получено «{raw[:40]}».") from None
    if not -limit <= value <= limit:
        raise ChannelParseError(f"{name}: значение вне диапазона ±{limit:g}.")
    return value


def convert(body: str) -> dict:
    """The ingestion item of one posted request; ``ChannelParseError`` (in Russian) when the
    request cannot be taken as it is."""
    params, values = form_params(body)
    errors: list[str] = []
    code = params.get("service_code", "")
    topic = reference_snapshot().topics.get(code) if code else None  # with its sector
    topic = topic if topic is not None and topic.is_active else None
    if not code:
        errors.append("service_code: обязательный параметр.")
    elif topic is None:
        errors.append(f"service_code: нет услуги «{code[:64]}» (список: GET /services).")
    try:
        jurisdiction = jurisdiction_resolve(params.get("jurisdiction_id"))
    except UnknownJurisdiction as exc:
        raise ChannelParseError(str(exc)) from None
    lat = _coordinate(params, "lat", 90)
    lon = _coordinate(params, "long", 180)
    if (lat is None) != (lon is None):
        errors.append("lat и long передаются вместе.")
    address = params.get("address_string", "") or params.get("address_id", "")
    if lat is None and not address:
        errors.append("Укажите место: lat и long, address_string или address_id.")
    lines = []
    if topic is not None:
        known = {a.code: a for a in attributes_for(topic.code, topic.sector.code)}
        for a in known.values():
            if a.required and not values.get(a.code):
                errors.append(f"attribute[{a.code}]: обязательный атрибут «{a.description}».")
        for name, value in values.items():
            attribute = known.get(name)
            if not value:  # an optional field left empty
                continue
            if attribute is None:
                errors.append(f"attribute[{name[:40]}]: у услуги {topic.code} нет такого атрибута.")
            elif problem := attribute.check(value):
                errors.append(problem)
            else:
                lines.append(attribute.label(value))
    if errors:
        raise ChannelParseError("\n".join(errors))
    text = params.get("description", "") or topic.name
    if lines:
        text = f"{text}\n" + "; ".join(lines)
    name = " ".join(p for p in (params.get("first_name", ""), params.get("last_name", "")) if p)
    item: dict = {
        "kind": "message",
        "text": text,
        "topic": topic.code,
        "location": {"lat": lat, "lon": lon, "address": params.get("address_string", "")[:255]},
        "author": {
            "name": name[:255],
            "phone": params.get("phone", "")[:64],
            "email": params.get("email", ""),
            "id": (params.get("account_id") or params.get("device_id") or "")[:128],
        },
    }
    if jurisdiction.municipality is not None:
        item["municipality"] = jurisdiction.municipality.okato
    if params.get("media_url"):
        item["attachments"] = [{"url": params["media_url"]}]
    return item
