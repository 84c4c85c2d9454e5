"""Exports of the analytics tables: every table the dashboards show, in the page's slice, as
one ``Table`` (title, columns, rows) written by one exporter to XLSX or CSV.

CSV is what Russian Excel opens by a double click: UTF-8 with a BOM (else Excel reads it as
cp1251), ``;`` between fields (the list separator of the Russian locale, where the comma is the
decimal mark) and decimal commas in numbers. XLSX keeps numbers and dates typed.

Case lists carry the case's own text (its title) masked with ``otklik.nlp.masking.mask`` unless
the user may see the authors' personal data (``message_author_visible``); the authors' names,
phones and addresses are never exported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from otklik.analytics import measures, selectors
from otklik.analytics.selectors import Period, Slice

CASES_LIMIT = 10_000  # rows of one case-list export (a larger slice: narrow the filters)


@dataclass(frozen=True)
class Table:
    key: str  # the address of the table: /analytics/export/<key>.xlsx
    title: str
    columns: tuple[str, ...]
    rows: list[tuple]
    caption: str = ""  # the slice in words (period, filters)
    # the measure (``measures.MEASURES``) of each column, None for the others: its definition
    # is the header's note in XLSX
    measures: tuple[str | None, ...] = ()


def _header(columns: Iterable[str | tuple[str, str]]) -> dict:
    """``Table`` keyword arguments from columns given as a plain header or as (measure code,
    suffix): the measure's label (and the suffix: «, %», «, дн.») as the header."""
    names, codes = [], []
    for c in columns:
        if isinstance(c, tuple):
            names.append(measures.label(c[0]) + c[1])
            codes.append(c[0])
        else:
            names.append(c)
            codes.append(None)
    return {"columns": tuple(names), "measures": tuple(codes)}


def _days(hours: float | None) -> float | None:
    """A median in days (one decimal), typed as a number for the spreadsheets."""
    return None if hours is None else round(hours / 24, 1)


# --------------------------------------------------------------------------- the exporter
def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{_local(value):%d.%m.%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def to_csv(table: Table) -> bytes:
    """One table as CSV for Russian Excel: BOM, ``;``, decimal commas, CRLF."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


HEADER_ROW = 4  # rows 1–2: the title and the slice, row 4: the columns, data below


def _sheet_name(title: str, taken: set[str]) -> str:
    name = "".join(" " if c in "[]:*?/\\" else c for c in title)[:31].strip() or "Таблица"
    base, n = name, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def to_xlsx(tables: Iterable[Table]) -> bytes:
    """Tables as one workbook, a sheet each: the title and the slice on top, the columns in
    row ``HEADER_ROW``, the data below it (numbers and dates typed)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_name(table.title, taken))
        ws.cell(1, 1, table.title).font = Font(bold=True, size=13)
        ws.cell(2, 1, table.caption)
        for j, name in enumerate(table.columns, 1):
            ws.cell(HEADER_ROW, j, name).font = Font(bold=True)
            code = table.measures[j - 1] if j <= len(table.measures) else None
            if code:
                ws.cell(HEADER_ROW, j).comment = Comment(measures.definition(code), "Отклик")
            ws.column_dimensions[ws.cell(HEADER_ROW, j).column_letter].width = max(
                10, min(60, len(name) + 4)
            )
        for i, row in enumerate(table.rows, HEADER_ROW + 1):
            for j, value in enumerate(row, 1):
                cell = ws.cell(i, j, _local(value) if isinstance(value, dt.datetime) else value)
                if isinstance(value, dt.datetime):
                    cell.number_format = "DD.MM.YYYY HH:MM"
                elif isinstance(value, dt.date):
                    cell.number_format = "DD.MM.YYYY"
        ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    if not wb.worksheets:
        wb.create_sheet("Пусто")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def render(table: Table, fmt: str) -> bytes:
    return to_xlsx([table]) if fmt == "xlsx" else to_csv(table)


# --------------------------------------------------------------------------- the tables
def _pct(value: float | None) -> int | None:
    """A share as the page shows it (whole per cent)."""
    return None if value is None else round(value * 100)


def _name(obj: Any, default: str) -> str:
    if obj is None:
        return default
    return getattr(obj, "short_name", "") or getattr(obj, "name", "") or str(obj)


