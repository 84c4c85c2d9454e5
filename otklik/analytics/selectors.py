"""Reads of the dashboards: everything from the rollups (never the raw tables), in the user's
scope; and the drill-down: the cases behind one number, by the same definitions, from the
raw tables (one page at a time)."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from otklik.analytics import cubes, measures
from otklik.analytics.models import (
    ALL_HIST_COLUMNS,
    HIST_COLUMNS,
    HOURS_BUCKETS,
    METRICS,
    Alert,
    DailyRollup,
    RollupCube,
    empty_histogram,
)
from otklik.cases.choices import AnswerStatus, CaseStatus
from otklik.cases.models import Answer, Case, CaseEvent, Survey
from otklik.core.permissions import Action, Scope, access_check, scope_for, visible_to
from otklik.core.roles import ROLE_SCOPE_FIELD
from otklik.directory.models import Municipality, Organization, Sector, Topic
from otklik.intake.models import Message


@dataclass(frozen=True)
class Period:
    start: dt.date  # inclusive
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def before(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    @classmethod
    def last(cls, days: int, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today - dt.timedelta(days=days - 1), today)


@dataclass(frozen=True)
class Slice:
    """A period and the dimensions chosen (ids; None = all)."""

    period: Period
    sector: int | None = None
    topic: int | None = None
    municipality: int | None = None
    organization: int | None = None
    channel: int | None = None
    extra: dict = field(default_factory=dict)

    def q(self) -> Q:
        q = Q(day__gte=self.period.start, day__lte=self.period.end)
        for name in ("sector", "topic", "municipality", "organization", "channel"):
            value = getattr(self, name)
            if value is not None:
                q &= Q(**{f"{name}_id": value})
        return q


Figures = dict[str, int]


def _scope_dimension(user: Any) -> str | None:
    """The dimension the user's scope filters the rollups by (None: the whole region)."""
    if user is None or scope_for(user, Action.ANALYTICS_VIEW) is not Scope.OWN:
        return None
    return ROLE_SCOPE_FIELD.get(user.role)


def _sums(
    user: Any,
    s: Slice,
    *,
    by: str,
    periods: dict[str, Period] | None = None,
    histograms: bool = False,
) -> dict[str, dict[Any, Figures]]:
    """The figures of the slice summed per value of ``by`` (a dimension, or ``"day"``), for
    each of ``periods`` (tag → period, not overlapping; default: the slice's period under
    ``"now"``), in one query per part of the plan, within the user's scope (``user`` None:
    the whole region, for the ratings).

    Read from the smallest cube that keeps what is grouped, filtered and scoped (month rows
    for the whole months of a period, day rows for the rest; the days of a cube without day
    rows from the daily rollups), else from the daily rollups (``cubes.plan``: one query per
    part, their sums added). ``histograms`` adds the summed hour histograms (``HIST_COLUMNS``)
    under ``"_hist"``."""
    if user is not None:
        access_check(user, Action.ANALYTICS_VIEW)
    periods = periods or {"now": s.period}
    filters = {name: getattr(s, name) for name in cubes.DIMS if getattr(s, name) is not None}
    needed = set(filters) | {d for d in (by, _scope_dimension(user)) if d in cubes.DIMS}
    daily = by == "day"
    parts = cubes.plan(needed, {tag: (p.start, p.end) for tag, p in periods.items()}, daily=daily)
    columns = METRICS + (ALL_HIST_COLUMNS if histograms else ())
    out: dict[str, dict[Any, Figures]] = {tag: {} for tag in periods}
    for part in parts:
        if part.cube is None:
            qs, date = DailyRollup.objects.all(), "day"
        else:
            qs, date = RollupCube.objects.filter(cube=part.cube), "period"
        if user is not None:
            qs = visible_to(qs, user, Action.ANALYTICS_VIEW)
        either = Q(pk__in=[])
        for q in part.when.values():
            either |= q
        qs = qs.filter(either, **{f"{k}_id": v for k, v in filters.items()})
        group = ["tag", date if daily else f"{by}_id"]
        qs = qs.annotate(
            tag=DbCase(*(When(q, then=Value(t)) for t, q in part.when.items()), default=Value(""))
            if len(part.when) > 1
            else Value(next(iter(part.when)))
        )
        for row in qs.values(*group).annotate(**{c: Sum(c) for c in columns}).order_by():
            _into(out[row["tag"]], row[group[1]], row, histograms)
    return out


