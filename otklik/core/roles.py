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
