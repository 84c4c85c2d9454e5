"""The monthly report for the curator (PDF with charts) and the package of materials on request
(ZIP: the report, the XLSX of every table, a README).

The PDF is drawn by fpdf2 (pure Python) with Debian's DejaVu fonts (Cyrillic); the charts are
vector bars drawn on the page, so nothing but the fonts is needed and nothing is downloaded.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone

from otklik.analytics import exports, measures, selectors
from otklik.analytics.selectors import Period, Slice
from otklik.core.pdf import pdf_fonts
from otklik.core.permissions import Action, access_check

MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


def month_title(period: Period) -> str:
    return f"{MONTHS[period.start.month - 1]} {period.start.year}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


def _num(value: Any) -> str:
    """A number as the site writes it (Django's Russian format: a decimal comma)."""
    if value is None:
        return "—"
    if isinstance(value, float | Decimal):
        return formats.number_format(value)
    return str(value)


_hours = measures.duration_text
L = measures.label


def report_data(*, user: Any, period: Period) -> dict:
    """What the monthly report shows, read through the dashboards' selectors (the user's scope)."""
    from otklik.analytics.models import Alert

    s = Slice(period=period)
    board = selectors.rating_board(user=user, period=period)
    alerts = list(
        Alert.objects.filter(week_end__gte=period.start, week_start__lte=period.end)
        .select_related("topic", "municipality")
        .order_by("-observed")[:10]
    )
    return {
        "period": period,
        "picture": selectors.picture(user=user, s=s),
        "processing": selectors.processing(user=user, s=s),
        "satisfaction": selectors.satisfaction(user=user, s=s),
        "conflicts": selectors.conflicts(user=user, s=s),
        "ratings": board,
        "alerts": alerts,
    }


class _Pdf:
    """A thin layer over FPDF: headings, key figures, bar charts, small tables."""

    def __init__(self, title: str):
        from fpdf import FPDF

        regular, bold = pdf_fonts()
        pdf = FPDF(format="A4")
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        pdf.set_title(title)
        pdf.set_creator("Отклик")
        footer = title

        def draw_footer():
            pdf.set_y(-12)
            pdf.set_font("DejaVu", "", 8)
            pdf.set_text_color(110)
            pdf.cell(0, 6, f"{footer} · стр. {pdf.page_no()}", align="C")
            pdf.set_text_color(0)

        pdf.footer = draw_footer
        pdf.add_page()
        self.pdf = pdf

    @property
    def width(self) -> float:
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def text(self, text: str, size: float = 10, bold: bool = False, h: float = 5.5) -> None:
        self.pdf.set_font("DejaVu", "B" if bold else "", size)
        self.pdf.multi_cell(0, h, text, align="L", new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str) -> None:
        if self.pdf.get_y() > self.pdf.h - 60:
            self.pdf.add_page()
        self.pdf.ln(3)
        self.text(text, size=13, bold=True, h=8)

    def figures(self, pairs: list[tuple[str, str]]) -> None:
        """Key figures in a row of boxes (label above, number below)."""
        pdf = self.pdf
        per_row = 3
        w = self.width / per_row
        for i in range(0, len(pairs), per_row):
            y = pdf.get_y()
            for j, (label, value) in enumerate(pairs[i : i + per_row]):
                x = pdf.l_margin + j * w
                pdf.set_draw_color(200)
                pdf.rect(x + 1, y, w - 2, 16)
                pdf.set_xy(x + 3, y + 1.5)
                pdf.set_font("DejaVu", "", 8)
                pdf.cell(w - 6, 4, label)
                pdf.set_xy(x + 3, y + 7)
                pdf.set_font("DejaVu", "B", 13)
                pdf.cell(w - 6, 7, value)
            pdf.set_xy(pdf.l_margin, y + 18)

    def hbars(self, title: str, items: list[tuple[str, float]], unit: str = "") -> None:
        """A horizontal bar chart: label, bar ∝ value, the value."""
        pdf = self.pdf
        self.text(title, size=10, bold=True)
        if not items:
            self.text("Нет данных.", size=9)
            return
        top = max(v for _, v in items) or 1
        label_w, value_w, row_h = 62, 18, 6
        bar_w = self.width - label_w - value_w
        for label, value in items:
            if pdf.get_y() > pdf.h - 20:
                pdf.add_page()
            y = pdf.get_y()
            pdf.set_font("DejaVu", "", 8)
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(label_w, row_h, label[:40])
            pdf.set_fill_color(46, 107, 176)
            pdf.rect(pdf.l_margin + label_w, y + 1, max(0.5, bar_w * value / top), row_h - 2, "F")
            pdf.set_xy(pdf.l_margin + label_w + bar_w, y)
            pdf.cell(value_w, row_h, f"{_num(value)}{unit}", align="R")
            pdf.set_xy(pdf.l_margin, y + row_h)
        pdf.ln(2)

    def vbars(self, title: str, items: list[tuple[str, float]]) -> None:
        """A vertical bar chart (a trend): bars ∝ value, labels under them."""
        pdf = self.pdf
        self.text(title, size=10, bold=True)
        if not items:
            self.text("Нет данных.", size=9)
            return
        height = 40
        if pdf.get_y() + height + 14 > pdf.h - 15:
            pdf.add_page()
        top = max(v for _, v in items) or 1
        x0, y0 = pdf.l_margin, pdf.get_y() + 4
        slot = self.width / len(items)
        bar = min(18, slot * 0.7)
        pdf.set_draw_color(150)
        pdf.line(x0, y0 + height, x0 + self.width, y0 + height)
        for i, (label, value) in enumerate(items):
            h = height * value / top
            x = x0 + i * slot + (slot - bar) / 2
            pdf.set_fill_color(46, 107, 176)
            if h:
                pdf.rect(x, y0 + height - h, bar, h, "F")
            pdf.set_font("DejaVu", "", 7)
            pdf.set_xy(x0 + i * slot, y0 + height - h - 4)
            pdf.cell(slot, 4, _num(value), align="C")
            pdf.set_xy(x0 + i * slot, y0 + height + 1)
            pdf.cell(slot, 4, label, align="C")
        pdf.set_xy(pdf.l_margin, y0 + height + 8)

    def table(
        self,
        columns: tuple[str, ...],
        rows: list[tuple],
        widths: tuple[int, ...],
        text_columns: int = 1,
    ) -> None:
        """A table; the first ``text_columns`` columns are text (left), the rest numbers."""
        if not rows:
            self.text("Нет данных.", size=9)
            return
        self.pdf.set_font("DejaVu", "", 8)
        self.pdf.set_fill_color(255)
        align = ["LEFT"] * text_columns + ["RIGHT"] * (len(columns) - text_columns)
        with self.pdf.table(
            col_widths=widths,
            text_align=tuple(align),
            line_height=5,
            headings_style=_headings_style(),
        ) as t:
            for row in (columns, *rows):
                r = t.row()
                for value in row:
                    r.cell(_num(value))
        self.pdf.ln(2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _headings_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(230, 236, 244))


def monthly_report(*, user: Any, period: Period) -> bytes:
    """The monthly report of ``period`` for ``user`` (the ЦУР roles) as PDF bytes."""
    access_check(user, Action.ANALYTICS_EXPORT)
    d = report_data(user=user, period=period)
    title = f"Отклик: отчёт ЦУР за {month_title(period)}"
    doc = _Pdf(title)
    doc.text(f"Ежемесячный отчёт ЦУР Волгоградской области за {month_title(period)}", 16, True, 9)
    method = d["ratings"].get("method")
    doc.text(
        f"Период {period.start:%d.%m.%Y} — {period.end:%d.%m.%Y}. "
        f"Сформирован {timezone.localtime():%d.%m.%Y %H:%M}. "
        f"Методика рейтинга: {'версия ' + method.version if method else 'не задана'}.",
        size=9,
    )

    pic, t = d["picture"], d["picture"]["total"]
    doc.heading("1. Картина обращений")
    doc.figures(
        [
            ("Поступило сообщений", f"{t['messages']} (было {d['picture']['before']['messages']})"),
            ("Открыто инцидентов", str(t["cases_opened"])),
            ("Опубликовано ответов", str(t["answered"])),
            (L("due"), str(t["due"])),
            (L("breached"), f"{t['breached']} ({_pct(t['breached_share'])})"),
            ("Переоткрыто", str(t["reopened"])),
            ("С признаками конфликта", f"{t['conflict_messages']} ({_pct(t['conflict_share'])})"),
        ]
    )
    doc.hbars(
        "Сообщения по отраслевым блокам",
        [(exports._name(r["sector"], "не определён"), r["messages"]) for r in pic["by_sector"]],
    )
    doc.vbars("Сообщения по неделям", [(f"{m:%d.%m}", n) for m, n in pic["weeks"]])

    p = d["processing"]
    doc.heading("2. Обработка")
    doc.figures(
        [
            (L("answered_on_time"), f"{_pct(p['total']['on_time_share'])}"),
            (L("first_response_median_h"), _hours(p["total"]["first_response_median_h"])),
            (L("answer_median_h"), _hours(p["total"]["answer_median_h"])),
        ]
    )
    worst = p["by_organization"][:7]  # sorted by breached, then answered
    doc.text("Организации с наибольшим числом нарушенных сроков", size=10, bold=True)
    doc.table(
        ("Организация", L("due"), L("breached"), L("answered"), L("on_time_share"), "Медиана"),
        [
            (
                exports._name(r["organization"], "не назначена"),
                r["due"],
                r["breached"],
                r["answered"],
                _pct(r["on_time_share"]),
                _hours(r["answer_median_h"]),
            )
            for r in worst
        ],
        (60, 25, 27, 22, 22, 34),
    )
    doc.text(
        f"«{L('due')}» и «{L('breached')}» — по сроку ответа в месяце; «{L('answered')}», "
        f"«{L('on_time_share')}» и медиана — по ответам, опубликованным в месяце "
        "(определения — в конце отчёта).",
        size=8,
    )
    doc.hbars(
        "Доля ответов в срок по организациям, %",
        [
            (exports._name(r["organization"], "не назначена"), round(r["on_time_share"] * 100))
            for r in p["by_organization"][:10]
            if r["on_time_share"] is not None
        ],
        unit=" %",
    )

    sat = d["satisfaction"]
    doc.heading("3. Удовлетворённость")
    doc.figures(
        [
            ("Ответили на опрос", str(sat["total"]["surveys"])),
            ("Проблема решена", _pct(sat["total"]["solved_share"])),
            ("Средняя оценка", _num(sat["total"]["rating_avg"])),
        ]
    )
    doc.table(
        ("Организация", "Опросов", "Решена", "Оценка"),
        [
            (
                exports._name(r["obj"], "не назначена"),
                r["surveys"],
                _pct(r["solved_share"]),
                r["rating_avg"],
            )
            for r in sat["by_organization"][:7]
        ],
        (100, 30, 30, 30),
    )

    c = d["conflicts"]
    doc.heading("4. Конфликты")
    doc.figures(
        [
            ("С признаками конфликта", str(c["total"]["conflict_messages"])),
            ("Переоткрыто", str(c["total"]["reopened"])),
            ("Не решена по опросу", str(c["total"]["not_solved"])),
        ]
    )
    doc.hbars(
        "Сообщения с признаками конфликта по МО",
        [
            (exports._name(r["municipality"], "не определено"), r["conflict_messages"])
            for r in c["by_municipality"][:10]
            if r["conflict_messages"]
        ],
    )

    doc.heading("5. Рейтинги: начало и конец списка")
    for g in d["ratings"]["groups"]:
        rated = [r for r in g["rows"] if r.get("rated")]
        doc.text(f"{g['name']} (оценено {len(rated)} из {len(g['rows'])})", size=10, bold=True)
        shown = rated if len(rated) <= 6 else rated[:3] + rated[-3:]
        doc.table(
            ("Место", "Кто", "Индекс"),
            [(r["rank"], r["name"], r["index"]) for r in shown],
            (20, 130, 40),
            text_columns=2,
        )

    doc.heading("6. Сигналы о растущих проблемах")
    if d["alerts"]:
        doc.table(
            ("Тема", "МО", "Неделя", "Сообщений", "Ожидалось", "Статус"),
            [
                (
                    a.topic.name,
                    a.municipality.name if a.municipality else "—",
                    f"{a.week_start:%d.%m}–{a.week_end:%d.%m}",
                    a.observed,
                    round(a.expected, 1),
                    a.get_status_display(),
                )
                for a in d["alerts"]
            ],
            (50, 40, 25, 25, 25, 25),
            text_columns=3,
        )
    else:
        doc.text("За месяц сигналов не было.", size=9)

    doc.heading("Определения показателей")
    for code in DEFINED:
        m = measures.MEASURES[code]
        doc.text(f"{m.label}: {m.definition}", size=8, h=4)
    return doc.output()


# the measures the report shows, defined at its end
DEFINED = (
    "messages",
    "cases_opened",
    "answered",
    "on_time_share",
    "due",
    "breached",
    "breached_share",
    "first_response_median_h",
    "answer_median_h",
    "reopened",
    "surveys",
    "solved_share",
    "conflict_messages",
)


# --------------------------------------------------------------------------- the package
def package_readme(*, s: Slice, period: Period, tables: list, method, recipient: str) -> str:
    lines = [
        "Отклик — пакет материалов ЦУР Волгоградской области",
        "",
        f"Сформирован: {timezone.localtime():%d.%m.%Y %H:%M}",
        f"По запросу: {recipient or 'не указано'}",
        f"Срез таблиц: {exports.caption(s)}",
        f"Ежемесячный отчёт и рейтинги: {month_title(period)} "
        f"({period.start:%d.%m.%Y} — {period.end:%d.%m.%Y})",
        f"Методика рейтинга: {'версия ' + method.version if method else 'не задана'}",
        "",
        "Состав:",
        f"  report-{period.start:%Y-%m}.pdf — ежемесячный отчёт с диаграммами",
    ]
    for t in tables:
        lines.append(f"  tables/{t.key}.xlsx — {t.title} ({len(t.rows)} строк)")
    lines += [
        "  README.txt — этот файл",
        "",
        "Методика: цифры взяты из суточных сводок (rollups) по тем же определениям, что и на",
        "страницах аналитики Отклика; каждое число там раскрывается до инцидентов. Доли — целые",
        "проценты; медианы времени — оценка по гистограмме (погрешность меньше 10 %). Рейтинг",
        "считается по действующей (или замороженной при публикации) версии методики.",
        "",
        "Персональные данные заявителей (имена, телефоны, адреса) в пакет не входят: таблицы",
        "содержат только сводные цифры.",
    ]
    return "\r\n".join(lines) + "\r\n"


def package_build(*, user: Any, s: Slice, period: Period, recipient: str = "") -> bytes:
    """The ZIP: the monthly PDF of ``period``, the XLSX of every dashboard table in the slice
    ``s`` and of the ratings of ``period``, and README.txt."""
    access_check(user, Action.ANALYTICS_EXPORT)
    tables = exports.dashboard_tables(user=user, s=s)
    board = selectors.rating_board(user=user, period=period)
    tables += exports.rating_tables(board, period)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"report-{period.start:%Y-%m}.pdf", monthly_report(user=user, period=period))
        for t in tables:
            z.writestr(f"tables/{t.key}.xlsx", exports.to_xlsx([t]))
        z.writestr(
            "README.txt",
            package_readme(
                s=s, period=period, tables=tables, method=board.get("method"), recipient=recipient
            ).encode("utf-8"),
        )
    return buf.getvalue()
