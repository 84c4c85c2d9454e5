"""The region's reference model: territory, sectors and topics, organisations, channels.

Loaded from the versioned TOML files in ``directory/data/`` by ``reference_data_load`` (see
services.py); every row has a stable ``code`` so that loading again updates, never duplicates.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from otklik.core.models import BaseModel
from otklik.directory.choices import MunicipalityKind, OrganizationKind


class Municipality(BaseModel):
    """Муниципальное образование: городской округ или муниципальный район."""

    okato = models.CharField("код ОКАТО", max_length=11, unique=True)
    name = models.CharField("название", max_length=128, unique=True)
    full_name = models.CharField("полное название", max_length=255)
    kind = models.CharField("вид", max_length=32, choices=MunicipalityKind.choices)
    admin_centre = models.CharField("административный центр", max_length=128)
    centre_in_other = models.BooleanField(
        "центр в другом МО",
        default=False,
        help_text="Административный центр района находится в отдельном городском округе.",
    )
    latitude = models.DecimalField("широта центра", max_digits=8, decimal_places=5)
    longitude = models.DecimalField("долгота центра", max_digits=8, decimal_places=5)
    population = models.PositiveIntegerField("население", null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        "год данных о населении", null=True, blank=True
    )
    aliases = models.JSONField("другие написания", default=list, blank=True)

    class Meta:
        verbose_name = "муниципальное образование"
        verbose_name_plural = "муниципальные образования"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.full_name


class CityDistrict(BaseModel):
    """Внутригородской район (not a municipality of its own)."""

    okato = models.CharField("код ОКАТО", max_length=11, unique=True)
    municipality = models.ForeignKey(
        Municipality, verbose_name="город", on_delete=models.PROTECT, related_name="city_districts"
    )
    name = models.CharField("название", max_length=128)
    area_km2 = models.DecimalField(
        "площадь, км²", max_digits=7, decimal_places=1, null=True, blank=True
    )
    population = models.PositiveIntegerField("население", null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        "год данных о населении", null=True, blank=True
    )
    latitude = models.DecimalField("широта центра", max_digits=8, decimal_places=5)
    longitude = models.DecimalField("долгота центра", max_digits=8, decimal_places=5)
    aliases = models.JSONField("другие написания", default=list, blank=True)

    class Meta:
        verbose_name = "район города"
        verbose_name_plural = "районы города"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="city_district_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} район"


class Sector(BaseModel):
    """Отраслевой блок. ``code`` is one of SectorCode and never changes."""

    code = models.SlugField("код", max_length=16, unique=True)
    name = models.CharField("название", max_length=128)
    description = models.TextField("описание", blank=True)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "отраслевой блок"
        verbose_name_plural = "отраслевые блоки"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Topic(BaseModel):
    """Тема обращения: the second level of the taxonomy (sector → topic)."""

    code = models.SlugField("код", max_length=64, unique=True)
    sector = models.ForeignKey(
        Sector, verbose_name="отраслевой блок", on_delete=models.PROTECT, related_name="topics"
    )
    name = models.CharField("название", max_length=255)
    totk_code = models.CharField(
        "код ТОТК",
        max_length=24,
        blank=True,
        help_text="Код вопроса по типовому общероссийскому тематическому "
        "классификатору, если он есть.",
    )
    description = models.TextField("описание", blank=True)
    examples = models.JSONField("примеры формулировок", default=list, blank=True)
    keywords = models.JSONField("ключевые слова", default=list, blank=True)
    is_active = models.BooleanField("действует", default=True)
    # Whether a case of this topic may be shown to the public (the web form's «similar reports
    # nearby»): a problem of a shared object — a road, a network, a yard, a building's common
    # property, a stop — and never a person's own affair (health, schooling, benefits, labour,
    # family, a personal account or contract). Set per topic in ``data/topics.toml``: a sector
    # is too coarse (ЖКХ holds both «порыв трубы» and one's own bill). Off by default: a topic
    # is private until the data says otherwise.
    is_public_infrastructure = models.BooleanField(
        "общественная инфраструктура",
        default=False,
        help_text="Инцидент этой темы можно показывать публично (название темы, улица, "
        "состояние), например в «похожих сообщениях» веб-формы.",
    )
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "тема"
        verbose_name_plural = "темы"
        ordering = ["sector__order", "order", "code"]

    def __str__(self) -> str:
        return self.name


class Organization(BaseModel):
    """ОИВ, администрация МО, подведомственная или ресурсоснабжающая организация, ЦУР."""

    code = models.SlugField("код", max_length=64, unique=True)
    name = models.CharField("полное название", max_length=512)
    short_name = models.CharField("краткое название", max_length=255)
    kind = models.CharField("вид", max_length=32, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="вышестоящая организация",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name="отраслевые блоки", blank=True, related_name="organizations"
    )
    serves_whole_region = models.BooleanField("работает на всей территории области", default=False)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name="обслуживаемые МО", blank=True, related_name="organizations"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="administrations",
        help_text="Для администраций МО: какое МО она возглавляет.",
    )
    address = models.CharField("адрес", max_length=255, blank=True)
    email = models.EmailField("эл. почта", blank=True)
    phone = models.CharField("телефон", max_length=64, blank=True)
    website = models.URLField("сайт", blank=True)
    valid_from = models.DateField("действует с", null=True, blank=True)
    valid_to = models.DateField("действует по", null=True, blank=True)

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["kind", "short_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="organization_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Channel(BaseModel):
    """Канал поступления: ПОС, Инцидент Менеджмент, веб-форма, e-mail, Telegram ..."""

    code = models.SlugField("код", max_length=32, unique=True)
    name = models.CharField("название", max_length=128)
    description = models.TextField("описание", blank=True)
    is_public = models.BooleanField("ответ публикуется в канале", default=False)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "канал"
        verbose_name_plural = "каналы"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class InputKind(BaseModel):
    """Вид поступления: сообщение, обращение по 59-ФЗ, жалоба по 210-ФЗ, публикация."""

    code = models.SlugField("код", max_length=32, unique=True)
    name = models.CharField("название", max_length=128)
    legal_basis = models.CharField("правовое основание", max_length=255, blank=True)
    description = models.TextField("описание", blank=True)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "вид поступления"
        verbose_name_plural = "виды поступлений"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class CalendarOverride(BaseModel):
    """A manual correction of the production calendar (a day made working or non-working)."""

    date = models.DateField("дата", unique=True)
    is_working = models.BooleanField("рабочий день")
    reason = models.CharField("основание", max_length=255)

    class Meta:
        verbose_name = "поправка производственного календаря"
        verbose_name_plural = "поправки производственного календаря"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {'рабочий' if self.is_working else 'выходной'}"
