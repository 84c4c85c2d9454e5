"""Filling the rollups: incrementally (only the days touched since the last refresh) and
idempotently (a day is recomputed whole from the raw tables and replaces its rows, in one
transaction), by the periodic task ``analytics.rollups_refresh``.

A case counts under its current sector, topic, municipality, organisation and channel; a
message without a case under its own. Each figure is counted on the day it happened: received
on the day of receipt, answered on the day of publication, overdue on the day the deadline was
breached, reopened on the day of reopening, a survey on the day of the reply, an answer's
moderation on the day the ЦУР checked it (under the organisation that wrote the answer).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from otklik.analytics.models import (
    HOURS_BUCKETS,
    METRICS,
    DailyRollup,
    RollupWatermark,
    empty_histogram,
)
from otklik.cases.choices import AnswerStatus, CaseStatus
from otklik.cases.models import Answer, Case, CaseEvent, Survey
from otklik.intake.models import Message

WATERMARK = "rollups"
# Changes that arrived a little before the watermark moment (a transaction still open while the
# previous refresh ran) are taken again: the overlap makes the refresh safe, the recompute
# makes it idempotent.
OVERLAP = dt.timedelta(minutes=10)

Key = tuple[int | None, int | None, int | None, int | None, int | None]


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


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def day_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def bucket(hours: float) -> int:
    for i, bound in enumerate(HOURS_BUCKETS):
        if hours <= bound:
            return i
    return len(HOURS_BUCKETS)


def _key(row: dict) -> Key:
    return (row["s"], row["t"], row["m"], row["o"], row["c"])


def compute_day(day: dt.date) -> dict[Key, dict]:
    """Every figure of ``day`` from the raw tables, per combination of the dimensions."""
    start, end = day_range(day)
    rows: dict[Key, dict] = defaultdict(
        lambda: {
            **dict.fromkeys(METRICS, 0),
            "first_response_hours": empty_histogram(),
            "answer_hours": empty_histogram(),
        }
    )
    span = {"gte": start, "lt": end}

    def within(field: str) -> Q:
        return Q(**{f"{field}__{op}": v for op, v in span.items()})

    messages = (
        Message.objects.filter(within("received_at"))
        .values(
            s=Coalesce("case__sector_id", "sector_id"),
            t=Coalesce("case__topic_id", "topic_id"),
            m=Coalesce("case__municipality_id", "municipality_id"),
            o=Coalesce("case__organization_id", "organization_id"),
            c=Coalesce("case__channel_id", "channel_id"),
        )
        .annotate(
            n=Count("pk"),
            conflict=Count("pk", filter=Q(analysis__has_conflict=True)),
            negative=Count("pk", filter=Q(analysis__sentiment="negative")),
        )
    )
    for r in messages:
        row = rows[_key(r)]
        row["messages"] += r["n"]
        row["conflict_messages"] += r["conflict"]
        row["negative_messages"] += r["negative"]

    opened = (
        Case.objects.filter(within("received_at"))
        .exclude(status=CaseStatus.MERGED)
        .values(**CASE_DIMS)
        .annotate(n=Count("pk"), no_answer=Count("pk", filter=Q(status=CaseStatus.NO_ANSWER)))
    )
    for r in opened:
        rows[_key(r)]["cases_opened"] += r["n"]
        rows[_key(r)]["no_answer"] += r["no_answer"]

    for r in Case.objects.filter(within("first_response_at")).values(
        **CASE_DIMS, received=F("received_at"), at=F("first_response_at")
    ):
        row = rows[_key(r)]
        row["first_responses"] += 1
        row["first_response_hours"][bucket((r["at"] - r["received"]).total_seconds() / 3600)] += 1

    for r in Case.objects.filter(within("published_at")).values(
        **CASE_DIMS, received=F("received_at"), at=F("published_at"), due=F("resolution_due")
    ):
        row = rows[_key(r)]
        row["answered"] += 1
        row["answered_on_time"] += r["due"] is None or r["at"] <= r["due"]
        row["answer_hours"][bucket((r["at"] - r["received"]).total_seconds() / 3600)] += 1

    for r in Case.objects.filter(within("breached_at")).values(**CASE_DIMS).annotate(n=Count("pk")):
        rows[_key(r)]["breached"] += r["n"]

    reopens = (
        CaseEvent.objects.filter(within("at"), kind="reopen")
        .values(**_case_dims("case__"))
        .annotate(n=Count("pk"))
    )
    for r in reopens:
        rows[_key(r)]["reopened"] += r["n"]

    moderated = (
        Answer.objects.filter(within("moderated_at"))
        .values(**_case_dims("case__", organization="organization_id"))
        .annotate(
            n=Count("pk"),
            returned=Count("pk", filter=Q(status=AnswerStatus.RETURNED)),
            q_sum=Coalesce(Sum("quality_score"), 0),
            q_n=Count("quality_score"),
        )
    )
    for r in moderated:
        row = rows[_key(r)]
        row["answers_moderated"] += r["n"]
        row["answers_returned"] += r["returned"]
        row["quality_sum"] += r["q_sum"]
        row["quality_count"] += r["q_n"]

    surveys = (
        Survey.objects.filter(within("responded_at"))
        .values(**_case_dims("case__"))
        .annotate(
            n=Count("pk"),
            n_solved=Count("pk", filter=Q(solved=True)),
            n_not_solved=Count("pk", filter=Q(solved=False)),
            r_sum=Coalesce(Sum("rating"), 0),
            r_n=Count("rating"),
        )
    )
    for r in surveys:
        row = rows[_key(r)]
        row["surveys"] += r["n"]
        row["solved"] += r["n_solved"]
        row["not_solved"] += r["n_not_solved"]
        row["rating_sum"] += r["r_sum"]
        row["rating_count"] += r["r_n"]
    return rows


@transaction.atomic
def rollup_day(day: dt.date) -> int:
    """Replace the rollup rows of ``day``; returns how many rows it has now."""
    rows = compute_day(day)
    DailyRollup.objects.filter(day=day).delete()
    DailyRollup.objects.bulk_create(
        [
            DailyRollup(
                day=day,
                sector_id=s,
                topic_id=t,
                municipality_id=m,
                organization_id=o,
                channel_id=c,
                **values,
            )
            for (s, t, m, o, c), values in rows.items()
        ],
        batch_size=1000,
    )
    return len(rows)


def _days(moments: Iterable[dt.datetime | None]) -> set[dt.date]:
    return {local_day(m) for m in moments if m is not None}


def dirty_days(since: dt.datetime) -> set[dt.date]:
    """The days whose figures may have changed since ``since``: the days of new or changed
    messages, and every day a changed case counts on (its dimensions may have changed)."""
    days = _days(
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
            Q(updated_at__gte=since)
            | Q(breached_at__gte=since)
            | Q(published_at__gte=since)
            | Q(first_response_at__gte=since)
        ).values_list("pk", flat=True)
    )
    changed |= set(CaseEvent.objects.filter(at__gte=since).values_list("case_id", flat=True))
    changed |= set(Answer.objects.filter(updated_at__gte=since).values_list("case_id", flat=True))
    changed |= set(Survey.objects.filter(updated_at__gte=since).values_list("case_id", flat=True))
    ids = sorted(changed)
    for i in range(0, len(ids), 1000):
        chunk = ids[i : i + 1000]
        for row in Case.objects.filter(pk__in=chunk).values_list(
            "received_at", "first_response_at", "published_at", "breached_at"
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
        days = dirty_days(mark.refreshed_at - OVERLAP)
    rows = sum(rollup_day(day) for day in sorted(days))
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
    from otklik.accounts.permissions import Action, access_check
    from otklik.analytics.models import RatingMethodology
    from otklik.analytics.ratings import INDICATORS
    from otklik.audit.services import audit_log
    from otklik.core.exceptions import ApplicationError

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
    from otklik.accounts.permissions import Action, access_check
    from otklik.analytics.models import RatingSnapshot
    from otklik.analytics.selectors import active_methodology, rating_compute
    from otklik.audit.services import audit_log
    from otklik.core.exceptions import ApplicationError

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
