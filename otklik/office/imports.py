"""Plan and fact of the ЦУР's indicators from a file (CSV, XLSX, JSON), through a column mapping
(``otklik.core.mapping``; the example: ``data/mappings/indicators_plan_fact.toml``).

One row is an indicator for a period:

=========  ====================================================================  ==========
field      meaning                                                               required
=========  ====================================================================  ==========
code       the indicator's code (it must exist)                                  yes
period     «сентябрь 2026», «09.2026», «2026-09», «III кв. 2026», «2026-Q3», «2026»  yes
target     the planned value of the period (any indicator)                       no
fact       the fact of the period (entered indicators only: a computed one's     no
           fact comes from the platform's data, a row with it is an error)
evidence   the fact's evidence; or one text for the whole file                   with a fact
=========  ====================================================================  ==========

Without a mapping the columns are these field names. Whoever has ``indicator.manage`` loads;
a block's lead loads the indicators of the block only (a row of another's is an error). All or
nothing: one transaction, and a file with an invalid row changes nothing; the dry run runs the
same and rolls back, so its report is what the real run would do, row by row; the same file
again changes nothing (every row «unchanged»), and writes no audit event.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.mapping import (
    CellError,
    ColumnMapping,
    file_rows,
    mapping_parse,
    number_parse,
    period_parse,
)
from otklik.core.permissions import Action, access_check, can
from otklik.office.choices import IndicatorSource
from otklik.office.models import Indicator, IndicatorFact, IndicatorTarget

FIELDS = {
    "code": "код показателя",
    "period": "период",
    "target": "план",
    "fact": "факт",
    "evidence": "подтверждение факта",
}
MAPPINGS_DIR = Path(__file__).parent / "data" / "mappings"
MAX_UPLOAD = 5 * 1024 * 1024


def indicators_mapping(text: str) -> ColumnMapping:
    """A column mapping of a plan/fact file (``MappingError`` in Russian when it is wrong)."""
    return mapping_parse(text, fields=FIELDS, required=("code", "period"))


@dataclass
class RowOutcome:
    line: int
    status: str  # created | updated | unchanged | error
    code: str = ""
    period: str = ""
    changes: list[str] = field(default_factory=list)
    reason: str = ""


@dataclass
class IndicatorsImport:
    file_name: str
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)

    @property
    def errors(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.status == "error"]

    @property
    def applied(self) -> bool:
        """Whether the run wrote what it reports (a real run of a file without errors)."""
        return not self.dry_run and not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("created", "updated", "unchanged", "error"), 0)
        for r in self.rows:
            counts[r.status] += 1
        return counts

    def as_dict(self) -> dict:
        return {
            "file": self.file_name,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "counts": self.counts,
            "rows": [asdict(r) for r in self.rows],
        }


class _Invalid(Exception):
    pass


def _n(value: Decimal | None) -> str:
    """A value as the ЦУР writes it: «12,5», «1 234»."""
    if value is None:
        return "—"
    return f"{value.normalize():,f}".replace(",", "\u00a0").replace(".", ",")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an XLSX number cell holding a code
    return "" if value is None else str(value).strip()


def _indicator(actor: Any, code: str, indicators: dict[str, Indicator]) -> Indicator:
    indicator = indicators.get(code)
    if indicator is None:
        raise _Invalid(f"нет показателя с кодом «{code}»")
    if not can(actor, Action.INDICATOR_MANAGE, indicator):
        whose = f"блока «{indicator.sector.name}»" if indicator.sector else "ЦУР в целом"
        raise _Invalid(f"показатель {code} — {whose}: нет прав вносить его значения")
    return indicator


def _set_target(indicator: Indicator, period: str, value: Decimal) -> tuple[str, str]:
    row = IndicatorTarget.objects.filter(indicator=indicator, period=period).first()
    if row is None:
        IndicatorTarget.objects.create(indicator=indicator, period=period, value=value)
        return "created", f"план {_n(value)}"
    if row.value == value:
        return "unchanged", ""
    change = f"план {_n(row.value)} → {_n(value)}"
    row.value = value
    row.save(update_fields=["value"])
    return "updated", change


def _set_fact(
    actor: Any, indicator: Indicator, period: str, value: Decimal, evidence: str
) -> tuple[str, str]:
    row = IndicatorFact.objects.filter(indicator=indicator, period=period).first()
    if row is None:
        IndicatorFact.objects.create(
            indicator=indicator,
            period=period,
            value=value,
            computed=False,
            evidence=evidence,
            entered_by=actor if getattr(actor, "pk", None) else None,
        )
        return "created", f"факт {_n(value)}"
    if (row.value, row.evidence, row.computed) == (value, evidence, False):
        return "unchanged", ""
    change = f"факт {_n(row.value)} → {_n(value)}" if row.value != value else "подтверждение факта"
    row.value, row.evidence, row.computed = value, evidence, False
    row.entered_by = actor if getattr(actor, "pk", None) else None
    row.save()
    return "updated", change


def indicators_import(
    *,
    actor: Any,
    name: str,
    content: bytes,
    mapping: ColumnMapping | None = None,
    evidence: str = "",
    dry_run: bool = False,
) -> IndicatorsImport:
    """Load targets and entered facts of indicators; ``evidence``: the fact's evidence for the
    rows without their own (else the mapping's ``evidence``)."""
    access_check(actor, Action.INDICATOR_MANAGE)
    if not content:
        raise ApplicationError("Файл пустой.")
    if len(content) > MAX_UPLOAD:
        raise ApplicationError(f"Файл больше {MAX_UPLOAD // (1024 * 1024)} МБ.")
    rows, decimal = file_rows(name, content, mapping)
    file_evidence = evidence.strip() or _text((mapping.options if mapping else {}).get("evidence"))
    indicators = {i.code: i for i in Indicator.objects.select_related("sector")}
    report = IndicatorsImport(file_name=name, dry_run=dry_run)
    seen: dict[tuple[str, str], int] = {}

    with transaction.atomic():
        for line, row in enumerate(rows, start=2):
            code = _text(row.get("code"))
            outcome = RowOutcome(line, "error", code)
            report.rows.append(outcome)
            try:
                if not code:
                    raise _Invalid("нет кода показателя")
                indicator = _indicator(actor, code, indicators)
                if _text(row.get("period")) == "":
                    raise _Invalid("нет периода")
                outcome.period = period_parse(row.get("period"))
                target = number_parse(row.get("target"), decimal=decimal)
                fact = number_parse(row.get("fact"), decimal=decimal)
                if target is None and fact is None:
                    raise _Invalid("нет ни плана, ни факта")
                proof = _text(row.get("evidence")) or file_evidence
                if fact is not None and indicator.source == IndicatorSource.COMPUTED:
                    raise _Invalid(
                        f"факт показателя {code} рассчитывается по данным платформы, "
                        f"из файла не вносится"
                    )
                if fact is not None and not proof:
                    raise _Invalid("у факта нет подтверждения (документ, ссылка, источник)")
                key = (code, outcome.period)
                if key in seen:
                    raise _Invalid(f"повтор строки {seen[key]}: тот же показатель и период")
                seen[key] = line
            except (_Invalid, CellError) as exc:
                outcome.reason = str(exc)
                continue
            states = []
            parts = []
            if target is not None:
                parts.append(_set_target(indicator, outcome.period, target))
            if fact is not None:
                parts.append(_set_fact(actor, indicator, outcome.period, fact, proof))
            for done, change in parts:
                states.append(done)
                if change:
                    outcome.changes.append(change)
            # new when all it sets is new, unchanged when nothing differs, else updated
            outcome.status = states[0] if len(set(states)) == 1 else "updated"
        changed = [r for r in report.rows if r.status in ("created", "updated")]
        if dry_run or report.errors:
            transaction.set_rollback(True)
        elif changed:
            audit_log(
                actor=actor,
                action="office.indicators_import",
                data={
                    "file": name,
                    "counts": report.counts,
                    "rows": [f"{r.code} {r.period}: {'; '.join(r.changes)}" for r in changed],
                },
            )
    return report
