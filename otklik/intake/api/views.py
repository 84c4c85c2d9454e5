"""The ingestion API: the one entry of every channel adapter and external system."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.core.exceptions import ApplicationError
from otklik.intake.api.signatures import IngestAuthentication, is_external_system
from otklik.intake.parsing import MessageInSerializer
from otklik.intake.services.receive import delivery_receive


class RawBodyParser(BaseParser):
    """Leaves the body unparsed: the service stores it as it arrived before parsing it."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


class IsExternalSystem(BasePermission):
    message = (
        "Нужен ключ API внешней системы (заголовок Authorization: Api-Key …) "
        "или подпись запроса (X-Otklik-Signature)."
    )

    def has_permission(self, request, view) -> bool:
        return is_external_system(request.user)


class IngestResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["created", "duplicate", "rejected"])
    external_id = serializers.CharField()
    message_id = serializers.IntegerField(allow_null=True)
    delivery_id = serializers.IntegerField(allow_null=True)
    errors = serializers.CharField()


class BatchResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = IngestResultSerializer(many=True)


class MessageIngestView(APIView):
    authentication_classes = [IngestAuthentication]
    permission_classes = [IsExternalSystem]
    parser_classes = [RawBodyParser]

    @extend_schema(
        operation_id="messages_ingest",
        summary="Принять сообщение или пакет сообщений",
        description=(
            'One message (a JSON object) or a batch (a JSON array, or `{"messages": [...]}`, '
            "at most 1000). Idempotent on `channel` + `external_id`: a repeated delivery "
            "changes nothing and answers `duplicate`. What cannot be parsed is kept in the "
            "ЦУР's quarantine with the reason and answered 400 (single) or `rejected` in the "
            "batch results (HTTP 207 when any item was rejected). An attachment is a link "
            "(`url`) or the file itself as base64 (`content`, with `name` and `content_type`): "
            "it is checked against the size limits (`OTKLIK_ATTACHMENT_MAX_MB` a file, "
            "`OTKLIK_MESSAGE_ATTACHMENTS_MAX_MB` a message), hashed (SHA-256; a `sha256` or "
            "`size` sent along must match) and stored; bad base64 or an oversized file is "
            "answered 400 and the item stays in the quarantine. Authenticate with "
            "`Authorization: Api-Key <key>` (`otklik apikey create --system NAME`), or sign the "
            "body (`X-Otklik-System`, `X-Otklik-Timestamp`, `X-Otklik-Signature: sha256=<hex>` "
            "= HMAC-SHA256 over `<timestamp>.<body>` with the system's secret)."
        ),
        request=MessageInSerializer,
        responses={
            201: IngestResultSerializer,
            200: OpenApiResponse(
                IngestResultSerializer, description="duplicate, or a batch in which nothing failed"
            ),
            207: BatchResultSerializer,
            400: OpenApiResponse(description="malformed: kept in the quarantine"),
            401: OpenApiResponse(
                description="no or unknown API key; a bad, stale or replayed signature"
            ),
        },
        examples=[
            OpenApiExample(
                "ПОС",
                request_only=True,
                value={
                    "channel": "pos",
                    "external_id": "2954871",
                    "kind": "message",
                    "text": "Третий день нет горячей воды, ул. Землячки, 16",
                    "received_at": "2026-11-27T09:15:00+03:00",
                    "author": {"name": "Иванова Мария", "phone": "+79610000000", "consent": True},
                    "location": {"lat": 48.7519, "lon": 44.4621, "address": "ул. Землячки, 16"},
                },
            ),
            OpenApiExample(
                "Веб-форма с фото",
                request_only=True,
                value={
                    "channel": "web",
                    "external_id": "web-30017",
                    "text": "Яма на дороге у остановки «Школа № 5», фото прилагаю",
                    "attachments": [
                        {
                            "name": "yama.png",
                            "content_type": "image/png",
                            "content": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
                            "2mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
                        }
                    ],
                },
            ),
        ],
    )
    def post(self, request):
        try:
            outcome = delivery_receive(
                source=f"api:{request.user.system}",
                body=request.data,
                content_type=request.content_type or "",
            )
        except ApplicationError as exc:
            return Response(
                {"detail": exc.message, **exc.extra}, status=status.HTTP_400_BAD_REQUEST
            )
        results = outcome.results
        if not outcome.batch:
            result = results[0]
            if result.status == "rejected":
                return Response(
                    {"detail": "Сообщение не разобрано и оставлено в карантине.", **asdict(result)},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            code = status.HTTP_201_CREATED if result.status == "created" else status.HTTP_200_OK
            return Response(asdict(result), status=code)
        counts = {
            s: sum(r.status == s for r in results) for s in ("created", "duplicate", "rejected")
        }
        body = {
            "created": counts["created"],
            "duplicates": counts["duplicate"],
            "rejected": counts["rejected"],
            "results": [asdict(r) for r in results],
        }
        return Response(body, status=207 if counts["rejected"] else status.HTTP_200_OK)
