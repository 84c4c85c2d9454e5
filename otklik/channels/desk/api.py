"""The desk's API: a call-centre system registers a call or a letter as the operator it logs
in as (the same rights, the same checks and the same words as the page)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.channels.desk.services import (
    CHANNELS,
    KIND_LABELS,
    AppealInput,
    FileIn,
    appeal_register,
)
from otklik.directory.models import Municipality
from otklik.intake.parsing import Base64FileField


class ScanInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    content = Base64FileField(help_text="the file, base64: a scan in PDF, JPEG or PNG")


class AppealInSerializer(serializers.Serializer):
    submission = serializers.UUIDField(
        required=False, help_text="the caller's id of this registration: a repeat changes nothing"
    )
    channel = serializers.ChoiceField(choices=list(CHANNELS.items()))
    kind = serializers.ChoiceField(choices=list(KIND_LABELS.items()))
    received_at = serializers.DateTimeField(help_text="ISO-8601 with offset, not in the future")
    text = serializers.CharField(max_length=100_000)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    municipality = serializers.SlugRelatedField(
        slug_field="okato",
        queryset=Municipality.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="OKATO code of the place of the problem",
    )
    legal_entity = serializers.BooleanField(required=False, default=False)
    name = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        default="",
        help_text="ФИО; of a legal entity: its contact person",
    )
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    postal_address = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    legal_name = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    inn = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    ogrn = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    incoming_number = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    letter_date = serializers.DateField(required=False, allow_null=True, default=None)
    consent = serializers.BooleanField(
        required=False, default=False, help_text="the applicant's consent (needed for a message)"
    )
    files = ScanInSerializer(many=True, required=False, default=list)


class RegisteredSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["created", "duplicate", "rejected"])
    number = serializers.CharField(help_text="the registration number (the message's)")
    case = serializers.CharField(help_text="the case's number, '' while it is being opened")
    delivery_id = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()


class AppealRegisterView(APIView):
    @extend_schema(
        request=AppealInSerializer,
        responses={
            201: RegisteredSerializer,
            200: OpenApiResponse(RegisteredSerializer, description="already registered"),
            202: OpenApiResponse(
                RegisteredSerializer, description="stored, waits in the quarantine (its reason)"
            ),
            400: OpenApiResponse(description="the mistakes by field: {detail, errors}"),
            403: OpenApiResponse(description="no right appeal.register"),
        },
        summary="Зарегистрировать звонок или письмо (оператор ЦУР или организации)",
        examples=[
            OpenApiExample(
                "Звонок гражданина",
                request_only=True,
                value={
                    "channel": "phone",
                    "kind": "message",
                    "received_at": "2026-12-08T09:30:00+03:00",
                    "text": "Во дворе дома 5 по ул. Мира не горит фонарь.",
                    "name": "Петрова Анна Сергеевна",
                    "phone": "+79610000000",
                    "consent": True,
                },
            )
        ],
        tags=["desk"],
    )
    def post(self, request):
        s = AppealInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        files = [FileIn(name=f["name"], content=f["content"]) for f in d.pop("files")]
        submission = d.pop("submission", None)
        data = AppealInput(**d, files=files, **({"submission": submission} if submission else {}))
        result = appeal_register(actor=request.user, data=data).reread()
        body = {
            "status": result.status,
            "number": result.message.external_id if result.message else "",
            "case": result.case_number,
            "delivery_id": result.delivery_id,
            "summary": result.summary,
        }
        code = {
            "created": status.HTTP_201_CREATED,
            "duplicate": status.HTTP_200_OK,
            "rejected": status.HTTP_202_ACCEPTED,
        }[result.status]
        return Response(RegisteredSerializer(body).data, status=code)
