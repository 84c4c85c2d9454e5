"""The ЦУР's indicators that the platform computes from its own data (the ЦУР as a project office):
each defined once here — its code, Russian label, unit (ОКЕИ), which way is better, what it
counts and how.

They are the ЦУР's own figures: over the whole region, never limited to a user's zone, filtered
by a sector block and a municipality. Every number the analytics already has is read from it
(``analytics.selectors.region_totals``: the rollups, by the definitions of
``analytics.measures``), and the definitions here quote those definitions by code rather than
restate them. Shares are percents rounded to hundredths (from the analytics' shares, which are
fractions to four places); a share or median without a denominator is None, never 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum

from otklik.analytics import measures as analytics
from otklik.analytics.selectors import Period, Slice, per_10k, region_totals, share
from otklik.analytics.services import day_range
from otklik.directory.models import Municipality
from otklik.problems.choices import MeasureStatus, ProblemStatus
from otklik.problems.models import Problem

# units of measurement as ОКЕИ names them
PERCENT = "процент"
HOUR = "час"
PER_10K = "сообщений на 10 000 жителей"

UP, DOWN = "up", "down"  # more is better / less is better

CENT = Decimal("0.01")

Compute = Callable[[Slice], Decimal | None]


@dataclass(frozen=True)
class IndicatorMeasure:
    code: str
    label: str  # Russian: the indicator's name
    unit: str  # ОКЕИ
    direction: str  # UP: more is better; DOWN: less is better
    definition: str  # Russian: what is counted, by which date, in which period
    compute: Compute  # the value of a slice (period, sector, municipality) or None


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(CENT)


def _percent(fraction: float | None) -> Decimal | None:
    return None if fraction is None else (Decimal(str(fraction)) * 100).quantize(CENT)


def _ref(code: str) -> str:
    """An analytics measure as the definitions quote it: code, label, definition."""
    return f"{code} — «{analytics.label(code)}»: {analytics.definition(code)}"


def _from_analytics(code: str) -> Compute:
    """The analytics measure ``code`` of the slice: a share as a percent, hours as they are."""
    as_percent = analytics.MEASURES[code].kind == "share"

    def compute(s: Slice) -> Decimal | None:
        value = region_totals(s)[code]
        return _percent(value) if as_percent else _decimal(value)

    return compute


def _reopened_share(s: Slice) -> Decimal | None:
    t = region_totals(s)
    return _percent(share(t["reopened"], t["answered"]))


def _population(municipality: int | None) -> int | None:
    """The municipality's population; without one, the sum over every municipality — None when
    any of them is unknown (the sum would be too small and the load too high)."""
    if municipality is not None:
        return (
            Municipality.objects.filter(pk=municipality)
            .values_list("population", flat=True)
            .first()
        )
    r = Municipality.objects.aggregate(
        total=Sum("population"),
        unknown=Count("pk", filter=Q(population__isnull=True) | Q(population=0)),
    )
    return None if r["unknown"] else r["total"]


def _messages_per_10k(s: Slice) -> Decimal | None:
    return _decimal(per_10k(region_totals(s)["messages"], _population(s.municipality)))


def _problems_with_effect_share(s: Slice) -> Decimal | None:
    """Of the problems whose last measure was done in the period (none left planned), those
    «solved» now (the definition in the catalogue below)."""
    start, end = day_range(s.period.start)[0], day_range(s.period.end)[1]
    problems = Problem.objects.all()
    if s.sector is not None:
        problems = problems.filter(sector_id=s.sector)
    if s.municipality is not None:
        problems = problems.filter(
            pk__in=Problem.objects.filter(
                Q(municipalities=s.municipality) | Q(city_districts__municipality=s.municipality)
            ).values("pk")
        )
    completed = (
        problems.exclude(measures__status=MeasureStatus.PLANNED)
        .annotate(completed_at=Max("measures__done_at"))
        .filter(completed_at__gte=start, completed_at__lt=end)
    )
    n = completed.aggregate(
        all=Count("pk"), effect=Count("pk", filter=Q(status=ProblemStatus.SOLVED))
    )
    return _percent(share(n["effect"], n["all"]))


def _share_note(none_when: str) -> str:
    return f"В процентах, до сотых; нет значения, {none_when}."


def _same(code: str, label: str, unit: str, direction: str, note: str) -> IndicatorMeasure:
    """An indicator that is the analytics measure of the same code."""
    definition = f"Как в аналитике: {_ref(code)} {note}"
    return IndicatorMeasure(code, label, unit, direction, definition, _from_analytics(code))


INDICATOR_MEASURES: dict[str, IndicatorMeasure] = {
    m.code: m
    for m in (
        _same(
            "on_time_share",
            "Доля ответов, опубликованных в установленный срок",
            PERCENT,
            UP,
            _share_note("если в периоде не опубликовано ни одного ответа (answered = 0)"),
        ),
        _same(
            "breached_share",
            "Доля нарушенных сроков ответа",
            PERCENT,
            DOWN,
            _share_note("если ни один срок ответа в периоде не истёк (due = 0)"),
        ),
        _same(
            "first_response_median_h",
            "Медианное время до первой реакции",
            HOUR,
            DOWN,
            "В часах, до сотых; нет значения, если первых реакций в периоде не было.",
        ),
        _same(
            "answer_median_h",
            "Медианное время до ответа",
            HOUR,
            DOWN,
            "В часах, до сотых; нет значения, если в периоде не опубликовано ни одного ответа.",
        ),
        _same(
            "returned_share",
            "Доля ответов, возвращённых ЦУР на доработку",
            PERCENT,
            DOWN,
            _share_note("если ЦУР в периоде не проверил ни одного ответа (answers_moderated = 0)"),
        ),
        _same(
            "solved_share",
            "Доля заявителей, подтвердивших решение проблемы",
            PERCENT,
            UP,
            _share_note("если в периоде никто не ответил на вопрос о решении"),
        ),
        IndicatorMeasure(
            "reopened_share",
            "Переоткрытия на 100 опубликованных ответов",
            PERCENT,
            DOWN,
            "Переоткрытия в периоде на 100 ответов, опубликованных в том же периоде "
            f"(reopened / answered): {_ref('reopened')} {_ref('answered')} Числитель и "
            "знаменатель — события одного периода, а не одна когорта: переоткрыт может быть и "
            "ответ, опубликованный раньше, поэтому значение может превышать 100 %. "
            + _share_note("если в периоде не опубликовано ни одного ответа (answered = 0)"),
            _reopened_share,
        ),
        IndicatorMeasure(
            "messages_per_10k",
            "Сообщений на 10 000 жителей",
            PER_10K,
            DOWN,
            f"Сообщения на 10 000 жителей: {_ref('messages')} Население — выбранного МО, "
            "без выбора МО — сумма населения всех МО области (справочник территорий); с выбором "
            "отраслевого блока — сообщения этого блока на то же население. До сотых; нет "
            "значения, если население выбранного МО неизвестно, а без выбора МО — если "
            "неизвестно население хотя бы одного МО (сумма была бы занижена, нагрузка завышена).",
            _messages_per_10k,
        ),
        IndicatorMeasure(
            "problems_with_effect_share",
            "Доля региональных проблем, решённых после выполнения мер",
            PERCENT,
            UP,
            "Региональные проблемы из реестра (отраслевого блока проблемы; МО — МО проблемы "
            "или МО её районов города, проблема без территории считается только по всей "
            "области), по которым выполнены все меры: есть хотя бы одна мера и ни одной в "
            f"состоянии «{MeasureStatus.PLANNED.label}», а последняя выполнена в периоде (по "
            "дате выполнения последней меры). Из них — доля проблем в состоянии "
            f"«{ProblemStatus.SOLVED.label}» (эффект мер подтверждён); в любом другом "
            f"(«{ProblemStatus.MEASURES_TAKEN.label}», «{ProblemStatus.CLOSED_UNSOLVED.label}», "
            f"«{ProblemStatus.IN_WORK.label}» …) — без эффекта. Состояние — на момент расчёта: "
            "значение прошлого периода меняется, когда проблема меняет состояние. "
            + _share_note("если ни по одной проблеме меры не завершены в периоде"),
            _problems_with_effect_share,
        ),
    )
}


def measure_value(
    code: str,
    *,
    start: dt.date,
    end: dt.date,
    sector_id: int | None = None,
    municipality_id: int | None = None,
) -> Decimal | None:
    """The value of the indicator ``code`` for the days ``start``–``end`` (inclusive, local)
    over the whole region, or the sector block and/or municipality given; None when it has
    no denominator (or the population is unknown)."""
    if end < start:
        raise ValueError(f"period ends before it starts: {start} – {end}")
    s = Slice(period=Period(start, end), sector=sector_id, municipality=municipality_id)
    return INDICATOR_MEASURES[code].compute(s)
