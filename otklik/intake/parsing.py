"""The ingestion format: what every channel adapter and external system sends to Otklik.

One item is a JSON object; the ingestion API takes one item or a batch (a JSON array, or
``{"messages": [...]}``). Validation errors are collected per field, in Russian, and become the
quarantine reason.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from otklik.core.identifiers import digits, inn_valid, ogrn_valid
from otklik.directory.cache import ReferenceSnapshot, reference_snapshot
from otklik.directory.models import Channel, InputKind, Municipality, Organization, Topic

# Kind of input a channel brings when the item does not say.
DEFAULT_KIND = {
    "incident": "publication",
    "vk": "publication",
    "ok": "publication",
    "paper": "appeal_59fz",
}


def _books(field: serializers.Field) -> ReferenceSnapshot:
    """The reference books of this parse: given once per delivery in the serializer's context
    (``books``), else this process's current snapshot."""
    return field.context.get("books") or reference_snapshot()


class ReferenceCodeField(serializers.SlugRelatedField):
    """The code of a reference row, found in the process's reference books (no query). A code
    the books do not hold goes to the database as before (a very new row, or the error)."""

    def to_internal_value(self, data):
        if isinstance(data, str | int) and not isinstance(data, bool):
            books = _books(self)
            model = self.queryset.model
            pk = books.ids[model].get(str(data))
            if pk is not None:
                return books.by_id[model][pk]
        return super().to_internal_value(data)


class AuthorInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    id = serializers.CharField(
        max_length=128,
        required=False,
        allow_blank=True,
        default="",
        help_text="the author's id in the channel",
    )
    consent = serializers.BooleanField(
        required=False, default=False, help_text="consent to personal-data processing (152-ФЗ)"
    )
    consent_version = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default=""
    )
    postal_address = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="where an answer by post goes (a paper letter)",
    )
    legal_name = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="a legal entity as the applicant (name, phone, e-mail: its contact person)",
    )
    inn = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="10 digits"
    )
    ogrn = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="13 digits"
    )

    def validate_inn(self, value: str) -> str:
        if not value:
            return ""
        if len(digits(value)) != 10:
            raise serializers.ValidationError("ИНН юридического лица — 10 цифр.")
        if not inn_valid(value):
            raise serializers.ValidationError("ИНН с ошибкой: не сходится контрольная цифра.")
        return digits(value)

    def validate_ogrn(self, value: str) -> str:
        if not value:
            return ""
        if len(digits(value)) != 13:
            raise serializers.ValidationError("ОГРН юридического лица — 13 цифр.")
        if not ogrn_valid(value):
            raise serializers.ValidationError("ОГРН с ошибкой: не сходится контрольная цифра.")
        return digits(value)

    def validate(self, attrs):
        legal = [f for f in ("legal_name", "inn", "ogrn") if attrs.get(f)]
        if legal and len(legal) < 3:
            raise serializers.ValidationError(
                "У юридического лица нужны наименование, ИНН и ОГРН вместе."
            )
        return attrs


class LocationInSerializer(serializers.Serializer):
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


def _size_text(n: int) -> str:
    """A file size for people, in Russian: «812 байт», «35 КБ», «12,3 МБ»."""
    if n < 1024:
        return f"{n} байт"
    value, unit = (n / 1024, "КБ") if n < 1024 * 1024 else (n / (1024 * 1024), "МБ")
    return f"{value:.1f}".replace(".", ",").removesuffix(",0") + " " + unit


@extend_schema_field(OpenApiTypes.BYTE)  # a string, format "byte" (base64)
class Base64FileField(serializers.Field):
    """A file sent inline as base64 (RFC 4648, line breaks allowed): becomes its bytes.

    The size limit of one file (``OTKLIK_ATTACHMENT_MAX_MB``) is checked on the encoded length
    first, so an oversized file is refused without being decoded.
    """

    default_error_messages = {
        "type": "ожидается строка base64.",
        "invalid": "не base64: {reason}.",
        "empty": "пустой файл.",
        "too_big": "файл {size} — больше допустимых {limit} на файл.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("type")
        text = "".join(data.split())
        limit = settings.OTKLIK_ATTACHMENT_MAX_BYTES
        approx = len(text) // 4 * 3
        if approx - 2 > limit:
            self.fail("too_big", size=_size_text(approx), limit=_size_text(limit))
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            reason = "длина не кратна 4" if "padding" in str(exc).lower() else "лишние символы"
            self.fail("invalid", reason=reason)
        if not raw:
            self.fail("empty")
        if len(raw) > limit:
            self.fail("too_big", size=_size_text(len(raw)), limit=_size_text(limit))
        return raw

    def to_representation(self, value):
        return base64.b64encode(value).decode("ascii")


class AttachmentInSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=1024, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    content_type = serializers.CharField(
        max_length=128, required=False, allow_blank=True, default=""
    )
    size = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}$", required=False, allow_blank=True, default="")
    content = Base64FileField(
        required=False,
        help_text="the file itself, base64; at most OTKLIK_ATTACHMENT_MAX_MB a file and "
        "OTKLIK_MESSAGE_ATTACHMENTS_MAX_MB for all files of a message",
    )

    def validate(self, attrs):
        data = attrs.get("content")
        if data is None:
            return attrs
        digest = hashlib.sha256(data).hexdigest()
        if attrs.get("sha256") and attrs["sha256"] != digest:
            raise serializers.ValidationError(
                {"sha256": ["не совпадает с SHA-256 присланного файла (файл повреждён?)."]}
            )
        if attrs.get("size") is not None and attrs["size"] != len(data):
            raise serializers.ValidationError(
                {"size": [f"указано {attrs['size']} байт, в файле {len(data)}."]}
            )
        attrs["sha256"], attrs["size"] = digest, len(data)
        return attrs


