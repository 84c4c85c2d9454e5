"""The registry of input: every message from every channel, and the contacts of their authors.

Foundation version: the case lifecycle (issue «From message to answered incident») adds parsing
states, quarantine and attachments on top of these tables.
"""

from __future__ import annotations

from django.db import models

from otklik.core.models import BaseModel


class Contact(BaseModel):
    """The author of messages, held once and referenced by id (personal data lives only here)."""

    name = models.CharField("имя", max_length=255, blank=True)
    phone = models.CharField("телефон", max_length=64, blank=True, db_index=True)
    email = models.EmailField("эл. почта", blank=True, db_index=True)
    channel_user_id = models.CharField("идентификатор в канале", max_length=128, blank=True)
    consent_personal_data = models.BooleanField("согласие на обработку ПДн", default=False)
    consent_text_version = models.CharField("версия текста согласия", max_length=32, blank=True)
    consent_at = models.DateTimeField("согласие дано", null=True, blank=True)

    class Meta:
        verbose_name = "заявитель"
        verbose_name_plural = "заявители"

    def __str__(self) -> str:
        return f"Заявитель #{self.pk}"


class Message(BaseModel):
    """One inbound item as it arrived (``raw``) and what is known of it."""

    scope_lookups = {
        "sector": "sector",
        # An organisation's operator also sees what its subordinate bodies answer for.
        "organization": ["organization", "organization__parent"],
        "municipality": "municipality",
    }

    channel = models.ForeignKey(
        "directory.Channel", verbose_name="канал", on_delete=models.PROTECT, related_name="messages"
    )
    kind = models.ForeignKey(
        "directory.InputKind", verbose_name="вид", on_delete=models.PROTECT, related_name="messages"
    )
    external_id = models.CharField("номер в канале", max_length=128)
    received_at = models.DateTimeField("поступило", db_index=True)
    raw = models.JSONField("исходные данные", default=dict, blank=True)
    text = models.TextField("текст")
    author = models.ForeignKey(
        Contact,
        verbose_name="заявитель",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    topic = models.ForeignKey(
        "directory.Topic",
        verbose_name="тема",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    municipality = models.ForeignKey(
        "directory.Municipality",
        verbose_name="МО",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    city_district = models.ForeignKey(
        "directory.CityDistrict",
        verbose_name="район города",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name="ответственная организация",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    address = models.CharField("адрес", max_length=255, blank=True)
    latitude = models.DecimalField("широта", max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(
        "долгота", max_digits=8, decimal_places=5, null=True, blank=True
    )

    class Meta:
        verbose_name = "сообщение"
        verbose_name_plural = "сообщения"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="message_unique_external_id"
            )
        ]
        indexes = [
            models.Index(fields=["sector", "received_at"]),
            models.Index(fields=["municipality", "received_at"]),
            models.Index(fields=["organization", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel.code}:{self.external_id}"
