"""The registry of input: every delivery exactly as it arrived, the messages parsed from it,
their attachments, and the contacts of their authors.

A delivery is stored before anything parses it; what cannot be parsed stays in the quarantine
(``Delivery.status == quarantined``) with its reason, visible to the ЦУР — nothing is dropped.
"""

from __future__ import annotations

import re

from django.db import models

from otklik.core.models import BaseModel

# A channel number that is a UUID (the web form's submission id) is for machines, not for people.
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def readable_channel_number(external_id: str) -> str:
    """The channel's number of a message as people can read it out; "" for a UUID."""
    return "" if _UUID_RE.search(external_id or "") else external_id


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", "получено"
    PARSED = "parsed", "разобрано"
    QUARANTINED = "quarantined", "карантин"
    DISCARDED = "discarded", "отклонено оператором"


class Delivery(models.Model):
    """One inbound item as it arrived, stored before parsing (the quarantine lives here)."""

    received_at = models.DateTimeField("получено", auto_now_add=True, db_index=True)
    source = models.CharField(
        "источник", max_length=128, help_text="Адаптер канала или внешняя система (ключ API)."
    )
    channel_code = models.CharField("канал", max_length=32, blank=True)
    external_id = models.CharField("номер в канале", max_length=128, blank=True)
    content_type = models.CharField("тип содержимого", max_length=128, blank=True)
    body = models.TextField("исходные данные")
    status = models.CharField(
        "состояние",
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.RECEIVED,
        db_index=True,
    )
    error = models.TextField("причина", blank=True)
    corrected_body = models.TextField(
        "исправленные данные",
        blank=True,
        help_text="Если оператор ЦУР исправил данные при разборе "
        "карантина; исходные остаются в поле выше.",
    )
    message = models.ForeignKey(
        "Message",
        verbose_name="сообщение",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    resolved_at = models.DateTimeField("разобрано", null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User",
        verbose_name="кем",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "поступление (исходные данные)"
        verbose_name_plural = "поступления (исходные данные)"
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["channel_code", "external_id"])]

    def __str__(self) -> str:
        return f"{self.source} {self.received_at:%d.%m.%Y %H:%M} ({self.get_status_display()})"


class Contact(BaseModel):
    """The author of messages, held once and referenced by id (personal data lives only here)."""

    name = models.CharField("имя", max_length=255, blank=True)
    phone = models.CharField("телефон", max_length=64, blank=True, db_index=True)
    email = models.EmailField("эл. почта", blank=True, db_index=True)
    # looked up on every message of a channel that names its users (the author's contact,
    # Telegram's consent check)
    channel_user_id = models.CharField(
        "идентификатор в канале", max_length=128, blank=True, db_index=True
    )
    consent_personal_data = models.BooleanField("согласие на обработку ПДн", default=False)
    consent_text_version = models.CharField("версия текста согласия", max_length=32, blank=True)
    consent_at = models.DateTimeField("согласие дано", null=True, blank=True)
    consent_channel = models.CharField(
        "канал согласия", max_length=32, blank=True, help_text="Где дано согласие: веб-форма, бот …"
    )
    consent_withdrawn_at = models.DateTimeField("согласие отозвано", null=True, blank=True)
    # A paper letter is answered by post (the operator's desk, ``otklik.channels.desk``): the
    # address the applicant gave last.
    postal_address = models.CharField("почтовый адрес", max_length=500, blank=True)
    # A legal entity as the applicant (its name and state numbers are not a citizen's personal
    # data; ``name``, ``phone`` and ``email`` are then those of its contact person). Empty for
    # a person.
    legal_name = models.CharField("наименование юридического лица", max_length=500, blank=True)
    inn = models.CharField("ИНН", max_length=12, blank=True, db_index=True)
    ogrn = models.CharField("ОГРН", max_length=15, blank=True)

    class Meta:
        verbose_name = "заявитель"
        verbose_name_plural = "заявители"

    def __str__(self) -> str:
        return f"Заявитель #{self.pk}"

    @property
    def is_legal_entity(self) -> bool:
        return bool(self.inn)


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
    # ``text`` with personal data masked (``otklik.nlp.masking``): written by the language
    # pipeline with its analysis, or masked once when first shown without one (empty: not yet).
    # Public reads (Open311) take it from here instead of masking per request.
    text_masked = models.TextField("обезличенный текст", blank=True, default="")
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
    case = models.ForeignKey(
        "cases.Case",
        verbose_name="инцидент",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
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
            # The cases a channel opened or joined (Open311 shows only its own): the check of a
            # case, or the list of the channel's cases, from the index alone.
            models.Index(fields=["channel", "case"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel.code}:{self.external_id}"

    @property
    def channel_number(self) -> str:
        """The channel's number as people can read it out ("" where it is a UUID)."""
        return readable_channel_number(self.external_id)

    @property
    def number(self) -> str:
        """The number shown on the message's page: the channel's own, or, where the channel
        numbers by a UUID (the web form), the number of its case, which is what the citizen is
        told ("" while the message has no case). Reads the case: not for lists."""
        if self.channel_number or not self.case_id:
            return self.channel_number
        return self.case.number


class Attachment(BaseModel):
    """A file or a link that came with a message (photo, document), with its metadata."""

    message = models.ForeignKey(
        Message, verbose_name="сообщение", on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField("имя файла", max_length=255, blank=True)
    content_type = models.CharField("тип", max_length=128, blank=True)
    size = models.PositiveBigIntegerField("размер, байт", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    url = models.URLField("ссылка", max_length=1024, blank=True)
    file = models.FileField("файл", upload_to="attachments/%Y/%m/", blank=True)

    class Meta:
        verbose_name = "вложение"
        verbose_name_plural = "вложения"

    def __str__(self) -> str:
        return self.name or self.url or f"вложение #{self.pk}"
