"""The audit log in the admin: read-only for roles with ``Action.AUDIT_VIEW``."""

from __future__ import annotations

from django.contrib import admin

from otklik.audit.admin_base import ReadOnlyMatrixAdmin
from otklik.audit.models import AuditEvent
from otklik.core.permissions import Action


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMatrixAdmin):
    view_action = Action.AUDIT_VIEW
    list_display = ("created_at", "actor", "action", "target_type", "target_id")
    list_filter = ("action", "target_type")
    search_fields = ("action", "target_id", "actor__username")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
