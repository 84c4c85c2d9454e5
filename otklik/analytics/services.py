"""Filling the rollups: incrementally (only the days touched since the last refresh) and
idempotently (a day is recomputed whole from the raw tables and replaces its rows, in one
transaction), by the periodic task ``analytics.rollups_refresh``.

A case counts under its current sector, topic, municipality, organisation and channel; a
message without a case under its own. Each figure is counted on the day it happened: received
on the day of receipt, answered on the day of publication, due and breached on the day of the
due time (``measures``: a fact of the case, whether or not the deadline sweep saw it; counted
once the due time has passed), reopened on the day of reopening, a survey on the day of the
reply, an answer's moderation on the day the ЦУР checked it (under the organisation that wrote
the answer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import groupby
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from otklik.analytics import cubes, measures
from otklik.analytics.models import (
    HIST_COLUMNS,
    HOURS_BUCKETS,
    DailyRollup,
    RollupWatermark,
)
from otklik.cases.choices import AnswerStatus, CaseStatus
from otklik.cases.models import Answer, Case, CaseEvent, Survey
from otklik.intake.models import Message

WATERMARK = "rollups"
# Changes that arrived a little before the watermark moment (a transaction still open while the
# previous refresh ran) are taken again: the overlap makes the refresh safe, the recompute
# makes it idempotent.
OVERLAP = dt.timedelta(minutes=10)

DIMENSIONS = ("s", "t", "m", "o", "c")


def _case_dims(prefix: str, organization: str | None = None) -> dict:
    """The dimensions of a case reached through ``prefix`` (the organisation may be another
    one: an answer counts under the organisation that wrote it)."""
    return {
        "s": F(f"{prefix}sector_id"),
        "t": F(f"{prefix}topic_id"),
        "m": F(f"{prefix}municipality_id"),
        "o": F(organization or f"{prefix}organization_id"),
        "c": F(f"{prefix}channel_id"),
    }


CASE_DIMS = _case_dims("")


def _tz():
    return timezone.get_default_timezone()


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment, _tz())


def day_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), _tz())
    return start, timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), _tz()
    )


def _histogram(name: str, at: str) -> dict:
    """Counts per hour bucket of ``at`` − ``received_at`` (``bucket``: hours ≤ the bound)."""
    out = {}
    bounds = (None, *HOURS_BUCKETS, None)
    for i, column in enumerate(HIST_COLUMNS[name]):
        low, high = bounds[i], bounds[i + 1]
        q = Q()
        if high is not None:
            q &= Q(**{f"{at}__lte": F("received_at") + dt.timedelta(hours=high)})
        if low is not None:
            q &= Q(**{f"{at}__gt": F("received_at") + dt.timedelta(hours=low)})
        out[f"f_{column}"] = Count("pk", filter=q)
    return out


def sources(start: dt.date, end: dt.date, *, now: dt.datetime) -> list[QuerySet]:
    """The figures of the days ``start``–``end`` from the raw tables, one grouped query per
    kind of event: each row has the local day ``d``, the dimensions (``s``, ``t``, ``m``,
    ``o``, ``c``) and some of the figures (``METRICS``, ``HIST_COLUMNS``), each named with
    ``f_`` in front (an annotation named like a field would shadow it in later filters).
    ``now``: the due times passed by then count as due (and breached, as the case may be)."""
    lo, _ = day_range(start)
    _, hi = day_range(end)

    def within(f: str) -> Q:
        return Q(**{f"{f}__gte": lo, f"{f}__lt": hi})

    def by_day(qs: QuerySet, f: str, dims: dict) -> QuerySet:
        return qs.filter(within(f)).values(d=TruncDate(f, tzinfo=_tz()), **dims)

    messages = by_day(
        Message.objects.all(),
        "received_at",
        {
            k: Coalesce(f"case__{name}_id", f"{name}_id")
            for k, name in zip(DIMENSIONS, cubes.DIMS, strict=True)
        },
    ).annotate(
        f_messages=Count("pk"),
        f_conflict_messages=Count("pk", filter=Q(analysis__has_conflict=True)),
        f_negative_messages=Count("pk", filter=Q(analysis__sentiment="negative")),
    )
    opened = by_day(
        Case.objects.exclude(status=CaseStatus.MERGED), "received_at", CASE_DIMS
    ).annotate(
        f_cases_opened=Count("pk"), f_no_answer=Count("pk", filter=Q(status=CaseStatus.NO_ANSWER))
    )
    first = by_day(Case.objects.all(), "first_response_at", CASE_DIMS).annotate(
        f_first_responses=Count("pk"), **_histogram("first_response_hours", "first_response_at")
    )
    answered = by_day(Case.objects.all(), "published_at", CASE_DIMS).annotate(
        f_answered=Count("pk"),
        f_answered_on_time=Count("pk", filter=measures.on_time_q()),
        **_histogram("answer_hours", "published_at"),
    )
    breached = by_day(
        Case.objects.filter(measures.due_q(now)), "resolution_due", CASE_DIMS
    ).annotate(f_due=Count("pk"), f_breached=Count("pk", filter=measures.breached_q(now)))
    reopens = by_day(CaseEvent.objects.filter(kind="reopen"), "at", _case_dims("case__")).annotate(
        f_reopened=Count("pk")
    )
    moderated = by_day(
        Answer.objects.all(),
        "moderated_at",
        _case_dims("case__", organization="organization_id"),
    ).annotate(
        f_answers_moderated=Count("pk"),
        f_answers_returned=Count("pk", filter=Q(status=AnswerStatus.RETURNED)),
        f_quality_sum=Coalesce(Sum("quality_score"), Value(0)),
        f_quality_count=Count("quality_score"),
    )
    surveys = by_day(Survey.objects.all(), "responded_at", _case_dims("case__")).annotate(
        f_surveys=Count("pk"),
        f_solved=Count("pk", filter=Q(solved=True)),
        f_not_solved=Count("pk", filter=Q(solved=False)),
        f_rating_sum=Coalesce(Sum("rating"), Value(0)),
        f_rating_count=Count("rating"),
    )
    return [messages, opened, first, answered, breached, reopens, moderated, surveys]


def _rollup_sql(start: dt.date, end: dt.date, now: dt.datetime) -> tuple[str, list]:
    """One INSERT … SELECT of the days' rollup rows: the sources side by side (UNION ALL, the
    figures a source has not as 0), summed per day and dimensions."""
    parts, params = [], []
    for qs in sources(start, end, now=now):
        sql, p = qs.order_by().query.sql_with_params()
        have = set(qs.query.annotations)
        cols = ", ".join(
            f"f_{f} AS {f}" if f"f_{f}" in have else f"0 AS {f}" for f in cubes.FIGURES
        )
        parts.append(f"SELECT d, {', '.join(DIMENSIONS)}, {cols} FROM ({sql}) src")  # noqa: S608 — Django's SQL, names from constants
        params += p
    dims = ", ".join(DIMENSIONS)
    columns = ", ".join(("day", *cubes.DIM_COLUMNS, *cubes.FIGURES))
    sums = ", ".join(f"SUM({f})" for f in cubes.FIGURES)
    sql = (
        f"INSERT INTO {DailyRollup._meta.db_table} ({columns}) SELECT d, {dims}, {sums} "  # noqa: S608 — as above
        f"FROM ({' UNION ALL '.join(parts)}) u GROUP BY d, {dims}"
    )
    return sql, params


def _days_replace(start: dt.date, end: dt.date, *, now: dt.datetime, delta: bool = False) -> int:
    """Replace the rollups of the consecutive days ``start``–``end`` (one INSERT … SELECT)
    and their cubes' day rows; ``delta``: the days' month-row changes are collected (the
    rollup rows that changed: ``cubes.delta_*``). Returns how many rollup rows the
    days have now."""
    if delta:
        cubes.delta_keep(start, end)
    DailyRollup.objects.filter(day__gte=start, day__lte=end).delete()
    sql, params = _rollup_sql(start, end, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.rowcount
    cubes.days_refresh(start, end)
    if delta:
        cubes.delta_add(start, end)
    return rows


def _month_replace(month: dt.date, days: list[dt.date], now: dt.datetime) -> int:
    """Replace the rollups of ``days`` (sorted, of ``month``), their cube day rows and the
    month's rows: by difference for a few days, rebuilt from the month's rollups for many."""
    if connection.vendor == "postgresql":
        # the days' rows are grouped in memory (a day's rollups, ~50 wide rows each, spill
        # to disk at the default 4 MB); for this transaction only
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
    delta = cubes.by_difference(month, len(days))
    if delta:
        cubes.delta_begin()
    rows = sum(_days_replace(start, end, now=now, delta=delta) for start, end in _runs(days))
    if delta:
        cubes.delta_apply(month)
    else:
        cubes.month_refresh(month)
    return rows


@transaction.atomic
def rollup_day(day: dt.date, *, now: dt.datetime | None = None) -> int:
    """Replace the rollup rows of ``day`` and its cubes (the day's rows and its month's rows);
    returns how many rollup rows it has now."""
    return _month_replace(cubes.month_start(day), [day], now or timezone.now())


def _days(moments: Iterable[dt.datetime | None]) -> set[dt.date]:
    return {local_day(m) for m in moments if m is not None}


def dirty_days(since: dt.datetime, now: dt.datetime | None = None) -> set[dt.date]:
    """The days whose figures may have changed since ``since``: the days of new or changed
    messages, every day a changed case counts on (its dimensions may have changed), and the
    days of the due times that passed since then (up to ``now``: they count as due now)."""
    now = now or timezone.now()
    days = _days(
        Case.objects.filter(resolution_due__gte=since, resolution_due__lte=now).values_list(
            "resolution_due", flat=True
        )
    )
    days |= _days(
        Message.objects.filter(Q(created_at__gte=since) | Q(updated_at__gte=since)).values_list(
            "received_at", flat=True
        )
    )
    days |= _days(
        Message.objects.filter(analysis__analysed_at__gte=since).values_list(
            "received_at", flat=True
        )
    )
    changed = set(
        Case.objects.filter(
            Q(updated_at__gte=since) | Q(published_at__gte=since) | Q(first_response_at__gte=since)
        ).values_list("pk", flat=True)
    )
    changed |= set(CaseEvent.objects.filter(at__gte=since).values_list("case_id", flat=True))
    changed |= set(Answer.objects.filter(updated_at__gte=since).values_list("case_id", flat=True))
    changed |= set(Survey.objects.filter(updated_at__gte=since).values_list("case_id", flat=True))
    ids = sorted(changed)
    for i in range(0, len(ids), 1000):
        chunk = ids[i : i + 1000]
        for row in Case.objects.filter(pk__in=chunk).values_list(
            "received_at", "first_response_at", "published_at", "resolution_due"
        ):
            days |= _days(row)
        days |= _days(
            CaseEvent.objects.filter(case_id__in=chunk, kind="reopen").values_list("at", flat=True)
        )
        days |= _days(
            Answer.objects.filter(case_id__in=chunk).values_list("moderated_at", flat=True)
        )
        days |= _days(
            Survey.objects.filter(case_id__in=chunk).values_list("responded_at", flat=True)
        )
        days |= _days(
            Message.objects.filter(case_id__in=chunk).values_list("received_at", flat=True)
        )
    return days


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days as ranges of consecutive days."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and runs[-1][1] + dt.timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def rollup_days(days: Iterable[dt.date], *, now: dt.datetime | None = None) -> int:
    """Replace the rollups of ``days``, a month at a time (one transaction per month: its
    days, set-based over each run of consecutive days, then its month rows once)."""
    rows = 0
    now = now or timezone.now()
    for month, in_month in groupby(sorted(set(days)), key=cubes.month_start):
        with transaction.atomic():
            rows += _month_replace(month, list(in_month), now)
    return rows


def rollups_refresh(*, full: bool = False, now: dt.datetime | None = None) -> dict:
    """Recompute the days touched since the last refresh (or every day with data, ``full``)."""
    now = now or timezone.now()
    mark = RollupWatermark.objects.filter(name=WATERMARK).first()
    if full or mark is None:
        first = Message.objects.order_by("received_at").values_list("received_at", flat=True)
        start = first.first()
        days: set[dt.date] = set()
        if start is not None:
            d, last = local_day(start), local_day(now)
            while d <= last:
                days.add(d)
                d += dt.timedelta(days=1)
        days |= set(DailyRollup.objects.values_list("day", flat=True).distinct())
    else:
        days = dirty_days(mark.refreshed_at - OVERLAP, now)
    rows = rollup_days(days, now=now)
    RollupWatermark.objects.update_or_create(name=WATERMARK, defaults={"refreshed_at": now})
    return {"days": len(days), "rows": rows}


# --------------------------------------------------------------------------- ratings
METHODOLOGY_FILE = Path(__file__).resolve().parent / "data" / "rating_methodology.toml"


def methodology_seed() -> bool:
    """The shipped methodology, when the ЦУР has none yet (never overwrites its versions)."""
    import tomllib

    from otklik.analytics.models import RatingMethodology

    if RatingMethodology.objects.exists():
        return False
    data = tomllib.loads(METHODOLOGY_FILE.read_text(encoding="utf-8"))
    RatingMethodology.objects.create(
        version=data["version"],
        description=data["description"].strip(),
        weights=data["weights"],
        min_cases=data["min_cases"],
        parameters=data["parameters"],
        is_active=True,
    )
    return True


@transaction.atomic
def methodology_save(
    *, actor, weights: dict, min_cases: int, parameters: dict | None = None, note: str = ""
):
    """A new version of the methodology with other weights or threshold; it becomes active."""
    from otklik.analytics.models import RatingMethodology
    from otklik.analytics.ratings import INDICATORS
    from otklik.audit.services import audit_log
    from otklik.core.exceptions import ApplicationError
    from otklik.core.permissions import Action, access_check

    access_check(actor, Action.RATING_MANAGE)
    if set(weights) != set(INDICATORS) or any(float(w) < 0 for w in weights.values()):
        raise ApplicationError("Нужны неотрицательные веса всех четырёх показателей.")
    if sum(float(w) for w in weights.values()) <= 0:
        raise ApplicationError("Хотя бы один вес должен быть больше нуля.")
    if min_cases < 1:
        raise ApplicationError("Порог — не меньше одного инцидента.")
    current = RatingMethodology.objects.select_for_update().filter(is_active=True).first()
    base = current.parameters if current else {}
    n = RatingMethodology.objects.count() + 1
    version = str(n)
    while RatingMethodology.objects.filter(version=version).exists():
        n += 1
        version = str(n)
    RatingMethodology.objects.filter(is_active=True).update(is_active=False)
    method = RatingMethodology.objects.create(
        version=version,
        description=(current.description if current else "")
        + (f"\n\nВерсия {version}: {note}" if note else ""),
        weights={k: float(v) for k, v in weights.items()},
        min_cases=min_cases,
        parameters={**base, **(parameters or {})},
        is_active=True,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="rating.methodology",
        target=method,
        data={
            "weights": method.weights,
            "min_cases": min_cases,
            "from": current.version if current else None,
        },
    )
    return method


@transaction.atomic
def rating_publish(*, actor, period):
    """Freeze the rating of ``period`` as it is now (by the active methodology)."""
    from otklik.analytics.models import RatingSnapshot
    from otklik.analytics.selectors import active_methodology, rating_compute
    from otklik.audit.services import audit_log
    from otklik.core.exceptions import ApplicationError
    from otklik.core.permissions import Action, access_check

    access_check(actor, Action.RATING_MANAGE)
    if RatingSnapshot.objects.filter(period_start=period.start, period_end=period.end).exists():
        raise ApplicationError("Рейтинг за этот период уже опубликован и не меняется.")
    if period.end >= timezone.localdate():
        raise ApplicationError("Период ещё не закончился: публиковать рано.")
    method = active_methodology()
    if method is None:
        raise ApplicationError("Нет действующей методики рейтинга.")
    snapshot = RatingSnapshot.objects.create(
        period_start=period.start,
        period_end=period.end,
        methodology=method,
        groups=rating_compute(period, method),
        published_by=actor,
    )
    audit_log(
        actor=actor,
        action="rating.publish",
        target=snapshot,
        data={"from": str(period.start), "to": str(period.end), "methodology": method.version},
    )
    return snapshot


# --------------------------------------------------------------------------- emerging problems
def alerts_refresh(*, today: dt.date | None = None) -> int:
    """Raise the alerts of the week that ended yesterday (periodic, after the rollups)."""
    from otklik.analytics.emerging import alerts_raise

    today = today or timezone.localdate()
    return len(alerts_raise(today - dt.timedelta(days=1)))


@transaction.atomic
def alert_decide(*, actor, alert, confirm: bool):
    """The ЦУР confirms an alert (a problem to work on) or dismisses it."""
    from otklik.analytics.models import Alert, AlertStatus
    from otklik.audit.services import audit_log
    from otklik.core.exceptions import ApplicationError
    from otklik.core.permissions import Action, access_check

    alert = Alert.objects.select_for_update().select_related("topic").get(pk=alert.pk)
    access_check(actor, Action.CASE_MODERATE, alert)
    if alert.status != AlertStatus.NEW:
        raise ApplicationError("По этому сигналу решение уже принято.")
    alert.status = AlertStatus.CONFIRMED if confirm else AlertStatus.DISMISSED
    alert.decided_at = timezone.now()
    alert.decided_by = actor
    alert.save(update_fields=["status", "decided_at", "decided_by"])
    audit_log(actor=actor, action=f"alert.{alert.status}", target=alert, data={})
    return alert


# --------------------------------------------------------------------------- packages
def package_issue(*, actor, s, period, recipient: str = "") -> bytes:
    """The package of materials on request (``report.package_build``), recorded in the audit log
    with the slice, the month and who asked for it."""
    from otklik.analytics.report import package_build
    from otklik.audit.services import audit_log
    from otklik.core.permissions import Action, access_check

    access_check(actor, Action.ANALYTICS_EXPORT)
    with transaction.atomic():
        content = package_build(user=actor, s=s, period=period, recipient=recipient)
        audit_log(
            actor=actor,
            action="analytics.package",
            data={
                "from": str(s.period.start),
                "to": str(s.period.end),
                "filters": {
                    k: getattr(s, k)
                    for k in ("sector", "topic", "municipality", "organization", "channel")
                    if getattr(s, k) is not None
                },
                "month": f"{period.start:%Y-%m}",
                "recipient": recipient,
                "bytes": len(content),
            },
        )
    return content
