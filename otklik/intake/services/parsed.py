"""A parsed item of the ingestion format becomes a message with its attachments (inline files
are kept in the file storage by content)."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from otklik.intake.models import Attachment, Message
from otklik.intake.services.contacts import AuthorData
from otklik.intake.services.messages import message_ingest


def _file_store(data: bytes, *, sha256: str, name: str, content_type: str) -> str:
    """Put a file that came inline into the storage; returns its storage name.

    Files are kept by content (``attachments/<ab>/<sha256><ext>``): the same photo sent again
    is stored once, and a file written by a transaction that then rolled back is not an orphan
    for long — the retry finds it and uses it.
    """
    ext = Path(name).suffix.lower() or mimetypes.guess_extension(content_type or "") or ""
    ext = ext if re.fullmatch(r"\.[a-z0-9]{1,10}", ext) else ""
    path = f"attachments/{sha256[:2]}/{sha256}{ext}"
    if default_storage.exists(path):
        return path
    return default_storage.save(path, ContentFile(data))


def _attachment(a: dict, index: int) -> Attachment:
    name = Path(a.get("name", "").replace("\\", "/")).name
    content_type = a.get("content_type", "")
    data = a.get("content")
    if data is None:
        return Attachment(
            name=name,
            content_type=content_type,
            size=a.get("size"),
            sha256=a.get("sha256", ""),
            url=a.get("url", ""),
        )
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    stored = _file_store(data, sha256=a["sha256"], name=name, content_type=content_type)
    return Attachment(
        name=name or f"вложение-{index + 1}{Path(stored).suffix}",
        content_type=content_type,
        size=a["size"],
        sha256=a["sha256"],
        url=a.get("url", ""),
        file=stored,
    )


def _raw_without_files(raw: dict, attachments: list[dict]) -> dict:
    """The item as it arrived, each inline file replaced by its SHA-256: the bytes are kept in
    the file storage (and in the delivery's body, as they arrived), not a third time here."""
    items = raw.get("attachments")
    if not isinstance(items, list) or not any(a.get("content") is not None for a in attachments):
        return raw  # nothing inline (a channel's own raw data has no such list)
    return {
        **raw,
        "attachments": [
            {
                **{k: v for k, v in item.items() if k != "content"},
                "content_sha256": parsed["sha256"],
            }
            if isinstance(item, dict) and parsed.get("content") is not None
            else item
            for item, parsed in zip(items, attachments, strict=False)
        ],
    }


def ingest_parsed(
    data: dict, *, raw: dict, process: bool = True, checked: bool = False
) -> tuple[Message, bool]:
    author = data.get("author") or {}
    location = data.get("location") or {}
    lat, lon = location.get("lat"), location.get("lon")
    topic = data.get("topic")
    message, created = message_ingest(
        channel=data["channel"],
        kind=data["kind"],
        external_id=data["external_id"],
        text=data["text"],
        received_at=data.get("received_at"),
        raw=_raw_without_files(raw, data.get("attachments", [])),
        checked=checked,
        author=AuthorData(
            name=author.get("name", ""),
            phone=author.get("phone", ""),
            email=author.get("email", ""),
            channel_user_id=author.get("id", ""),
            consent_personal_data=author.get("consent", False),
            consent_text_version=author.get("consent_version", ""),
            postal_address=author.get("postal_address", ""),
            legal_name=author.get("legal_name", ""),
            inn=author.get("inn", ""),
            ogrn=author.get("ogrn", ""),
        )
        if author
        else None,
        address=location.get("address", ""),
        latitude=round(lat, 5) if lat is not None else None,
        longitude=round(lon, 5) if lon is not None else None,
        municipality=data.get("municipality"),
        topic=topic,
        sector=topic.sector if topic is not None else None,
        organization=data.get("organization"),
        process=process,
    )
    if created:
        attachments = [_attachment(a, i) for i, a in enumerate(data.get("attachments", []))]
        for attachment in attachments:
            attachment.message = message
        Attachment.objects.bulk_create(attachments)
    return message, created
