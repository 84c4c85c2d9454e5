"""Emerging problems: a topic that grows unusually in one municipality against its own history.

For each (topic, municipality) with at least ``min_count`` messages in the week, the expected
count is the larger of

- the **same season last year** (the mean weekly count in the five weeks around the same week a
  year before), when the rollups go back that far; and
- the **recent level scaled by the region's wave**: the mean weekly count of the previous
  ``history_weeks`` weeks in that municipality, multiplied by how much the topic grew in the
  rest of the region over the same span. Heating complaints rising everywhere in October scale
  every area's expectation, so only an area that rises far above the region fires — which
  makes the detector aware of seasons even in the platform's first year.

An alert fires when the observed count is at least ``ratio`` × expected and a Poisson test
gives a probability below ``p_max`` that the count is chance. Counts come from the rollups.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from scipy.stats import poisson

from otklik.analytics.models import Alert, AlertStatus, DailyRollup


@dataclass(frozen=True)
class Params:
    min_count: int = 5
    ratio: float = 2.0
    p_max: float = 0.001
    history_weeks: int = 8
    floor: float = 0.5  # the least expected weekly count (a topic never seen in an area)


def _counts(start: dt.date, end: dt.date) -> dict[tuple[int, int], int]:
    rows = (
        DailyRollup.objects.filter(
            day__gte=start, day__lte=end, topic__isnull=False, municipality__isnull=False
        )
        .values_list("topic_id", "municipality_id")
        .annotate(n=Sum("messages"))
        .order_by()
    )
    return {(t, m): int(n or 0) for t, m, n in rows}


def _by_topic(counts: dict[tuple[int, int], int]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for (t, _), n in counts.items():
        out[t] += n
    return out


@dataclass(frozen=True)
class Finding:
    topic_id: int
    municipality_id: int
    observed: int
    expected: float
    seasonal: bool
    p_value: float


def detect(week_end: dt.date, params: Params | None = None) -> list[Finding]:
    """The unusual growths of the week ending ``week_end`` (no database writes)."""
    p = params or Params()
    week_start = week_end - dt.timedelta(days=6)
    now = _counts(week_start, week_end)
    hist_end = week_start - dt.timedelta(days=1)
    hist_start = week_start - dt.timedelta(weeks=p.history_weeks)
    recent = _counts(hist_start, hist_end)
    region_now, region_recent = _by_topic(now), _by_topic(recent)
    year_ago = week_end - dt.timedelta(days=364)
    season_start, season_end = year_ago - dt.timedelta(days=20), year_ago + dt.timedelta(days=14)
    has_last_year = DailyRollup.objects.filter(day__lte=year_ago).exists()
    season = _counts(season_start, season_end) if has_last_year else {}
    out = []
    for (topic, muni), observed in now.items():
        if observed < p.min_count:
            continue
        recent_mean = recent.get((topic, muni), 0) / p.history_weeks
        # the rest of the region: how much the topic grew there (smoothed)
        rest_now = region_now[topic] - observed
        rest_recent = (region_recent.get(topic, 0) - recent.get((topic, muni), 0)) / p.history_weeks
        wave = (rest_now + 1) / (rest_recent + 1)
        expected = max(recent_mean * wave, p.floor)
        seasonal = (topic, muni) in season
        if seasonal:
            expected = max(expected, season[(topic, muni)] / 5)
        p_value = float(poisson.sf(observed - 1, expected))
        if observed >= p.ratio * expected and p_value < p.p_max:
            out.append(Finding(topic, muni, observed, round(expected, 2), seasonal, p_value))
    out.sort(key=lambda f: f.p_value)
    return out


def alerts_raise(week_end: dt.date, params: Params | None = None) -> list[Alert]:
    """Store the week's findings as alerts (once per topic, area and week; a dismissed alert
    is not raised again for the same week)."""
    raised = []
    for f in detect(week_end, params):
        alert, created = Alert.objects.get_or_create(
            topic_id=f.topic_id,
            municipality_id=f.municipality_id,
            week_end=week_end,
            defaults={
                "week_start": week_end - dt.timedelta(days=6),
                "observed": f.observed,
                "expected": f.expected,
                "seasonal": f.seasonal,
                "p_value": f.p_value,
            },
        )
        if created:
            raised.append(alert)
        elif alert.status == AlertStatus.NEW and alert.observed != f.observed:
            Alert.objects.filter(pk=alert.pk).update(
                observed=f.observed, expected=f.expected, p_value=f.p_value
            )
    return raised
