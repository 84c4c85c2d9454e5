"""Admin for the deadline policies; rights from the permission matrix (audit/admin_base.py)."""

from __future__ import annotations

from django.contrib import admin

from otklik.audit.admin_base import MatrixModelAdmin
from otklik.core.permissions import Action
from otklik.sla.models import DeadlinePolicy


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(MatrixModelAdmin):
    # Deadlines are law: edited by the roles that correct the production calendar.
    edit_action = Action.CALENDAR_EDIT
    list_display = (
        "code",
        "name",
        "input_kind",
        "channel",
        "topic",
        "priority",
        "resolution_length",
        "unit",
        "applies_automatically",
        "valid_from",
        "valid_to",
    )
    list_filter = ("input_kind", "unit", "basis", "applies_automatically")
    search_fields = ("code", "name", "channel", "topic", "legal_basis")
    fieldsets = (
        (None, {"fields": ("code", "name", "legal_basis", "description")}),
        (
            "К чему применяется",
            {"fields": ("input_kind", "channel", "topic", "priority", "applies_automatically")},
        ),
        (
            "Сроки",
            {
                "fields": (
                    "basis",
                    ("resolution_length", "unit"),
                    "max_extension_length",
                    ("registration_length", "registration_unit"),
                    ("first_response_length", "first_response_unit"),
                    ("redirect_length", "redirect_unit"),
                )
            },
        ),
        ("Контроль", {"fields": ("warning_thresholds", "pause_states")}),
        ("Действие", {"fields": ("valid_from", "valid_to")}),
    )
