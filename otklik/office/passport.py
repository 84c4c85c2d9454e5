"""The content of a project passport (decree N 1288 and the regions' regulations modelled on it):
its fields, how the form's text becomes the stored structure, how a passport reads as lines
(for the printable form and for the diff of two versions).

List fields are written one item per line, the parts of an item separated by «|», e.g. a
control point «Договор подряда заключён | 01.03.2027 | Комитет ЖКХ». A date is ДД.ММ.ГГГГ.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from otklik.core.exceptions import ApplicationError


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    parts: tuple[str, ...] = ()  # a list field: the names of an item's parts; () — plain text
    help: str = ""


FIELDS: tuple[Field, ...] = (
    Field("goal", "Цель проекта"),
    Field("tasks", "Задачи", ("task",), "Одна задача в строке."),
    Field("timing", "Сроки реализации", help="Например: 01.01.2027 — 31.12.2028."),
    Field("leader", "Руководитель проекта"),
    Field("administrator", "Администратор проекта"),
    Field("participants", "Участники", ("participant",), "Орган или организация в строке."),
    Field(
        "indicators",
        "Показатели",
        ("code", "base", "targets"),
        "Код показателя | базовое значение | цели по периодам через «;», "
        "например «ЦУР-01 | 62 | 2027-06=75; 2027-12=85».",
    ),
    Field(
        "results",
        "Результаты",
        ("name", "value", "date"),
        "Результат | значение | дата.",
    ),
    Field(
        "control_points",
        "Контрольные точки и мероприятия",
        ("name", "date", "responsible"),
        "Наименование | дата (ДД.ММ.ГГГГ) | ответственный орган.",
    ),
    Field(
        "financing",
        "Финансирование (необязательно)",
        ("source", "year", "amount"),
        "Источник | год | сумма, тыс. руб.",
    ),
    Field("risks", "Риски", ("risk",), "Один риск в строке."),
    Field(
        "national",
        "Связь с национальными проектами",
        ("link",),
        "Национальный или федеральный проект, показатель (код и наименование) — в строке; "
        "например «Формирование комфортной городской среды».",
    ),
    Field("problems", "Региональные проблемы (номера)", ("problem",), "Номер проблемы в строке."),
)
BY_KEY = {f.key: f for f in FIELDS}
DATE_PARTS = frozenset({"date"})


def parse_date(text: str, where: str) -> str:
    try:
        return dt.datetime.strptime(text.strip(), "%d.%m.%Y").date().isoformat()  # noqa: DTZ007
    except ValueError:
        raise ApplicationError(f"{where}: дата «{text}» — ожидается ДД.ММ.ГГГГ.") from None


def _number(text: str, where: str) -> str:
    try:
        return str(Decimal(text.strip().replace(",", ".").replace(" ", "")))
    except InvalidOperation:
        raise ApplicationError(f"{where}: «{text}» — не число.") from None


def _targets(text: str, where: str) -> dict[str, str]:
    out = {}
    for pair in filter(None, (p.strip() for p in text.split(";"))):
        period, sep, value = pair.partition("=")
        if not sep:
            raise ApplicationError(f"{where}: цель «{pair}» — ожидается «период=значение».")
        out[period.strip()] = _number(value, where)
    return out


def _item(field: Field, line: str, where: str) -> dict | str:
    if len(field.parts) == 1:
        return line
    parts = [p.strip() for p in line.split("|")]
    if len(parts) > len(field.parts):
        raise ApplicationError(f"{where}: частей больше, чем {len(field.parts)} (разделитель «|»).")
    parts += [""] * (len(field.parts) - len(parts))
    item = dict(zip(field.parts, parts, strict=True))
    if not item[field.parts[0]]:
        raise ApplicationError(f"{where}: первая часть строки пустая.")
    if item.get("date"):
        item["date"] = parse_date(item["date"], where)
    if field.key == "indicators":
        item["base"] = _number(item["base"], where) if item["base"] else ""
        item["targets"] = _targets(item["targets"], where)
    return item


def content_from_text(values: dict[str, str]) -> dict:
    """The stored content from the form's texts (refused with the line at fault)."""
    content: dict = {}
    for field in FIELDS:
        text = (values.get(field.key) or "").strip()
        if not field.parts:
            content[field.key] = text
            continue
        items = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                items.append(_item(field, line.strip(), f"{field.label}, строка {n}"))
        content[field.key] = items
    for n, number in enumerate(content["problems"], 1):
        if not str(number).lstrip("№ ").isdigit():
            raise ApplicationError(f"Региональные проблемы, строка {n}: «{number}» — не номер.")
    content["problems"] = [int(str(p).lstrip("№ ")) for p in content["problems"]]
    return content


