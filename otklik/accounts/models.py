from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from otklik.accounts.choices import ROLE_SCOPE_FIELD, Role


class User(AbstractUser):
    """A person who works in Otklik. One account holds one role with its scope.

    The scope field that a role needs (sector, organisation or municipality) is set; the others
    stay empty — a database constraint keeps it so.
    """

    middle_name = models.CharField("отчество", max_length=150, blank=True)
    position = models.CharField("должность", max_length=255, blank=True)
    phone = models.CharField("телефон", max_length=64, blank=True)
    role = models.CharField("роль", max_length=32, choices=Role.choices, blank=True)
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name="организация",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    municipality = models.ForeignKey(
        "directory.Municipality",
        verbose_name="муниципальное образование",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role=Role.SECTOR_LEAD,
                        sector__isnull=False,
                        organization__isnull=True,
                        municipality__isnull=True,
                    )
                    | Q(
                        role=Role.ORG_OPERATOR,
                        organization__isnull=False,
                        sector__isnull=True,
                        municipality__isnull=True,
                    )
                    | Q(
                        role=Role.MUNICIPAL_COORDINATOR,
                        municipality__isnull=False,
                        sector__isnull=True,
                        organization__isnull=True,
                    )
                    | (
                        ~Q(role__in=list(ROLE_SCOPE_FIELD))
                        & Q(
                            sector__isnull=True,
                            organization__isnull=True,
                            municipality__isnull=True,
                        )
                    )
                ),
                name="user_role_scope_consistent",
            )
        ]

    def __str__(self) -> str:
        full = " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)
        return full or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "без роли"

    @property
    def scope_label(self) -> str:
        field = ROLE_SCOPE_FIELD.get(self.role)
        target = getattr(self, field) if field else None
        return str(target) if target is not None else "вся область"
