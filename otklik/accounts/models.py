from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from otklik.core.identifiers import snils_format, snils_valid
from otklik.core.roles import ROLE_SCOPE_FIELD, Role


def validate_snils(value: str) -> None:
    """A СНИЛС as stored: 11 digits whose check number holds (empty: none)."""
    if not value:
        return
    if len(value) != 11 or not value.isdigit():
        raise ValidationError("СНИЛС — 11 цифр, например 112-233-445 95.", code="snils_length")
    if not snils_valid(value):
        raise ValidationError(
            "СНИЛС указан с ошибкой: контрольное число не сходится. Проверьте цифры по "
            "страховому свидетельству или сведениям Социального фонда.",
            code="snils_check",
        )


class User(AbstractUser):
    """A person who works in Otklik. One account holds one role with its scope.

    The scope field that a role needs (sector, organisation or municipality) is set; the others
    stay empty — a database constraint keeps it so.
    """

    middle_name = models.CharField("отчество", max_length=150, blank=True)
    position = models.CharField("должность", max_length=255, blank=True)
    phone = models.CharField("телефон", max_length=64, blank=True)
    # Personal data: shown only to the user and to those who manage users (USER_MANAGE); the
    # owner of a qualified signature's certificate is checked against it (core.cms).
    snils = models.CharField(
        "СНИЛС",
        max_length=11,
        blank=True,
        validators=[validate_snils],
        help_text="11 цифр; по нему проверяется владелец сертификата квалифицированной "
        "электронной подписи.",
    )
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
        return self.fio or self.username

    @property
    def snils_display(self) -> str:
        """The СНИЛС as it is printed (``112-233-445 95``), "" when none."""
        return snils_format(self.snils) if self.snils else ""

    @property
    def fio(self) -> str:
        """ФИО: «Фамилия Имя Отчество» (what a qualified certificate's SN and GN hold)."""
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "без роли"

    @property
    def scope_label(self) -> str:
        field = ROLE_SCOPE_FIELD.get(self.role)
        target = getattr(self, field) if field else None
        return str(target) if target is not None else "вся область"


class ApiKey(models.Model):
    """A key with which an external system (ПОС import, a municipal system, a channel adapter)
    calls the API. Only a SHA-256 hash of the key is stored; the key is shown once."""

    system = models.CharField("внешняя система", max_length=128)
    prefix = models.CharField("начало ключа", max_length=12, unique=True)
    key_hash = models.CharField("хеш ключа", max_length=64, unique=True)
    created_at = models.DateTimeField("выпущен", auto_now_add=True)
    created_by = models.ForeignKey(
        User,
        verbose_name="кем выпущен",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField("отозван", null=True, blank=True)
    last_used_at = models.DateTimeField("последнее использование", null=True, blank=True)

    class Meta:
        verbose_name = "ключ внешней системы"
        verbose_name_plural = "ключи внешних систем"
        ordering = ["system", "-created_at"]

    def __str__(self) -> str:
        return f"{self.system} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
