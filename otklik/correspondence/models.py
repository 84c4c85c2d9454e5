"""Requests and tasks («запросы и поручения») with control of execution.

* ``Assignment``: a request or a task sent by the ЦУР (the head, the executor, the curator, a
  sector lead for its block) to one or many organisations, with its due date and files; each
  addressee gets its own ``Item`` with its state, its answers (``Reply``) and its history
  (``ItemEvent``). When the sender closes it, a final summary (``Assignment.summary``) travels
  the approval route (kind ``corr_summary``).
* ``Incoming``: a request of the Ministry of digital development or of the competence centre,
  registered by the ЦУР, assigned to one of its people, answered with a package that travels
  the approval route (kind ``corr_answer``) and is taken off control when approved.
* ``StoredFile``: a file of any of them, kept by its SHA-256.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from otklik.core.models import BaseModel
from otklik.correspondence.choices import (
    AssignmentKind,
    EventKind,
    IncomingSource,
    IncomingState,
    ItemState,
)


class Assignment(BaseModel):
    """Запрос или поручение ЦУР организациям."""

    # a sector lead sends and sees its block's; an operator reaches it through its item
    scope_lookups = {"sector": "sector", "organization": "items__organization"}

    kind = models.CharField("вид", max_length=16, choices=AssignmentKind.choices)
    subject = models.CharField("тема", max_length=512)
    text = models.TextField("текст")
    due = models.DateField("срок исполнения")
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="направил", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    sent_at = models.DateTimeField("направлено")
    measure = models.ForeignKey(
        "problems.Measure",
        verbose_name="мера по региональной проблеме",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.TextField("итоговая справка", blank=True)
    summary_at = models.DateTimeField("справка подготовлена", null=True, blank=True)

    class Meta:
        verbose_name = "запрос или поручение"
        verbose_name_plural = "запросы и поручения"
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} № {self.pk} «{self.subject[:80]}»"


class Item(BaseModel):
    """One addressee's copy: its state, its deadline on the working calendar, its clock."""

    scope_lookups = {"sector": "assignment__sector", "organization": "organization"}

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="items")
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        "состояние", max_length=16, choices=ItemState.choices, default=ItemState.SENT
    )
    deadline = models.DateField(
        "срок (рабочий день)",
        help_text="Срок исполнения; выпавший на нерабочий день переносится на следующий рабочий.",
    )
    answered_at = models.DateTimeField("ответ получен", null=True, blank=True)
    accepted_at = models.DateTimeField("принято", null=True, blank=True)
    returns = models.PositiveSmallIntegerField("возвратов на доработку", default=0)
    reminded_on = models.DateField("напомнено", null=True, blank=True)
    overdue_on = models.DateField("отмечена просрочка", null=True, blank=True)
    escalated_on = models.DateField("доложено о просрочке", null=True, blank=True)
    escalated_to = models.CharField("кому доложено", max_length=32, blank=True)

    class Meta:
        verbose_name = "адресат запроса (поручения)"
        verbose_name_plural = "адресаты запросов и поручений"
        ordering = ["assignment", "organization__short_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "organization"], name="one_item_per_addressee"
            )
        ]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.assignment} — {self.organization}"


class Reply(BaseModel):
    """An answer of the organisation (a returned item is answered again: a new reply)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField("ответ")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ответил", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    at = models.DateTimeField("когда")

    class Meta:
        verbose_name = "ответ организации"
        verbose_name_plural = "ответы организаций"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ItemEvent(models.Model):
    """A line of an item's history: who, when, what (a reason, a remark)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("что", max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField("содержание", blank=True)
    at = models.DateTimeField("когда")

    class Meta:
        verbose_name = "запись истории исполнения"
        verbose_name_plural = "история исполнения"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d.%m.%Y}"


class Incoming(BaseModel):
    """Входящий запрос Минцифры или центра компетенций, на контроле до утверждения ответа."""

    scope_lookups = {"sector": "sector"}

    source = models.CharField("от кого", max_length=32, choices=IncomingSource.choices)
    sender_name = models.CharField("отправитель", max_length=512)
    their_number = models.CharField("исходящий номер отправителя", max_length=64)
    their_date = models.DateField("дата письма отправителя")
    subject = models.CharField("тема", max_length=512)
    text = models.TextField("содержание")
    due = models.DateField("срок ответа")
    deadline = models.DateField("срок (рабочий день)")
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="зарегистрировал", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="исполнитель",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        "состояние", max_length=16, choices=IncomingState.choices,
        default=IncomingState.REGISTERED,
    )  # fmt: skip
    answer_text = models.TextField("текст ответа", blank=True)
    answer_parts = models.JSONField(
        "материалы платформы в ответе",
        default=list,
        blank=True,
        help_text='Например, [{"part": "analytics_monthly", "month": "2026-11"}].',
    )
    closed_at = models.DateTimeField("снят с контроля", null=True, blank=True)
    reminded_on = models.DateField("напомнено", null=True, blank=True)
    escalated_on = models.DateField("доложено о просрочке", null=True, blank=True)

    class Meta:
        verbose_name = "входящий запрос"
        verbose_name_plural = "входящие запросы"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"№ {self.their_number} от {self.their_date:%d.%m.%Y} «{self.subject[:80]}»"


class StoredFile(BaseModel):
    """A file of a request, of an answer or of an incoming request (or of its answer), kept
    by content (``correspondence/<ab>/<sha256><ext>``)."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    incoming = models.ForeignKey(
        Incoming, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    in_answer = models.BooleanField("в ответе на входящий", default=False)
    name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип", max_length=128, blank=True)
    size = models.PositiveBigIntegerField("размер, байт")
    sha256 = models.CharField("SHA-256", max_length=64)
    file = models.FileField("файл", max_length=255)

    class Meta:
        verbose_name = "файл"
        verbose_name_plural = "файлы запросов и поручений"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assignment__isnull=False, reply__isnull=True,
                                   incoming__isnull=True)
                | models.Q(assignment__isnull=True, reply__isnull=False, incoming__isnull=True)
                | models.Q(assignment__isnull=True, reply__isnull=True, incoming__isnull=False),
                name="stored_file_has_one_owner",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name
