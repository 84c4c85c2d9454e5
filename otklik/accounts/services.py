"""Writes on users: creation with a role and its scope, deactivation, one's own password, the
TOTP second factor."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from otklik.accounts.models import User
from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.core.roles import ROLE_SCOPE_FIELD, Role
from otklik.directory.models import Municipality, Organization, Sector

SYSTEM = None  # the actor of changes made by the platform itself (set-up, demo, commands)


def user_role_scope_check(role: str, sector, organization, municipality) -> None:
    if role not in Role.values:
        raise ApplicationError(f"Неизвестная роль «{role}». Роли: {', '.join(Role.values)}.")
    given = {"sector": sector, "organization": organization, "municipality": municipality}
    needed = ROLE_SCOPE_FIELD.get(role)
    labels = {
        "sector": "отраслевой блок",
        "organization": "организацию",
        "municipality": "муниципальное образование",
    }
    if needed and given[needed] is None:
        raise ApplicationError(f"Для роли «{Role(role).label}» укажите {labels[needed]}.")
    extra = [name for name, value in given.items() if value is not None and name != needed]
    if extra:
        raise ApplicationError(
            f"Роль «{Role(role).label}» не ограничивается полем: {', '.join(extra)}."
        )


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    middle_name: str = "",
    email: str = "",
    position: str = "",
    sector: Sector | None = None,
    organization: Organization | None = None,
    municipality: Municipality | None = None,
    validate: bool = True,
) -> User:
    """Create a user with a role and its scope. ``actor=None`` is the platform itself (CLI)."""
    if actor is not SYSTEM:
        access_check(actor, Action.USER_MANAGE)
    user_role_scope_check(role, sector, organization, municipality)
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(f"Пользователь «{username}» уже есть.")
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        middle_name=middle_name,
        email=email,
        position=position,
        sector=sector,
        organization=organization,
        municipality=municipality,
    )
    if password:
        if validate:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ApplicationError(" ".join(exc.messages)) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_log(
        actor=actor,
        action="user.create",
        target=user,
        data={"username": username, "role": role, "scope": ROLE_SCOPE_FIELD.get(role, "region")},
    )
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    access_check(actor, Action.USER_MANAGE)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_log(actor=actor, action="user.activate" if active else "user.deactivate", target=user)
    return user


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A new unconfirmed TOTP device for ``user`` (replaces an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Приложение-аутентификатор", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    if device.user_id != user.pk:
        raise ApplicationError("Устройство принадлежит другому пользователю.")
    if not device.verify_token(token.strip()):
        raise ApplicationError("Код не подходит. Проверьте время на телефоне и введите новый код.")
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_log(actor=user, action="user.totp_enable", target=user)
    return device


@transaction.atomic
def totp_device_remove(*, actor: Any, user: User) -> int:
    if actor.pk != user.pk:
        access_check(actor, Action.USER_MANAGE)
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        audit_log(actor=actor, action="user.totp_disable", target=user)
    return deleted


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str) -> User:
    """A user changes their own password: the current one first, then the platform's rules."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise ApplicationError("Текущий пароль введён неверно.")
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages)) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_log(actor=user, action="user.password_change", target=user)
    return user
