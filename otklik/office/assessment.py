"""The assessment of the sector blocks' leads for a period (regulation § 4.1), defined once.

Per block, three components, each a share from 0 to 1:

- **indicators**: of the block's approved indicators with both a plan and a fact for the period,
  the share fulfilled (by each indicator's direction);
- **reports**: of the block's projects' progress reports for the period, the share sent for
  agreement by their due day (the first sending counts; one never sent is late);
- **answers**: the block's share of answers published in time (the indicator measure
  ``on_time_share`` over the block, as the analytics define it).

The score is their weighted mean over the components that have data (weights ``WEIGHTS``),
0–100 to two decimals; a block without any has no score and ranks last. The reasons say each
component's figure and what it was taken from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from otklik.approvals.models import ApprovalEvent
from otklik.directory.models import Sector
from otklik.office import periods
from otklik.office.choices import IndicatorState, PlanStatus
from otklik.office.measures import measure_value
from otklik.office.models import Block, Indicator, ProgressReport

WEIGHTS = {"indicators": 40, "reports": 30, "answers": 30}
LABELS = {
    "indicators": "Показатели блока выполнены",
    "reports": "Отчёты представлены в срок",
    "answers": "Ответы заявителям в срок",
}


def _indicators(sector: Sector, period: str) -> tuple[float | None, str]:
    from otklik.office.selectors import indicator_board

    indicators = list(
        Indicator.objects.filter(sector=sector, state=IndicatorState.APPROVED).prefetch_related(
            "targets"
        )
    )
    rows = [r for r in indicator_board(indicators, period, months=1) if r["status"] != "none"]
    done = sum(r["status"] == PlanStatus.DONE for r in rows)
    if not rows:
        return None, "нет показателей с планом и фактом"
    return done / len(rows), f"{done} из {len(rows)}"


def _reports(sector: Sector, period: str) -> tuple[float | None, str]:
    reports = list(ProgressReport.objects.filter(project__sector=sector, period=period))
    if not reports:
        return None, "отчётов за период нет"
    first_sent: dict[str, dt.datetime] = {}
    for event in ApprovalEvent.objects.filter(
        approval__kind="report",
        approval__target_id__in=[str(r.pk) for r in reports],
        decision="submit",
    ).values("approval__target_id", "at"):
        key = event["approval__target_id"]
        if key not in first_sent or event["at"] < first_sent[key]:
            first_sent[key] = event["at"]
    on_time = sum(
        1
        for r in reports
        if str(r.pk) in first_sent and timezone.localdate(first_sent[str(r.pk)]) <= r.due
    )
    return on_time / len(reports), f"{on_time} из {len(reports)}"


def _answers(sector: Sector, period: str) -> tuple[float | None, str]:
    start, end = periods.bounds(period)
    value = measure_value("on_time_share", start=start, end=end, sector_id=sector.pk)
    if value is None:
        return None, "ответов в периоде нет"
    return float(value) / 100, f"{value} %"


def scorecard(period: str) -> list[dict]:
    """Every block's row, ranked: the highest score first, blocks without a score last."""
    rows = []
    for block in Block.objects.select_related("sector", "lead"):
        sector = block.sector
        parts = {
            "indicators": _indicators(sector, period),
            "reports": _reports(sector, period),
            "answers": _answers(sector, period),
        }
        weight = sum(WEIGHTS[k] for k, (v, _) in parts.items() if v is not None)
        score = (
            (
                Decimal(sum(WEIGHTS[k] * v for k, (v, _) in parts.items() if v is not None))
                * 100
                / weight
            ).quantize(Decimal("0.01"))
            if weight
            else None
        )
        rows.append(
            {
                "sector": sector.code,
                "block": sector.name,
                "lead": (block.lead.get_full_name() or block.lead.username) if block.lead else "",
                "score": None if score is None else str(score),
                "components": {
                    k: None if v is None else round(v * 100, 2) for k, (v, _) in parts.items()
                },
                "reasons": [f"{LABELS[k]}: {text}" for k, (_, text) in parts.items()],
            }
        )
    rows.sort(key=lambda r: (r["score"] is None, -Decimal(r["score"] or 0), r["sector"]))
    for n, row in enumerate(rows, 1):
        row["rank"] = n if row["score"] is not None else None
    return rows
