from typing import Any

from django.db import models


class Role(models.TextChoices):
    """Roles after section 3 of the ЦУР regulation (see docs/permissions.md)."""

    CURATOR = "curator", "Куратор"
    EXECUTOR = "executor", "Ответственный исполнитель"
    HEAD = "head", "Руководитель ЦУР"
    SECTOR_LEAD = "sector_lead", "Ответственный за отраслевой блок"
    ANALYST = "analyst", "Сотрудник центра компетенций (аналитик, модератор)"
    ORG_OPERATOR = "org_operator", "Оператор организации"
    MUNICIPAL_COORDINATOR = "municipal_coordinator", "Координатор муниципального образования"
    AUDITOR = "auditor", "Аудитор"


# Which scope field each role needs; roles not listed act on the whole region.
ROLE_SCOPE_FIELD: dict[str, str] = {
    Role.SECTOR_LEAD: "sector",
    Role.ORG_OPERATOR: "organization",
    Role.MUNICIPAL_COORDINATOR: "municipality",
}

# Staff of the ЦУР itself (may use a second factor, see the accounts app).
CUR_STAFF_ROLES = frozenset(
    {Role.CURATOR, Role.EXECUTOR, Role.HEAD, Role.SECTOR_LEAD, Role.ANALYST, Role.AUDITOR}
)


SUPERUSER = "superuser"  # what ``acting_role`` says of a superuser: every right, whatever the role


def acting_role(user: Any) -> Role | str | None:
    """The role ``user`` acts in: ``None`` for an anonymous, inactive or role-less user,
    ``SUPERUSER`` for a superuser. The one preamble of every per-role rule (the permission
    matrix, the applicant's data)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not getattr(user, "is_active", False):
        return None
    if getattr(user, "is_superuser", False):
        return SUPERUSER
    role = getattr(user, "role", "")
    return Role(role) if role else None
