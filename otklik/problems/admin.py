"""The registry in the admin: read-only and scoped (the work happens on the problem pages,
through the audited services)."""

from __future__ import annotations

from django.contrib import admin

from otklik.audit.admin_base import ReadOnlyMatrixAdmin
from otklik.core.permissions import Action, visible_to
from otklik.problems.models import Measure, Problem, ProjectIndicator


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ("text", "organization", "deadline", "status", "done_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Problem)
class ProblemAdmin(ReadOnlyMatrixAdmin):
    view_action = Action.PROBLEM_VIEW
    list_display = ("title", "sector", "status", "source", "owner", "created_at")
    list_filter = ("status", "source", "sector")
    search_fields = ("title", "external_id")
    inlines = [MeasureInline]
    exclude = ("cases",)

    def get_queryset(self, request):
        return visible_to(super().get_queryset(request), request.user, Action.PROBLEM_VIEW)


@admin.register(ProjectIndicator)
class ProjectIndicatorAdmin(ReadOnlyMatrixAdmin):
    view_action = Action.PROBLEM_VIEW
    list_display = ("code", "name", "project", "project_kind", "unit")
    list_filter = ("project_kind",)
    search_fields = ("code", "name", "project")
