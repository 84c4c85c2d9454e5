"""Rollups: one row per day × sector × topic × municipality × organisation × channel with what
happened that day (event-day counting: a case is counted as answered on the day its answer was
published, as overdue on the day its deadline passed)."""

from __future__ import annotations

from django.db import models

# Hours from receipt to the first response / to the published answer fall into these buckets
# (upper bounds, the last is open): medians are read from the histogram.
HOURS_BUCKETS = (1, 2, 4, 8, 16, 24, 48, 72, 120, 168, 240, 360, 480, 720, 1080)


def empty_histogram() -> list[int]:
    return [0] * (len(HOURS_BUCKETS) + 1)


class DailyRollup(models.Model):
    scope_lookups = {
        "sector": "sector",
        "organization": "organization",
        "municipality": "municipality",
    }

    day = models.DateField("день", db_index=True)
    sector = models.ForeignKey(
        "directory.Sector", null=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        "directory.Topic", null=True, on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(
        "directory.Municipality", null=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "directory.Organization", null=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.ForeignKey(
        "directory.Channel", null=True, on_delete=models.CASCADE, related_name="+"
    )
    # input
    messages = models.PositiveIntegerField("поступило сообщений", default=0)
    cases_opened = models.PositiveIntegerField("открыто инцидентов", default=0)
    no_answer = models.PositiveIntegerField("не требуют ответа", default=0)
    conflict_messages = models.PositiveIntegerField("сообщений с признаками конфликта", default=0)
    negative_messages = models.PositiveIntegerField("негативных сообщений", default=0)
    # processing
    first_responses = models.PositiveIntegerField("первых реакций", default=0)
    answered = models.PositiveIntegerField("опубликовано ответов", default=0)
    answered_on_time = models.PositiveIntegerField("опубликовано в срок", default=0)
    breached = models.PositiveIntegerField("просрочено", default=0)
    reopened = models.PositiveIntegerField("переоткрыто", default=0)
    answers_moderated = models.PositiveIntegerField("ответов проверено ЦУР", default=0)
    answers_returned = models.PositiveIntegerField("ответов возвращено", default=0)
    quality_sum = models.PositiveIntegerField("сумма оценок качества", default=0)
    quality_count = models.PositiveIntegerField("оценок качества", default=0)
    # satisfaction
    surveys = models.PositiveIntegerField("ответов на опрос", default=0)
    solved = models.PositiveIntegerField("решена", default=0)
    not_solved = models.PositiveIntegerField("не решена", default=0)
    rating_sum = models.PositiveIntegerField("сумма оценок", default=0)
    rating_count = models.PositiveIntegerField("оценок", default=0)
    first_response_hours = models.JSONField("часы до первой реакции", default=empty_histogram)
    answer_hours = models.JSONField("часы до ответа", default=empty_histogram)

    class Meta:
        verbose_name = "сводка за день"
        verbose_name_plural = "сводки за день"
        indexes = [
            models.Index(fields=["day", "sector"]),
            models.Index(fields=["day", "municipality"]),
            models.Index(fields=["day", "organization"]),
        ]

    def __str__(self) -> str:
        return f"{self.day}"


class RollupWatermark(models.Model):
    """Up to when the rollups have taken changes in (one row)."""

    name = models.CharField(max_length=32, unique=True)
    refreshed_at = models.DateTimeField("обновлено до")

    class Meta:
        verbose_name = "отметка обновления сводок"
        verbose_name_plural = "отметки обновления сводок"

    def __str__(self) -> str:
        return f"{self.name}: {self.refreshed_at}"


METRICS = (
    "messages", "cases_opened", "no_answer", "conflict_messages", "negative_messages",
    "first_responses", "answered", "answered_on_time", "breached", "reopened",
    "answers_moderated", "answers_returned", "quality_sum", "quality_count", "surveys",
    "solved", "not_solved", "rating_sum", "rating_count",
)  # fmt: skip


class RatingMethodology(models.Model):
    """A version of the rating methodology (weights, threshold, parameters). A change by the
    ЦУР is a new version; published ratings keep the version they used."""

    version = models.CharField("версия", max_length=32, unique=True)
    description = models.TextField("описание и формулы")
    weights = models.JSONField("веса показателей")
    min_cases = models.PositiveSmallIntegerField("порог: инцидентов за период", default=2)
    parameters = models.JSONField("параметры формул")
    is_active = models.BooleanField("действует", default=False)
    created_at = models.DateTimeField("создана", auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="кем",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "методика рейтинга"
        verbose_name_plural = "методики рейтинга"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_method"
            )
        ]

    def __str__(self) -> str:
        return f"методика {self.version}"


class RatingSnapshot(models.Model):
    """A published rating of a period: frozen, shown as it was published."""

    period_start = models.DateField("с")
    period_end = models.DateField("по")
    methodology = models.ForeignKey(
        RatingMethodology, verbose_name="методика", on_delete=models.PROTECT, related_name="+"
    )
    groups = models.JSONField("группы и места")
    published_at = models.DateTimeField("опубликован", auto_now_add=True)
    published_by = models.ForeignKey(
        "accounts.User",
        verbose_name="опубликовал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "опубликованный рейтинг"
        verbose_name_plural = "опубликованные рейтинги"
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end"], name="one_snapshot_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"рейтинг {self.period_start}–{self.period_end}"
