"""Model admins whose rights come from the permission matrix and whose changes are audited.

Every app's ``admin.py`` builds on ``MatrixModelAdmin`` / ``ReadOnlyMatrixAdmin``; the admin site
itself (who may open it, the login) is ``otklik.site.admin.OtklikAdminSite``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from otklik.audit.services import audit_log
from otklik.core.permissions import Action, can

AUDIT_VALUE_MAX = 300  # longer values are cut in the audit event


def _audit_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"id": value.pk, "str": str(value)[:AUDIT_VALUE_MAX]}
    if isinstance(value, QuerySet | list | tuple | set):
        return [_audit_value(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:AUDIT_VALUE_MAX]


class MatrixModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rights come from the permission matrix and whose changes are audited.

    ``view_action`` opens the list and the pages; ``edit_action`` (None: read-only) allows adding,
    changing and deleting. ``audit_values`` writes the new values of changed fields into the audit
    event (reference data); otherwise only the names of the changed fields are written.
    """

    view_action: Action = Action.REFERENCE_VIEW
    edit_action: Action | None = Action.REFERENCE_EDIT
    audit_values = True

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, self.view_action)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, self.view_action) or self.has_change_permission(request, obj)

    def _can_edit(self, request: HttpRequest) -> bool:
        return self.edit_action is not None and can(request.user, self.edit_action)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._can_edit(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can_edit(request)

    # --- audit ------------------------------------------------------------------------------------
    def audit_data(self, form: Any, change: bool) -> dict[str, Any]:
        fields = list(getattr(form, "changed_data", []))
        data: dict[str, Any] = {"model": self.model._meta.label_lower, "fields": fields}
        if self.audit_values:
            cleaned = getattr(form, "cleaned_data", {})
            data["values"] = {name: _audit_value(cleaned.get(name)) for name in fields}
        return data

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_log(
                actor=request.user,
                action="admin.change" if change else "admin.add",
                target=obj,
                data=self.audit_data(form, change),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            target = _DeletedTarget(obj)
            super().delete_model(request, obj)
            audit_log(
                actor=request.user,
                action="admin.delete",
                target=target,
                data={"model": self.model._meta.label_lower, "str": str(target)[:AUDIT_VALUE_MAX]},
            )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            targets = [_DeletedTarget(obj) for obj in queryset]
            super().delete_queryset(request, queryset)
            for target in targets:
                audit_log(
                    actor=request.user,
                    action="admin.delete",
                    target=target,
                    data={
                        "model": self.model._meta.label_lower,
                        "str": str(target)[:AUDIT_VALUE_MAX],
                    },
                )


class _DeletedTarget:
    """Stands for a deleted row in ``audit_log`` (its pk is None after ``delete()``)."""

    def __init__(self, obj: models.Model) -> None:
        self._meta = obj._meta
        self.pk = obj.pk
        self._str = str(obj)

    def __str__(self) -> str:
        return self._str


class ReadOnlyMatrixAdmin(MatrixModelAdmin):
    """View only: Django shows every page read-only when only the view right is given."""

    edit_action = None
