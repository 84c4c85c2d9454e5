"""A stored web-form body → an item of the ingestion format (the quarantine's retry too)."""

from __future__ import annotations

import json

from otklik.intake.services import ChannelParseError, NotForIntake


def convert(body: str) -> dict:
    """A stored web-form body → an item of the ingestion format (also used by the quarantine's
    retry)."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        raise ChannelParseError("Данные веб-формы не читаются (не JSON).") from None
    if not isinstance(data, dict):
        raise ChannelParseError("Данные веб-формы не читаются (ожидается объект).")
    if data.get("honeypot"):
        raise NotForIntake(
            "Заполнено скрытое поле-ловушка веб-формы: похоже на робота. Если писал человек, "
            "перенесите текст в работу вручную."
        )
    text = str(data.get("text") or "").strip()
    if not text:
        raise ChannelParseError("В сообщении с веб-формы нет текста.")
    lat, lon = data.get("lat"), data.get("lon")
    return {
        "kind": "message",
        "text": text,
        "author": {
            "name": data.get("name") or "",
            "phone": data.get("phone") or "",
            "email": data.get("email") or "",
            "consent": bool(data.get("consent")),
            "consent_version": data.get("consent_version") or "",
        },
        "location": {"address": data.get("address") or "", "lat": lat, "lon": lon},
        "municipality": data.get("municipality") or None,
        "topic": data.get("topic") or None,
        "attachments": [
            {k: p.get(k) for k in ("name", "content_type", "size", "sha256")}
            for p in data.get("photos") or []
        ],
    }
