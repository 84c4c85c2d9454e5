"""Users in the admin: viewing needs ``USER_VIEW``, changes need ``USER_MANAGE``.

Only a superuser sees or changes the superuser flag, groups and Django permissions, and only a
superuser may change or delete a superuser account (no one raises their own rights).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction

from otklik.accounts.forms import UserCreationForm, UserEditForm
from otklik.accounts.models import User
from otklik.audit.admin_base import MatrixModelAdmin
from otklik.audit.services import audit_log
from otklik.core.permissions import Action, can

# Rights in Otklik come from the role (the permission matrix), not from Django groups.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)

_ROLE_FIELDSET = (
    "Роль и зона ответственности",
    {
        "fields": ("role", "sector", "organization", "municipality"),
        "description": "Отраслевой блок — только для ответственного за блок, организация — для "
        "оператора организации, МО — для координатора МО; у остальных ролей поля "
        "пусты (вся область).",
    },
)


@admin.register(User)
class UserAdmin(MatrixModelAdmin, DjangoUserAdmin):
    view_action = Action.USER_VIEW
    edit_action = Action.USER_MANAGE
    form = UserEditForm
    add_form = UserCreationForm
    audit_values = False  # names of changed fields only: no personal data, no password hashes

    list_display = ("username", "last_name", "first_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email")
    list_select_related = ("sector", "organization", "municipality")
    autocomplete_fields = ("organization",)
    ordering = ("last_name", "username")

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "Личные данные",
            {
                "fields": (
                    "last_name",
                    "first_name",
                    "middle_name",
                    "email",
                    "phone",
                    "position",
                    "snils",
                )
            },
        ),
        _ROLE_FIELDSET,
        ("Состояние", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    superuser_fieldsets = (
        *fieldsets,
        (
            "Права Django (только для суперпользователя)",
            {
                "classes": ("collapse",),
                "fields": ("is_staff", "is_superuser", "groups", "user_permissions"),
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (
            "Личные данные",
            {"fields": ("last_name", "first_name", "middle_name", "email", "position", "snils")},
        ),
        _ROLE_FIELDSET,
    )
    readonly_fields = ("last_login", "date_joined")

    def get_fieldsets(self, request, obj=None):
        if obj is not None and request.user.is_superuser:
            fieldsets = self.superuser_fieldsets
        else:
            fieldsets = super().get_fieldsets(request, obj)
        if can(request.user, Action.USER_MANAGE):
            return fieldsets
        # СНИЛС is personal data: only those who manage users (and the user) see it
        return [
            (name, {**opts, "fields": tuple(f for f in opts["fields"] if f != "snils")})
            for name, opts in fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                audit_log(
                    actor=request.user,
                    action="admin.password_change",
                    target=self.get_object(request, unquote(id)),
                )
        return response
