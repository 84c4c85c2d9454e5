"""Writes on the reference model: the idempotent loader of the versioned data files, edits."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.directory.cache import reference_changed
from otklik.directory.choices import MunicipalityKind, OrganizationKind, SectorCode
from otklik.directory.models import (
    CalendarOverride,
    Channel,
    CityDistrict,
    InputKind,
    Municipality,
    Organization,
    Sector,
    Topic,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
# Files are read in this order: later ones refer to codes defined by earlier ones.
DATA_FILES = (
    "territory.toml",
    "sectors.toml",
    "topics.toml",
    "channels.toml",
    "organizations.toml",
)


class ReferenceDataError(ApplicationError):
    pass


@dataclass
class LoadReport:
    versions: dict[str, str] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, model: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[model] = bucket.get(model, 0) + 1


def _read(data_dir: Path, name: str) -> dict[str, Any]:
    path = data_dir / name
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ReferenceDataError(f"{path}: файл справочника не найден") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(f"{path}: ошибка в файле: {exc}") from exc


def _upsert(report: LoadReport, model, lookup: dict, values: dict):
    """update_or_create that reports whether anything changed (so a reload stays quiet)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.count(model.__name__, "created")
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=[*changed, "updated_at"])
        report.count(model.__name__, "updated")
    else:
        report.count(model.__name__, "unchanged")
    return obj


def _set_m2m(manager, objs) -> None:
    wanted = {o.pk for o in objs}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(objs)


