"""What the language pipeline concluded about each message, the classifier models it may use,
operators' corrections (training signals) and re-processing runs over history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from otklik.core.models import BaseModel


class ModelStatus(models.TextChoices):
    CANDIDATE = "candidate", "Проверена, не включена"
    ACTIVE = "active", "Включена"
    RETIRED = "retired", "Выключена"


class ModelLevel(models.TextChoices):
    SECTOR = "sector", "Отраслевой блок"
    TOPIC = "topic", "Тема"


class ClassifierModel(BaseModel):
    """A trained classifier registered for the pipeline: versioned, evaluated on a holdout
    before it may be switched on, and switched back (rolled back) by the ЦУР.

    The files live in ``path`` (``otklik nlp train`` format: model.joblib + meta.json). At most
    one model is active (a partial unique constraint)."""

    version = models.CharField("версия", max_length=64, unique=True)
    level = models.CharField("что различает", max_length=16, choices=ModelLevel.choices)
    path = models.CharField("каталог модели", max_length=512)
    source = models.CharField("на чём обучена", max_length=255)
    labels = models.JSONField("классы", default=list)
    n_train = models.PositiveIntegerField("примеров для обучения", default=0)
    n_holdout = models.PositiveIntegerField("примеров для проверки", default=0)
    # {"candidate": {"macro_f1", "accuracy", ...}, "current": {...}, "current_name": "..."}
    evaluation = models.JSONField("проверка на отложенной выборке", default=dict, blank=True)
    status = models.CharField(
        "состояние", max_length=16, choices=ModelStatus.choices, default=ModelStatus.CANDIDATE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="обучил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    activated_at = models.DateTimeField("включена", null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="включил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What was active when this one was switched on: where a rollback returns to.
    previous = models.ForeignKey(
        "self",
        verbose_name="сменила",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "модель классификации"
        verbose_name_plural = "модели классификации"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="active"),
                name="classifier_model_one_active",
            )
        ]

    def __str__(self) -> str:
        return self.version

    @property
    def candidate_f1(self) -> float | None:
        return (self.evaluation.get("candidate") or {}).get("macro_f1")

    @property
    def current_f1(self) -> float | None:
        return (self.evaluation.get("current") or {}).get("macro_f1")


class MessageAnalysis(models.Model):
    """The pipeline's result for one message (the latest run), with the version of every stage.

    ``result`` holds the whole output (masked text, explanation, signals); the columns repeat
    what queues and analytics filter on."""

    message = models.OneToOneField(
        "intake.Message",
        verbose_name="сообщение",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="analysis",
    )
    analysed_at = models.DateTimeField("разобрано", auto_now=True)
    versions = models.JSONField("версии этапов", default=dict)
    model = models.ForeignKey(
        ClassifierModel,
        verbose_name="модель",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="analyses",
    )
    result = models.JSONField("результат", default=dict)
    sector_code = models.CharField("блок (модель)", max_length=32, blank=True)
    sector_confidence = models.FloatField("уверенность в блоке", default=0.0)
    topic_code = models.CharField("тема (модель)", max_length=32, blank=True)
    topic_confidence = models.FloatField("уверенность в теме", default=0.0)
    triage = models.BooleanField("неуверенно: решает ЦУР", default=False)
    sentiment = models.CharField("тональность", max_length=16, blank=True, db_index=True)
    urgency = models.CharField("срочность", max_length=16, blank=True, db_index=True)
    conflict = models.JSONField("признаки конфликта", default=list, blank=True)
    has_conflict = models.BooleanField("есть признаки конфликта", default=False, db_index=True)
    # For near-duplicate confirmation among stored messages.
    lemmas = models.TextField("леммы", blank=True)
    address_key = models.CharField("адрес для сравнения", max_length=255, blank=True)
    duplicate_of = models.ForeignKey(
        "intake.Message",
        verbose_name="похоже на",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_similarity = models.FloatField("сходство", null=True, blank=True)
    # Fields of the message the pipeline filled (the channel's own values are never replaced).
    applied = models.JSONField("заполнено анализом", default=list, blank=True)

    class Meta:
        verbose_name = "анализ сообщения"
        verbose_name_plural = "анализы сообщений"
        indexes = [models.Index(fields=["address_key"])]

    def __str__(self) -> str:
        return f"analysis of {self.message_id}"


class MessageBand(models.Model):
    """One LSH band key of a message's MinHash: near-duplicate candidates are the recent
    messages that share a band (pruned after the window, see ``bands_prune``)."""

    message = models.ForeignKey(
        "intake.Message", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    band = models.BigIntegerField()
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = "ключ похожести"
        verbose_name_plural = "ключи похожести"
        indexes = [
            models.Index(fields=["band", "received_at"]),
            models.Index(fields=["message"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.band}"


class Correction(models.Model):
    """An operator corrected what the pipeline said (a training signal)."""

    message = models.ForeignKey(
        "intake.Message",
        verbose_name="сообщение",
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    at = models.DateTimeField("когда", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    field = models.CharField("поле", max_length=32)
    predicted = models.CharField("было (модель)", max_length=64, blank=True)
    corrected = models.CharField("стало", max_length=64, blank=True)

    class Meta:
        verbose_name = "исправление классификации"
        verbose_name_plural = "исправления классификации"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.predicted} → {self.corrected}"


class ReprocessStatus(models.TextChoices):
    QUEUED = "queued", "В очереди"
    RUNNING = "running", "Идёт"
    DONE = "done", "Завершён"
    FAILED = "failed", "Ошибка"
    CANCELLED = "cancelled", "Остановлен"


class ReprocessRun(BaseModel):
    """Re-processing of stored messages by the current pipeline, in batches, with progress."""

    since = models.DateTimeField("сообщения с", null=True, blank=True)
    until = models.DateTimeField("по", null=True, blank=True)
    only_unanalysed = models.BooleanField("только неразобранные", default=False)
    total = models.PositiveIntegerField("всего", default=0)
    done = models.PositiveIntegerField("обработано", default=0)
    changed = models.PositiveIntegerField("изменилась тема или блок", default=0)
    last_message_id = models.BigIntegerField("последнее сообщение", default=0)
    status = models.CharField(
        "состояние", max_length=16, choices=ReprocessStatus.choices, default=ReprocessStatus.QUEUED
    )
    error = models.TextField("ошибка", blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="запустил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField("завершён", null=True, blank=True)

    class Meta:
        verbose_name = "переобработка истории"
        verbose_name_plural = "переобработки истории"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"reprocess {self.pk}: {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))
