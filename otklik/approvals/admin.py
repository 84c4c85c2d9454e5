from django.contrib import admin

from otklik.approvals.models import Approval, RouteStep
from otklik.audit.admin_base import ReadOnlyMatrixAdmin


@admin.register(RouteStep)
class RouteStepAdmin(ReadOnlyMatrixAdmin):
    list_display = ("kind", "order", "label", "role", "verb", "due_working_days")
    list_filter = ("kind",)


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyMatrixAdmin):
    list_display = ("title", "kind", "version", "state", "step_label", "step_due")
    list_filter = ("kind", "state")
