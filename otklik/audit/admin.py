"""The audit log in the admin: read-only for roles with ``Action.AUDIT_VIEW``.

Nobody — a superuser included — adds, changes or deletes an audit entry, a check or the chain's
head through the admin: the rights below refuse it whatever the user's flags (Django's own
superuser shortcut is in ``has_perm``, which these methods do not consult).
"""

from __future__ import annotations

from django.contrib import admin

from otklik.audit.admin_base import ReadOnlyMatrixAdmin
from otklik.audit.models import AuditChainHead, AuditCheck, AuditEvent
from otklik.core.permissions import Action


class _NeverWritten(ReadOnlyMatrixAdmin):
    view_action = Action.AUDIT_VIEW
    actions = None  # no «delete selected»

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(_NeverWritten):
    list_display = ("created_at", "seq", "actor", "action", "target_type", "target_id")
    list_filter = ("action", "target_type")
    search_fields = ("action", "target_id", "actor__username")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)


@admin.register(AuditCheck)
class AuditCheckAdmin(_NeverWritten):
    list_display = ("checked_at", "source", "from_seq", "to_seq", "ok", "kind", "first_seq")
    list_filter = ("ok", "source")


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(_NeverWritten):
    list_display = ("seq", "hash", "sealed_at", "horizon")
