from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One change made through a service, written in the same transaction as the change.

    ``data`` holds ids and changed field names/values of reference data; citizen personal data is
    never copied here (it is referenced by id).
    """

    created_at = models.DateTimeField("время", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("действие", max_length=64, db_index=True)
    target_type = models.CharField("тип объекта", max_length=64, blank=True)
    target_id = models.CharField("объект", max_length=64, blank=True)
    data = models.JSONField("подробности", default=dict, blank=True)

    class Meta:
        verbose_name = "событие журнала"
        verbose_name_plural = "журнал действий"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"
