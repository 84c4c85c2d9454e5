"""An uploaded export waiting for the ЦУР's confirmation after its dry run."""

from __future__ import annotations

from django.db import models

from otklik.core.models import BaseModel


class ImportBatch(BaseModel):
    """A file uploaded on the import page with its mapping, the dry-run report and, once
    confirmed, the result of the real run."""

    file_name = models.CharField("файл", max_length=255)
    content = models.BinaryField("содержимое")
    mapping = models.TextField("сопоставление столбцов")
    report = models.JSONField("отчёт пробного прогона", default=dict)
    result = models.JSONField("итог загрузки", default=dict, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="загрузил", on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField("загружено", null=True, blank=True)
    imported_by = models.ForeignKey(
        "accounts.User",
        verbose_name="подтвердил",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "импорт выгрузки"
        verbose_name_plural = "импорт выгрузок"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"импорт {self.file_name} #{self.pk}"
