"""Reads of the registry, always in the user's scope (``Action.PROBLEM_VIEW``).

The inflow before and after the measures is read from the rollups (``DailyRollup.messages``)
of the problem's topics (its sector when it has none) in its territory (its municipalities and
the municipalities of its city districts — the rollups have no district dimension; the whole
region when it has none). It is an aggregate without personal data, so a user who may see the
problem sees its whole inflow, not only the part in the user's own zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from otklik.analytics.models import DailyRollup
from otklik.cases.models import Case
from otklik.core.permissions import Action, access_check, visible_to
from otklik.problems.choices import MeasureStatus, ProblemStatus
from otklik.problems.models import Measure, Problem

INFLOW_WEEKS = 8


def problem_list(*, user: Any, filters: dict | None = None) -> QuerySet[Problem]:
    """Problems the user may see; ``filters``: status, sector, municipality, owner (ids)."""
    access_check(user, Action.PROBLEM_VIEW)
    f = filters or {}
    qs = visible_to(Problem.objects.all(), user, Action.PROBLEM_VIEW)
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("sector"):
        qs = qs.filter(sector_id=f["sector"])
    if f.get("municipality"):
        qs = qs.filter(
            pk__in=Problem.objects.filter(
                Q(municipalities=f["municipality"])
                | Q(city_districts__municipality=f["municipality"])
            ).values("pk")
        )
    if f.get("owner"):
        qs = qs.filter(owner_id=f["owner"])
    today = timezone.localdate()
    return (
        qs.select_related("sector", "owner")
        .prefetch_related("municipalities", "city_districts")
        .annotate(
            n_cases=Count("links", distinct=True),
            n_measures=Count("measures", distinct=True),
            n_overdue=Count(
                "measures",
                filter=Q(measures__status=MeasureStatus.PLANNED, measures__deadline__lt=today),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )


def problem_counts(*, user: Any) -> dict[str, int]:
    """How many problems the user sees, by status (every status present, zero when none)."""
    qs = visible_to(Problem.objects.all(), user, Action.PROBLEM_VIEW)
    got = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    return {code: got.get(code, 0) for code in ProblemStatus.values}


def problem_get(*, user: Any, pk: int) -> Problem:
    """The problem, or ``Problem.DoesNotExist`` when the user may not see it."""
    access_check(user, Action.PROBLEM_VIEW)
    return (
        visible_to(Problem.objects.all(), user, Action.PROBLEM_VIEW)
        .select_related("sector", "owner", "alert", "created_by")
        .prefetch_related("municipalities", "city_districts", "topics", "indicators__values")
        .get(pk=pk)
    )


def problem_cases(*, user: Any, problem: Problem) -> QuerySet[Case]:
    """The problem's cases the user may see (a problem may gather cases of several zones)."""
    return (
        visible_to(Case.objects.filter(problem_links__problem=problem), user, Action.CASE_VIEW)
        .select_related("topic", "sector", "municipality", "organization")
        .order_by("-received_at", "-pk")
    )


def cases_by_numbers(*, user: Any, numbers: list[str]) -> list[Case]:
    """The cases of ``numbers`` the user may see (unknown or hidden numbers are left out)."""
    return list(
        visible_to(Case.objects.filter(number__in=numbers), user, Action.CASE_VIEW)
        .select_related("sector", "topic", "municipality")
        .order_by("pk")
    )


def problem_measures(problem: Problem) -> list[Measure]:
    return list(problem.measures.select_related("organization").order_by("deadline", "pk"))


@dataclass(frozen=True)
class Week:
    start: dt.date
    end: dt.date
    messages: int
    after: bool
    complete: bool  # the week has ended (an unfinished week is not averaged)


def _area(problem: Problem) -> Q:
    q = Q()
    topics = list(problem.topics.values_list("pk", flat=True))
    q &= Q(topic_id__in=topics) if topics else Q(sector_id=problem.sector_id)
    munis = set(problem.municipalities.values_list("pk", flat=True))
    munis |= set(problem.city_districts.values_list("municipality_id", flat=True))
    if munis:
        q &= Q(municipality_id__in=munis)
    return q


def pivot_day(problem: Problem) -> dt.date | None:
    """The day the first measure was completed (the inflow is compared around it)."""
    first = (
        problem.measures.filter(status=MeasureStatus.DONE, done_at__isnull=False)
        .order_by("done_at")
        .values_list("done_at", flat=True)
        .first()
    )
    return timezone.localdate(first) if first else None


