"""How far the demo region's history has been driven (one row)."""

from __future__ import annotations

from django.db import models


class DemoHistory(models.Model):
    """The demo's messages are loaded by ``otklik setup --demo`` in seconds; driving them through
    the case lifecycle takes minutes, so ``otklik serve`` does it in the background while the
    pages already work. This row says how far it got, for the console and the pages."""

    class Stage(models.TextChoices):
        ANALYSE = "analyse", "разбор текстов"
        DRIVE = "drive", "жизненный цикл инцидентов"

    total = models.PositiveIntegerField("сообщений в истории", default=0)
    stage = models.CharField("этап", max_length=16, choices=Stage.choices, default=Stage.ANALYSE)
    done = models.PositiveIntegerField("пройдено на этапе", default=0)
    started_at = models.DateTimeField("начата", null=True, blank=True)
    finished_at = models.DateTimeField("закончена", null=True, blank=True)
    failed_at = models.DateTimeField("прервана", null=True, blank=True)
    error = models.TextField("причина", blank=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "история демо-региона"
        verbose_name_plural = "история демо-региона"

    def __str__(self) -> str:
        return f"{self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 100
