"""Forms of the accounts pages: login, the second factor, the user list filter."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

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
