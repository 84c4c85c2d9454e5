"""The ingestion format: what every channel adapter and external system sends to Otklik.

One item is a JSON object; the ingestion API takes one item or a batch (a JSON array, or
``{"messages": [...]}``). Validation errors are collected per field, in Russian, and become the
quarantine reason.
"""

from __future__ import annotations

from rest_framework import serializers

from otklik.directory.cache import ReferenceSnapshot, reference_snapshot
from otklik.directory.models import Channel, InputKind, Municipality, Topic

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


class LocationInSerializer(serializers.Serializer):
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class AttachmentInSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=1024, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    content_type = serializers.CharField(
        max_length=128, required=False, allow_blank=True, default=""
    )
    size = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}$", required=False, allow_blank=True, default="")


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
    attachments = AttachmentInSerializer(many=True, required=False)

    def validate(self, attrs):
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
