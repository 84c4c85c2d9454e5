"""Проблема, её инциденты, меры и показатели национальных и региональных проектов."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from otklik.core.models import BaseModel
from otklik.problems.choices import MeasureStatus, ProblemSource, ProblemStatus, ProjectKind


class ProjectIndicator(BaseModel):
    """A target indicator of a national or regional project (imported by file, keyed by code)."""

    code = models.CharField("код", max_length=64, unique=True)
    name = models.CharField("показатель", max_length=512)
    project = models.CharField("проект", max_length=255)
    project_kind = models.CharField(
        "вид проекта", max_length=16, choices=ProjectKind.choices, default=ProjectKind.NATIONAL
    )
    unit = models.CharField("единица измерения", max_length=64, blank=True)

    class Meta:
        verbose_name = "показатель нацпроекта"
        verbose_name_plural = "показатели нац- и регпроектов"
        ordering = ["project", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class IndicatorValue(models.Model):
    """Target and actual value of an indicator for a period («2026», «2026-Q3», «2026-09»)."""

    indicator = models.ForeignKey(ProjectIndicator, on_delete=models.CASCADE, related_name="values")
    period = models.CharField("период", max_length=16)
    target = models.DecimalField("план", max_digits=18, decimal_places=4, null=True, blank=True)
    actual = models.DecimalField("факт", max_digits=18, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = "значение показателя"
        verbose_name_plural = "значения показателей"
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_value_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}"


class Problem(BaseModel):
    """Региональная проблема: gathers many cases; owner, root cause, measures, indicators."""

    scope_lookups = {
        "sector": "sector",
        "municipality": ["municipalities", "city_districts__municipality"],
        "organization": ["measures__organization", "cases__organization"],
    }

    title = models.CharField("название", max_length=255)
    description = models.TextField("описание", blank=True)
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        on_delete=models.PROTECT,
        related_name="+",
    )
    municipalities = models.ManyToManyField(
        "directory.Municipality", verbose_name="МО", blank=True, related_name="+"
    )
    city_districts = models.ManyToManyField(
        "directory.CityDistrict", verbose_name="районы Волгограда", blank=True, related_name="+"
    )
    topics = models.ManyToManyField(
        "directory.Topic", verbose_name="темы", blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        "accounts.User",
        verbose_name="ответственный",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_problems",
    )
    root_cause = models.TextField("коренная причина", blank=True)
    status = models.CharField(
        "состояние",
        max_length=16,
        choices=ProblemStatus.choices,
        default=ProblemStatus.IDENTIFIED,
        db_index=True,
    )
    status_changed_at = models.DateTimeField("состояние изменено", null=True, blank=True)
    source = models.CharField(
        "источник", max_length=16, choices=ProblemSource.choices, default=ProblemSource.MANUAL
    )
    alert = models.OneToOneField(
        "analytics.Alert",
        verbose_name="сигнал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problem",
    )
    external_id = models.CharField(
        "номер во внешней системе", max_length=128, unique=True, null=True, blank=True
    )
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="создал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cases = models.ManyToManyField(
        "cases.Case", through="ProblemCase", related_name="problems", verbose_name="инциденты"
    )
    indicators = models.ManyToManyField(
        ProjectIndicator, verbose_name="показатели", blank=True, related_name="problems"
    )
    # the priority (problems/priority.py), refreshed daily and when a list is formed
    priority_score = models.DecimalField(
        "приоритет", max_digits=5, decimal_places=2, null=True, blank=True, db_index=True
    )
    priority_reasons = models.JSONField("из чего складывается приоритет", default=list, blank=True)
    priority_on = models.DateField("приоритет рассчитан на", null=True, blank=True)

    class Meta:
        verbose_name = "региональная проблема"
        verbose_name_plural = "реестр региональных проблем"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ProblemCase(models.Model):
    """A case joined to a problem: how, when and by whom."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="links")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="problem_links")
    how = models.CharField("как добавлен", max_length=16, choices=ProblemSource.choices)
    added_at = models.DateTimeField("добавлен", auto_now_add=True)
    added_by = models.ForeignKey(
        "accounts.User",
        verbose_name="кем",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "инцидент проблемы"
        verbose_name_plural = "инциденты проблем"
        constraints = [
            models.UniqueConstraint(fields=["problem", "case"], name="case_once_per_problem")
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.case_id}"


class Measure(BaseModel):
    """Мера по устранению коренной причины, with a deadline."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="measures")
    text = models.TextField("мера")
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name="ответственная организация",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField("срок", db_index=True)
    status = models.CharField(
        "состояние", max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    done_at = models.DateTimeField("выполнена", null=True, blank=True)
    note = models.TextField("отметка о выполнении", blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "мера"
        verbose_name_plural = "меры"
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def done_on(self):
        return timezone.localdate(self.done_at) if self.done_at else None

    @property
    def is_overdue(self) -> bool:
        """Not done by its deadline (still open past it, or done later than it)."""
        if self.status == MeasureStatus.DONE:
            return self.done_on is not None and self.done_on > self.deadline
        return timezone.localdate() > self.deadline


class ProblemList(BaseModel):
    """Перечень региональных проблем ЦУР — its approved work plan (regulation § 4.4): formed
    from the top of the priority ranking, agreed by the head, approved by the curator (the
    approval route, kind ``problem_list``)."""

    title = models.CharField("наименование", max_length=255)
    period = models.CharField("период", max_length=16, help_text="Например, 2027-Q1 или 2027.")
    formed_on = models.DateField("приоритеты на дату")
    author = models.ForeignKey(
        "accounts.User",
        verbose_name="сформировал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "перечень региональных проблем"
        verbose_name_plural = "перечни региональных проблем"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ProblemListItem(models.Model):
    """A problem on the list: its rank and score when the list was formed, its responsible
    block, the project or measures that answer it, and its due date."""

    plan = models.ForeignKey(ProblemList, on_delete=models.CASCADE, related_name="items")
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField("место")
    score = models.DecimalField("приоритет", max_digits=5, decimal_places=2)
    reasons = models.JSONField("из чего складывается приоритет", default=list)
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="ответственный блок",
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.CharField(
        "проект или меры",
        max_length=255,
        blank=True,
        help_text="Код и название проекта блока; пусто — меры по проблеме в реестре.",
    )
    due = models.DateField("срок")

    class Meta:
        verbose_name = "проблема перечня"
        verbose_name_plural = "проблемы перечня"
        ordering = ["plan", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "problem"], name="problem_once_per_list"),
            models.UniqueConstraint(fields=["plan", "rank"], name="one_problem_per_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.problem_id}"
