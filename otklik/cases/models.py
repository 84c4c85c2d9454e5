"""Incidents (cases): one problem, the messages that report it, its lifecycle and answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from otklik.cases.choices import (
    AnswerStatus,
    CaseStatus,
    ExtensionStatus,
    OutboxStatus,
    Priority,
    RedirectStatus,
)
from otklik.core.models import BaseModel


class Case(BaseModel):
    """Инцидент: gathers the messages about one problem and carries it to an answer."""

    scope_lookups = {
        "sector": "sector",
        "organization": ["organization", "organization__parent", "co_executors"],
        "municipality": "municipality",
    }

    number = models.CharField("номер", max_length=32, unique=True)
    status = models.CharField(
        "состояние",
        max_length=16,
        choices=CaseStatus.choices,
        default=CaseStatus.NEW,
        db_index=True,
    )
    priority = models.CharField(
        "приоритет", max_length=8, choices=Priority.choices, default=Priority.NORMAL, db_index=True
    )
    title = models.CharField("суть", max_length=255)
    kind = models.ForeignKey(
        "directory.InputKind", verbose_name="вид", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(
        "directory.Channel",
        verbose_name="канал первого сообщения",
        on_delete=models.PROTECT,
        related_name="+",
    )
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    topic = models.ForeignKey(
        "directory.Topic",
        verbose_name="тема",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    municipality = models.ForeignKey(
        "directory.Municipality",
        verbose_name="МО",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    city_district = models.ForeignKey(
        "directory.CityDistrict",
        verbose_name="район города",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    address = models.CharField("адрес", max_length=255, blank=True)
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name="ответственная организация",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    co_executors = models.ManyToManyField(
        "directory.Organization", verbose_name="соисполнители", blank=True, related_name="co_cases"
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name="объединён с",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    author = models.ForeignKey(
        "intake.Contact",
        verbose_name="заявитель",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    classification_confidence = models.FloatField(
        "уверенность классификации", null=True, blank=True
    )

    # --- deadlines (stored, recomputed on every relevant transition; swept periodically) -----
    sla_policy = models.CharField("правило сроков", max_length=64, blank=True)
    received_at = models.DateTimeField("поступил", db_index=True)
    registered_at = models.DateTimeField("зарегистрирован", null=True, blank=True)
    clock_started_at = models.DateTimeField(
        "отсчёт срока с",
        null=True,
        blank=True,
        help_text="Поступление, а после переоткрытия — момент переоткрытия.",
    )
    registration_due = models.DateTimeField("срок регистрации", null=True, blank=True)
    first_response_due = models.DateTimeField("срок первой реакции", null=True, blank=True)
    resolution_due = models.DateTimeField("срок ответа", null=True, blank=True, db_index=True)
    first_response_at = models.DateTimeField("первая реакция", null=True, blank=True)
    answered_at = models.DateTimeField("ответ подготовлен", null=True, blank=True)
    published_at = models.DateTimeField("ответ опубликован", null=True, blank=True)
    closed_at = models.DateTimeField("закрыт", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField("продлено, дней", default=0)
    clock_paused_at = models.DateTimeField(
        "срок приостановлен с",
        null=True,
        blank=True,
        help_text="Пока ждём сведений от заявителя, если правило сроков это допускает; "
        "промежутки ожидания — в «ожиданиях сведений».",
    )
    warning_level = models.PositiveSmallIntegerField("уровень предупреждения", default=0)
    breached_at = models.DateTimeField("просрочен", null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField("уровень эскалации", default=0)
    next_alert_at = models.DateTimeField(
        "следующая проверка срока",
        null=True,
        blank=True,
        db_index=True,
        help_text="Когда обход сроков должен снова посмотреть на инцидент.",
    )
    reopen_count = models.PositiveSmallIntegerField("переоткрыт, раз", default=0)

    class Meta:
        verbose_name = "инцидент"
        verbose_name_plural = "инциденты"
        ordering = ["-received_at", "-id"]
        indexes = [
            # The queues: each filter column followed by the two orders queues are shown in
            # (newest first; nearest deadline first); the state is checked on the rows read.
            models.Index(fields=["status", "-received_at"]),
            models.Index(fields=["status", "resolution_due"]),
            models.Index(fields=["sector", "-received_at"]),
            models.Index(fields=["sector", "resolution_due"]),
            models.Index(fields=["municipality", "-received_at"]),
            models.Index(fields=["municipality", "resolution_due"]),
            models.Index(fields=["organization", "-received_at"]),
            models.Index(fields=["organization", "resolution_due"]),
            # Open311's lists by service_code (a topic), newest first.
            models.Index(fields=["topic", "-received_at"]),
            # The counts (tabs, «more than 1000»): a filter column, the state and the deadline
            # answer «open / overdue in this sector» from the index alone.
            models.Index(fields=["sector", "status", "resolution_due"]),
            models.Index(fields=["municipality", "status", "resolution_due"]),
            models.Index(fields=["organization", "status", "resolution_due"]),
            # The analytics drill-down of breaches under a filter, newest breach first (only
            # the breached cases: a small share of the registry).
            *(
                models.Index(
                    fields=[dim, "-breached_at"],
                    condition=models.Q(breached_at__isnull=False),
                    name=f"case_{dim[:4]}_breached",
                )
                for dim in ("sector", "topic", "municipality", "organization")
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CaseEvent(models.Model):
    """One line of a case's timeline (every transition, answer, note, escalation)."""

    case = models.ForeignKey(
        Case, verbose_name="инцидент", on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField("время", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField("событие", max_length=32)
    from_status = models.CharField("из состояния", max_length=16, blank=True)
    to_status = models.CharField("в состояние", max_length=16, blank=True)
    text = models.TextField("комментарий", blank=True)
    data = models.JSONField("подробности", default=dict, blank=True)

    class Meta:
        verbose_name = "событие инцидента"
        verbose_name_plural = "события инцидентов"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.kind}"


class CasePause(models.Model):
    """A stretch of time the case waited in a waiting state (``WAITING_STATES``: the author was
    asked for missing information). Kept for every wait; whether it stopped the clock is the
    policy's say (``DeadlinePolicy.pause_states``), decided when the due times are computed."""

    case = models.ForeignKey(
        Case, verbose_name="инцидент", on_delete=models.CASCADE, related_name="pauses"
    )
    status = models.CharField("состояние", max_length=16, choices=CaseStatus.choices)
    started_at = models.DateTimeField("с")
    ended_at = models.DateTimeField("по", null=True, blank=True)
    question = models.TextField("вопрос заявителю", blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто спросил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто возобновил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply = models.ForeignKey(
        "intake.Message",
        verbose_name="ответ заявителя",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "ожидание сведений"
        verbose_name_plural = "ожидания сведений"
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_at__isnull=True),
                name="case_pause_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="case_pause_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}: ожидание с {self.started_at:%d.%m.%Y %H:%M}"


class RoutingRule(BaseModel):
    """Sector/topic × municipality (× channel) → responsible organisation; first match wins.

    The target is a fixed organisation, or «the administration of the municipality where the
    problem is» (``to_municipal_administration``), so one rule serves all 38 municipalities.
    """

    code = models.SlugField(
        "код",
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="Для правил из файла поставки; у созданных в ЦУР пусто.",
    )
    order = models.PositiveIntegerField("порядок", default=100, db_index=True)
    name = models.CharField("название", max_length=255, blank=True)
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    topic = models.ForeignKey(
        "directory.Topic",
        verbose_name="тема",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    municipality = models.ForeignKey(
        "directory.Municipality",
        verbose_name="МО",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.ForeignKey(
        "directory.Channel",
        verbose_name="канал",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name="организация",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
    )
    to_municipal_administration = models.BooleanField(
        "администрации МО по месту проблемы", default=False
    )
    is_active = models.BooleanField("действует", default=True)

    class Meta:
        verbose_name = "правило маршрутизации"
        verbose_name_plural = "правила маршрутизации"
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organization__isnull=False, to_municipal_administration=False)
                    | models.Q(organization__isnull=True, to_municipal_administration=True)
                ),
                name="routing_rule_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.name or f"правило #{self.pk}"


class AnswerTemplate(BaseModel):
    code = models.SlugField("код", max_length=64, unique=True, null=True, blank=True)
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    topic = models.ForeignKey(
        "directory.Topic",
        verbose_name="тема",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answer_templates",
    )
    title = models.CharField("название", max_length=255)
    body = models.TextField(
        "текст", help_text="Подстановки: {number}, {address}, {organization}, {date}, {name}."
    )
    is_active = models.BooleanField("действует", default=True)

    class Meta:
        verbose_name = "шаблон ответа"
        verbose_name_plural = "шаблоны ответов"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Answer(BaseModel):
    case = models.ForeignKey(
        Case, verbose_name="инцидент", on_delete=models.CASCADE, related_name="answers"
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="answers",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="автор",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField("текст ответа")
    # ``text`` with personal data masked, stored when the answer is published (public reads:
    # Open311's status_notes); empty: not published, or published before this column existed
    # and not yet shown (masked once when first read).
    text_masked = models.TextField("обезличенный текст", blank=True, default="")
    is_intermediate = models.BooleanField("промежуточный", default=False)
    status = models.CharField(
        "состояние", max_length=16, choices=AnswerStatus.choices, default=AnswerStatus.SUBMITTED
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="модератор",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderation_comment = models.TextField("замечание модератора", blank=True)
    quality_score = models.PositiveSmallIntegerField("оценка качества (1–5)", null=True, blank=True)
    moderated_at = models.DateTimeField("проверен", null=True, blank=True)
    published_at = models.DateTimeField("опубликован", null=True, blank=True)

    class Meta:
        verbose_name = "ответ"
        verbose_name_plural = "ответы"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Ответ по {self.case.number}"


class AnswerAttachment(BaseModel):
    answer = models.ForeignKey(
        Answer, verbose_name="ответ", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("файл", upload_to="answers/%Y/%m/")
    name = models.CharField("имя файла", max_length=255)

    class Meta:
        verbose_name = "файл ответа"
        verbose_name_plural = "файлы ответов"

    def __str__(self) -> str:
        return self.name


class CaseRequest(BaseModel):
    """What an organisation asks of the ЦУР about a case, and the ЦУР's decision: the shared
    part of a redirect (``RedirectRequest``) and an extension (``ExtensionRequest``)."""

    reason = models.TextField("обоснование")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто просит",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто решил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_comment = models.TextField("комментарий ЦУР", blank=True)

    class Meta:
        abstract = True


class RedirectRequest(CaseRequest):
    """Переадресация по компетенции, which the ЦУР may refuse when unjustified."""

    case = models.ForeignKey(
        Case, verbose_name="инцидент", on_delete=models.CASCADE, related_name="redirects"
    )
    from_organization = models.ForeignKey(
        "directory.Organization", verbose_name="от кого", on_delete=models.PROTECT, related_name="+"
    )
    to_organization = models.ForeignKey(
        "directory.Organization", verbose_name="кому", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "решение", max_length=16, choices=RedirectStatus.choices, default=RedirectStatus.PENDING
    )

    class Meta:
        verbose_name = "переадресация"
        verbose_name_plural = "переадресации"

    def __str__(self) -> str:
        return f"{self.case.number}: {self.from_organization} → {self.to_organization}"


class ExtensionRequest(CaseRequest):
    case = models.ForeignKey(
        Case, verbose_name="инцидент", on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.PositiveSmallIntegerField("на сколько дней")
    status = models.CharField(
        "решение", max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )

    class Meta:
        verbose_name = "продление срока"
        verbose_name_plural = "продления сроков"

    def __str__(self) -> str:
        return f"{self.case.number}: +{self.days} дн."


class OutboxMessage(BaseModel):
    """An answer (or a survey link) to deliver through the case's channel, with retries."""

    case = models.ForeignKey(
        Case, verbose_name="инцидент", on_delete=models.CASCADE, related_name="outbox"
    )
    answer = models.ForeignKey(
        Answer,
        verbose_name="ответ",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox",
    )
    channel = models.ForeignKey(
        "directory.Channel", verbose_name="канал", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("что отправляем", max_length=16, default="answer")
    payload = models.JSONField("данные", default=dict)
    status = models.CharField(
        "состояние",
        max_length=8,
        choices=OutboxStatus.choices,
        default=OutboxStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    next_attempt_at = models.DateTimeField(
        "следующая попытка", null=True, blank=True, db_index=True
    )
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    last_error = models.TextField("последняя ошибка", blank=True)

    class Meta:
        verbose_name = "исходящее сообщение"
        verbose_name_plural = "исходящие сообщения"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.channel.code} ({self.get_status_display()})"


class Survey(BaseModel):
    """The question to the citizen after publication: was the problem solved?"""

    case = models.ForeignKey(
        Case, verbose_name="инцидент", on_delete=models.CASCADE, related_name="surveys"
    )
    answer = models.ForeignKey(
        Answer, verbose_name="ответ", on_delete=models.CASCADE, related_name="surveys"
    )
    token = models.CharField("ключ ссылки", max_length=64, unique=True)
    responded_at = models.DateTimeField("ответил", null=True, blank=True)
    solved = models.BooleanField("проблема решена", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("оценка 1–5", null=True, blank=True)
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "опрос удовлетворённости"
        verbose_name_plural = "опросы удовлетворённости"

    def __str__(self) -> str:
        return f"Опрос по {self.case.number}"
