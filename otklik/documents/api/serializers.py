"""The registry over the API: a document's requisites, hashes, signatures and attachments.
Read-only: nothing registered is changed through the API."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from otklik.documents.models import RegisteredAttachment, RegisteredDocument, Signature
from otklik.documents.registry import kind_label


class SignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Signature
        fields = [
            "kind",
            "signer_name",
            "role",
            "step_label",
            "signed_at",
            "confirmation",
            "document_streebog256",
            "certificate_subject",
            "certificate_serial",
            "certificate_issuer",
            "certificate_valid_from",
            "certificate_valid_to",
            "check_result",
            "check_reason",
            "checked_at",
        ]
        read_only_fields = fields


class SignatureUploadSerializer(serializers.Serializer):
    signature = serializers.FileField(
        help_text="открепленная подпись CMS (DER или base64) замороженного PDF документа"
    )


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="download")

    class Meta:
        model = RegisteredAttachment
        fields = ["id", "name", "content_type", "size", "sha256", "streebog256", "url"]
        read_only_fields = fields

    def get_url(self, a: RegisteredAttachment) -> str:
        return reverse("documents-attachment", args=[a.document_id, a.pk])


class DocumentSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    author = serializers.StringRelatedField(allow_null=True)
    pdf_url = serializers.SerializerMethodField(help_text="the frozen PDF")

    class Meta:
        model = RegisteredDocument
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "year",
            "serial",
            "registered_at",
            "title",
            "sector",
            "author",
            "direction",
            "version",
            "size",
            "sha256",
            "streebog256",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_kind_label(self, d: RegisteredDocument) -> str:
        return kind_label(d.kind)

    def get_pdf_url(self, d: RegisteredDocument) -> str:
        return reverse("documents-pdf", args=[d.pk])


class DocumentDetailSerializer(DocumentSerializer):
    signatures = SignatureSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    content_streebog256 = serializers.CharField(read_only=True)
    approval = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    versions = serializers.SerializerMethodField(help_text="other registered versions")

    class Meta(DocumentSerializer.Meta):
        fields = [
            *DocumentSerializer.Meta.fields,
            "content_streebog256",
            "target_kind",
            "target_id",
            "approval",
            "signatures",
            "attachments",
            "versions",
        ]
        read_only_fields = fields

    def get_versions(self, d: RegisteredDocument) -> list[dict]:
        return DocumentSerializer(self.context.get("versions", []), many=True).data
