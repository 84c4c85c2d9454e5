"""Cases in the admin: read-only and scoped (the work happens on the case pages); answer
templates are edited here by the roles that edit routing (``Action.ROUTING_EDIT``)."""

from __future__ import annotations

from django.contrib import admin

from otklik.audit.admin_base import MatrixModelAdmin, ReadOnlyMatrixAdmin
from otklik.cases.models import AnswerTemplate, Case, OutboxMessage, RoutingRule
from otklik.core.permissions import Action, visible_to


@admin.register(Case)
class CaseAdmin(ReadOnlyMatrixAdmin):
    view_action = Action.CASE_VIEW
    list_display = (
        "number",
        "status",
        "priority",
        "sector",
        "municipality",
        "organization",
        "received_at",
        "resolution_due",
    )
    list_filter = ("status", "priority", "sector", "channel")
    search_fields = ("number", "title", "address")
    date_hierarchy = "received_at"
    list_select_related = ("sector", "municipality", "organization")
    exclude = ("author",)  # personal data lives with the author, on its guarded page

    def get_queryset(self, request):
        return visible_to(super().get_queryset(request), request.user, Action.CASE_VIEW)


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(MatrixModelAdmin):
    view_action = Action.CASE_VIEW
    edit_action = Action.ROUTING_EDIT
    list_display = ("title", "topic", "is_active")
    list_filter = ("is_active", "topic__sector")
    search_fields = ("title", "body")


@admin.register(RoutingRule)
class RoutingRuleAdmin(ReadOnlyMatrixAdmin):
    """Read-only here: rules are edited on /cases/routing/ through the service (validation,
    audit)."""

    view_action = Action.CASE_VIEW
    list_display = ("order", "name", "sector", "topic", "municipality", "channel", "organization")
    list_select_related = ("sector", "topic", "municipality", "channel", "organization")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyMatrixAdmin):
    view_action = Action.CASE_VIEW
    list_display = ("case", "channel", "kind", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "channel")
    exclude = ("payload",)

    def get_queryset(self, request):
        visible = visible_to(Case.objects.all(), request.user, Action.CASE_VIEW)
        return (
            super().get_queryset(request).select_related("case", "channel").filter(case__in=visible)
        )
