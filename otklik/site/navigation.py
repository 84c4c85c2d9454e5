"""The main menu, per role: an item shows only when the user may use what it opens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from otklik.core.permissions import Action, can


def _inbox_count(user: Any) -> int:
    """Documents waiting at the user's step. A route step's role must hold the right of its
    verb (checked when the routes load), so a role with neither right never has any: no query
    on its every page."""
    if not (can(user, Action.APPROVAL_AGREE) or can(user, Action.APPROVAL_APPROVE)):
        return 0
    from otklik.approvals.selectors import approval_inbox

    return approval_inbox(user=user).count()


def _quarantine_count(user: Any) -> int:
    from otklik.intake.selectors import quarantine_count

    return quarantine_count(user=user)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: Action | None = None
    superuser_only: bool = False
    count: Callable[[Any], int] | None = None  # a number shown beside the label when not 0


MENU: list[NavItem] = [
    NavItem("Главная", "home"),
    NavItem("Сообщения", "intake:message_list", Action.MESSAGE_VIEW),
    NavItem("Инциденты", "cases:list", Action.CASE_VIEW),
    NavItem("Карантин", "intake:quarantine", Action.QUARANTINE_VIEW, count=_quarantine_count),
    NavItem("Маршрутизация", "cases:routing", Action.CASE_VIEW),
    NavItem("Аналитика", "analytics:picture", Action.ANALYTICS_VIEW),
    # the count: documents waiting at the user's step of the approval route
    NavItem("Проектный офис", "office:home", Action.OFFICE_VIEW, count=_inbox_count),
    NavItem("Документы ЦУР", "documents:list", Action.DOCUMENTS_VIEW),
    NavItem("Запросы и поручения", "correspondence:list", Action.CORR_VIEW),
    NavItem("Анализ текстов", "nlp:models", Action.MODEL_VIEW),
    NavItem("Каналы", "channels:health", Action.CHANNEL_VIEW),
    NavItem("Справочники", "directory:index", Action.REFERENCE_VIEW),
    NavItem("Пользователи", "accounts:user_list", Action.USER_VIEW),
    NavItem("Журнал действий", "audit:event_list", Action.AUDIT_VIEW),
    NavItem("Администрирование", "admin:index", Action.REFERENCE_EDIT),
]


def menu_for(user: Any, *, current_path: str = "") -> list[dict]:
    """The items ``user`` may open; ``active`` marks the one whose address is the longest
    prefix of ``current_path`` (so /messages/quarantine/ lights «Карантин», not «Сообщения»).
    ``label`` carries the count (e.g. «Карантин (3)»); ``count`` holds it alone."""
    items = []
    for item in MENU:
        if item.action is not None and not can(user, item.action):
            continue
        count = item.count(user) if item.count else 0
        items.append(
            {
                "label": f"{item.label} ({count})" if count else item.label,
                "name": item.label,
                "count": count,
                "url": reverse(item.url_name),
                "active": False,
            }
        )
    matches = [
        i
        for i in items
        if (current_path == i["url"] if i["url"] == "/" else current_path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
