"""Rollups: one row per day × sector × topic × municipality × organisation × channel with what
happened that day (event-day counting: a case is counted as answered on the day its answer was
published, as due and as breached on the day of its due time: ``measures``)."""

from __future__ import annotations

from django.db import models


# Hours from receipt to the first response / to the published answer fall into these buckets
# (upper bounds, the last is open): medians are read from the histogram, linearly inside the
# median's bucket (``selectors.median_hours``). Quarter hours up to an hour, then each bucket at
# most 10 % of its bound wide (×1.1), up to 90 days: a median is honest to within 10 %.
def _hour_bounds() -> tuple[float, ...]:
    bounds, k = [0.25, 0.5, 0.75], 0
    while bounds[-1] < 90 * 24:
        bounds.append(round(1.1**k, 2))
        k += 1
    return tuple(bounds)


HOURS_BUCKETS = _hour_bounds()


def empty_histogram() -> list[int]:
    return [0] * (len(HOURS_BUCKETS) + 1)


# The two hour histograms are stored as integer columns (``fr_h0`` … ``fr_h85``: hours to the
# first response, ``an_h0`` … ``an_h85``: hours to the published answer), so that any database
# adds them up with a plain SUM.
HISTOGRAMS = {"first_response_hours": "fr_h", "answer_hours": "an_h"}
HIST_COLUMNS = {
    name: tuple(f"{prefix}{i}" for i in range(len(HOURS_BUCKETS) + 1))
    for name, prefix in HISTOGRAMS.items()
}
ALL_HIST_COLUMNS = tuple(c for cols in HIST_COLUMNS.values() for c in cols)


class RollupFigures(models.Model):
    """What happened (see ``services``), summed over a group of the five dimensions."""

    scope_lookups = {
        "sector": "sector",
        "organization": "organization",
        "municipality": "municipality",
    }

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
    due = models.PositiveIntegerField("срок ответа истёк", default=0)
    breached = models.PositiveIntegerField("срок ответа нарушен", default=0)
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
    # hour histograms (HIST_COLUMNS)
    for _column in ALL_HIST_COLUMNS:
        locals()[_column] = models.PositiveIntegerField(default=0)
    del _column

    class Meta:
        abstract = True


def _dimension(model: str, *, constraint: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        model,
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=constraint,
        db_index=constraint,
    )


class DailyRollup(RollupFigures):
    day = models.DateField("день", db_index=True)
    sector = _dimension("directory.Sector")
    topic = _dimension("directory.Topic")
    municipality = _dimension("directory.Municipality")
    organization = _dimension("directory.Organization")
    channel = _dimension("directory.Channel")

    class Meta:
        verbose_name = "сводка за день"
        verbose_name_plural = "сводки за день"
        indexes = [
            models.Index(fields=["day", "sector"]),
            models.Index(fields=["day", "municipality"]),
            models.Index(fields=["day", "organization"]),
            models.Index(fields=["day", "topic"], name="analytics_rollup_day_topic"),
            # the state of a period's rollups (count, newest id) for the rating cache
            models.Index(fields=["day", "id"], name="analytics_rollup_day_id"),
        ]

    def __str__(self) -> str:
        return f"{self.day}"


class Grain(models.TextChoices):
    DAY = "d", "день"
    MONTH = "m", "месяц"


class RollupCube(RollupFigures):
    """The daily rollups summed over all dimensions but a few (a "cube", ``cubes.CUBES``), per
    calendar month, and per day for the small ones (``cubes.DAY_CUBES``): what the dashboards
    read. ``cube`` is the bit mask of the dimensions kept (``cubes.BITS``); the columns of the
    other dimensions are empty. Filled from ``DailyRollup`` in the transaction that replaces a
    day's rollups."""

    grain = models.CharField("зерно", max_length=1, choices=Grain.choices)
    cube = models.PositiveSmallIntegerField("набор измерений")
    period = models.DateField("день или первый день месяца")
    # no foreign-key constraints nor indexes of their own: the rows are derived, read by
    # (cube, grain, period) and written in bulk
    sector = _dimension("directory.Sector", constraint=False)
    topic = _dimension("directory.Topic", constraint=False)
    municipality = _dimension("directory.Municipality", constraint=False)
    organization = _dimension("directory.Organization", constraint=False)
    channel = _dimension("directory.Channel", constraint=False)

    class Meta:
        verbose_name = "агрегат сводок"
        verbose_name_plural = "агрегаты сводок"
        indexes = [
            models.Index(fields=["cube", "grain", "period"], name="analytics_cube_read"),
            # a filtered read (a filter or the user's scope) takes the rows of that value only
            *(
                models.Index(
                    fields=["cube", "grain", dim, "period"], name=f"analytics_cube_by_{dim[:4]}"
                )
                for dim in ("sector", "topic", "municipality", "organization")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grain}{self.cube} {self.period}"


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
    "first_responses", "answered", "answered_on_time", "due", "breached", "reopened",
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


class AlertStatus(models.TextChoices):
    NEW = "new", "Новый"
    CONFIRMED = "confirmed", "Подтверждён: проблема"
    DISMISSED = "dismissed", "Отклонён"


class Alert(models.Model):
    """An emerging problem: a topic grew unusually in an area against its own history."""

    scope_lookups = {"sector": "topic__sector", "municipality": "municipality"}

    topic = models.ForeignKey("directory.Topic", verbose_name="тема", on_delete=models.CASCADE)
    municipality = models.ForeignKey(
        "directory.Municipality", verbose_name="МО", on_delete=models.CASCADE
    )
    week_start = models.DateField("неделя с")
    week_end = models.DateField("по")
    observed = models.PositiveIntegerField("сообщений за неделю")
    expected = models.FloatField("ожидалось")
    seasonal = models.BooleanField("учтён прошлый год", default=False)
    p_value = models.FloatField("вероятность случайности")
    status = models.CharField(
        "состояние", max_length=16, choices=AlertStatus.choices, default=AlertStatus.NEW
    )
    created_at = models.DateTimeField("поднят", auto_now_add=True)
    decided_at = models.DateTimeField("решение", null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "сигнал о новой проблеме"
        verbose_name_plural = "сигналы о новых проблемах"
        ordering = ["-week_end", "-observed"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "municipality", "week_end"], name="one_alert_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}@{self.municipality_id} {self.week_end}"