def problem_inflow(
    *, user: Any, problem: Problem, weeks: int = INFLOW_WEEKS, today: dt.date | None = None
) -> dict:
    """Weekly new messages on the problem's topics in its territory: ``weeks`` 7-day weeks up
    to the day the first measure was completed (that day included) and ``weeks`` after it (only
    weeks that have begun; averages over weeks that have ended). Without a completed measure:
    the last ``weeks`` weeks, no comparison."""
    access_check(user, Action.PROBLEM_VIEW, problem)
    today = today or timezone.localdate()
    pivot = pivot_day(problem)
    spans: list[tuple[dt.date, dt.date, bool]] = []
    anchor = pivot or today
    for k in range(weeks, 0, -1):
        end = anchor - dt.timedelta(days=7 * (k - 1))
        spans.append((end - dt.timedelta(days=6), end, False))
    if pivot:
        for k in range(weeks):
            start = pivot + dt.timedelta(days=1 + 7 * k)
            if start > today:
                break
            spans.append((start, start + dt.timedelta(days=6), True))
    first, last = spans[0][0], spans[-1][1]
    by_day = dict(
        DailyRollup.objects.filter(_area(problem), day__gte=first, day__lte=last)
        .values_list("day")
        .annotate(n=Sum("messages"))
        .order_by()
    )
    rows = [
        Week(
            start=s,
            end=e,
            messages=sum(int(n or 0) for d, n in by_day.items() if s <= d <= e),
            after=after,
            complete=e < today,
        )
        for s, e, after in spans
    ]

    def mean(ws: list[Week]) -> float | None:
        done = [w.messages for w in ws if w.complete]
        return round(sum(done) / len(done), 2) if done else None

    before = mean([w for w in rows if not w.after])
    after = mean([w for w in rows if w.after]) if pivot else None
    change = None
    if before and after is not None:
        change = round((after - before) / before * 100, 1)
    return {
        "pivot": pivot,
        "weeks": rows,
        "before_avg": before,
        "after_avg": after,
        "change_pct": change,
        "verdict": verdict(pivot, before, after, change),
        "chart": chart(rows),
    }


def verdict(pivot, before, after, change) -> str:
    if pivot is None:
        return "Ни одна мера ещё не выполнена — сравнивать приток не с чем."
    if after is None:
        return "После выполнения первой меры не прошло полной недели — судить рано."
    if not before:
        return "До мер жалоб по теме в этой территории не было — сравнивать не с чем."
    if change < 0:
        return f"Приток снизился на {_ru(abs(change))} %: коренная причина, похоже, устранена."
    if change == 0:
        return "Приток не снизился (не изменился)."
    return f"Приток не снизился: вырос на {_ru(change)} %."


def _ru(number: float) -> str:
    """A percentage as Russian text writes it (decimal comma)."""
    return f"{number:g}".replace(".", ",")


def chart(rows: list[Week], width: int = 640, height: int = 160, pad: int = 18) -> dict:
    """Bars of an inline SVG (no scripts): x, y, height of each week; the pivot line."""
    n = max(len(rows), 1)
    step = (width - 2 * pad) / n
    top = max((w.messages for w in rows), default=0) or 1
    bars = []
    for i, w in enumerate(rows):
        h = round((height - 2 * pad) * w.messages / top, 1)
        bars.append(
            {
                "x": round(pad + i * step + 2, 1),
                "y": round(height - pad - h, 1),
                "w": round(step - 4, 1),
                "h": h,
                "label_y": max(round(height - pad - h - 3, 1), 10),
                "week": w,
            }
        )
    split = next((b["x"] - 2 for b in bars if b["week"].after), None)
    return {"width": width, "height": height, "bars": bars, "split": split, "base": height - pad}


def problem_ranking(*, user: Any) -> QuerySet[Problem]:
    """Open problems the user may see by their stored priority, highest first."""
    from otklik.problems.services import OPEN_STATUSES, RANKING_ORDER

    access_check(user, Action.PROBLEM_VIEW)
    return (
        visible_to(Problem.objects.all(), user, Action.PROBLEM_VIEW)
        .filter(status__in=OPEN_STATUSES, priority_score__isnull=False)
        .select_related("sector")
        .order_by(*RANKING_ORDER)
    )


def problem_lists(*, user: Any) -> list:
    """The ЦУР's lists with their approval (the newest first)."""
    from otklik.problems.models import ProblemList

    access_check(user, Action.PROBLEM_VIEW)
    plans = list(visible_to(ProblemList.objects.all(), user, Action.PROBLEM_VIEW)[:50])
    approvals = problem_lists_approvals([p.pk for p in plans])
    return [(p, approvals.get(p.pk)) for p in plans]


def problem_lists_approvals(ids: list[int]) -> dict:
    """The approvals of the lists ``ids``, by list id."""
    from otklik.approvals.models import Approval

    rows = Approval.objects.filter(kind="problem_list", target_id__in=[str(i) for i in ids])
    return {int(a.target_id): a for a in rows}


def problem_list_get(*, user: Any, pk: int):
    """The list, or None when there is none the user may see."""
    from otklik.problems.models import ProblemList

    access_check(user, Action.PROBLEM_VIEW)
    return visible_to(ProblemList.objects.all(), user, Action.PROBLEM_VIEW).filter(pk=pk).first()