def caption(s: Slice) -> str:
    """The slice in words: «Период 02.11.2026 — 12.11.2026; блок: ЖКХ»."""
    from otklik.directory.models import Channel, Municipality, Organization, Sector, Topic

    parts = [f"Период {s.period.start:%d.%m.%Y} — {s.period.end:%d.%m.%Y}"]
    for label, model, pk in (
        ("блок", Sector, s.sector),
        ("тема", Topic, s.topic),
        ("МО", Municipality, s.municipality),
        ("организация", Organization, s.organization),
        ("канал", Channel, s.channel),
    ):
        if pk is not None:
            obj = model.objects.filter(pk=pk).first()
            parts.append(f"{label}: {_name(obj, str(pk))}")
    return "; ".join(parts)


def picture_tables(data: dict, cap: str) -> list[Table]:
    return [
        Table(
            "picture-sectors",
            "По отраслевым блокам",
            ("Блок", "Сообщений", "Доля, %", "Предыдущий период"),
            [
                (_name(r["sector"], "не определён"), r["messages"], _pct(r["share"]), r["before"])
                for r in data["by_sector"]
            ],
            cap,
        ),
        Table(
            "picture-weeks",
            "По неделям",
            ("Неделя с", "Сообщений"),
            [(monday, n) for monday, n in data["weeks"]],
            cap,
        ),
        Table(
            "picture-top",
            "Главные темы недели",
            ("Тема", "За неделю", "В среднем за неделю раньше", "Рост, раз"),
            [
                (_name(r["topic"], "—"), r["messages"], r["mean_before"], r["growth"])
                for r in data["top"]
            ],
            cap,
        ),
        Table(
            "picture-municipalities",
            "Муниципальные образования",
            rows=[
                (
                    p["municipality"].name,
                    p["municipality"].okato,
                    p["messages"],
                    p["per_10k"],
                    p["due"],
                    p["breached"],
                    _pct(p["overdue_share"]),
                )
                for p in data["map"]
            ],
            caption=cap,
            **_header(
                (
                    "МО",
                    "ОКАТО",
                    ("messages", ""),
                    "На 10 000 жителей",
                    ("due", ""),
                    ("breached", ""),
                    ("breached_share", ", %"),
                )
            ),
        ),
    ]


def processing_tables(data: dict, cap: str) -> list[Table]:
    return [
        Table(
            "processing-organizations",
            "Обработка по организациям",
            rows=[
                (
                    _name(r["organization"], "не назначена"),
                    r["answered"],
                    r["answered_on_time"],
                    r["answered_late"],
                    _pct(r["on_time_share"]),
                    _days(r["answer_median_h"]),
                    r["due"],
                    r["breached"],
                    _pct(r["breached_share"]),
                    r["answers_returned"],
                    r["quality_avg"],
                )
                for r in data["by_organization"]
            ],
            caption=cap,
            **_header(
                (
                    "Организация",
                    ("answered", ""),
                    ("answered_on_time", ""),
                    ("answered_late", ""),
                    ("on_time_share", ", %"),
                    ("answer_median_h", ", дн."),
                    ("due", ""),
                    ("breached", ""),
                    ("breached_share", ", %"),
                    ("answers_returned", ""),
                    ("quality_avg", ""),
                )
            ),
        )
    ]


def satisfaction_tables(data: dict, cap: str) -> list[Table]:
    columns = ("{}", "Опросов", "Решена", "Не решена", "Решена, %", "Оценка (1–5)")

    def rows(items, default):
        return [
            (
                _name(r["obj"], default),
                r["surveys"],
                r["solved"],
                r["not_solved"],
                _pct(r["solved_share"]),
                r["rating_avg"],
            )
            for r in items
        ]

    return [
        Table(
            "satisfaction-organizations",
            "Удовлетворённость по организациям",
            ("Организация", *columns[1:]),
            rows(data["by_organization"], "не назначена"),
            cap,
        ),
        Table(
            "satisfaction-topics",
            "Удовлетворённость по темам",
            ("Тема", *columns[1:]),
            rows(data["by_topic"], "не определена"),
            cap,
        ),
    ]


def conflicts_tables(data: dict, cap: str) -> list[Table]:
    return [
        Table(
            "conflicts-municipalities",
            "Конфликты по муниципальным образованиям",
            ("МО", "С признаками конфликта", "Переоткрыто", "Не решена по опросу"),
            [
                (
                    _name(r["municipality"], "не определено"),
                    r["conflict_messages"],
                    r["reopened"],
                    r["not_solved"],
                )
                for r in data["by_municipality"]
            ],
            cap,
        )
    ]


