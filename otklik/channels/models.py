"""Health of each channel and the small state adapters keep between runs (cursors)."""

from __future__ import annotations

from django.db import models


class ChannelHealth(models.Model):
    """What the ЦУР sees of a channel: when it last worked, its errors, the lag of intake."""

    channel = models.OneToOneField(
        "directory.Channel",
        verbose_name="канал",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="health",
    )
    last_inbound_at = models.DateTimeField("последнее поступление", null=True, blank=True)
    last_outbound_at = models.DateTimeField("последняя отправка", null=True, blank=True)
    last_error_at = models.DateTimeField("последняя ошибка", null=True, blank=True)
    last_error = models.TextField("текст последней ошибки", blank=True)
    inbound_total = models.PositiveBigIntegerField("принято всего", default=0)
    outbound_total = models.PositiveBigIntegerField("отправлено всего", default=0)
    error_total = models.PositiveBigIntegerField("ошибок всего", default=0)
    rejected_total = models.PositiveBigIntegerField("в карантин всего", default=0)
    last_lag_seconds = models.FloatField(
        "задержка последнего поступления, с",
        null=True,
        blank=True,
        help_text="От времени сообщения в канале до его приёма Откликом.",
    )

    class Meta:
        verbose_name = "состояние канала"
        verbose_name_plural = "состояние каналов"

    def __str__(self) -> str:
        return f"health of {self.channel_id}"


class ChannelState(models.Model):
    """A value an adapter keeps between runs: a Telegram update offset, an IMAP UID, a cursor
    of a monitored feed."""

    channel = models.ForeignKey(
        "directory.Channel", verbose_name="канал", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField("ключ", max_length=64)
    value = models.CharField("значение", max_length=255, blank=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "состояние адаптера"
        verbose_name_plural = "состояние адаптеров"
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="channel_state_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.key}"
