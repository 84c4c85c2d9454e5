"""Login, logout, one's own password, the TOTP second factor and the list of users.

Every page here lives under /accounts/, which SecondFactorRequiredMiddleware leaves open to a user
who has passed the password but not yet the code; pages beyond login and the code itself therefore
check the second factor on their own (``second_factor_passed``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from otklik.accounts import services
from otklik.accounts.forms import LoginForm, PasswordChangeForm, TokenForm, UserFilterForm
from otklik.accounts.selectors import user_has_second_factor, user_list
from otklik.core.exceptions import ApplicationError
from otklik.core.roles import Role
from otklik.core.views import access_denied_as_403, paginate


def _safe_next(request: HttpRequest, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _otp_url(next_url: str) -> str:
    return f"{reverse('accounts:otp_verify')}?{urlencode({'next': next_url or '/'})}"


def _confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def _pending_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def second_factor_passed(view: Callable) -> Callable:
    """A user with a confirmed device must have entered a code in this session."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_verified() and user_has_second_factor(user=user):
            return redirect(_otp_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = LoginForm

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        if user_has_second_factor(user=form.get_user()):
            target = response.url if isinstance(response, HttpResponseRedirect) else ""
            return redirect(_otp_url(target))
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5); after logout the login page says so."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "Вы вышли из Отклика.")
        return response


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    device = _confirmed_device(request.user)
    if device is None or request.user.is_verified():
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = not device.verify_is_allowed()[0]
        verified = django_otp.verify_token(
            request.user, device.persistent_id, form.cleaned_data["token"]
        )
        if verified is not None:
            django_otp.login(request, verified)
            return redirect(next_url)
        if throttled:
            form.add_error(
                "token",
                "Слишком много неверных кодов подряд. Подождите немного и "
                "введите новый код из приложения.",
            )
        else:
            form.add_error(
                "token",
                "Неверный код. Проверьте, что время на телефоне точное, и "
                "введите код, который приложение показывает сейчас.",
            )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


def _qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, title="QR-код для приложения-аутентификатора"
    )


@second_factor_passed
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = TokenForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            services.totp_device_start(user=user)
            return redirect("accounts:security")
        if action == "remove":
            services.totp_device_remove(actor=user, user=user)
            messages.success(request, "Вход по коду из приложения отключён.")
            return redirect("accounts:security")
        if action == "confirm":
            form = TokenForm(request.POST)
            pending = _pending_device(user)
            if pending is None:
                messages.error(request, "Начните подключение приложения заново.")
                return redirect("accounts:security")
            if form.is_valid():
                try:
                    device = services.totp_device_confirm(
                        user=user, device=pending, token=form.cleaned_data["token"]
                    )
                except ApplicationError as exc:
                    form.add_error("token", exc.message)
                else:
                    django_otp.login(request, device)
                    messages.success(
                        request,
                        "Приложение-аутентификатор подключено. При "
                        "следующем входе Отклик спросит код из него.",
                    )
                    return redirect("accounts:security")
    confirmed = _confirmed_device(user)
    pending = None if confirmed else _pending_device(user)
    context: dict[str, Any] = {"confirmed": confirmed, "pending": pending, "form": form}
    if pending is not None:
        context["qr_svg"] = _qr_svg(pending)
        context["secret"] = _base32(pending)
    return render(request, "accounts/security.html", context)


@second_factor_passed
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            update_session_auth_hash(request, user)  # this session stays signed in
            messages.success(request, "Пароль изменён.")
            return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form})


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@second_factor_passed
@access_denied_as_403
def user_list_view(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    role = form.cleaned_data["role"] if form.is_valid() else ""
    users = user_list(user=request.user, role=role or None)
    page = paginate(request, users)
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page": page,
            "roles": dict(Role.choices),
        },
    )
