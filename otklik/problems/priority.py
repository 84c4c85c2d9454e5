"""The priority of a regional problem (regulation § 4.4: the ЦУР's list of regional problems is
its approved work plan, formed from the top of this ranking).

Each component is a figure of the problem's own cases and messages over a window of days (the
last ``WINDOW_DAYS`` up to the day of the ranking), or of its linked national-project
indicators; each is scaled to 0–1 by a fixed bound (``full_at``: the value at which it counts
in full) and weighted; the score is their sum, 0–100. Bounds are fixed, not relative to the
other problems, so a score means the same in every ranking and a problem's score does not move
because another one was added. A component without data (no population, no survey, no linked
indicator) adds nothing and says so in the reasons. ``docs/analytics-definitions.md`` has the
same table for people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from otklik.analytics.measures import breached_q, due_q
from otklik.cases.models import Case, Survey
from otklik.intake.models import Message
from otklik.problems.models import IndicatorValue, Problem

WINDOW_DAYS = 90
GROWTH_DAYS = 30


@dataclass(frozen=True)
class Component:
    code: str
    label: str  # Russian
    weight: int  # points of 100
    full_at: float  # the value that counts in full
    unit: str  # how the value reads: "на 10 000", "%", …
    definition: str


COMPONENTS: tuple[Component, ...] = (
    Component(
        "load",
        "Нагрузка",
        25,
        10.0,
        "сообщ. на 10 000 жит.",
        f"Сообщения инцидентов проблемы за {WINDOW_DAYS} дней на 10 000 жителей её МО (районы "
        "Волгограда — их население); без известного населения — нет данных.",
    ),
    Component(
        "growth",
        "Рост",
        15,
        1.0,
        "%",
        f"Сообщения за последние {GROWTH_DAYS} дней против {GROWTH_DAYS} дней до них: "
        "(сейчас − раньше) / раньше (раньше 0 — считается как 1); падение — 0.",
    ),
    Component(
        "conflict",
        "Конфликтность",
        15,
        0.5,
        "%",
        f"Доля сообщений за {WINDOW_DAYS} дней с признаками конфликта (анализ текста).",
    ),
    Component(
        "repeats",
        "Повторы",
        10,
        0.5,
        "%",
        f"Доля инцидентов проблемы, поступивших за {WINDOW_DAYS} дней, в которых больше одного "
        "сообщения.",
    ),
    Component(
        "overdue",
        "Нарушения сроков",
        15,
        0.5,
        "%",
        f"Доля нарушенных сроков среди истёкших за {WINDOW_DAYS} дней (как «Доля нарушений» "
        "аналитики).",
    ),
    Component(
        "unsolved",
        "Неудовлетворённость",
        10,
        0.5,
        "%",
        f"Доля «проблема не решена» среди ответов на опрос за {WINDOW_DAYS} дней.",
    ),
    Component(
        "national_lag",
        "Отставание нацпроектов",
        10,
        0.3,
        "%",
        "Среднее отставание факта от плана связанных показателей национальных и региональных "
        "проектов в их последнем периоде с планом и фактом: (план − факт) / план, не меньше 0.",
    ),
)
BY_CODE = {c.code: c for c in COMPONENTS}


@dataclass
class Priority:
    score: Decimal
    values: dict[str, float | None] = field(default_factory=dict)
    points: dict[str, Decimal] = field(default_factory=dict)

    def reasons(self) -> list[str]:
        """The components that count, largest first, then those without data."""
        out = []
        for code, pts in sorted(self.points.items(), key=lambda kv: -kv[1]):
            c, value = BY_CODE[code], self.values[code]
            if value is None or pts == 0:
                continue
            shown = f"{value * 100:.0f} %" if c.unit == "%" else f"{value:.2f} {c.unit}"
            out.append(f"{c.label}: {shown} → {pts} из {c.weight}")
        missing = [BY_CODE[k].label.lower() for k, v in self.values.items() if v is None]
        if missing:
            out.append("Нет данных: " + ", ".join(missing))
        return out


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _population(problem: Problem) -> int | None:
    municipalities = list(problem.municipalities.values_list("population", flat=True))
    districts = list(problem.city_districts.values_list("population", flat=True))
    parts = municipalities + districts
    if not parts or any(p is None or p == 0 for p in parts):
        return None
    return sum(parts)


def _national_lag(problem: Problem) -> float | None:
    lags = []
    for indicator in problem.indicators.all():
        latest = (
            IndicatorValue.objects.filter(
                indicator=indicator, target__isnull=False, actual__isnull=False, target__gt=0
            )
            .order_by("-period")
            .first()
        )
        if latest is not None:
            lags.append(max(0.0, float((latest.target - latest.actual) / latest.target)))
    return sum(lags) / len(lags) if lags else None


def priority_of(problem: Problem, *, on: dt.date | None = None) -> Priority:
    """The score of ``problem`` on the day ``on`` (default: today), with its components."""
    on = on or timezone.localdate()
    end = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    start = end - dt.timedelta(days=WINDOW_DAYS)
    recent = end - dt.timedelta(days=GROWTH_DAYS)
    before = recent - dt.timedelta(days=GROWTH_DAYS)
    cases = Case.objects.filter(problem_links__problem=problem)
    messages = Message.objects.filter(case__in=cases.values("pk"))
    m = messages.aggregate(
        window=Count("pk", filter=Q(received_at__gte=start, received_at__lt=end)),
        recent=Count("pk", filter=Q(received_at__gte=recent, received_at__lt=end)),
        before=Count("pk", filter=Q(received_at__gte=before, received_at__lt=recent)),
        conflict=Count(
            "pk",
            filter=Q(received_at__gte=start, received_at__lt=end, analysis__has_conflict=True),
        ),
    )
    population = _population(problem)
    in_window = cases.filter(received_at__gte=start, received_at__lt=end).annotate(
        n=Count("messages")
    )
    repeats = in_window.aggregate(all=Count("pk"), many=Count("pk", filter=Q(n__gt=1)))
    due = cases.filter(due_q(end), resolution_due__gte=start)
    d = due.aggregate(due=Count("pk"), breached=Count("pk", filter=breached_q(end)))
    s = Survey.objects.filter(
        case__in=cases.values("pk"), responded_at__gte=start, responded_at__lt=end
    ).aggregate(
        answered=Count("pk", filter=Q(solved__isnull=False)),
        unsolved=Count("pk", filter=Q(solved=False)),
    )
    values: dict[str, float | None] = {
        "load": m["window"] * 10_000 / population if population else None,
        "growth": max(0.0, (m["recent"] - m["before"]) / max(m["before"], 1)),
        "conflict": _share(m["conflict"], m["window"]),
        "repeats": _share(repeats["many"], repeats["all"]),
        "overdue": _share(d["breached"], d["due"]),
        "unsolved": _share(s["unsolved"], s["answered"]),
        "national_lag": _national_lag(problem),
    }
    points = {
        c.code: Decimal(
            0 if values[c.code] is None else c.weight * min(values[c.code] / c.full_at, 1.0)
        ).quantize(Decimal("0.01"))
        for c in COMPONENTS
    }
    return Priority(score=sum(points.values(), Decimal("0.00")), values=values, points=points)
