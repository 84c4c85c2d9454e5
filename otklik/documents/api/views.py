"""The read-only API of «Документы ЦУР»: the journal (the page's filters), a document with its
signatures and attachments, the downloads and the export of a set with a manifest. Every read
goes through the selectors (the user's scope); a document out of it is a 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.core.api import ID_MAX, CappedCountPagination, MatrixPermission
from otklik.core.exceptions import ApplicationError, NotFound
from otklik.core.permissions import Action
from otklik.documents import selectors
from otklik.documents.api import serializers as s
from otklik.documents.export import EXPORT_MAX, documents_export, file_response, ids_parse
from otklik.documents.filters import DocumentFilter
from otklik.documents.models import RegisteredDocument
from otklik.documents.signing import signature_qualified_add

TAGS = ["documents"]
BINARY = OpenApiResponse(response=OpenApiTypes.BINARY, description="the file's bytes")


def _document(request, pk: int) -> RegisteredDocument:
    if not 0 < pk <= ID_MAX:
        raise Http404
    try:
        return selectors.document_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


class DocumentListView(GenericAPIView):
    permission_classes = [MatrixPermission]
    read_action = Action.DOCUMENTS_VIEW
    filterset_class = DocumentFilter  # the parameters in the schema; applied in ``get``
    pagination_class = CappedCountPagination
    serializer_class = s.DocumentSerializer
    queryset = RegisteredDocument.objects.none()  # names the model; reads use the selector

    @extend_schema(
        responses=s.DocumentSerializer(many=True),
        summary="Журнал регистрации: документы ЦУР, видимые пользователю (новые первыми)",
        operation_id="documents_list",
        tags=TAGS,
        filters=True,
    )
    def get(self, request):
        qs = DocumentFilter(request.query_params, request=request).checked_qs()
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.DocumentSerializer(page, many=True).data)


class DocumentDetailView(APIView):
    permission_classes = [MatrixPermission]
    read_action = Action.DOCUMENTS_VIEW

    @extend_schema(
        responses=s.DocumentDetailSerializer,
        summary="Документ: реквизиты, хеши, подписи (с результатом проверки), приложения, "
        "другие версии",
        operation_id="documents_retrieve",
        tags=TAGS,
    )
    def get(self, request, pk: int):
        d = _document(request, pk)
        versions = selectors.document_versions(user=request.user, document=d)
        return Response(s.DocumentDetailSerializer(d, context={"versions": versions}).data)


class DocumentPdfView(APIView):
    permission_classes = [MatrixPermission]
    read_action = Action.DOCUMENTS_VIEW

    @extend_schema(
        responses={(200, "application/pdf"): BINARY},
        summary="Замороженный PDF документа (те же байты, что при регистрации)",
        operation_id="documents_pdf",
        tags=TAGS,
    )
    def get(self, request, pk: int) -> HttpResponse:
        d = _document(request, pk)
        return file_response(bytes(d.pdf), d.file_name, "application/pdf")


class AttachmentView(APIView):
    permission_classes = [MatrixPermission]
    read_action = Action.DOCUMENTS_VIEW

    @extend_schema(
        responses={(200, "application/octet-stream"): BINARY},
        summary="Приложение к документу",
        operation_id="documents_attachment",
        tags=TAGS,
    )
    def get(self, request, pk: int, attachment: int) -> HttpResponse:
        d = _document(request, pk)
        a = d.attachments.filter(pk=attachment).first()
        if a is None:
            raise Http404
        return file_response(bytes(a.content), a.name, a.content_type or "application/octet-stream")


class ExportView(APIView):
    permission_classes = [MatrixPermission]
    read_action = Action.DOCUMENTS_VIEW

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "ids", str, required=True, description="ids of the documents, comma-separated"
            )
        ],
        responses={(200, "application/zip"): BINARY},
        summary="Выгрузка документов ZIP-архивом с манифестом хешей (SHA-256, ГОСТ Р "
        "34.11-2012) и инструкцией по проверке",
        operation_id="documents_export",
        tags=TAGS,
    )
    def get(self, request) -> HttpResponse:
        ids = ids_parse(request.query_params.getlist("ids"))
        documents = selectors.documents_by_ids(user=request.user, ids=ids[:EXPORT_MAX])
        if not documents:
            raise ApplicationError("Укажите документы для выгрузки (ids).")
        data = documents_export(actor=request.user, documents=documents)
        return file_response(data, "documents.zip", "application/zip")


class SignQualifiedView(APIView):
    """A detached qualified signature (CMS, ГОСТ Р 34.10-2012) of the frozen PDF, uploaded by a
    signer of the document: checked for real; refused with its reason, nothing stored then."""

    permission_classes = [MatrixPermission]
    write_action = Action.DOCUMENTS_VIEW  # the service admits only the document's signers
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.SignatureUploadSerializer},
        responses={201: s.SignatureSerializer},
        summary="Добавить квалифицированную подпись (открепленная подпись CMS замороженного PDF)",
        operation_id="documents_sign",
        tags=TAGS,
    )
    def post(self, request, pk: int):
        d = _document(request, pk)
        upload = s.SignatureUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data["signature"].read(2 * 1024 * 1024)
        signature = signature_qualified_add(actor=request.user, document=d, signature=data)
        return Response(s.SignatureSerializer(signature).data, status=201)