def _dec(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.00001"))
    except Exception as exc:
        raise ReferenceDataError(f"{where}: не число: {value!r}") from exc


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _need(entry: dict, key: str, where: str) -> Any:
    if key not in entry or entry[key] in (None, ""):
        raise ReferenceDataError(f"{where}: нет обязательного поля «{key}»")
    return entry[key]


def _load_territory(report: LoadReport, data: dict) -> None:
    for i, entry in enumerate(data.get("municipality", []), 1):
        where = f"territory.toml municipality #{i}"
        kind = _need(entry, "kind", where)
        if kind not in MunicipalityKind.values:
            raise ReferenceDataError(f"{where}: неизвестный вид «{kind}»")
        _upsert(
            report,
            Municipality,
            {"okato": str(_need(entry, "okato", where))},
            {
                "name": _need(entry, "name", where),
                "full_name": _need(entry, "full_name", where),
                "kind": kind,
                "admin_centre": _need(entry, "admin_centre", where),
                "centre_in_other": bool(entry.get("centre_in_other", False)),
                "latitude": _dec(_need(entry, "lat", where), where),
                "longitude": _dec(_need(entry, "lon", where), where),
                "population": entry.get("population"),
                "population_year": entry.get("population_year"),
                "aliases": list(entry.get("aliases", [])),
            },
        )
    for i, entry in enumerate(data.get("city_district", []), 1):
        where = f"territory.toml city_district #{i}"
        parent = _get(Municipality, "okato", str(_need(entry, "municipality", where)), where)
        _upsert(
            report,
            CityDistrict,
            {"okato": str(_need(entry, "okato", where))},
            {
                "municipality": parent,
                "name": _need(entry, "name", where),
                "area_km2": _dec(entry["area_km2"], where).quantize(Decimal("0.1"))
                if entry.get("area_km2") is not None
                else None,
                "population": entry.get("population"),
                "population_year": entry.get("population_year"),
                "latitude": _dec(_need(entry, "lat", where), where),
                "longitude": _dec(_need(entry, "lon", where), where),
                "aliases": list(entry.get("aliases", [])),
            },
        )


def _get(model, key: str, value: Any, where: str):
    try:
        return model.objects.get(**{key: value})
    except model.DoesNotExist as exc:
        raise ReferenceDataError(
            f"{where}: ссылка на несуществующий {model._meta.verbose_name} «{value}»"
        ) from exc


def _load_sectors(report: LoadReport, data: dict) -> None:
    for i, entry in enumerate(data.get("sector", []), 1):
        where = f"sectors.toml sector #{i}"
        code = _need(entry, "code", where)
        if code not in SectorCode.values:
            raise ReferenceDataError(f"{where}: код «{code}» не из списка {SectorCode.values}")
        _upsert(
            report,
            Sector,
            {"code": code},
            {
                "name": _need(entry, "name", where),
                "description": entry.get("description", ""),
                "order": i,
            },
        )


def _load_topics(report: LoadReport, data: dict) -> None:
    order_in_sector: dict[str, int] = {}
    for i, entry in enumerate(data.get("topic", []), 1):
        where = f"topics.toml topic #{i} ({entry.get('code', '?')})"
        sector = _get(Sector, "code", _need(entry, "sector", where), where)
        order_in_sector[sector.code] = order_in_sector.get(sector.code, 0) + 1
        _upsert(
            report,
            Topic,
            {"code": _need(entry, "code", where)},
            {
                "sector": sector,
                "name": _need(entry, "name", where),
                "totk_code": entry.get("totk_code", ""),
                "description": entry.get("description", ""),
                "examples": list(entry.get("examples", [])),
                "keywords": list(entry.get("keywords", [])),
                "is_active": bool(entry.get("is_active", True)),
                "is_public_infrastructure": bool(entry.get("is_public_infrastructure", False)),
                "order": order_in_sector[sector.code],
            },
        )


def _load_channels(report: LoadReport, data: dict) -> None:
    for i, entry in enumerate(data.get("channel", []), 1):
        where = f"channels.toml channel #{i}"
        _upsert(
            report,
            Channel,
            {"code": _need(entry, "code", where)},
            {
                "name": _need(entry, "name", where),
                "description": entry.get("description", ""),
                "is_public": bool(entry.get("is_public", False)),
                "order": i,
            },
        )
    for i, entry in enumerate(data.get("input_kind", []), 1):
        where = f"channels.toml input_kind #{i}"
        _upsert(
            report,
            InputKind,
            {"code": _need(entry, "code", where)},
            {
                "name": _need(entry, "name", where),
                "legal_basis": entry.get("legal_basis", ""),
                "description": entry.get("description", ""),
                "order": i,
            },
        )


def _load_organizations(report: LoadReport, data: dict) -> None:
    entries = data.get("organization", [])
    # First pass: the rows; second pass: parents and territories (they refer to each other).
    for i, entry in enumerate(entries, 1):
        where = f"organizations.toml organization #{i} ({entry.get('code', '?')})"
        kind = _need(entry, "kind", where)
        if kind not in OrganizationKind.values:
            raise ReferenceDataError(f"{where}: неизвестный вид «{kind}»")
        municipality = (
            _get(Municipality, "okato", str(entry["municipality"]), where)
            if entry.get("municipality")
            else None
        )
        _upsert(
            report,
            Organization,
            {"code": _need(entry, "code", where)},
            {
                "name": _need(entry, "name", where),
                "short_name": entry.get("short_name") or entry["name"],
                "kind": kind,
                "serves_whole_region": bool(entry.get("serves_whole_region", False)),
                "municipality": municipality,
                "address": entry.get("address", ""),
                "email": entry.get("email", ""),
                "phone": entry.get("phone", ""),
                "website": entry.get("website", ""),
                "valid_from": _date(entry.get("valid_from")),
                "valid_to": _date(entry.get("valid_to")),
            },
        )
    for i, entry in enumerate(entries, 1):
        where = f"organizations.toml organization #{i} ({entry['code']})"
        org = Organization.objects.get(code=entry["code"])
        parent = _get(Organization, "code", entry["parent"], where) if entry.get("parent") else None
        if org.parent_id != (parent.pk if parent else None):
            org.parent = parent
            org.save(update_fields=["parent", "updated_at"])
        _set_m2m(org.sectors, [_get(Sector, "code", c, where) for c in entry.get("sectors", [])])
        served = [
            _get(Municipality, "okato", str(c), where) for c in entry.get("municipalities", [])
        ]
        if org.municipality_id and org.municipality not in served:
            served.append(org.municipality)
        _set_m2m(org.municipalities, served)


_LOADERS = {
    "territory.toml": _load_territory,
    "sectors.toml": _load_sectors,
    "topics.toml": _load_topics,
    "channels.toml": _load_channels,
    "organizations.toml": _load_organizations,
}


@transaction.atomic
def reference_data_load(*, actor: Any = None, data_dir: Path = DATA_DIR) -> LoadReport:
    """Load every reference file; loading again updates changed rows and duplicates nothing.

    All or nothing: an error in any file leaves the database as it was.
    """
    report = LoadReport()
    for name in DATA_FILES:
        data = _read(data_dir, name)
        report.versions[name] = str(data.get("version", ""))
        _LOADERS[name](report, data)
    reference_changed()
    audit_log(
        actor=actor,
        action="reference.load",
        data={
            "versions": report.versions,
            "created": report.created,
            "updated": report.updated,
        },
    )
    return report


@transaction.atomic
def topic_update(*, actor: Any, topic: Topic, **changes: Any) -> Topic:
    access_check(actor, Action.REFERENCE_EDIT)
    allowed = {"name", "description", "examples", "keywords", "totk_code", "is_active", "sector"}
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(f"Эти поля темы не меняются здесь: {', '.join(sorted(unknown))}")
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    before = {name: getattr(topic, name) for name in changes}
    for name, value in changes.items():
        setattr(topic, name, value)
    topic.full_clean()
    topic.save()
    reference_changed()
    audit_log(
        actor=actor,
        action="topic.update",
        target=topic,
        data={
            "fields": sorted(changes),
            "before": {k: str(v) for k, v in before.items()},
        },
    )
    return topic


@transaction.atomic
def calendar_override_set(
    *, actor: Any, date: dt.date, is_working: bool, reason: str
) -> CalendarOverride:
    access_check(actor, Action.CALENDAR_EDIT)
    if not reason.strip():
        raise ApplicationError("Укажите основание поправки (например, номер постановления).")
    override, created = CalendarOverride.objects.update_or_create(
        date=date, defaults={"is_working": is_working, "reason": reason.strip()}
    )
    audit_log(
        actor=actor,
        action="calendar.override_set",
        target=override,
        data={
            "date": date.isoformat(),
            "is_working": is_working,
            "created": created,
        },
    )
    return override
