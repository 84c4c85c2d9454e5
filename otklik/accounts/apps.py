from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "otklik.accounts"
    label = "accounts"
    verbose_name = "Пользователи и роли"
