"""The approval route as data: the steps of each document kind (``RouteStep``), one approval per
document version (``Approval``) with the step it stands at, and its history (``ApprovalEvent``).

The documents themselves live in the apps that own them (the project office's passports,
plans, reports, …); an approval names its document by kind and key (``kind``, ``target_id``),
and the owning app registers the kind (``approvals.registry``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from otklik.accounts.identity import Confirmation
from otklik.approvals.choices import ApprovalState, Decision, Verb
from otklik.core.models import BaseModel
from otklik.core.roles import Role


class RouteStep(BaseModel):
    """A step of the route of one document kind (loaded from ``approvals/data/routes.toml``)."""

    kind = models.SlugField("вид документа", max_length=40)
    order = models.PositiveSmallIntegerField("порядок")
    verb = models.CharField("действие", max_length=16, choices=Verb.choices)
    role = models.CharField("кто", max_length=32, choices=Role.choices)
    label = models.CharField("название шага", max_length=255)
    due_working_days = models.PositiveSmallIntegerField(
        "срок, рабочих дней",
        default=3,
        help_text="Рабочих дней на шаг со дня поступления на него (по производственному "
        "календарю).",
    )

    class Meta:
        verbose_name = "шаг маршрута согласования"
        verbose_name_plural = "маршруты согласования"
        ordering = ["kind", "order"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "order"], name="one_step_per_order"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.order}: {self.label}"


class Approval(BaseModel):
    """One version of one document on its way: draft → the steps → approved (or returned)."""

    # a sector lead sees and prepares the documents of its block
    scope_lookups = {"sector": "sector"}

    kind = models.SlugField("вид документа", max_length=40)
    target_id = models.CharField("документ", max_length=64)
    title = models.CharField("документ", max_length=512)
    version = models.PositiveIntegerField("версия", default=1)
    reason = models.TextField(
        "основание изменения", blank=True, help_text="Для версии 2 и далее: что и почему меняется."
    )
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="подготовил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        "состояние", max_length=16, choices=ApprovalState.choices, default=ApprovalState.DRAFT
    )
    route = models.JSONField(
        "маршрут",
        default=list,
        blank=True,
        help_text="Шаги, с которыми документ направлен на согласование (правка маршрута не "
        "меняет путь документа, который уже в пути).",
    )
    step = models.PositiveSmallIntegerField("шаг", null=True, blank=True)
    step_label = models.CharField("шаг", max_length=255, blank=True)
    step_role = models.CharField("на шаге у", max_length=32, choices=Role.choices, blank=True)
    step_verb = models.CharField("действие шага", max_length=16, choices=Verb.choices, blank=True)
    step_since = models.DateTimeField("на шаге с", null=True, blank=True)
    step_due = models.DateField("срок шага", null=True, blank=True)
    reminded_on = models.DateField("напоминание отправлено", null=True, blank=True)
    escalated_on = models.DateField("доложено о просрочке", null=True, blank=True)
    submitted_at = models.DateTimeField("направлен на согласование", null=True, blank=True)
    approved_at = models.DateTimeField("утверждён", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="утвердил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "согласование документа"
        verbose_name_plural = "согласования документов"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "target_id"], name="one_approval_per_document"),
            models.CheckConstraint(
                condition=~models.Q(state="in_route")
                | (models.Q(step__isnull=False) & ~models.Q(step_role="")),
                name="in_route_has_a_step",
            ),
        ]
        indexes = [models.Index(fields=["state", "step_role", "step_due"])]

    def __str__(self) -> str:
        return f"{self.title} (версия {self.version})"

    @property
    def is_frozen(self) -> bool:
        """An approved version never changes (a change opens a new version)."""
        return self.state == ApprovalState.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.state in (ApprovalState.DRAFT, ApprovalState.RETURNED)


class ApprovalEvent(models.Model):
    """A line of the history: who did what at which step, with the reason or the remark."""

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="events")
    decision = models.CharField("решение", max_length=16, choices=Decision.choices)
    step = models.PositiveSmallIntegerField("шаг", null=True, blank=True)
    step_label = models.CharField("шаг", max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField("роль", max_length=32, blank=True)
    text = models.TextField("причина или замечание", blank=True)
    confirmation = models.CharField(
        "подтверждение подписи",
        max_length=16,
        choices=Confirmation.choices,
        blank=True,
        help_text="Как подписавший подтвердил личность при решении (простая электронная "
        "подпись): пароль, или пароль и одноразовый код.",
    )
    at = models.DateTimeField("когда", default=timezone.now)

    class Meta:
        verbose_name = "запись листа согласования"
        verbose_name_plural = "лист согласования"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.at:%d.%m.%Y}"
