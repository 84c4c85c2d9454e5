"""How the audit log names the accounts' events and objects (see ``otklik/audit/registry.py``)."""

from __future__ import annotations

from otklik.accounts.models import ApiKey, User
from otklik.audit.registry import TargetRef, actions_register, target_register, values_register
from otklik.core.roles import Role


def _users(ids: list[str]) -> dict[str, TargetRef]:
    return {
        str(u.pk): TargetRef(f"пользователь {u.get_full_name() or u.username} ({u.username})")
        for u in User.objects.filter(pk__in=ids).only("pk", "username", "first_name", "last_name")
    }


def _api_keys(ids: list[str]) -> dict[str, TargetRef]:
    rows = ApiKey.objects.filter(pk__in=ids).values_list("pk", "system", "prefix")
    return {str(pk): TargetRef(f"ключ API «{system}» ({prefix}…)") for pk, system, prefix in rows}


actions_register(
    {
        "user.create": "Пользователь создан",
        "user.activate": "Пользователь включён",
        "user.deactivate": "Пользователь отключён",
        "user.password_change": "Пароль изменён самим пользователем",
        "user.totp_enable": "Включён вход по коду",
        "user.totp_disable": "Отключён вход по коду",
        "apikey.create": "Выпущен ключ API",
        "apikey.revoke": "Ключ API отозван",
    }
)
target_register("accounts.user", label="пользователь", resolve=_users)
target_register("accounts.apikey", label="ключ API", resolve=_api_keys)
values_register("accounts.user", "role", dict(Role.choices))
values_register(
    "accounts.user",
    "scope",
    {"region": "вся область", "sector": "блок", "organization": "организация",
     "municipality": "муниципальное образование"},
)  # fmt: skip