def rating_tables(board: dict, period: Period) -> list[Table]:
    method = board.get("method")
    cap = f"За {period.start:%m.%Y} ({period.start:%d.%m.%Y} — {period.end:%d.%m.%Y})" + (
        f"; методика версии {method.version}" if method else ""
    )
    if board.get("snapshot"):
        cap += "; опубликован, цифры заморожены"
    out = []
    for g in board["groups"]:
        out.append(
            Table(
                f"ratings-{g['code']}",
                f"Рейтинг: {g['name']}",
                (
                    "Место",
                    "Кто",
                    "Индекс",
                    "Изменение места",
                    "Q, %",
                    "S, %",
                    "K, %",
                    "P, %",
                    "Поступило",
                    "Ответов",
                    "В срок",
                    "Возвращено",
                    "Переоткрыто",
                ),
                [
                    (
                        r["rank"],
                        r["name"],
                        r["index"] if r.get("rated") else None,
                        r.get("change"),
                        _pct(r.get("quantity")),
                        _pct(r.get("speed")),
                        _pct(r.get("quality")),
                        _pct(r.get("completeness")),
                        r["figures"]["cases_opened"],
                        r["figures"]["answered"],
                        r["figures"]["answered_on_time"],
                        r["figures"]["answers_returned"],
                        r["figures"]["reopened"],
                    )
                    for r in g["rows"]
                ],
                cap,
            )
        )
    return out


def cases_table(*, user: Any, s: Slice, metric: str) -> Table:
    """The drill-down list behind ``metric``: the case's title masked unless ``user`` may see
    the authors' personal data; no author fields at all."""
    from otklik.intake.selectors import message_author_visible

    if metric not in selectors.DRILL:
        metric = "cases_opened"
    open_text = message_author_visible(user=user)
    if not open_text:
        from otklik.nlp.masking import mask
    rows = []
    qs = selectors.drill_cases(user=user, s=s, metric=metric)
    for c in qs[: CASES_LIMIT + 1]:
        title = c.title if open_text else mask(c.title)
        rows.append(
            (
                c.number,
                c.received_at,
                title,
                _name(c.topic, "") or _name(c.sector, "—"),
                _name(c.municipality, "—"),
                _name(c.organization, "—"),
                c.get_status_display(),
            )
        )
    note = "" if open_text else "; персональные данные в тексте скрыты"
    if len(rows) > CASES_LIMIT:
        rows = rows[:CASES_LIMIT]
        note += f"; показаны первые {CASES_LIMIT:,} инцидентов — сузьте срез".replace(",", " ")
    return Table(
        "cases",
        f"Инциденты: {selectors.DRILL[metric]}",
        ("№", "Поступил", "Суть", "Тема", "МО", "Организация", "Состояние"),
        rows,
        caption(s) + note,
    )


DASHBOARD_TABLES = {
    "picture": (selectors.picture, picture_tables),
    "processing": (selectors.processing, processing_tables),
    "satisfaction": (selectors.satisfaction, satisfaction_tables),
    "conflicts": (selectors.conflicts, conflicts_tables),
}
RATING_KEYS = tuple(f"ratings-{code}" for code, _ in selectors.PEER_GROUPS)
KEYS = (
    "picture-sectors",
    "picture-weeks",
    "picture-top",
    "picture-municipalities",
    "processing-organizations",
    "satisfaction-organizations",
    "satisfaction-topics",
    "conflicts-municipalities",
    *RATING_KEYS,
    "cases",
)


def dashboard_tables(*, user: Any, s: Slice) -> list[Table]:
    """Every table of the four dashboards in the slice ``s``."""
    cap = caption(s)
    out: list[Table] = []
    for selector, build in DASHBOARD_TABLES.values():
        out += build(selector(user=user, s=s), cap)
    return out


def table_get(
    *, user: Any, key: str, s: Slice, period: Period | None = None, metric: str = ""
) -> Table:
    """The table ``key`` as its page shows it: the dashboards' in the slice ``s``, the ratings'
    for the month ``period``, the drill-down's for ``metric`` in ``s``."""
    if key == "cases":
        return cases_table(user=user, s=s, metric=metric)
    if key in RATING_KEYS:
        period = period or selectors.month(None)
        board = selectors.rating_board(user=user, period=period)
        tables = rating_tables(board, period)
    else:
        page = key.split("-", 1)[0]
        if page not in DASHBOARD_TABLES:
            raise KeyError(key)
        selector, build = DASHBOARD_TABLES[page]
        tables = build(selector(user=user, s=s), caption(s))
    for t in tables:
        if t.key == key:
            return t
    raise KeyError(key)
