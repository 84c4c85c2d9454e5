"""The signer's confirmation of identity at the moment of signing: the simple electronic
signature of 63-ФЗ art. 9 (ПЭП). The user re-enters the password and, when the account has a
confirmed TOTP device, a one-time code; what was checked is the signature's method.

A wrong password or code counts as a failed login in django-axes (when the request is given),
so guessing at the signing form locks the account as guessing at the login form does."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.db import models
from django_otp.plugins.otp_totp.models import TOTPDevice

from otklik.core.exceptions import ApplicationError


class Confirmation(models.TextChoices):
    """How the signer confirmed the identity at signing (the method of a simple signature)."""

    PASSWORD = "password", "пароль"
    PASSWORD_OTP = "password_otp", "пароль и одноразовый код"


def _failed(user: Any, request: Any) -> None:
    if request is not None:
        user_login_failed.send(
            sender=__name__, credentials={"username": user.username}, request=request
        )


def _locked(user: Any, request: Any) -> bool:
    if request is None:
        return False
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, credentials={"username": user.username})


def identity_confirm(
    *, user: Any, password: str, otp_token: str = "", request: Any = None
) -> Confirmation:
    """Check the password (and the one-time code, when the user has a confirmed device) of
    ``user`` now; return the method, or refuse with a Russian reason (nothing is signed)."""
    if not getattr(user, "pk", None) or not user.is_active:
        raise ApplicationError("Подписать может только действующий пользователь.")
    if _locked(user, request):
        raise ApplicationError(
            "Слишком много неудачных попыток: подпись временно заблокирована. Повторите позже."
        )
    if not password:
        raise ApplicationError("Для подписи введите свой пароль.")
    if not user.check_password(password):
        _failed(user, request)
        raise ApplicationError("Пароль не подходит: документ не подписан.")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    if device is None:
        return Confirmation.PASSWORD
    token = (otp_token or "").strip()
    if not token:
        raise ApplicationError("Для подписи введите одноразовый код из приложения.")
    if not device.verify_token(token):
        _failed(user, request)
        raise ApplicationError("Одноразовый код не подходит: документ не подписан.")
    return Confirmation.PASSWORD_OTP
