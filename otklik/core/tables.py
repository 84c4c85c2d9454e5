"""Reading exported files into rows (column name → value): CSV, XLSX, JSON.

CSV exports of Russian systems come in UTF-8 (often with a BOM) or Windows-1251, separated by
``;`` (Excel with a Russian locale) or ``,``: the encoding is tried in that order (UTF-8 is
strict, so a cp1251 file never passes for it) and the delimiter is sniffed from the header.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from otklik.core.exceptions import ApplicationError

MAX_ROWS = 50_000


class FileReadError(ApplicationError):
    pass


@dataclass(frozen=True)
class Table:
    format: str
    columns: list[str]
    rows: list[dict]  # values: str, or datetime from XLSX cells
    encoding: str = ""
    delimiter: str = ""


def file_format(name: str, data: bytes) -> str:
    lower = name.lower()
    if lower.endswith(".xlsx") or data[:2] == b"PK":
        return "xlsx"
    if lower.endswith(".json") or data.lstrip()[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def read_table(name: str, data: bytes, *, sheet: str = "") -> Table:
    fmt = file_format(name, data)
    table = {"xlsx": _read_xlsx, "json": _read_json, "csv": _read_csv}[fmt](data, sheet=sheet)
    if len(table.rows) > MAX_ROWS:
        raise FileReadError(f"Слишком много строк: {len(table.rows)}, не больше {MAX_ROWS}.")
    return table


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileReadError("Файл не в кодировке UTF-8 или Windows-1251.")  # pragma: no cover


def _read_csv(data: bytes, *, sheet: str = "") -> Table:
    text, encoding = _decode(data)
    header = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(header, delimiters=";,\t|").delimiter
    except csv.Error:
        delimiter = ";" if header.count(";") >= header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise FileReadError(f"CSV не читается: {exc}") from None
    if not lines:
        raise FileReadError("Файл пустой.")
    columns = [c.strip() for c in lines[0]]
    rows = []
    for values in lines[1:]:
        if not any(v.strip() for v in values):
            continue
        rows.append(
            {c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(columns)}
        )
    return Table("csv", columns, rows, encoding=encoding, delimiter=delimiter)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes, *, sheet: str = "") -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileReadError(f"XLSX не читается: {exc.__class__.__name__}.") from None
    try:
        if sheet and sheet not in book.sheetnames:
            raise FileReadError(f"В книге нет листа «{sheet}».")
        ws = book[sheet] if sheet else book.worksheets[0]
        it = ws.iter_rows(values_only=True)
        head = next(it, None)
        if head is None:
            raise FileReadError("Лист пустой.")
        columns = [str(c).strip() if c is not None else "" for c in head]
        rows = []
        for values in it:
            cells = [_cell(v) for v in values]
            if not any(c != "" for c in cells):
                continue
            rows.append({c: (cells[i] if i < len(cells) else "") for i, c in enumerate(columns)})
    finally:
        book.close()
    return Table("xlsx", columns, rows)


def _flatten(obj: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif value is None:
            flat[name] = ""
        elif isinstance(value, bool | int | float):
            flat[name] = json.dumps(value)
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = str(value).strip()
    return flat


def _read_json(data: bytes, *, sheet: str = "") -> Table:
    text, encoding = _decode(data)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileReadError(f"JSON не читается: {exc.msg} (строка {exc.lineno}).") from None
    if isinstance(payload, dict):
        for key in ("messages", "items", "data", "rows", "results"):
            if isinstance(payload.get(key), list):
                payload = payload[key]
                break
        else:
            payload = [payload]
    if not isinstance(payload, list):
        raise FileReadError("JSON: ожидается массив объектов.")
    rows, columns = [], []
    for i, item in enumerate(payload, start=1):
        if not isinstance(item, dict):
            raise FileReadError(f"JSON: элемент {i} — не объект.")
        row = _flatten(item)
        for c in row:
            if c not in columns:
                columns.append(c)
        rows.append(row)
    return Table("json", columns, rows, encoding=encoding)
