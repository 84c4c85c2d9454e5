"""Requests, tasks and incoming requests in the admin: read-only and scoped (the work happens
on the pages, through the audited services)."""

from __future__ import annotations

from django.contrib import admin

from otklik.audit.admin_base import ReadOnlyMatrixAdmin
from otklik.core.permissions import Action, visible_to
from otklik.correspondence.models import Assignment, Incoming, Item


class _Scoped(ReadOnlyMatrixAdmin):
    view_action = Action.CORR_VIEW

    def get_queryset(self, request):
        return visible_to(super().get_queryset(request), request.user, Action.CORR_VIEW)


@admin.register(Assignment)
class AssignmentAdmin(_Scoped):
    list_display = ("pk", "kind", "subject", "sector", "sender", "sent_at", "due")
    list_filter = ("kind", "sector")
    search_fields = ("subject",)


@admin.register(Item)
class ItemAdmin(_Scoped):
    list_display = ("assignment", "organization", "state", "deadline", "answered_at")
    list_filter = ("state",)


@admin.register(Incoming)
class IncomingAdmin(_Scoped):
    list_display = ("their_number", "their_date", "source", "subject", "assignee", "state")
    list_filter = ("source", "state")
    search_fields = ("their_number", "subject")
