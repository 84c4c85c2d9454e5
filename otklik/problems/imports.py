"""Loading files into the registry (services: audited, one transaction, idempotent).

**Indicators of national and regional projects** (CSV with a header row, ``,`` or ``;``; or
XLSX, first sheet, header in the first row), one row per indicator and period:

=============  ========================================================  ==========
column         meaning                                                   required
=============  ========================================================  ==========
code           the indicator's code (the key: a re-import updates it)    yes
name           the indicator                                             yes
project        the project's name                                        yes
project_kind   ``national`` / ``regional`` (or «национальный» / ...)     no (national)
unit           unit of measurement                                       no
period         ``2026``, ``2026-Q3`` or ``2026-09``                      no
target         planned value for the period (``12,5`` or ``12.5``)       no
actual         actual value for the period                               no
=============  ========================================================  ==========

**Problems from an external analytics system** (CSV / XLSX as above, or JSON: a list of
objects with the same keys):

=============  =========================================================  ==========
column         meaning                                                    required
=============  =========================================================  ==========
external_id    the problem's id in the external system (the key)          yes
title          the problem                                                yes
sector         sector code (``zhkh``, ``roads`` ...)                      yes
municipalities OKATO codes of municipalities or Volgograd's districts,    no
               separated by ``,`` ``;`` or spaces (JSON: a list)
topics         topic codes, same separators                               no
root_cause     the root cause                                             no
status         a status code or its Russian name («в работе» ...)         no (identified)
description    free text                                                  no
indicators     indicator codes to link, same separators                   no
=============  =========================================================  ==========

Both take a column ``mapping`` (``otklik.core.mapping``: ``[columns] field = "Column"``,
``[values.field]``, ``[defaults]``) for files with other headers, e.g. an «ИАС BI: ЦУР РФ» export;
examples in ``data/mappings/`` (to adapt: their column names are not a published format).
With or without a mapping, periods and numbers are read the Russian way too («сентябрь 2026»,
«III кв. 2026», «1 234,5»), municipalities also by name or alias, sectors and topics by name.

Both take ``dry_run``: everything runs and is then rolled back, so the report says exactly what
a real run would change. A re-import of the same file changes nothing (all rows «unchanged»).
A file with an invalid row changes nothing at all; the report lists the rows and reasons.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
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
from otklik.core.permissions import Action, access_check
from otklik.directory.models import CityDistrict, Municipality, Sector, Topic
from otklik.problems.choices import ProblemSource, ProblemStatus, ProjectKind
from otklik.problems.models import IndicatorValue, Problem, ProjectIndicator

MAX_ROWS = 20_000
RANK = {"unchanged": 0, "updated": 1, "created": 2}


@dataclass
class ImportReport:
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


class _Invalid(Exception):
    pass


INDICATOR_FIELDS = {
    "code": "код показателя",
    "name": "наименование показателя",
    "project": "проект",
    "project_kind": "вид проекта: национальный или региональный",
    "unit": "единица измерения",
    "period": "период",
    "target": "план",
    "actual": "факт",
}
PROBLEM_FIELDS = {
    "external_id": "номер во внешней системе",
    "title": "проблема",
    "sector": "отраслевой блок",
    "municipalities": "муниципальные образования",
    "topics": "темы",
    "root_cause": "коренная причина",
    "status": "состояние",
    "description": "описание",
    "indicators": "показатели",
}
MAPPINGS_DIR = Path(__file__).parent / "data" / "mappings"


def indicators_mapping(text: str) -> ColumnMapping:
    """A column mapping of a file of project indicators (``otklik.core.mapping``)."""
    return mapping_parse(text, fields=INDICATOR_FIELDS, required=("code", "name", "project"))


def problems_mapping(text: str) -> ColumnMapping:
    """A column mapping of a file of problems of an external analytics system."""
    return mapping_parse(text, fields=PROBLEM_FIELDS, required=("external_id", "title", "sector"))


def read_rows(
    name: str, content: bytes, mapping: ColumnMapping | None = None
) -> tuple[list[dict[str, Any]], str]:
    """Rows of a CSV, XLSX or JSON file (the channel imports' reader: encodings, delimiters,
    XLSX cells) as field → value: through ``mapping``, or without one by the fixed English
    column names (lower-cased)."""
    rows, decimal = file_rows(name, content, mapping)
    if len(rows) > MAX_ROWS:
        raise ApplicationError(f"В файле больше {MAX_ROWS} строк.")
    return rows, decimal


def _s(row: dict, key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) and value.strip().startswith("["):  # a JSON list
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return [c for c in re.split(r"[,;\s]+", str(value)) if c]


def _by_names(objects, *attrs: str) -> dict[str, Any]:
    """``objects`` by each of their ``attrs`` and aliases, lower-cased (the first one wins)."""
    out: dict[str, Any] = {}
    for obj in objects:
        names = [getattr(obj, a) for a in attrs] + list(getattr(obj, "aliases", None) or [])
        for n in names:
            if n:
                out.setdefault(str(n).strip().lower(), obj)
    return out


def _items(value: Any, known: dict[str, Any]) -> list[str]:
    """The names in a cell: separated by ``,`` ``;`` or new lines (a JSON list as it is); an item
    not known as a whole is split on spaces (codes written «18410 18415»)."""
    if isinstance(value, str) and value.strip().startswith("["):
        return _codes(value)
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out: list[str] = []
    for item in re.split(r"[,;\n]+", "" if value is None else str(value)):
        item = " ".join(item.split())
        if not item:
            continue
        out.extend([item] if item.lower() in known else item.split())
    return out


def _named(known: dict[str, Any], value: Any, what: str) -> list:
    names = _items(value, known)
    unknown = [n for n in names if n.lower() not in known]
    if unknown:
        raise _Invalid(f"{what}: {', '.join(sorted(set(unknown)))}")
    return list({known[n.lower()].pk: known[n.lower()] for n in names}.values())


class _Places:
    """Municipalities and Volgograd's districts by OKATO code, name, full name or alias."""

    def __init__(self) -> None:
        self.munis = _by_names(Municipality.objects.all(), "okato", "name", "full_name")
        self.districts = _by_names(CityDistrict.objects.all(), "okato", "name")

    def find(self, value: Any) -> tuple[list, list]:
        known = {**self.districts, **self.munis}
        names = _items(value, known)
        unknown = [n for n in names if n.lower() not in known]
        if unknown:
            raise _Invalid(f"неизвестные ОКАТО или МО: {', '.join(sorted(set(unknown)))}")
        munis = {m.pk: m for n in names if (m := self.munis.get(n.lower()))}
        districts = {
            d.pk: d
            for n in names
            if n.lower() not in self.munis and (d := self.districts.get(n.lower()))
        }
        return list(munis.values()), list(districts.values())


