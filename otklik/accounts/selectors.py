from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from otklik.accounts.models import User
from otklik.core.permissions import Action, access_check


def user_has_second_factor(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_list(*, user: Any, role: str | None = None) -> QuerySet[User]:
    access_check(user, Action.USER_VIEW)
    qs = User.objects.select_related("sector", "organization", "municipality").order_by(
        "last_name", "username"
    )
    if role:
        qs = qs.filter(role=role)
    return qs
