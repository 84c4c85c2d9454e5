"""A stored registration of the desk (the form's data as JSON) → an item of the ingestion
format (the quarantine's retry too)."""

from __future__ import annotations

import json

from otklik.intake.services import ChannelParseError


def convert(body: str) -> dict:
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        raise ChannelParseError("Данные регистрации не читаются (не JSON).") from None
    if not isinstance(data, dict) or not isinstance(data.get("author"), dict):
        raise ChannelParseError("Данные регистрации не читаются (ожидается объект с автором).")
    text = str(data.get("text") or "").strip()
    if not text:
        raise ChannelParseError("В зарегистрированном обращении нет текста.")
    author = data["author"]
    item = {
        "kind": data.get("kind") or None,
        "text": text,
        "received_at": data.get("received_at"),
        "author": {
            k: author.get(k) or ""
            for k in (
                "name",
                "phone",
                "email",
                "postal_address",
                "legal_name",
                "inn",
                "ogrn",
                "consent_version",
            )
        }
        | {"consent": bool(author.get("consent"))},
        "location": {"address": data.get("address") or ""},
        "municipality": data.get("municipality") or None,
        "organization": data.get("organization") or None,
        "attachments": [
            {k: f.get(k) for k in ("name", "content_type", "size", "sha256")}
            for f in data.get("files") or []
        ],
        # kept as the message's raw data: the registration (the printed answer reads it)
        "desk": data.get("desk") or {},
    }
    if item["kind"] is None:
        del item["kind"]
    return item