class MessageInSerializer(serializers.Serializer):
    """One inbound message."""

    channel = ReferenceCodeField(
        slug_field="code",
        queryset=Channel.objects.all(),
        help_text="channel code: pos, vk, telegram, …",
    )
    external_id = serializers.CharField(max_length=128, help_text="the message's id in its channel")
    kind = ReferenceCodeField(
        slug_field="code",
        queryset=InputKind.objects.all(),
        required=False,
        help_text="message, appeal_59fz, complaint_210fz, publication",
    )
    text = serializers.CharField(max_length=100_000, trim_whitespace=True)
    received_at = serializers.DateTimeField(
        required=False, help_text="ISO-8601 with offset; default: now"
    )
    author = AuthorInSerializer(required=False)
    location = LocationInSerializer(required=False)
    municipality = ReferenceCodeField(
        slug_field="okato",
        queryset=Municipality.objects.all(),
        required=False,
        allow_null=True,
        help_text="OKATO code when the channel knows it",
    )
    topic = ReferenceCodeField(
        slug_field="code",
        queryset=Topic.objects.all(),
        required=False,
        allow_null=True,
        help_text="topic code when the citizen chose it",
    )
    url = serializers.URLField(
        max_length=1024,
        required=False,
        allow_blank=True,
        help_text="link to the original (post, appeal card)",
    )
    organization = ReferenceCodeField(
        slug_field="code",
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="code of the organisation the item is addressed to (a letter to a body); "
        "the case is routed there",
    )
    attachments = AttachmentInSerializer(many=True, required=False)

    def validate(self, attrs):
        files = [a["content"] for a in attrs.get("attachments", []) if a.get("content")]
        total, limit = sum(len(f) for f in files), settings.OTKLIK_MESSAGE_ATTACHMENTS_MAX_BYTES
        if total > limit:
            raise serializers.ValidationError(
                {
                    "attachments": [
                        f"файлы сообщения вместе — {_size_text(total)}, больше допустимых "
                        f"{_size_text(limit)} на сообщение."
                    ]
                }
            )
        if "kind" not in attrs:
            code = DEFAULT_KIND.get(attrs["channel"].code, "message")
            attrs["kind"] = _books(self).input_kinds.get(code) or InputKind.objects.get(code=code)
        if attrs["kind"].code == "appeal_59fz" and attrs["channel"].code == "email":
            raise serializers.ValidationError(
                {
                    "kind": [
                        "С 30.03.2025 электронная почта не является каналом обращений по 59-ФЗ: "
                        "письмо принимается как сообщение (kind=message)."
                    ]
                }
            )
        return attrs


def errors_as_text(errors) -> str:
    """DRF errors as one readable Russian line per field, for the quarantine reason."""
    lines: list[str] = []

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list):
            if all(isinstance(v, str) for v in value):
                lines.append(f"{prefix or 'сообщение'}: {' '.join(value)}")
            else:
                for i, sub in enumerate(value):
                    walk(f"{prefix}[{i}]", sub)
        else:
            lines.append(f"{prefix or 'сообщение'}: {value}")

    walk("", errors)
    return "\n".join(lines)


# --- inline files in a stored body, for people ---------------------------------------------
# The quarantine page shows a delivery's body and lets the ЦУР correct it; megabytes of base64
# would bury the rest. Each long ``content`` is shown as this note; a corrected body that keeps
# the note gets the file back from the original body (``delivery_retry``).
FILE_KEPT = "[файл base64: {n} символов — сохраняется как пришёл]"
FILE_KEPT_RE = re.compile(r"^\[файл base64: \d+ символов — сохраняется как пришёл\]$")
SHOWN_CONTENT_MAX = 200


def _items(data):
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        return data["messages"]
    return data if isinstance(data, list) else [data]


def _attachments(item) -> list:
    atts = item.get("attachments") if isinstance(item, dict) else None
    return [a for a in atts if isinstance(a, dict)] if isinstance(atts, list) else []


def body_files_shortened(body: str) -> str:
    """``body`` with each inline file longer than ``SHOWN_CONTENT_MAX`` replaced by a note."""
    try:
        data = json.loads(body)
    except ValueError:
        return body
    changed = False
    for item in _items(data):
        for att in _attachments(item):
            content = att.get("content")
            if isinstance(content, str) and len(content) > SHOWN_CONTENT_MAX:
                att["content"] = FILE_KEPT.format(n=len(content))
                changed = True
    return json.dumps(data, ensure_ascii=False, indent=2) if changed else body


def files_restored(item, original_body: str):
    """A corrected single item whose attachments keep the note get the files of the original
    body back (matched by position)."""
    try:
        original = _attachments(json.loads(original_body))
    except ValueError:
        return item
    for i, att in enumerate(_attachments(item)):
        content = att.get("content")
        if isinstance(content, str) and FILE_KEPT_RE.match(content) and i < len(original):
            att["content"] = original[i].get("content")
    return item
