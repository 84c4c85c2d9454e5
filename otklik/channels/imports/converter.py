"""A row of an imported table → an item of the ingestion format, through the file's mapping;
the stored body of a row (the row, its author columns and the mapping) converted again by the
quarantine's retry (``convert``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from typing import Any

from django.utils import timezone

from otklik.channels.imports.mapping import ImportMapping, MappingError, mapping_from_dict
from otklik.core.mapping import cell, translate
from otklik.directory.models import Municipality, Topic
from otklik.intake.services import ChannelParseError


class RowError(ChannelParseError):
    pass


# --- row → item ---------------------------------------------------------------------------------
class Lookups:
    """Municipalities and topics by every name a file may use (loaded once per import)."""

    def __init__(self) -> None:
        self.municipalities: dict[str, str] = {}
        for m in Municipality.objects.all():
            for name in [m.okato, m.name, m.full_name, *(m.aliases or [])]:
                self.municipalities.setdefault(name.strip().lower(), m.okato)
        self.topics: dict[str, str] = {}
        for t in Topic.objects.all():
            for name in (t.code, t.name, t.totk_code):
                if name:
                    self.topics.setdefault(name.strip().lower(), t.code)


def _datetime(value: Any, mapping: ImportMapping) -> str:
    zone = zoneinfo.ZoneInfo(mapping.timezone)
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time())
    else:
        text = str(value).strip()
        parsed = None
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            for fmt in mapping.date_formats:
                try:
                    parsed = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 — zone set below
                    break
                except ValueError:
                    continue
        if parsed is None:
            raise RowError(
                f"received_at: дата «{text}» не в формате {' или '.join(mapping.date_formats)}."
            )
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=zone)
    return parsed.isoformat()


def row_item(
    row: dict, mapping: ImportMapping, lookups: Lookups, *, columns: list[str] | None = None
) -> dict:
    """One row → an item of the ingestion format (``RowError`` with the reason when it cannot).

    ``columns``: the file's columns (a JSON object may leave out a key the file has)."""
    known = set(columns) if columns is not None else set(row)
    item: dict[str, Any] = {"kind": mapping.kind, "channel": mapping.channel}
    errors: list[str] = []
    for target, names in mapping.columns.items():
        missing = [n for n in names if n not in known]
        if missing:
            errors.append(f"{target}: в файле нет столбца «{missing[0]}».")
            continue
        value = cell(row, names)
        if value == "":
            if target == "text":
                errors.append(f"text: пусто ({', '.join(f'«{n}»' for n in names)}).")
            continue
        if target == "received_at":
            try:
                value = _datetime(value, mapping)
            except RowError as exc:
                errors.append(str(exc))
                continue
        elif isinstance(value, dt.date):
            value = value.isoformat()
        else:
            value = translate(mapping.values, target, str(value))
        if target == "municipality":
            okato = lookups.municipalities.get(value.strip().lower())
            if okato is None:
                errors.append(f"municipality: нет муниципального образования «{value}».")
                continue
            value = okato
        elif target == "topic":
            code = lookups.topics.get(value.strip().lower())
            if code is None:
                errors.append(f"topic: нет темы «{value}».")
                continue
            value = code
        elif target in ("location.lat", "location.lon"):
            value = str(value).replace(",", ".")
        elif target == "author.consent":
            value = str(value).strip().lower() in {"1", "true", "да", "yes", "+"}
        head, _, tail = target.partition(".")
        if tail:
            item.setdefault(head, {})[tail] = value
        else:
            item[head] = value
    if errors:
        raise RowError("\n".join(errors))
    if "external_id" not in item:
        item["external_id"] = row_key(row)
    item["external_id"] = str(item["external_id"]).strip()
    return item


def row_key(row: dict) -> str:
    """An id for a row without one: the hash of its values (stable across re-imports)."""
    canonical = json.dumps(_jsonable(row), ensure_ascii=False, sort_keys=True)
    return "row-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _jsonable(row: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}


def row_body(row: dict, mapping: ImportMapping, *, file_name: str, line: int) -> str:
    """The delivery body of a row: the row as read, with the mapping that reads it. The columns
    of the author's fields are kept apart under ``author``, so the quarantine hides them from
    roles that may not see authors."""
    personal = {n for target, names in mapping.columns.items() if target.startswith("author.")
                for n in names}  # fmt: skip
    values = _jsonable(row)
    return json.dumps(
        {
            "file": file_name,
            "line": line,
            "row": {k: v for k, v in values.items() if k not in personal},
            "author": {k: v for k, v in values.items() if k in personal},
            "mapping": mapping.as_dict(),
        },
        ensure_ascii=False,
    )


def convert(body: str) -> dict:
    """The quarantine's retry of an imported row (the stored or corrected body)."""
    try:
        data = json.loads(body)
        mapping = mapping_from_dict(data["mapping"])
        row = {**data["row"], **data.get("author", {})}
    except (json.JSONDecodeError, KeyError, TypeError, MappingError) as exc:
        raise ChannelParseError(f"Строка импорта не читается: {exc}") from None
    return row_item(row, mapping, Lookups())
