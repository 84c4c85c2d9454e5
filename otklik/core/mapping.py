"""Column mappings of imported files, the one language of every import (the channels' exports,
the problems and indicators of an external analytics system, the office's plan and fact).

A mapping is a TOML or JSON document::

    decimal_separator = ","        # optional: "," or "." in CSV text; by default both are read
    sheet = "Лист1"                # optional: the sheet of an XLSX file

    [columns]                      # field = "Source column", or a list of columns joined
    code = "Код показателя"
    description = ["Описание", "Комментарий"]   # several columns: joined by a blank line

    [values.status]                # optional: source value → the value the field takes
    "Решено" = "solved"

    [defaults]                     # optional: a field's value when its column is absent/empty
    project_kind = "national"

Each import names its fields (``fields``: field → what it means, in Russian, for the messages);
a mapping naming another field, or without a required one, is refused with a message in Russian
that names the field and the column. The cell readers here turn what exports write into the
values the registry keeps: numbers with a comma decimal and spaces between thousands
(``number_parse``) and reporting periods written the Russian way (``period_parse``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from otklik.core.exceptions import ApplicationError
from otklik.core.tables import Table, read_table


class MappingError(ApplicationError):
    pass


class CellError(ValueError):
    """A cell that cannot be read (the message says why, in Russian)."""


# --- the document -----------------------------------------------------------------------------
def mapping_document(text: str) -> dict:
    """The parsed TOML or JSON text of a mapping (``MappingError`` when it does not read)."""
    text = text.strip()
    if not text:
        raise MappingError("Сопоставление столбцов пустое.")
    try:
        data = json.loads(text) if text.startswith("{") else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"Сопоставление столбцов не читается: {exc}") from None
    if not isinstance(data, dict):
        raise MappingError("Сопоставление: ожидается объект с разделом columns.")
    return data


def mapping_columns(data: dict, fields: Iterable[str]) -> dict[str, list[str]]:
    """``[columns]``: field → the source columns (a name or a list of names)."""
    if not isinstance(data, dict):
        raise MappingError("Сопоставление: ожидается объект с разделом columns.")
    raw = data.get("columns")
    if not isinstance(raw, dict) or not raw:
        raise MappingError("Сопоставление: нет раздела columns (поле → столбец файла).")
    allowed = set(fields)
    columns: dict[str, list[str]] = {}
    for target, source in raw.items():
        if target not in allowed:
            known = ", ".join(sorted(allowed))
            raise MappingError(f"Сопоставление: неизвестное поле «{target}». Возможны: {known}.")
        names = [source] if isinstance(source, str) else source
        if (
            not isinstance(names, list)
            or not names
            or not all(isinstance(n, str) and n.strip() for n in names)
        ):
            raise MappingError(f"Сопоставление: для поля «{target}» укажите столбец или список.")
        columns[target] = [n.strip() for n in names]
    return columns


def mapping_values(data: dict) -> dict[str, dict[str, str]]:
    """``[values.field]``: source value → the field's value."""
    values = data.get("values", {}) or {}
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise MappingError("Сопоставление: раздел values — таблицы «значение → код» по полям.")
    return {k: {str(a): str(b) for a, b in v.items()} for k, v in values.items()}


# --- a mapping of named fields ----------------------------------------------------------------
@dataclass(frozen=True)
class ColumnMapping:
    columns: dict[str, list[str]]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    decimal_separator: str = ""
    sheet: str = ""
    options: dict[str, Any] = field(default_factory=dict)  # the other top-level keys
    source_text: str = ""