def _kind(value: str) -> str:
    v = value.lower()
    if not v or v in ("national", "национальный", "нацпроект", "федеральный"):
        return ProjectKind.NATIONAL
    if v in ("regional", "региональный", "регпроект"):
        return ProjectKind.REGIONAL
    raise _Invalid(f"вид проекта «{value}»: national или regional")


def _status(value: str) -> str:
    v = value.strip().lower()
    if not v:
        return ProblemStatus.IDENTIFIED
    for code, label in ProblemStatus.choices:
        if v in (code, label.lower()):
            return code
    raise _Invalid(f"состояние «{value}»: одно из {', '.join(ProblemStatus.values)}")


def _run(actor, dry_run: bool, body) -> ImportReport:
    """Run ``body(report)`` in a transaction; roll back on a dry run or on any invalid row."""
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        body(report)
        if dry_run or report.errors:
            transaction.set_rollback(True)
    if report.errors and not dry_run:
        # nothing was written: say so in the report of a real run
        report.created, report.updated, report.unchanged = [], [], []
    return report


def indicators_import(
    *,
    actor,
    name: str,
    content: bytes,
    dry_run: bool = False,
    mapping: ColumnMapping | None = None,
) -> ImportReport:
    """Load indicators of national and regional projects (idempotent on code and period)."""
    access_check(actor, Action.PROBLEM_IMPORT)
    rows, decimal = read_rows(name, content, mapping)

    def body(report: ImportReport) -> None:
        seen: dict[str, str] = {}  # code -> created / updated / unchanged in this file
        for n, row in enumerate(rows, start=2):
            try:
                code = _s(row, "code")
                if not code or not _s(row, "name") or not _s(row, "project"):
                    raise _Invalid("нужны code, name и project")
                fields = {
                    "name": _s(row, "name"),
                    "project": _s(row, "project"),
                    "project_kind": _kind(_s(row, "project_kind")),
                    "unit": _s(row, "unit"),
                }
                target = number_parse(row.get("target"), decimal=decimal)
                actual = number_parse(row.get("actual"), decimal=decimal)
                period = period_parse(row.get("period"))
            except (_Invalid, CellError) as exc:
                report.errors.append(f"строка {n}: {exc}")
                continue
            ind = ProjectIndicator.objects.filter(code=code).first()
            state = "unchanged"
            if ind is None:
                ind = ProjectIndicator.objects.create(code=code, **fields)
                state = "created"
            elif any(getattr(ind, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(ind, k, v)
                ind.save()
                state = "updated"
            if period:
                value = IndicatorValue.objects.filter(indicator=ind, period=period).first()
                if value is None:
                    IndicatorValue.objects.create(
                        indicator=ind, period=period, target=target, actual=actual
                    )
                    state = "created" if state == "created" else "updated"
                elif (value.target, value.actual) != (target, actual):
                    value.target, value.actual = target, actual
                    value.save()
                    state = "created" if state == "created" else "updated"
            if RANK[state] > RANK.get(seen.get(code, ""), -1):
                seen[code] = state
        for code, state in seen.items():
            getattr(report, state).append(code)
        if report.changed:
            audit_log(
                actor=actor,
                action="problem.indicators_import",
                data={"file": name, "created": report.created, "updated": report.updated},
            )

    return _run(actor, dry_run, body)


def problems_import(
    *,
    actor,
    name: str,
    content: bytes,
    dry_run: bool = False,
    mapping: ColumnMapping | None = None,
) -> ImportReport:
    """Load problems of an external analytics system (idempotent on external id)."""
    access_check(actor, Action.PROBLEM_IMPORT)
    rows, _ = read_rows(name, content, mapping)
    sectors = _by_names(Sector.objects.all(), "code", "name")
    places = _Places()
    topics_by = _by_names(Topic.objects.all(), "code", "name")

    def body(report: ImportReport) -> None:
        for n, row in enumerate(rows, start=2):
            try:
                ext = _s(row, "external_id")
                title = _s(row, "title")
                if not ext or not title:
                    raise _Invalid("нужны external_id и title")
                sector = sectors.get(_s(row, "sector").lower())
                if sector is None:
                    raise _Invalid(f"нет отраслевого блока «{_s(row, 'sector')}»")
                munis, districts = places.find(row.get("municipalities"))
                topics = _named(topics_by, row.get("topics"), "неизвестные темы")
                ind_codes = _codes(row.get("indicators"))
                indicators = list(ProjectIndicator.objects.filter(code__in=ind_codes))
                if len(indicators) != len(set(ind_codes)):
                    missing = set(ind_codes) - {i.code for i in indicators}
                    raise _Invalid(f"неизвестные показатели: {', '.join(sorted(missing))}")
                fields = {
                    "title": title,
                    "sector": sector,
                    "root_cause": _s(row, "root_cause"),
                    "description": _s(row, "description"),
                    "status": _status(_s(row, "status")),
                }
            except (_Invalid, CellError) as exc:
                report.errors.append(f"строка {n}: {exc}")
                continue
            m2m = {
                "municipalities": munis,
                "city_districts": districts,
                "topics": topics,
                "indicators": indicators,
            }
            problem = Problem.objects.filter(external_id=ext).first()
            if problem is None:
                problem = Problem.objects.create(
                    external_id=ext,
                    source=ProblemSource.IMPORTED,
                    created_by=actor if getattr(actor, "pk", None) else None,
                    **fields,
                )
                for k, v in m2m.items():
                    getattr(problem, k).set(v)
                report.created.append(ext)
                continue
            diff = [k for k, v in fields.items() if getattr(problem, k) != v]
            for k, v in fields.items():
                setattr(problem, k, v)
            if diff:
                problem.save()
            for k, v in m2m.items():
                if set(getattr(problem, k).values_list("pk", flat=True)) != {o.pk for o in v}:
                    getattr(problem, k).set(v)
                    diff.append(k)
            (report.updated if diff else report.unchanged).append(ext)
        if report.changed:
            audit_log(
                actor=actor,
                action="problem.import",
                data={"file": name, "created": report.created, "updated": report.updated},
            )

    return _run(actor, dry_run, body)
