"""Abstract bases shared by every app. Core holds no domain models."""

from django.db import models


class BaseModel(models.Model):
    created_at = models.DateTimeField("создано", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        abstract = True


class ScheduledRun(models.Model):
    """When a periodic job was last enqueued and when it is due next (claimed by UPDATE)."""

    name = models.CharField("задача", max_length=100, unique=True)
    next_due_at = models.DateTimeField("следующий запуск", db_index=True)
    last_enqueued_at = models.DateTimeField("последний запуск", null=True, blank=True)

    class Meta:
        verbose_name = "периодическая задача"
        verbose_name_plural = "периодические задачи"

    def __str__(self) -> str:
        return self.name