def mapping_parse(
    text: str, *, fields: Mapping[str, str], required: Iterable[str] = ()
) -> ColumnMapping:
    """A mapping of ``fields`` (field → its meaning) from TOML or JSON; every ``required`` field
    needs a column or a default."""
    data = mapping_document(text)
    columns = mapping_columns(data, fields)
    values = mapping_values(data)
    for target in values:
        if target not in fields:
            raise MappingError(f"Сопоставление: values.{target} — нет такого поля.")
    defaults = data.get("defaults", {}) or {}
    if not isinstance(defaults, dict):
        raise MappingError("Сопоставление: раздел defaults — «поле = значение».")
    for target in defaults:
        if target not in fields:
            raise MappingError(f"Сопоставление: defaults.{target} — нет такого поля.")
    for target in required:
        if target not in columns and target not in defaults:
            raise MappingError(
                f"Сопоставление: укажите столбец поля «{target}» ({fields[target]}) "
                f"в разделе columns."
            )
    decimal = str(data.get("decimal_separator", "")).strip()
    if decimal not in ("", ",", "."):
        raise MappingError("Сопоставление: decimal_separator — «,» или «.».")
    options = {
        k: v
        for k, v in data.items()
        if k not in ("columns", "values", "defaults", "decimal_separator", "sheet", "label")
    }
    return ColumnMapping(
        columns=columns,
        values=values,
        defaults={k: str(v) for k, v in defaults.items()},
        decimal_separator=decimal,
        sheet=str(data.get("sheet", "")),
        options=options,
        source_text=text.strip(),
    )


def cell(row: Mapping, names: list[str]) -> Any:
    """The value of ``names`` in ``row``: the one non-empty cell as it is, several joined by a
    blank line, or ``""``."""
    values = [row.get(n, "") for n in names]
    values = [v for v in values if v not in ("", None)]
    if not values:
        return ""
    if len(values) == 1:
        return values[0]
    return "\n\n".join(str(v).strip() for v in values)


def translate(values: Mapping[str, Mapping[str, str]], target: str, value: str) -> str:
    """``value`` through the mapping's ``[values.target]`` table (as it is when not listed)."""
    table = values.get(target, {})
    return table.get(value, table.get(value.strip(), value))


def mapped_rows(table: Table, mapping: ColumnMapping, *, first_line: int = 2) -> list[dict]:
    """The rows of ``table`` as field → value through ``mapping`` (values translated, defaults
    filled). A column the mapping names but the file lacks refuses the file, naming both."""
    present = set(table.columns)
    for target, names in mapping.columns.items():
        missing = [n for n in names if n not in present]
        if missing:
            have = ", ".join(f"«{c}»" for c in table.columns[:30])
            raise MappingError(
                f"В файле нет столбца «{missing[0]}» (поле {target}). Столбцы файла: {have}."
            )
    out = []
    for row in table.rows:
        item: dict[str, Any] = {}
        for target, names in mapping.columns.items():
            value = cell(row, names)
            if isinstance(value, str):
                value = translate(mapping.values, target, value.strip())
            item[target] = value
        for target, value in mapping.defaults.items():
            if item.get(target) in (None, ""):
                item[target] = translate(mapping.values, target, value)
        out.append(item)
    return out


def file_rows(name: str, content: bytes, mapping: ColumnMapping | None) -> tuple[list[dict], str]:
    """The rows of a CSV, XLSX or JSON file as field → value: through ``mapping``, or without
    one by the column names, lower-cased (a file written with the field names); and the decimal
    separator to read its numbers with: the mapping's for a CSV file (text as people typed it),
    none for XLSX and JSON, whose number cells arrive written by a machine («12.5»), so a
    mapping's «,» must not turn them into 125."""
    table = read_table(name, content, sheet=mapping.sheet if mapping else "")
    decimal = mapping.decimal_separator if mapping and table.format == "csv" else ""
    if mapping is not None:
        return mapped_rows(table, mapping), decimal
    rows = [{str(k).strip().lower(): v for k, v in row.items()} for row in table.rows]
    return rows, decimal


