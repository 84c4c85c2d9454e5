"""Deadlines as data: one ``DeadlinePolicy`` row per rule of the law or of regional practice.

A policy applies to an input kind, optionally narrowed to a channel and/or a topic and/or a
priority of the case (an accident's short deadline); the most specific valid policy wins
(selectors.policy_for). Rows are loaded from ``sla/data/policies.toml``
by ``policies_load`` (services.py); the arithmetic is in deadlines.py, on top of
``otklik.core.calendar``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from otklik.core.models import BaseModel
from otklik.directory.choices import InputKindCode
from otklik.sla.choices import CASE_PRIORITIES, Basis, Unit

DEFAULT_WARNING_THRESHOLDS = (0.7, 0.9)


def default_warning_thresholds() -> list[float]:
    return list(DEFAULT_WARNING_THRESHOLDS)


def _length_and_unit_together(prefix: str) -> Q:
    length, unit = f"{prefix}_length", f"{prefix}_unit"
    return Q(**{f"{length}__isnull": True, unit: ""}) | (
        Q(**{f"{length}__isnull": False, f"{unit}__in": Unit.values})
    )


class DeadlinePolicy(BaseModel):
    """Срок рассмотрения: registration, first response and answer deadlines of one kind."""

    code = models.SlugField("код", max_length=64, unique=True)
    name = models.CharField("название", max_length=255)
    input_kind = models.SlugField("вид поступления", max_length=32, choices=InputKindCode.choices)
    channel = models.SlugField(
        "канал", max_length=32, blank=True, help_text="Код канала; пусто — любой канал."
    )
    topic = models.SlugField(
        "тема", max_length=64, blank=True, help_text="Код темы; пусто — любая тема."
    )
    priority = models.SlugField(
        "приоритет инцидента",
        max_length=16,
        blank=True,
        help_text="Код приоритета (critical — аварийный); пусто — любой. Правило с приоритетом "
        "подбирается только для инцидентов этого приоритета и важнее правил без него.",
    )
    applies_automatically = models.BooleanField(
        "подбирается автоматически",
        default=True,
        help_text="Если нет, срок выбирают вручную по коду (например, пятидневный срок жалобы "
        "по 210-ФЗ на отказ в приёме документов).",
    )
    basis = models.CharField("срок считается", max_length=16, choices=Basis.choices)
    unit = models.CharField("единица срока", max_length=16, choices=Unit.choices)
    resolution_length = models.PositiveIntegerField("срок рассмотрения")
    max_extension_length = models.PositiveIntegerField(
        "продление не более чем на", default=0, help_text="В единицах срока рассмотрения."
    )
    registration_length = models.PositiveIntegerField(
        "срок регистрации", null=True, blank=True, help_text="Считается с момента поступления."
    )
    registration_unit = models.CharField(
        "единица срока регистрации", max_length=16, choices=Unit.choices, blank=True
    )
    first_response_length = models.PositiveIntegerField(
        "срок первой реакции", null=True, blank=True
    )
    first_response_unit = models.CharField(
        "единица срока первой реакции", max_length=16, choices=Unit.choices, blank=True
    )
    redirect_length = models.PositiveIntegerField(
        "срок переадресации по компетенции",
        null=True,
        blank=True,
        help_text="Считается с момента регистрации.",
    )
    redirect_unit = models.CharField(
        "единица срока переадресации", max_length=16, choices=Unit.choices, blank=True
    )
    warning_thresholds = models.JSONField(
        "пороги предупреждений",
        default=default_warning_thresholds,
        help_text="Доли израсходованного срока, например [0.7, 0.9].",
    )
    pause_states = models.JSONField(
        "состояния, в которых срок приостановлен",
        default=list,
        blank=True,
        help_text='Коды состояний дела, например ["awaiting_citizen"].',
    )
    legal_basis = models.TextField("правовое основание")
    description = models.TextField("пояснение", blank=True)
    valid_from = models.DateField("действует с", null=True, blank=True)
    valid_to = models.DateField("действует по", null=True, blank=True)

    class Meta:
        verbose_name = "срок рассмотрения"
        verbose_name_plural = "сроки рассмотрения"
        ordering = ["input_kind", "channel", "topic", "code"]
        indexes = [models.Index(fields=["input_kind"], name="sla_policy_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="sla_policy_validity_ordered",
            ),
            models.CheckConstraint(condition=Q(basis__in=Basis.values), name="sla_policy_basis"),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="sla_policy_unit"),
            models.CheckConstraint(condition=Q(resolution_length__gt=0), name="sla_policy_length"),
            models.CheckConstraint(
                condition=_length_and_unit_together("registration"),
                name="sla_policy_registration_unit",
            ),
            models.CheckConstraint(
                condition=_length_and_unit_together("first_response"),
                name="sla_policy_first_response_unit",
            ),
            models.CheckConstraint(
                condition=_length_and_unit_together("redirect"), name="sla_policy_redirect_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        """A priority first (4), then kind+channel+topic (3) > kind+topic (2) > kind+channel (1)
        > kind (0)."""
        return 4 * bool(self.priority) + 2 * bool(self.topic) + bool(self.channel)

    def clean(self) -> None:
        """Two automatic policies for the same kind, channel and topic may not overlap in time."""
        super().clean()
        if self.priority and CASE_PRIORITIES and self.priority not in CASE_PRIORITIES:
            raise ValidationError(
                {
                    "priority": f"Неизвестный приоритет «{self.priority}», возможны: "
                    f"{', '.join(sorted(CASE_PRIORITIES))}."
                }
            )
        if not self.applies_automatically:
            return
        same = DeadlinePolicy.objects.filter(
            input_kind=self.input_kind,
            channel=self.channel,
            topic=self.topic,
            priority=self.priority,
            applies_automatically=True,
        ).exclude(pk=self.pk)
        if self.valid_to is not None:
            same = same.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=self.valid_to))
        if self.valid_from is not None:
            same = same.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        other = same.first()
        if other is not None:
            raise ValidationError(
                f"Срок «{other.code}» уже действует для этого вида, канала и темы в эти даты: "
                "разведите их по датам действия или сделайте один из них выбираемым вручную."
            )

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )
