"""What the Telegram adapter keeps: the chats it talks to and their area subscriptions."""

from __future__ import annotations

from django.db import models


class TelegramChat(models.Model):
    """A private chat with the bot. A location shared without text waits here (``pending_*``)
    for the citizen's next text, for ``PENDING_LOCATION_MINUTES``."""

    chat_id = models.BigIntegerField("чат", unique=True)
    created_at = models.DateTimeField("первое обращение", auto_now_add=True)
    blocked_at = models.DateTimeField(
        "бот заблокирован", null=True, blank=True, help_text="Пользователь остановил бота."
    )
    pending_latitude = models.DecimalField(
        "ожидающая геопозиция: широта", max_digits=8, decimal_places=5, null=True, blank=True
    )
    pending_longitude = models.DecimalField(
        "ожидающая геопозиция: долгота", max_digits=8, decimal_places=5, null=True, blank=True
    )
    pending_address = models.CharField("ожидающий адрес", max_length=255, blank=True)
    pending_at = models.DateTimeField("геопозиция получена", null=True, blank=True)
    consent_asked_at = models.DateTimeField(
        "вопрос о согласии задан", null=True, blank=True, help_text="Последний раз."
    )
    consent_refused_at = models.DateTimeField(
        "согласие не дано",
        null=True,
        blank=True,
        help_text="Нажато «Не согласен» или согласие отозвано (/stop): сообщения чата "
        "регистрируются обезличенно.",
    )

    class Meta:
        verbose_name = "чат Telegram"
        verbose_name_plural = "чаты Telegram"

    def __str__(self) -> str:
        return f"telegram chat {self.chat_id}"


class AreaSubscription(models.Model):
    """A chat asked for the news of a municipality (read by outreach)."""

    chat = models.ForeignKey(
        TelegramChat, verbose_name="чат", on_delete=models.CASCADE, related_name="subscriptions"
    )
    municipality = models.ForeignKey(
        "directory.Municipality", verbose_name="МО", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("подписка", auto_now_add=True)
    cancelled_at = models.DateTimeField("отписка", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "подписка на новости района"
        verbose_name_plural = "подписки на новости районов"
        constraints = [
            models.UniqueConstraint(
                fields=["chat", "municipality"],
                condition=models.Q(cancelled_at__isnull=True),
                name="telegram_one_active_subscription",
            )
        ]

    def __str__(self) -> str:
        return f"{self.chat_id} → {self.municipality_id}"


class HoldOutcome(models.TextChoices):
    PERSONAL = "personal", "передано с данными автора (согласие дано)"
    ANONYMOUS = "anonymous", "передано обезличенно"


class ConsentHold(models.Model):
    """A message of a chat without consent, kept (registered, not yet processed) until the
    citizen answers the consent question, or ``consent_wait_minutes`` pass."""

    message = models.OneToOneField(
        "intake.Message",
        verbose_name="сообщение",
        on_delete=models.CASCADE,
        related_name="telegram_hold",
    )
    chat = models.ForeignKey(
        TelegramChat, verbose_name="чат", on_delete=models.CASCADE, related_name="holds"
    )
    held_at = models.DateTimeField("ждёт согласия с", auto_now_add=True, db_index=True)
    released_at = models.DateTimeField("передано", null=True, blank=True, db_index=True)
    outcome = models.CharField("итог", max_length=16, choices=HoldOutcome.choices, blank=True)
    reason = models.CharField(
        "почему", max_length=16, blank=True, help_text="consent, refused, timeout, withdrawn"
    )

    class Meta:
        verbose_name = "сообщение, ждущее согласия"
        verbose_name_plural = "сообщения, ждущие согласия"

    def __str__(self) -> str:
        return f"hold {self.message_id} ({self.outcome or 'ждёт'})"
