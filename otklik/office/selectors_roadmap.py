"""Reads of the ЦУР's roadmap and of the synchronisation with the national projects; every
list takes the acting user (``office.view``). The roadmap is the whole ЦУР's: whoever reads the
office reads all of it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from otklik.core.exceptions import NotFound
from otklik.core.permissions import Action, access_check, can, visible_to
from otklik.directory.calendar import calendar_from_db
from otklik.office import roadmap
from otklik.office.choices import RoadmapStatus
from otklik.office.models import Indicator, Programme, Project, RoadmapEvent, RoadmapItem
from otklik.problems.models import IndicatorValue, ProjectIndicator


def _items(user: Any) -> QuerySet[RoadmapItem]:
    access_check(user, Action.OFFICE_VIEW)
    return RoadmapItem.objects.select_related("owner", "organization", "done_by").prefetch_related(
        "programmes", "projects"
    )


def _mark(items, today: dt.date) -> list[RoadmapItem]:
    """Each item with ``deadline`` (its due day on the working calendar) and ``overdue``."""
    calendar = calendar_from_db()
    out = []
    for item in items:
        item.deadline = roadmap.deadline(calendar, item.due)
        item.overdue = roadmap.is_overdue(calendar, due=item.due, status=item.status, today=today)
        out.append(item)
    return out


def roadmap_list(
    *,
    user: Any,
    today: dt.date,
    status: str = "",
    owner: Any = None,
    overdue: bool = False,
    programme: Programme | None = None,
) -> list[RoadmapItem]:
    """The roadmap's items by number, each with ``deadline`` and ``overdue``."""
    qs = _items(user)
    if status:
        qs = qs.filter(status=status)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if programme is not None:
        qs = qs.filter(programmes=programme)
    items = _mark(qs.order_by("number"), today)
    return [i for i in items if i.overdue] if overdue else items


def roadmap_get(*, user: Any, pk: int, today: dt.date) -> RoadmapItem:
    item = _items(user).filter(pk=pk).first()
    if item is None:
        raise NotFound("Нет такого пункта дорожной карты.")
    return _mark([item], today)[0]


def roadmap_history(item: RoadmapItem) -> QuerySet[RoadmapEvent]:
    return item.events.select_related("actor").order_by("at", "pk")


def roadmap_sections(items: list[RoadmapItem]) -> list[tuple[str, list[RoadmapItem]]]:
    """The items grouped by section, the sections in the order of their first item."""
    sections: dict[str, list[RoadmapItem]] = {}
    for item in sorted(items, key=lambda i: i.number):
        sections.setdefault(item.section, []).append(item)
    return list(sections.items())


def roadmap_counters(items: list[RoadmapItem]) -> dict[str, int]:
    """How many items, in each state, and overdue."""
    by = Counter(i.status for i in items)
    return {
        "total": len(items),
        **{s: by.get(s, 0) for s in RoadmapStatus.values},
        "overdue": sum(1 for i in items if i.overdue),
    }


def roadmap_overdue(*, user: Any, today: dt.date, owner: Any = None) -> list[RoadmapItem]:
    """Items past their working deadline and not done nor cancelled (of ``owner``)."""
    active = [RoadmapStatus.PLANNED, RoadmapStatus.IN_WORK]
    qs = _items(user).filter(status__in=active, due__lt=today)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return [i for i in _mark(qs.order_by("due", "number"), today) if i.overdue]


# --------------------------------------------------------------------------- programmes
def programme_list(*, user: Any) -> QuerySet[Programme]:
    access_check(user, Action.OFFICE_VIEW)
    return Programme.objects.select_related("parent").prefetch_related("sectors")


def programme_get(*, user: Any, pk: int) -> Programme:
    programme = programme_list(user=user).filter(pk=pk).first()
    if programme is None:
        raise NotFound("Нет такой программы.")
    return programme


@dataclass
class NationalRow:
    """An indicator of a national project with its latest plan and fact (a period with
    both) and its lag: the share of the plan not reached, 0 when reached (more is better,
    as the imported indicators are read by the priority score)."""

    indicator: ProjectIndicator
    period: str = ""
    target: Decimal | None = None
    actual: Decimal | None = None
    lag: Decimal | None = None  # percent


def national_rows(indicators) -> list[NationalRow]:
    rows = []
    for ind in indicators:
        values = [
            v
            for v in ind.values.all()
            if v.target is not None and v.actual is not None and v.target > 0
        ]
        row = NationalRow(ind)
        if values:
            latest = max(values, key=lambda v: v.period)
            row.period, row.target, row.actual = latest.period, latest.target, latest.actual
            share = max(Decimal(0), (latest.target - latest.actual) / latest.target)
            row.lag = (share * 100).quantize(Decimal("0.1"))
        rows.append(row)
    return rows


@dataclass
class SyncRow:
    programme: Programme
    projects: list[Project] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    items: list[RoadmapItem] = field(default_factory=list)
    national: list[NationalRow] = field(default_factory=list)
    form: Any = None  # the page's form of its links, for the executor

    @property
    def lag(self) -> Decimal | None:
        """The mean lag of its national indicators that have plan and fact."""
        lags = [r.lag for r in self.national if r.lag is not None]
        return (sum(lags) / len(lags)).quantize(Decimal("0.1")) if lags else None


def sync_overview(*, user: Any, today: dt.date) -> list[SyncRow]:
    """Per programme: its linked projects (those the user sees), indicators of the ЦУР,
    roadmap items, and the plan/fact lag of its linked national indicators."""
    values = IndicatorValue.objects.order_by("period")
    programmes = programme_list(user=user).prefetch_related(
        Prefetch(
            "projects",
            queryset=visible_to(Project.objects.all(), user, Action.OFFICE_VIEW).select_related(
                "sector"
            ),
        ),
        Prefetch("indicators", queryset=Indicator.objects.select_related("sector")),
        Prefetch(
            "national_indicators",
            queryset=ProjectIndicator.objects.prefetch_related(Prefetch("values", values)),
        ),
        Prefetch("roadmap_items", queryset=RoadmapItem.objects.select_related("owner")),
    )
    return [
        SyncRow(
            programme=p,
            projects=list(p.projects.all()),
            indicators=list(p.indicators.all()),
            items=_mark(sorted(p.roadmap_items.all(), key=lambda i: i.number), today),
            national=national_rows(p.national_indicators.all()),
        )
        for p in programmes
    ]


def linkable_indicators(*, user: Any) -> QuerySet[Indicator]:
    """The ЦУР's indicators ``user`` may link to programmes: all for the executor, else those
    the user keeps (``indicator.manage``: a sector lead its block's)."""
    access_check(user, Action.OFFICE_VIEW)
    qs = Indicator.objects.select_related("sector").order_by("kind", "code")
    if can(user, Action.ROADMAP_MANAGE):
        return qs
    return visible_to(qs, user, Action.INDICATOR_MANAGE)


def project_links(project: Project) -> dict:
    """A project's programmes and national indicators (with their lag) for its page."""
    indicators = project.national_indicators.prefetch_related(
        Prefetch("values", IndicatorValue.objects.order_by("period"))
    )
    return {
        "programmes": list(project.programmes.select_related("parent")),
        "national": national_rows(indicators),
    }
