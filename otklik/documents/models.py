"""The registry of documents of the ЦУР (журнал регистрации): every document the ЦУР approves,
sends or receives, once, under a number by kind and year, with its frozen rendering and hashes,
its attachments and its signatures.

Registered rows are never changed: no service updates or deletes them, the admin and the API are
read-only. The rendering is kept in the database (``BinaryField``), so the bytes are written and
rolled back in the same transaction as the number and the audit entry, and are covered by the
database's backup; a document is a few hundred kilobytes."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from otklik.core.roles import Role
from otklik.documents.choices import Direction, SignatureCheck, SignatureKind

HASH = {"max_length": 64}


class DocumentCounter(models.Model):
    """The last serial given to a kind in a year; locked (``select_for_update``) by the
    transaction that registers, so numbers have no gaps and no repeats."""

    kind = models.SlugField("вид документа", max_length=40)
    year = models.PositiveSmallIntegerField("год")
    last = models.PositiveIntegerField("последний номер", default=0)

    class Meta:
        verbose_name = "счётчик номеров"
        verbose_name_plural = "счётчики номеров"
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="one_counter_per_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class RegisteredDocument(models.Model):
    """A document as registered: number, date, who, and the frozen PDF with its hashes."""

    # a sector lead sees the documents of its block (and only those)
    scope_lookups = {"sector": "sector"}

    kind = models.SlugField("вид документа", max_length=40)
    year = models.PositiveSmallIntegerField("год регистрации")
    serial = models.PositiveIntegerField("порядковый номер в году")
    number = models.CharField("регистрационный номер", max_length=40)
    registered_at = models.DateTimeField("дата регистрации", db_index=True)
    title = models.CharField("заголовок", max_length=512)
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="подготовил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="зарегистрировал",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approval = models.OneToOneField(
        "approvals.Approval",
        verbose_name="согласование",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered",
    )
    target_kind = models.SlugField("вид объекта", max_length=40, blank=True)
    target_id = models.CharField("объект", max_length=64, blank=True)
    series = models.CharField(
        "документ (все версии)",
        max_length=128,
        blank=True,
        help_text="Что общее у версий одного документа (проект, блок и период…).",
    )
    version = models.PositiveIntegerField("версия", default=1)
    direction = models.CharField(
        "направление", max_length=16, choices=Direction.choices, default=Direction.INTERNAL
    )
    pdf = models.BinaryField("документ (PDF)")
    size = models.PositiveBigIntegerField("размер, байт")
    streebog256 = models.CharField("ГОСТ Р 34.11-2012 (256)", **HASH)
    sha256 = models.CharField("SHA-256", **HASH)
    content_streebog256 = models.CharField(
        "хеш содержания",
        **HASH,
        help_text="ГОСТ Р 34.11-2012 текста документа, который подтвердили подписавшие "
        "(указан в отметках о подписи).",
    )
    text = models.TextField(
        "текст документа для поиска",
        blank=True,
        help_text="Номер, заголовок и текст документа строчными буквами (поиск без учёта "
        "регистра одинаково в PostgreSQL и SQLite).",
    )

    class Meta:
        verbose_name = "зарегистрированный документ"
        verbose_name_plural = "журнал регистрации документов"
        ordering = ["-registered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "serial"], name="one_document_per_serial"
            ),
            models.UniqueConstraint(fields=["number"], name="one_document_per_number"),
        ]
        indexes = [
            models.Index(fields=["kind", "registered_at"]),
            models.Index(fields=["target_kind", "target_id"]),
            models.Index(fields=["kind", "series"]),
        ]

    def __str__(self) -> str:
        return f"№ {self.number} от {self.registered_at:%d.%m.%Y}"

    @property
    def file_name(self) -> str:
        return self.number.replace("/", "-") + ".pdf"


class RegisteredAttachment(models.Model):
    """A file registered with a document, with its hashes."""

    document = models.ForeignKey(
        RegisteredDocument,
        verbose_name="документ",
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип", max_length=128, blank=True)
    content = models.BinaryField("содержимое")
    size = models.PositiveBigIntegerField("размер, байт")
    streebog256 = models.CharField("ГОСТ Р 34.11-2012 (256)", **HASH)
    sha256 = models.CharField("SHA-256", **HASH)

    class Meta:
        verbose_name = "приложение к документу"
        verbose_name_plural = "приложения к документам"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "name"], name="one_attachment_per_name")
        ]

    def __str__(self) -> str:
        return self.name


class Signature(models.Model):
    """A signature of a registered document.

    Simple (63-ФЗ art. 9): the approver's decision confirmed by password (and one-time code),
    with the hash of the content confirmed. Qualified: a detached CMS signature of the frozen
    PDF (``cms``), checked by ``core.cms``; the certificate's fields and the result are filled
    by that check."""

    document = models.ForeignKey(
        RegisteredDocument,
        verbose_name="документ",
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    kind = models.CharField("вид подписи", max_length=16, choices=SignatureKind.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="подписал",
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField("ФИО подписавшего", max_length=255)
    role = models.CharField("роль", max_length=32, choices=Role.choices, blank=True)
    step_label = models.CharField("шаг маршрута", max_length=255, blank=True)
    signed_at = models.DateTimeField("дата и время подписи")
    confirmation = models.CharField(
        "способ подтверждения", max_length=16, blank=True, help_text="Для простой подписи."
    )
    document_streebog256 = models.CharField(
        "хеш подписанного",
        **HASH,
        help_text="ГОСТ Р 34.11-2012: простая подпись — содержания документа на момент "
        "подписи; квалифицированная — файла PDF.",
    )
    # the qualified signature's check (core.cms) fills these
    cms = models.BinaryField("подпись CMS (открепленная)", null=True, blank=True)
    certificate_subject = models.TextField("владелец сертификата", blank=True)
    certificate_serial = models.CharField("серийный номер сертификата", max_length=128, blank=True)
    certificate_issuer = models.TextField("издатель сертификата", blank=True)
    certificate_valid_from = models.DateTimeField("сертификат действует с", null=True, blank=True)
    certificate_valid_to = models.DateTimeField("сертификат действует по", null=True, blank=True)
    check_result = models.CharField(
        "результат проверки",
        max_length=16,
        choices=SignatureCheck.choices,
        blank=True,
        default=SignatureCheck.NOT_CHECKED,
    )
    check_reason = models.TextField("причина", blank=True)
    checked_at = models.DateTimeField("проверена", null=True, blank=True)

    class Meta:
        verbose_name = "электронная подпись"
        verbose_name_plural = "электронные подписи"
        ordering = ["signed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.signer_name}, {self.signed_at:%d.%m.%Y %H:%M}"
