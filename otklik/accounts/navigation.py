"""The main menu, per role: an item shows only when the user may use what it opens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from otklik.accounts.permissions import Action, can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: Action | None = None
    superuser_only: bool = False


MENU: list[NavItem] = [
    NavItem("Главная", "home"),
    NavItem("Сообщения", "intake:message_list", Action.MESSAGE_VIEW),
    NavItem("Справочники", "directory:index", Action.REFERENCE_VIEW),
    NavItem("Пользователи", "accounts:user_list", Action.USER_VIEW),
    NavItem("Журнал действий", "audit:event_list", Action.AUDIT_VIEW),
    NavItem("Администрирование", "admin:index", Action.REFERENCE_EDIT),
]


def menu_for(user: Any, *, current_path: str = "") -> list[dict]:
    items = []
    for item in MENU:
        if item.action is not None and not can(user, item.action):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
