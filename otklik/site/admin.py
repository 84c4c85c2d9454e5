"""The admin site, governed by the permission matrix instead of Django's is_staff and model perms.

* ``OtklikAdminSite.has_permission`` admits active users who may edit reference data, manage
  users or read the audit log (``ADMIN_ACTIONS``), whatever their ``is_staff`` flag.
* The admin's own login form is not used: anonymous users go to the Otklik login page (lockout,
  second factor), signed-in users without the right get the 403 page.

The model admins' rights and audit come from ``otklik.audit.admin_base.MatrixModelAdmin``.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from otklik.core.permissions import Action, can

# Any one of these actions opens the admin site.
ADMIN_ACTIONS = (Action.REFERENCE_EDIT, Action.AUDIT_VIEW, Action.USER_MANAGE)


class OtklikAdminSite(admin.AdminSite):
    site_header = "Отклик — администрирование"
    site_title = "Отклик"
    index_title = "Справочники и настройки"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active) and any(can(user, action) for action in ADMIN_ACTIONS)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Sign-in happens on /accounts/login/ only (lockout, second factor, one form)."""
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
            raise PermissionDenied(
                "Раздел администрирования доступен только ролям, которые ведут "
                "справочники, пользователей или журнал действий."
            )
        return redirect_to_login(next_url, reverse("accounts:login"))
