"""Reads of the dashboards: everything from the rollups (never the raw tables), in the user's
scope; and the drill-down: the cases behind one number, by the same definitions, from the
raw tables (one page at a time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from otklik.accounts.permissions import Action, access_check, visible_to
from otklik.analytics.models import HOURS_BUCKETS, METRICS, DailyRollup
from otklik.cases.choices import AnswerStatus, CaseStatus
from otklik.cases.models import Case
from otklik.directory.models import Municipality, Organization, Sector, Topic


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


def _rollups(user: Any, s: Slice) -> QuerySet[DailyRollup]:
    access_check(user, Action.ANALYTICS_VIEW)
    return visible_to(DailyRollup.objects.all(), user, Action.ANALYTICS_VIEW).filter(s.q())


SUMS = {m: Sum(m) for m in METRICS}


def _total(qs: QuerySet) -> dict[str, int]:
    raw = qs.aggregate(**SUMS)
    return {k: int(v or 0) for k, v in raw.items()}


def _histogram(qs: QuerySet, name: str) -> list[int]:
    total = [0] * (len(HOURS_BUCKETS) + 1)
    for hist in qs.values_list(name, flat=True):
        for i, n in enumerate(hist or ()):
            total[i] += n
    return total


def median_bound(hist: list[int]) -> int | None:
    """The upper bound (hours) of the bucket holding the median; None without data; the open
    last bucket is shown as more than the last bound."""
    n = sum(hist)
    if not n:
        return None
    seen = 0
    for i, count in enumerate(hist):
        seen += count
        if seen * 2 >= n:
            return HOURS_BUCKETS[i] if i < len(HOURS_BUCKETS) else HOURS_BUCKETS[-1] + 1
    return None


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def derived(t: dict[str, int]) -> dict[str, Any]:
    """The shares and averages the dashboards show, from summed figures."""
    return {
        **t,
        "on_time_share": share(t["answered_on_time"], t["answered"]),
        "returned_share": share(t["answers_returned"], t["answers_moderated"]),
        "quality_avg": round(t["quality_sum"] / t["quality_count"], 2)
        if t["quality_count"]
        else None,
        "solved_share": share(t["solved"], t["solved"] + t["not_solved"]),
        "rating_avg": round(t["rating_sum"] / t["rating_count"], 2) if t["rating_count"] else None,
        "conflict_share": share(t["conflict_messages"], t["messages"]),
    }


def _by(qs: QuerySet, dim: str) -> dict[int | None, dict]:
    out = {}
    for row in qs.values(f"{dim}_id").annotate(**SUMS).order_by():
        key = row.pop(f"{dim}_id")
        out[key] = {k: int(v or 0) for k, v in row.items()}
    return out


def _names(model, ids) -> dict[int, Any]:
    return {o.pk: o for o in model.objects.filter(pk__in=[i for i in ids if i is not None])}


# --------------------------------------------------------------------------- the picture
def picture(*, user: Any, s: Slice) -> dict:
    """Volume and trend by sector and topic, the map of municipalities, the week's top
    problems against the four weeks before."""
    qs = _rollups(user, s)
    before = _rollups(user, replace(s, period=s.period.before()))
    total = derived(_total(qs))
    prev_total = _total(before)
    sectors_now, sectors_before = _by(qs, "sector"), _by(before, "sector")
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
    for day, n in qs.values_list("day").annotate(n=Sum("messages")).order_by("day"):
        monday = day - dt.timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + int(n or 0)
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
    now = _by(_rollups(user, replace(s, period=week)), "topic")
    then = _by(_rollups(user, replace(s, period=history)), "topic")
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
    """Each municipality positioned by its centre, with load per 10,000 residents and the share
    of overdue among answered and breached."""
    by = _by(_rollups(user, s), "municipality")
    out = []
    for m in Municipality.objects.all():
        v = by.get(m.pk, dict.fromkeys(METRICS, 0))
        load = (
            round(v["messages"] * 10_000 / m.population, 2) if m.population and v["messages"] else 0
        )
        out.append(
            {
                "municipality": m,
                "messages": v["messages"],
                "per_10k": load,
                "breached": v["breached"],
                "overdue_share": share(v["breached"], v["answered"] + v["breached"]),
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
    top = max(p["per_10k"] for p in points) or 1
    for p in points:
        p["x"] = round(pad + (p["lon"] - lon0) * k, 1)
        p["y"] = round(pad + (lat1 - p["lat"]) * k, 1)
        p["r"] = round(4 + 20 * (p["per_10k"] / top) ** 0.5, 1)
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
    qs = _rollups(user, s)
    total = derived(_total(qs))
    total["first_response_median_h"] = median_bound(_histogram(qs, "first_response_hours"))
    total["answer_median_h"] = median_bound(_histogram(qs, "answer_hours"))
    orgs = _by(qs, "organization")
    names = _names(Organization, orgs)
    rows = []
    for k, v in orgs.items():
        per = (
            qs.filter(organization_id=k) if k is not None else qs.filter(organization__isnull=True)
        )
        d = derived(v)
        d["organization"] = names.get(k)
        d["id"] = k
        d["answer_median_h"] = median_bound(_histogram(per, "answer_hours"))
        d["first_response_median_h"] = median_bound(_histogram(per, "first_response_hours"))
        rows.append(d)
    rows.sort(key=lambda r: (-(r["breached"]), -(r["answered"])))
    return {"total": total, "by_organization": rows}


def satisfaction(*, user: Any, s: Slice) -> dict:
    qs = _rollups(user, s)
    out = {"total": derived(_total(qs))}
    for dim, model in (("organization", Organization), ("topic", Topic)):
        groups = _by(qs, dim)
        names = _names(model, groups)
        rows = [
            {**derived(v), "obj": names.get(k), "id": k} for k, v in groups.items() if v["surveys"]
        ]
        rows.sort(key=lambda r: r["solved_share"] if r["solved_share"] is not None else 2)
        out[f"by_{dim}"] = rows
    return out


def conflicts(*, user: Any, s: Slice) -> dict:
    qs = _rollups(user, s)
    total = derived(_total(qs))
    by_m = _by(qs, "municipality")
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
    "breached": "Срок нарушен в период",
    "reopened": "Переоткрыты в период",
    "answers_returned": "Ответ возвращён на доработку в период",
    "surveys": "Заявитель ответил на опрос",
    "not_solved": "Заявитель: проблема не решена",
    "solved": "Заявитель: проблема решена",
}


def drill_cases(*, user: Any, s: Slice, metric: str) -> QuerySet[Case]:
    """The cases behind ``metric`` in the slice, from the raw tables, by the definitions of
    ``services.compute_day`` (a case under its current dimensions)."""
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
    cond = {
        "messages": Q(pk__in=Case.objects.filter(within("messages__received_at")).values("pk")),
        "cases_opened": within("received_at") & ~Q(status=CaseStatus.MERGED),
        "conflict_messages": Q(
            pk__in=Case.objects.filter(
                within("messages__received_at"), messages__analysis__has_conflict=True
            ).values("pk")
        ),
        "negative_messages": Q(
            pk__in=Case.objects.filter(
                within("messages__received_at"), messages__analysis__sentiment="negative"
            ).values("pk")
        ),
        "answered": within("published_at"),
        "breached": within("breached_at"),
        "reopened": Q(
            pk__in=Case.objects.filter(within("events__at"), events__kind="reopen").values("pk")
        ),
        "answers_returned": Q(
            pk__in=Case.objects.filter(
                within("answers__moderated_at"), answers__status=AnswerStatus.RETURNED
            ).values("pk")
        ),
        "surveys": Q(pk__in=Case.objects.filter(within("surveys__responded_at")).values("pk")),
        "not_solved": Q(
            pk__in=Case.objects.filter(
                within("surveys__responded_at"), surveys__solved=False
            ).values("pk")
        ),
        "solved": Q(
            pk__in=Case.objects.filter(
                within("surveys__responded_at"), surveys__solved=True
            ).values("pk")
        ),
    }
    if metric in ("answered_on_time", "answered_late"):
        on_time = Q(resolution_due__isnull=True) | Q(published_at__lte=F("resolution_due"))
        qs = qs.filter(within("published_at"))
        qs = qs.filter(on_time) if metric == "answered_on_time" else qs.exclude(on_time)
    else:
        qs = qs.filter(cond[metric])
    return qs.select_related("sector", "topic", "municipality", "organization").order_by(
        "-received_at", "-pk"
    )


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
    qs = DailyRollup.objects.filter(day__gte=period.start, day__lte=period.end)
    by_org = _by(qs, "organization")
    hist: dict[int, list[int]] = {}
    for org, h in qs.filter(answered__gt=0).values_list("organization_id", "answer_hours"):
        acc = hist.setdefault(org, [0] * (len(HOURS_BUCKETS) + 1))
        for i, n in enumerate(h or ()):
            acc[i] += n
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
        median = median_bound(histogram)
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
    groups = snapshot.groups if snapshot else rating_compute(period, method)
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
    groups = snap.groups if snap else rating_compute(prev, method)
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
