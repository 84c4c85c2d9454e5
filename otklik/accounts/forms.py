"""Forms of the accounts pages: login, one's own password, the second factor, the user list
filter; the user forms of the admin."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, AuthenticationForm, UserChangeForm
from django.core.validators import MaxLengthValidator

from otklik.accounts.services import user_role_scope_check
from otklik.core.exceptions import ApplicationError
from otklik.core.identifiers import digits, snils_format
from otklik.core.roles import Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Неверное имя пользователя или пароль. Обратите внимание: после "
        "нескольких неудачных попыток вход временно блокируется.",
        "inactive": "Учётная запись отключена. Обратитесь к администратору ЦУР.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Имя пользователя"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].label = "Пароль"


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="Текущий пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="Новый пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Не короче 10 знаков, не только цифры, не похож на имя пользователя.",
    )
    new_password_again = forms.CharField(
        label="Новый пароль ещё раз",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", "Пароли не совпадают.")
        return data


class TokenForm(forms.Form):
    """A 6-digit code from the authenticator app."""

    token = forms.RegexField(
        label="Код из приложения",
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "invalid": "Введите 6 цифр из приложения-аутентификатора.",
            "required": "Введите код из приложения-аутентификатора.",
        },
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "maxlength": "7",
                "class": "otp-input",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class UserFilterForm(forms.Form):
    role = forms.ChoiceField(
        label="Роль", required=False, choices=[("", "все роли"), *Role.choices]
    )


class _RoleScopeFormMixin:
    """The role and its scope field checked with the service's rule and its Russian message."""

    def clean(self):
        data = super().clean()
        role = data.get("role", getattr(self.instance, "role", ""))
        if role and "role" in self.fields:
            try:
                user_role_scope_check(
                    role, data.get("sector"), data.get("organization"), data.get("municipality")
                )
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from exc
        return data


class _SnilsFormMixin:
    """СНИЛС typed as people write it (``112-233-445 95``, spaces, dashes), stored as its 11
    digits (the model's validator checks them) and shown formatted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("snils")
        if field is not None:
            field.max_length = None  # the digits are checked after cleaning
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ]
            field.widget.attrs.pop("maxlength", None)
            field.widget.attrs.update({"inputmode": "numeric", "placeholder": "123-456-789 64"})
            if self.instance.snils:
                self.initial["snils"] = snils_format(self.instance.snils)

    def clean_snils(self) -> str:
        value = self.cleaned_data.get("snils", "").strip()
        if value and not re.fullmatch(r"[\d\s-]+", value):
            raise forms.ValidationError(
                "СНИЛС пишется цифрами (можно с дефисами и пробелами), например 112-233-445 95."
            )
        return digits(value)


class UserCreationForm(_RoleScopeFormMixin, _SnilsFormMixin, AdminUserCreationForm):
    pass


class UserEditForm(_RoleScopeFormMixin, _SnilsFormMixin, UserChangeForm):
    pass
