"""Messages and their authors in the admin: read-only, scoped like the web pages."""

from __future__ import annotations

from django.contrib import admin

from otklik.audit.admin_base import ReadOnlyMatrixAdmin
from otklik.core.applicant import applicant_fields
from otklik.core.permissions import Action, can, visible_to
from otklik.intake.models import Contact, Message
from otklik.intake.selectors import CONTACT_FIELDS


@admin.register(Message)
class MessageAdmin(ReadOnlyMatrixAdmin):
    view_action = Action.MESSAGE_VIEW
    list_display = (
        "received_at",
        "channel",
        "kind",
        "external_id",
        "sector",
        "municipality",
        "organization",
    )
    list_filter = ("channel", "kind", "sector", "municipality")
    search_fields = ("external_id", "text", "address")
    date_hierarchy = "received_at"
    list_select_related = ("channel", "kind", "sector", "municipality", "organization")
    # The raw payload may hold the author's personal data; the author is a separate, guarded page.
    exclude = ("raw", "author")

    def get_queryset(self, request):
        return visible_to(super().get_queryset(request), request.user, Action.MESSAGE_VIEW)


@admin.register(Contact)
class ContactAdmin(ReadOnlyMatrixAdmin):
    """Personal data: only the roles that see every field of it (``core.applicant``: curator,
    executor, head, analyst)."""

    view_action = Action.MESSAGE_VIEW
    list_display = ("__str__", "name", "created_at")
    search_fields = ("name", "phone", "email")

    def has_module_permission(self, request):
        return True  # the app shows when MessageAdmin does; this model only when allowed below

    def has_view_permission(self, request, obj=None):
        shown = applicant_fields(request.user)
        return can(request.user, Action.MESSAGE_VIEW) and shown >= CONTACT_FIELDS