def _ru_date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d.%m.%Y") if iso else ""


def item_text(field: Field, item) -> str:
    if not isinstance(item, dict):
        return str(item)
    values = []
    for part in field.parts:
        value = item.get(part, "")
        if part in DATE_PARTS:
            value = _ru_date(value)
        elif part == "targets":
            value = "; ".join(f"{p}={v}" for p, v in value.items())
        values.append(str(value))
    while values and not values[-1]:
        values.pop()
    return " | ".join(values)


def content_to_text(content: dict) -> dict[str, str]:
    """The form's texts of a stored content (to edit a draft or start a new version)."""
    out = {}
    for field in FIELDS:
        value = content.get(field.key, "" if not field.parts else [])
        out[field.key] = value if not field.parts else "\n".join(item_text(field, i) for i in value)
    return out


# What separates the form's lines and parts: a value given as a structure may not hold it, as
# it is read back through the form's reader (a target's period and value neither «;» nor «=»).
LINE_SEPARATORS = ("|", "\n", "\r")
TARGET_SEPARATORS = (*LINE_SEPARATORS, ";", "=")


def _framed(text: str, where: str, separators: tuple[str, ...]) -> str:
    if any(sep in text for sep in separators):
        names = ["переноса строки", *(f"«{sep}»" for sep in separators if sep not in "\r\n")]
        which = names[0] if len(names) == 1 else "ни " + ", ни ".join(names)
        shown = " ".join(text.split())
        raise ApplicationError(f"{where}: «{shown}» — в значении не может быть {which}.")
    return text


def _part(value, where: str, separators: tuple[str, ...] = LINE_SEPARATORS) -> str:
    return _framed("" if value is None else str(value), where, separators)


def _item_of_structure(field: Field, item, where: str) -> dict | str:
    """An item of a list field given as stored, checked for what its line cannot hold."""
    if len(field.parts) == 1:
        first = item = _part(item, where, ("\n", "\r"))
    else:
        given = item if isinstance(item, dict) else {}
        item = {p: _part(given.get(p), where) for p in field.parts if p != "targets"}
        if "targets" in field.parts:
            item["targets"] = {
                _part(p, where, TARGET_SEPARATORS): _part(v, where, TARGET_SEPARATORS)
                for p, v in (given.get("targets") or {}).items()
            }
        first = item[field.parts[0]]
        if item.get("date"):
            try:
                dt.date.fromisoformat(item["date"])
            except ValueError:
                raise ApplicationError(
                    f"{where}: дата «{item['date']}» — ожидается ГГГГ-ММ-ДД."
                ) from None
    if not first.strip():
        raise ApplicationError(f"{where}: первая часть строки пустая.")
    return item


def texts_from_content(content: dict) -> dict[str, str]:
    """The form's texts of the fields given in the stored structure (as the API takes a
    passport), for the one reader, ``content_from_text``: the same rules and the same messages
    for both (item N of a list is its «строка N»). A date is ГГГГ-ММ-ДД, as stored."""
    texts = {}
    for field in FIELDS:
        if field.key not in content:
            continue
        value = content[field.key]
        if not field.parts:
            texts[field.key] = str(value if value is not None else "")
            continue
        texts[field.key] = "\n".join(
            item_text(field, _item_of_structure(field, item, f"{field.label}, строка {n}"))
            for n, item in enumerate(value or [], 1)
        )
    return texts


def lines(content: dict) -> list[str]:
    """The passport as lines «Раздел: значение» — what the printable form shows and the diff
    compares."""
    out = []
    for field in FIELDS:
        value = content.get(field.key)
        if not value:
            continue
        if not field.parts:
            out.append(f"{field.label}: {value}")
        else:
            out.extend(f"{field.label}: {item_text(field, i)}" for i in value)
    return out


@dataclass(frozen=True)
class DiffLine:
    sign: str  # "+" added, "-" removed, " " unchanged
    text: str


def diff(old: dict, new: dict) -> list[DiffLine]:
    """What a change request changes: the lines removed and added, in passport order, with the
    unchanged lines between them."""
    return diff_lines(lines(old), lines(new))


def diff_lines(old: list[str], new: list[str]) -> list[DiffLine]:
    """The lines removed and added between two versions of a document read as lines (a
    passport, a group's composition), with the unchanged lines between them."""
    out = []
    for line in difflib.ndiff(old, new):
        sign, text = line[0], line[2:]
        if sign in "+- ":
            out.append(DiffLine(sign, text))
    return out


def control_points(content: dict) -> list[dict]:
    return sorted(content.get("control_points", []), key=lambda c: c.get("date") or "9999")