# --- numbers ----------------------------------------------------------------------------------
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def number_parse(value: Any, *, decimal: str = "", places: int = 4) -> Decimal | None:
    """A number as exports write it: ``12,5``, ``1 234,5`` (spaces or no-break spaces between
    thousands), ``1.234,5``, ``1,234.5``, ``12.5``, ``−3``, ``12,5 %``; an XLSX cell as it is.
    ``decimal``: the decimal separator when the file says («,» or «.»); by default a lone comma
    or dot is the decimal one and, with both, the last of them. Empty → None."""
    if value is None or isinstance(value, bool):
        return None if value is None else Decimal(int(value))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = _SPACES.sub("", str(value)).replace("\u2212", "-").rstrip("%")
        if not text:
            return None
        if decimal == ",":
            text = text.replace(".", "").replace(",", ".")
        elif decimal == ".":
            text = text.replace(",", "")
        elif "," in text and "." in text:
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(f"не число: «{value}»") from None
        if not number.is_finite():
            raise CellError(f"не число: «{value}»")
    return number.quantize(Decimal(1).scaleb(-places))


# --- periods ----------------------------------------------------------------------------------
_MONTH_STEMS = (
    ("янв", 1),
    ("фев", 2),
    ("мар", 3),
    ("апр", 4),
    ("май", 5),
    ("мая", 5),
    ("июн", 6),
    ("июл", 7),
    ("авг", 8),
    ("сен", 9),
    ("окт", 10),
    ("ноя", 11),
    ("дек", 12),
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR_WORD = re.compile(r"\s*(г\.?|год|года|гг\.?)$")
PERIOD_FORMATS = "«сентябрь 2026», «09.2026», «2026-09», «III кв. 2026», «2026-Q3» или «2026»"


def _month(year: int, month: int, value: Any) -> str:
    if not 1 <= month <= 12:
        raise CellError(f"период «{value}»: нет месяца {month}")
    return f"{year:04d}-{month:02d}"


def period_parse(value: Any) -> str:
    """A reporting period as the office keeps it — month ``2026-09``, quarter ``2026-Q3``, year
    ``2026`` — from what a file writes: «сентябрь 2026», «Сентябрь 2026 г.», «сент. 2026»,
    «09.2026», «9/2026», «01.09.2026» (that month), «2026-09», «III кв. 2026», «3 квартал 2026»,
    «2026-Q3», «Q3 2026», «2026», «2026 год»; an XLSX date is its month; empty → ``""``."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).lower().replace("ё", "е").split())
    text = _YEAR_WORD.sub("", text).strip()
    if not text:
        return ""
    if m := re.fullmatch(r"(\d{4})", text):
        return m[1]
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        return _month(int(m[1]), int(m[2]), value)
    if m := re.fullmatch(r"(\d{1,2})[./](\d{4})", text):
        return _month(int(m[2]), int(m[1]), value)
    if m := re.fullmatch(r"\d{1,2}\.(\d{1,2})\.(\d{4})", text):
        return _month(int(m[2]), int(m[1]), value)
    if m := re.fullmatch(r"(\d{4})\s*-?\s*q([1-4])|q([1-4])\s*-?\s*(\d{4})", text):
        return f"{m[1] or m[4]}-Q{m[2] or m[3]}"
    if m := re.fullmatch(r"(iv|iii|ii|i|[1-4])\s*-?\s*(?:кв\.?|квартал)\s*(\d{4})", text):
        return f"{m[2]}-Q{_ROMAN[m[1]]}"
    if m := re.fullmatch(r"([а-я]+)\.?\s+(\d{4})", text):
        for stem, month in _MONTH_STEMS:
            if m[1].startswith(stem):
                return _month(int(m[2]), month, value)
    raise CellError(f"период «{value}» не распознан: ожидается {PERIOD_FORMATS}")


# --- the mappings shipped with an app -----------------------------------------------------------
def mappings_shipped(directory: Path) -> dict[str, tuple[str, str]]:
    """The example mappings in ``directory``: file name → (its ``label``, its text)."""
    out = {}
    for path in sorted(directory.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        label = str(tomllib.loads(text).get("label", path.stem))
        out[path.name] = (label, text)
    return out
