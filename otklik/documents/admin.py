"""The registry in the admin: read-only for every role, the administrator included (a
registered document, its attachments and signatures are never changed or deleted). Shown to
the roles that read the whole journal of actions, as the registry is part of it."""

from django.contrib import admin

from otklik.audit.admin_base import ReadOnlyMatrixAdmin
from otklik.core.permissions import Action
from otklik.documents.models import (
    DocumentCounter,
    RegisteredAttachment,
    RegisteredDocument,
    Signature,
)


class _Frozen(ReadOnlyMatrixAdmin):
    view_action = Action.AUDIT_VIEW

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegisteredDocument)
class RegisteredDocumentAdmin(_Frozen):
    list_display = ("number", "registered_at", "kind", "title", "sector", "size")
    list_filter = ("kind", "direction", "year")
    search_fields = ("number", "title")
    exclude = ("pdf", "text")


@admin.register(RegisteredAttachment)
class RegisteredAttachmentAdmin(_Frozen):
    list_display = ("document", "name", "size", "sha256")
    exclude = ("content",)


@admin.register(Signature)
class SignatureAdmin(_Frozen):
    list_display = ("document", "kind", "signer_name", "signed_at", "check_result")
    exclude = ("cms",)


@admin.register(DocumentCounter)
class DocumentCounterAdmin(_Frozen):
    list_display = ("kind", "year", "last")