def _into(groups: dict[Any, Figures], key: Any, row: dict, histograms: bool) -> None:
    """Add a row of sums to the figures of its group (a group may come from several parts)."""
    figures = groups.setdefault(key, dict.fromkeys(METRICS, 0))
    for m in METRICS:
        figures[m] += int(row[m] or 0)
    if histograms:
        hist = figures.setdefault(
            "_hist", {name: [0] * len(cols) for name, cols in HIST_COLUMNS.items()}
        )
        for name, cols in HIST_COLUMNS.items():
            for i, c in enumerate(cols):
                hist[name][i] += int(row[c] or 0)


def _one(user: Any, s: Slice, **kw) -> dict[Any, Figures]:
    return _sums(user, s, **kw)["now"]


def _add(figures: Iterable[Figures]) -> Figures:
    """The sum of groups' figures (the total of a page is the sum of its groups)."""
    total = dict.fromkeys(METRICS, 0)
    for f in figures:
        for m in METRICS:
            total[m] += f[m]
    return total


def median_hours(hist: list[int]) -> float | None:
    """The median (hours) of a histogram over ``HOURS_BUCKETS``: the middle case (the mean of
    the two middle ones for an even count), each estimated inside its bucket as if the
    bucket's cases were spread evenly over it — within a bucket's width (≤ 10 %) of the exact
    median. None without data; in the open last bucket, just above the last bound."""
    n = sum(hist)
    if not n:
        return None
    ranks = (n // 2, n // 2 + 1) if n % 2 == 0 else ((n + 1) // 2,)
    return round(sum(_ranked(hist, r) for r in ranks) / len(ranks), 2)


def _ranked(hist: list[int], rank: int) -> float:
    """The estimated hours of the ``rank``-th shortest case (from 1): in the middle of its
    share of its bucket."""
    seen = 0
    for i, count in enumerate(hist):
        if seen + count >= rank:
            if i >= len(HOURS_BUCKETS):
                return HOURS_BUCKETS[-1] + 1
            low = HOURS_BUCKETS[i - 1] if i else 0.0
            return low + (HOURS_BUCKETS[i] - low) * (rank - seen - 0.5) / count
        seen += count
    raise ValueError(rank)


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def derived(t: dict[str, int]) -> dict[str, Any]:
    """The shares and averages the dashboards show, from summed figures."""
    return {
        **t,
        "answered_late": t["answered"] - t["answered_on_time"],
        "on_time_share": share(t["answered_on_time"], t["answered"]),
        "breached_share": share(t["breached"], t["due"]),
        "returned_share": share(t["answers_returned"], t["answers_moderated"]),
        "quality_avg": round(t["quality_sum"] / t["quality_count"], 2)
        if t["quality_count"]
        else None,
        "solved_share": share(t["solved"], t["solved"] + t["not_solved"]),
        "rating_avg": round(t["rating_sum"] / t["rating_count"], 2) if t["rating_count"] else None,
        "conflict_share": share(t["conflict_messages"], t["messages"]),
    }


def _total(groups: dict[Any, Figures]) -> dict[str, Any]:
    """``derived`` of the groups' sum (read ``histograms=True``), with the two medians of their
    summed hour histograms (``first_response_median_h``, ``answer_median_h``)."""
    total = derived(_add(groups.values()))
    for name in HIST_COLUMNS:
        hist = empty_histogram()
        for v in groups.values():
            for i, n in enumerate(v["_hist"][name]):
                hist[i] += n
        total[name.replace("hours", "median_h")] = median_hours(hist)
    return total


def region_totals(s: Slice) -> dict[str, Any]:
    """The figures of the slice over the whole region, no user's scope (the ЦУР's own
    indicators: ``office.measures``): the sums, the shares and averages of ``derived`` and the
    two medians, under the codes of ``measures.MEASURES``."""
    by = next((d for d in cubes.DIMS if getattr(s, d) is not None), "sector")
    return _total(_one(None, s, by=by, histograms=True))


def per_10k(count: int, population: int | None) -> float | None:
    """``count`` per 10,000 residents; None where the population is unknown: no figure is
    better than a false «0 per 10,000»."""
    return round(count * 10_000 / population, 2) if population else None


def _names(model, ids) -> dict[int, Any]:
    return {o.pk: o for o in model.objects.filter(pk__in=[i for i in ids if i is not None])}


# --------------------------------------------------------------------------- the picture
def picture(*, user: Any, s: Slice) -> dict:
    """Volume and trend by sector and topic, the map of municipalities, the week's top
    problems against the four weeks before."""
    by_sector = _sums(user, s, by="sector", periods={"now": s.period, "before": s.period.before()})
    sectors_now, sectors_before = by_sector["now"], by_sector["before"]
    total = derived(_add(sectors_now.values()))
    prev_total = _add(sectors_before.values())
    sector_objs = _names(Sector, sectors_now)
    by_sector = sorted(
        (
            {
                "sector": sector_objs.get(k),
                "id": k,
                "messages": v["messages"],
                "before": sectors_before.get(k, {}).get("messages", 0),
                "share": share(v["messages"], total["messages"]),
            }
            for k, v in sectors_now.items()
        ),
        key=lambda r: -r["messages"],
    )
    # weekly trend of the period
    weeks: dict[dt.date, int] = {}
    for day, v in sorted(_one(user, s, by="day").items()):
        monday = day - dt.timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + v["messages"]
    return {
        "total": total,
        "before": prev_total,
        "by_sector": by_sector,
        "weeks": sorted(weeks.items()),
        "map": municipality_map(user=user, s=s),
        "top": top_problems(user=user, s=s),
    }


def top_problems(*, user: Any, s: Slice, limit: int = 10) -> list[dict]:
    """Topics of the last week of the period against the mean of the four weeks before it."""
    week = Period(s.period.end - dt.timedelta(days=6), s.period.end)
    history = Period(week.start - dt.timedelta(days=28), week.start - dt.timedelta(days=1))
    both = _sums(user, s, by="topic", periods={"now": week, "then": history})
    now, then = both["now"], both["then"]
    topics = _names(Topic, now)
    rows = []
    for k, v in now.items():
        if k is None or not v["messages"]:
            continue
        mean = then.get(k, {}).get("messages", 0) / 4
        rows.append(
            {
                "topic": topics.get(k),
                "id": k,
                "messages": v["messages"],
                "mean_before": round(mean, 1),
                "growth": round(v["messages"] / mean, 2) if mean else None,
            }
        )
    rows.sort(key=lambda r: (-r["messages"], r["id"]))
    return rows[:limit]


def municipality_map(*, user: Any, s: Slice) -> list[dict]:
    """Each municipality positioned by its centre, with load per 10,000 residents (``per_10k``)
    and the share of breached among the due times that passed in the period (``measures``)."""
    by = _one(user, s, by="municipality")
    out = []
    for m in Municipality.objects.all():
        v = by.get(m.pk, dict.fromkeys(METRICS, 0))
        load = per_10k(v["messages"], m.population)
        out.append(
            {
                "municipality": m,
                "messages": v["messages"],
                "per_10k": load,
                "due": v["due"],
                "breached": v["breached"],
                "overdue_share": share(v["breached"], v["due"]),
                "lat": float(m.latitude),
                "lon": float(m.longitude),
            }
        )
    _place(out)
    return out


def _place(points: list[dict], width: int = 600, height: int = 520, pad: int = 30) -> None:
    """Screen positions (an equirectangular view of the oblast), radius by load, colour by the
    overdue share."""
    if not points:
        return
    lons, lats = [p["lon"] for p in points], [p["lat"] for p in points]
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    kx = (width - 2 * pad) / ((lon1 - lon0) or 1)
    ky = (height - 2 * pad) / ((lat1 - lat0) or 1)
    k = min(kx, ky)
    top = max(p["per_10k"] or 0 for p in points) or 1
    for p in points:
        p["x"] = round(pad + (p["lon"] - lon0) * k, 1)
        p["y"] = round(pad + (lat1 - p["lat"]) * k, 1)
        p["r"] = round(4 + 20 * ((p["per_10k"] or 0) / top) ** 0.5, 1)
        share_ = p["overdue_share"]
        p["tone"] = (
            "off"
            if share_ is None
            else "ok"
            if share_ < 0.05
            else "warn"
            if share_ < 0.2
            else "alert"
        )


# --------------------------------------------------------------------------- processing
def processing(*, user: Any, s: Slice) -> dict:
    orgs = _one(user, s, by="organization", histograms=True)
    total = _total(orgs)
    names = _names(Organization, orgs)
    rows = []
    for k, v in orgs.items():
        hist = v.pop("_hist")
        d = derived(v)
        d["organization"] = names.get(k)
        d["id"] = k
        d["answer_median_h"] = median_hours(hist["answer_hours"])
        d["first_response_median_h"] = median_hours(hist["first_response_hours"])
        rows.append(d)
    rows.sort(key=lambda r: (-(r["breached"]), -(r["answered"])))
    return {"total": total, "by_organization": rows}


def satisfaction(*, user: Any, s: Slice) -> dict:
    out = {}
    for dim, model in (("organization", Organization), ("topic", Topic)):
        groups = _one(user, s, by=dim)
        out.setdefault("total", derived(_add(groups.values())))
        names = _names(model, groups)
        rows = [
            {**derived(v), "obj": names.get(k), "id": k} for k, v in groups.items() if v["surveys"]
        ]
        rows.sort(key=lambda r: r["solved_share"] if r["solved_share"] is not None else 2)
        out[f"by_{dim}"] = rows
    return out


def conflicts(*, user: Any, s: Slice) -> dict:
    by_m = _one(user, s, by="municipality")
    total = derived(_add(by_m.values()))
    names = _names(Municipality, by_m)
    rows = [
        {"municipality": names.get(k), "id": k, **v}
        for k, v in by_m.items()
        if v["conflict_messages"] or v["reopened"]
    ]
    rows.sort(key=lambda r: (-r["conflict_messages"], -r["reopened"]))
    return {"total": total, "by_municipality": rows}


# --------------------------------------------------------------------------- drill-down
DRILL = {
    "messages": "Поступили в период",
    "cases_opened": "Открыты в период",
    "conflict_messages": "С признаками конфликта",
    "negative_messages": "Негативные",
    "answered": "Ответ опубликован в период",
    "answered_on_time": "Ответ опубликован в срок",
    "answered_late": "Ответ опубликован с нарушением срока",
    "due": "Срок ответа истёк в период",
    "breached": "Срок ответа нарушен в период",
    "reopened": "Переоткрыты в период",
    "answers_returned": "Ответ возвращён на доработку в период",
    "surveys": "Заявитель ответил на опрос",
    "not_solved": "Заявитель: проблема не решена",
    "solved": "Заявитель: проблема решена",
}

# How long (ms, PostgreSQL) the drill-down may count its cases: a rare value over a month of
# surveys or messages may need every candidate case read to find a few; the rows are listed
# either way (``core.paging``).
DRILL_COUNT_BUDGET_MS = 150

# The metrics counted at a moment the case itself holds: their cases are listed newest event
# first (``event_at``; along that column's index), the others newest received first.
DRILL_AT = {
    "answered": ("published_at", "Ответ опубликован"),
    "answered_on_time": ("published_at", "Ответ опубликован"),
    "answered_late": ("published_at", "Ответ опубликован"),
    "due": ("resolution_due", "Срок ответа"),
    "breached": ("resolution_due", "Срок ответа"),
}


def drill_cases(*, user: Any, s: Slice, metric: str) -> QuerySet[Case]:
    """The cases behind ``metric`` in the slice, from the raw tables, by the definitions of
    ``services.sources`` (a case under its current dimensions). For the metrics of
    ``DRILL_AT`` each case has ``event_at`` and the newest event comes first (a slice of
    last month's breaches need not pass this month's cases), else newest received first."""
    access_check(user, Action.ANALYTICS_VIEW)
    if metric not in DRILL:
        metric = "cases_opened"
    start = timezone.make_aware(dt.datetime.combine(s.period.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(s.period.end + dt.timedelta(days=1), dt.time.min))

    def within(f: str) -> Q:
        return Q(**{f"{f}__gte": start, f"{f}__lt": end})

    qs = visible_to(Case.objects.all(), user, Action.CASE_VIEW)
    # the analytics scope may be wider than the case scope for no role; both apply
    for name in ("sector", "topic", "municipality", "organization", "channel"):
        value = getattr(s, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    # a metric counted on other rows: the cases among theirs (their case ids, no join back)
    messages = Message.objects.filter(within("received_at"), case__isnull=False)
    surveys = Survey.objects.filter(within("responded_at"))
    cond = {
        "messages": Q(pk__in=messages.values("case_id")),
        "cases_opened": within("received_at") & ~Q(status=CaseStatus.MERGED),
        "conflict_messages": Q(
            pk__in=messages.filter(analysis__has_conflict=True).values("case_id")
        ),
        "negative_messages": Q(
            pk__in=messages.filter(analysis__sentiment="negative").values("case_id")
        ),
        "answered": within("published_at"),
        "due": within("resolution_due") & measures.due_q(timezone.now()),
        "breached": within("resolution_due") & measures.breached_q(timezone.now()),
        "reopened": Q(
            pk__in=CaseEvent.objects.filter(within("at"), kind="reopen").values("case_id")
        ),
        "answers_returned": Q(
            pk__in=Answer.objects.filter(
                within("moderated_at"), status=AnswerStatus.RETURNED
            ).values("case_id")
        ),
        "surveys": Q(pk__in=surveys.values("case_id")),
        "not_solved": Q(pk__in=surveys.filter(solved=False).values("case_id")),
        "solved": Q(pk__in=surveys.filter(solved=True).values("case_id")),
    }
    if metric in ("answered_on_time", "answered_late"):
        on_time = measures.on_time_q()
        qs = qs.filter(within("published_at"))
        qs = qs.filter(on_time) if metric == "answered_on_time" else qs.exclude(on_time)
    else:
        qs = qs.filter(cond[metric])
    qs = qs.select_related("sector", "topic", "municipality", "organization")
    if metric in DRILL_AT:
        at = DRILL_AT[metric][0]
        return qs.annotate(event_at=F(at)).order_by(f"-{at}", "-pk")
    return qs.order_by("-received_at", "-pk")


# --------------------------------------------------------------------------- ratings
PEER_GROUPS = (
    ("regional", "Органы исполнительной власти области"),
    ("urban_okrug", "Городские округа"),
    ("municipal_district", "Муниципальные районы"),
)


def active_methodology():
    from otklik.analytics.models import RatingMethodology

    return RatingMethodology.objects.filter(is_active=True).first()


def _units() -> list[dict]:
    """What is rated: each regional executive body; each municipality with the organisations
    that answer for it (its administration and the administrations of its city districts)."""
    from otklik.directory.choices import MunicipalityKind, OrganizationKind

    units = [
        {
            "key": f"org:{o.code}",
            "name": o.short_name or o.name,
            "group": "regional",
            "orgs": [o.pk],
        }
        for o in Organization.objects.filter(
            kind=OrganizationKind.REGIONAL_BODY, valid_to__isnull=True
        )
    ]
    local: dict[int, list[int]] = {}
    for pk, m in Organization.objects.filter(
        kind__in=[
            OrganizationKind.MUNICIPAL_ADMINISTRATION,
            OrganizationKind.CITY_DISTRICT_ADMINISTRATION,
        ],
        municipality__isnull=False,
    ).values_list("pk", "municipality_id"):
        local.setdefault(m, []).append(pk)
    for m in Municipality.objects.all():
        group = "urban_okrug" if m.kind == MunicipalityKind.URBAN_OKRUG else "municipal_district"
        units.append(
            {"key": f"mo:{m.okato}", "name": m.name, "group": group, "orgs": local.get(m.pk, [])}
        )
    return units


def rating_compute(period: Period, method) -> list[dict]:
    """The leaderboard of ``period`` by ``method`` (a RatingMethodology), from the rollups of
    the whole region: per peer group, units with figures, indicators, index and rank."""
    from otklik.analytics.ratings import Method, evaluate, rank

    m = Method.of(method.version, method.weights, method.min_cases, method.parameters)
    by_org = _one(None, Slice(period=period), by="organization", histograms=True)
    hist = {org: v.pop("_hist")["answer_hours"] for org, v in by_org.items()}
    zero = dict.fromkeys(METRICS, 0)
    groups = {code: {"code": code, "name": name, "rows": []} for code, name in PEER_GROUPS}
    for unit in _units():
        figures = dict(zero)
        histogram = [0] * (len(HOURS_BUCKETS) + 1)
        for org in unit["orgs"]:
            for k, v in by_org.get(org, {}).items():
                figures[k] += v
            for i, n in enumerate(hist.get(org, ())):
                histogram[i] += n
        median = median_hours(histogram)
        row = {
            "key": unit["key"],
            "name": unit["name"],
            "orgs": unit["orgs"],
            "figures": {
                k: figures[k]
                for k in (
                    "cases_opened",
                    "answered",
                    "answered_on_time",
                    "due",
                    "breached",
                    "reopened",
                    "answers_moderated",
                    "answers_returned",
                    "not_solved",
                    "surveys",
                )
            },
            "median_hours": median,
            **evaluate(figures, m, median),
        }
        groups[unit["group"]]["rows"].append(row)
    for g in groups.values():
        rank(g["rows"])
        g["rows"].sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
    return list(groups.values())


RATING_CACHE_SECONDS = 7 * 24 * 3600


def _rollups_state(period: Period) -> str:
    """What the rollups of ``period`` are now, in two numbers: how many rows and the newest id.
    Refreshing a day replaces its rows (new ids, always larger) and removing rows changes the
    count, so any change of the period's rollups changes the pair (read through the index on
    day and id)."""
    r = (
        RollupCube.objects.filter(cube=cubes.code(()))
        .filter(cubes.period_q(period.start, period.end))
        .aggregate(n=Count("pk"), last=Max("pk"))
    )
    return f"{r['n']}.{r['last'] or 0}"


def rating_cached(period: Period, method) -> list[dict]:
    """``rating_compute`` kept in the cache per period and methodology (its version and
    settings) until the rollups of the period change; a fresh copy each time (callers add to
    the rows)."""
    from django.core.cache import cache

    settings = json.dumps(
        [method.weights, method.min_cases, method.parameters], sort_keys=True, default=str
    )
    key = (
        "analytics:rating:"
        + hashlib.sha256(
            f"{method.pk}|{method.version}|{settings}|{period.start}|{period.end}|"
            f"{_rollups_state(period)}".encode()
        ).hexdigest()
    )
    groups = cache.get(key)
    if groups is None:
        groups = rating_compute(period, method)
        cache.set(key, groups, RATING_CACHE_SECONDS)
    return copy.deepcopy(groups)


def rating_board(*, user: Any, period: Period) -> dict:
    """The rating of ``period``: the published snapshot when there is one (frozen), else
    computed now; with each unit's change of place against the period before."""
    from otklik.analytics.models import RatingSnapshot

    access_check(user, Action.ANALYTICS_VIEW)
    snapshot = (
        RatingSnapshot.objects.filter(period_start=period.start, period_end=period.end)
        .select_related("methodology", "published_by")
        .first()
    )
    method = snapshot.methodology if snapshot else active_methodology()
    if method is None:
        return {"groups": [], "method": None, "snapshot": None}
    groups = snapshot.groups if snapshot else rating_cached(period, method)
    before = _previous_ranks(period, method)
    for g in groups:
        for r in g["rows"]:
            was = before.get(r["key"])
            r["previous_rank"] = was
            r["change"] = (was - r["rank"]) if (was and r["rank"]) else None
    return {"groups": groups, "method": method, "snapshot": snapshot}


def _previous_ranks(period: Period, method) -> dict[str, int]:
    from otklik.analytics.models import RatingSnapshot

    prev = _previous_period(period)
    snap = RatingSnapshot.objects.filter(period_start=prev.start, period_end=prev.end).first()
    groups = snap.groups if snap else rating_cached(prev, method)
    return {r["key"]: r["rank"] for g in groups for r in g["rows"] if r["rank"]}


def _previous_period(period: Period) -> Period:
    """The calendar month before a whole month; otherwise the same length just before."""
    if period.start.day == 1 and (period.end + dt.timedelta(days=1)).day == 1:
        end = period.start - dt.timedelta(days=1)
        return Period(end.replace(day=1), end)
    return period.before()


def month(value: str | None, today: dt.date | None = None) -> Period:
    """A calendar month from «YYYY-MM» (the last whole month by default)."""
    today = today or timezone.localdate()
    try:
        year, mon = (int(x) for x in (value or "").split("-"))
        start = dt.date(year, mon, 1)
    except ValueError:
        last = today.replace(day=1) - dt.timedelta(days=1)
        start = last.replace(day=1)
    nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return Period(start, nxt - dt.timedelta(days=1))


# --------------------------------------------------------------------------- alerts
def alert_list(*, user: Any, status: str | None = None) -> QuerySet[Alert]:
    """Alerts of emerging problems in the user's scope (the alerts' own scope lookups)."""
    access_check(user, Action.ANALYTICS_VIEW)
    qs = visible_to(Alert.objects.all(), user, Action.ANALYTICS_VIEW)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("topic", "topic__sector", "municipality", "problem").order_by(
        "-week_end", "-observed", "-pk"
    )
