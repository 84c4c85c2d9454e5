"""The project office: sector blocks and their leads, the ЦУР's indicators (targets and facts per
period), projects of the blocks with passports in versions, and progress reports.

A passport version and a progress report each travel the one approval route
(``otklik.approvals``): their approval is found by kind and key (``passport`` / ``report`` and
the row's id)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from otklik.core.models import BaseModel
from otklik.office.choices import (
    Direction,
    IndicatorKind,
    IndicatorSource,
    IndicatorState,
    ProjectState,
)

PERIOD_HELP = "Месяц «2026-11», квартал «2026-Q4» или год «2026»."


class Block(BaseModel):
    """Отраслевой блок проектного офиса: its lead and the lead's deputies (sector leads of it)."""

    scope_lookups = {"sector": "sector"}

    # a sector without projects may be removed from the reference book, its block with it
    sector = models.OneToOneField(
        "directory.Sector", verbose_name="отрасль", on_delete=models.CASCADE, related_name="+"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ответственный за блок",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deputies = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="заместители", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "отраслевой блок"
        verbose_name_plural = "отраслевые блоки проектного офиса"
        ordering = ["sector__order", "sector__code"]

    def __str__(self) -> str:
        return str(self.sector)


class Indicator(BaseModel):
    """Показатель ЦУР: mandatory (the competence centre's list) or additional (the curator
    approves it); computed from the platform's data (``measure``) or entered by its owner."""

    scope_lookups = {"sector": "sector"}

    code = models.CharField("код", max_length=32, unique=True)
    name = models.CharField("показатель", max_length=512)
    unit = models.CharField("единица измерения (ОКЕИ)", max_length=64)
    direction = models.CharField(
        "направление", max_length=8, choices=Direction.choices, default=Direction.UP
    )
    method = models.TextField("методика расчёта", blank=True)
    kind = models.CharField(
        "вид", max_length=16, choices=IndicatorKind.choices, default=IndicatorKind.ADDITIONAL
    )
    state = models.CharField(
        "состояние", max_length=16, choices=IndicatorState.choices, default=IndicatorState.PROPOSED
    )
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Пусто — показатель ЦУР в целом.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ответственный",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        "источник", max_length=16, choices=IndicatorSource.choices, default=IndicatorSource.ENTERED
    )
    measure = models.CharField(
        "мера платформы",
        max_length=40,
        blank=True,
        help_text="Код меры каталога (office.measures).",
    )
    base_value = models.DecimalField(
        "базовое значение", max_digits=18, decimal_places=4, null=True, blank=True
    )
    base_date = models.DateField("дата базового значения", null=True, blank=True)

    class Meta:
        verbose_name = "показатель ЦУР"
        verbose_name_plural = "показатели ЦУР"
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source="computed") | ~models.Q(measure=""),
                name="computed_indicator_has_a_measure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.CharField("период", max_length=7, help_text=PERIOD_HELP)
    value = models.DecimalField("план", max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = "плановое значение"
        verbose_name_plural = "плановые значения"
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_target_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}: {self.value}"


class IndicatorFact(models.Model):
    """The fact of a period: computed from the data, or entered with its evidence."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="facts")
    period = models.CharField("период", max_length=7, help_text=PERIOD_HELP)
    value = models.DecimalField("факт", max_digits=18, decimal_places=4, null=True, blank=True)
    computed = models.BooleanField("рассчитано по данным", default=False)
    evidence = models.TextField("подтверждение", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField("когда", auto_now=True)

    class Meta:
        verbose_name = "фактическое значение"
        verbose_name_plural = "фактические значения"
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_fact_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}: {self.value}"


class Project(BaseModel):
    """A project (programme) of a sector block; its content is in its passport versions."""

    scope_lookups = {"sector": "sector"}

    code = models.CharField("код", max_length=32, unique=True)
    name = models.CharField("наименование", max_length=512)
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        "состояние", max_length=16, choices=ProjectState.choices, default=ProjectState.DRAFT
    )
    state_reason = models.TextField("основание", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="создал",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "проект"
        verbose_name_plural = "проекты отраслевых блоков"
        ordering = ["sector__order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PassportVersion(BaseModel):
    """A version of a project's passport: drafted, routed, and frozen once approved. Version 2
    and later are change requests (``reason``)."""

    scope_lookups = {"sector": "project__sector"}

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("версия")
    content = models.JSONField("содержание", default=dict)
    reason = models.TextField("запрос на изменение: что и почему", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="подготовил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "версия паспорта проекта"
        verbose_name_plural = "версии паспортов проектов"
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_passport_number")
        ]

    def __str__(self) -> str:
        return f"{self.project.code}, версия {self.number}"


class ProgressReport(BaseModel):
    """Отчёт о ходе реализации проекта за период: plan/fact of the indicators (the computed ones
    filled from the data), control points reached or missed, risks, the lead's comment."""

    scope_lookups = {"sector": "project__sector"}

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField("период", max_length=7, help_text=PERIOD_HELP)
    due = models.DateField("срок представления")
    content = models.JSONField("содержание", default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="подготовил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "отчёт о ходе реализации"
        verbose_name_plural = "отчёты о ходе реализации"
        ordering = ["project", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="one_report_per_period")
        ]
        indexes = [models.Index(fields=["due"])]

    def __str__(self) -> str:
        return f"{self.project.code}, отчёт за {self.period}"
