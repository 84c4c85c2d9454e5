"""Passports and progress reports in the usual Russian printed form, as PDF and as DOCX.

One description of each document (``Printed``: the approval stamp «УТВЕРЖДАЮ», the title, the
sections, tables and the approval sheet «лист согласования») is drawn by two renderers, so the
PDF and the DOCX say the same. The PDF is drawn by fpdf2 with Debian's DejaVu fonts (as the
monthly analytics report), the DOCX by python-docx; nothing is downloaded.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils import timezone

from otklik.approvals.choices import ApprovalState
from otklik.approvals.models import Approval
from otklik.approvals.selectors import approval_sheet
from otklik.core.pdf import pdf_fonts
from otklik.core.roles import Role
from otklik.office import passport, periods
from otklik.office.choices import ReportStanding
from otklik.office.models import PassportVersion, ProgressReport

STATUS = {"done": "выполнен", "lag": "отставание", "none": "нет данных"}


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[int]  # relative


@dataclass
class Printed:
    title: str
    subtitle: str = ""
    stamp: list[str] = field(default_factory=list)  # «УТВЕРЖДАЮ» and its lines, top right
    blocks: list[tuple[str, object]] = field(default_factory=list)  # ("heading"|"text"|"table", …)
    footer: str = ""


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _stamp(approval: Approval | None) -> list[str]:
    if approval is None or approval.state != ApprovalState.APPROVED:
        return ["ПРОЕКТ"]
    by = approval.approved_by
    position = getattr(by, "position", "") or Role.CURATOR.label
    return [
        "УТВЕРЖДАЮ",
        position,
        f"____________ {_name(by)}",
        f"«{timezone.localtime(approval.approved_at):%d.%m.%Y}»",
    ]


def _sheet(approval: Approval | None) -> Table:
    rows = []
    if approval is not None:
        for e in approval_sheet(approval):
            if e.decision in ("remind",):
                continue
            rows.append(
                [
                    f"{timezone.localtime(e.at):%d.%m.%Y %H:%M}",
                    e.step_label or "—",
                    _name(e.actor) or "система",
                    Role(e.role).label if e.role in Role.values else "",
                    e.get_decision_display(),
                    e.text or "",
                ]
            )
    return Table(
        ["Дата", "Шаг", "ФИО", "Должность (роль)", "Решение", "Замечания"],
        rows,
        [14, 16, 18, 16, 14, 22],
    )


def passport_printed(version: PassportVersion, approval: Approval | None) -> Printed:
    project, content = version.project, version.content
    doc = Printed(
        title=f"ПАСПОРТ ПРОЕКТА «{project.name}»",
        subtitle=f"{project.code} · {project.sector.name} · версия {version.number}",
        stamp=_stamp(approval),
        footer=f"Паспорт проекта {project.code}, версия {version.number}",
    )
    if version.reason:
        doc.blocks.append(("text", f"Запрос на изменение: {version.reason}"))
    rows = []
    for f in passport.FIELDS:
        if f.key in ("control_points", "indicators"):
            continue
        value = content.get(f.key)
        if not value:
            continue
        text = value if not f.parts else "\n".join(passport.item_text(f, i) for i in value)
        rows.append([f.label, text])
    doc.blocks.append(("heading", "1. Основные положения"))
    doc.blocks.append(("table", Table(["Раздел", "Содержание"], rows, [30, 70])))
    doc.blocks.append(("heading", "2. Показатели проекта"))
    doc.blocks.append(
        (
            "table",
            Table(
                ["Код", "Базовое значение", "Целевые значения по периодам"],
                [
                    [
                        i["code"],
                        i.get("base") or "—",
                        "; ".join(f"{p}: {v}" for p, v in (i.get("targets") or {}).items()),
                    ]
                    for i in content.get("indicators", [])
                ],
                [20, 20, 60],
            ),
        )
    )
    doc.blocks.append(("heading", "3. Контрольные точки и мероприятия"))
    doc.blocks.append(
        (
            "table",
            Table(
                ["№", "Наименование", "Срок", "Ответственный"],
                [
                    [str(n), cp["name"], _ru(cp.get("date", "")), cp.get("responsible", "")]
                    for n, cp in enumerate(passport.control_points(content), 1)
                ],
                [6, 54, 14, 26],
            ),
        )
    )
    doc.blocks.append(("heading", "Лист согласования"))
    doc.blocks.append(("table", _sheet(approval)))
    return doc


def report_printed(report: ProgressReport, approval: Approval | None) -> Printed:
    project, content = report.project, report.content
    doc = Printed(
        title="ОТЧЁТ О ХОДЕ РЕАЛИЗАЦИИ ПРОЕКТА",
        subtitle=f"«{project.name}» ({project.code}) за {periods.label(report.period)}",
        stamp=_stamp(approval),
        footer=f"Отчёт {project.code} за {report.period}",
    )
    doc.blocks.append(
        ("text", f"Срок представления: {report.due:%d.%m.%Y}. Паспорт, версия "
                 f"{content.get('passport_version') or '—'}.")
    )  # fmt: skip
    doc.blocks.append(("heading", "1. Показатели: план и факт"))
    doc.blocks.append(("table", _plan_fact(content)))
    doc.blocks.append(("heading", "2. Контрольные точки"))
    doc.blocks.append(
        (
            "table",
            Table(
                ["Контрольная точка", "Срок", "Достигнута", "Причина, новый срок"],
                [
                    [
                        cp["name"],
                        _ru(cp.get("date", "")),
                        {True: "да", False: "нет"}.get(cp.get("reached"), "—"),
                        ", ".join(x for x in (cp.get("reason"), _ru(cp.get("new_date", ""))) if x),
                    ]
                    for cp in content.get("control_points", [])
                ],
                [40, 14, 14, 32],
            ),
        )
    )
    doc.blocks.append(("heading", "3. Риски и проблемы"))
    doc.blocks.append(("text", content.get("risks") or "—"))
    doc.blocks.append(("heading", "4. Комментарий руководителя"))
    doc.blocks.append(("text", content.get("comment") or "—"))
    doc.blocks.append(("heading", "Лист согласования"))
    doc.blocks.append(("table", _sheet(approval)))
    return doc


def _plan_fact(content: dict) -> Table:
    return Table(
        ["Код", "Показатель", "Ед.", "План", "Факт", "Статус"],
        [
            [
                r["code"],
                r["name"],
                r["unit"],
                r["plan"] or "—",
                r["fact"] or "—",
                STATUS.get(r["status"], r["status"]),
            ]
            for r in content.get("indicators", [])
        ],
        [12, 38, 12, 12, 12, 14],
    )


def _missed(cp: dict) -> str:
    """A control point's mark: reached, or not with its reason and new date."""
    mark = {True: "да", False: "нет"}.get(cp.get("reached"), "—")
    why = ", ".join(x for x in (cp.get("reason"), _ru(cp.get("new_date", ""))) if x)
    return f"{mark}: {why}" if why else mark


def block_report_printed(report, approval: Approval | None) -> Printed:
    """A block's report: its indicators, where its projects' reports stand, the control points
    of the period, the open risks, the lead's comment; the stamp and the approval sheet."""
    content, sector = report.content, report.block.sector
    doc = Printed(
        title="ОТЧЁТ О ХОДЕ РЕАЛИЗАЦИИ ОТРАСЛЕВОГО БЛОКА",
        subtitle=f"«{sector.name}» за {periods.label(report.period)}",
        stamp=_stamp(approval),
        footer=f"Отчёт блока «{sector.name}» за {report.period}",
    )
    doc.blocks.append(
        ("text", f"Срок представления: {report.due:%d.%m.%Y}. Данные на "
                 f"{_ru(content.get('as_of', ''))}.")
    )  # fmt: skip
    doc.blocks.append(("heading", "1. Показатели блока: план и факт"))
    doc.blocks.append(("table", _plan_fact(content)))
    doc.blocks.append(("heading", "2. Отчёты проектов блока"))
    summary = content.get("summary", {})
    doc.blocks.append(
        ("text", "; ".join(f"{s.label} — {summary.get(s.value, 0)}" for s in ReportStanding))
    )
    doc.blocks.append(
        (
            "table",
            Table(
                ["Код", "Проект", "Срок", "Отчёт"],
                [
                    [p["code"], p["name"], _ru(p["due"]), ReportStanding(p["standing"]).label]
                    for p in content.get("projects", [])
                ],
                [14, 50, 14, 22],
            ),
        )
    )
    doc.blocks.append(("heading", "3. Контрольные точки периода"))
    doc.blocks.append(
        (
            "table",
            Table(
                ["Проект", "Контрольная точка", "Срок", "Достигнута; причина, новый срок"],
                [
                    [cp["project"], cp["name"], _ru(cp["date"]), _missed(cp)]
                    for cp in content.get("control_points", [])
                ],
                [14, 40, 14, 32],
            ),
        )
    )
    doc.blocks.append(("heading", "4. Открытые риски проектов"))
    doc.blocks.append(
        (
            "table",
            Table(
                ["Проект", "Риск", "Вероятность / влияние", "Владелец", "Срок"],
                [
                    [r["project"], r["description"], f"{r['probability']} / {r['impact']}",
                     r["owner"], _ru(r["due"]) + (" (просрочен)" if r["overdue"] else "")]
                    for r in content.get("risks", [])
                ],
                [12, 40, 16, 16, 16],
            ),
        )
    )  # fmt: skip
    doc.blocks.append(("heading", "5. Комментарий ответственного за блок"))
    doc.blocks.append(("text", content.get("comment") or "—"))
    doc.blocks.append(("heading", "Лист согласования"))
    doc.blocks.append(("table", _sheet(approval)))
    return doc


def _ru(iso: str) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}" if len(iso) == 10 else iso


# --------------------------------------------------------------------------- renderers
def to_pdf(doc: Printed) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    regular, bold = pdf_fonts()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_title(doc.title)
    pdf.set_creator("Отклик")

    def footer():
        pdf.set_y(-12)
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(0, 6, f"{doc.footer} · стр. {pdf.page_no()}", align="C")

    pdf.footer = footer
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("DejaVu", "", 10)
    for i, line in enumerate(doc.stamp):
        pdf.set_font("DejaVu", "B" if i == 0 else "", 10)
        pdf.set_x(pdf.l_margin + width * 0.55)
        pdf.multi_cell(width * 0.45, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 7, doc.title, align="C", new_x="LMARGIN", new_y="NEXT")
    if doc.subtitle:
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 6, doc.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for kind, value in doc.blocks:
        if kind == "heading":
            pdf.ln(2)
            pdf.set_font("DejaVu", "B", 11)
            pdf.multi_cell(0, 6, str(value), new_x="LMARGIN", new_y="NEXT")
        elif kind == "text":
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 5, str(value), new_x="LMARGIN", new_y="NEXT")
        else:
            table: Table = value  # type: ignore[assignment]
            pdf.set_font("DejaVu", "", 8)
            if not table.rows:
                pdf.multi_cell(0, 5, "Нет записей.", new_x="LMARGIN", new_y="NEXT")
                continue
            with pdf.table(
                col_widths=tuple(table.widths),
                line_height=4.5,
                text_align="LEFT",
                headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 244)),
            ) as t:
                for row in (table.columns, *table.rows):
                    r = t.row()
                    for cell in row:
                        r.cell(str(cell))
            pdf.ln(1)
    return bytes(pdf.output())


def to_docx(doc: Printed) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    d = Document()
    d.core_properties.title = doc.title
    d.core_properties.author = "Отклик"
    style = d.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    for i, line in enumerate(doc.stamp):
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = p.add_run(line)
        run.bold = i == 0
        p.paragraph_format.space_after = Pt(0)
    title = d.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(doc.title).bold = True
    if doc.subtitle:
        sub = d.add_paragraph(doc.subtitle)
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, value in doc.blocks:
        if kind == "heading":
            d.add_paragraph().add_run(str(value)).bold = True
        elif kind == "text":
            d.add_paragraph(str(value))
        else:
            table: Table = value  # type: ignore[assignment]
            if not table.rows:
                d.add_paragraph("Нет записей.")
                continue
            t = d.add_table(rows=1, cols=len(table.columns))
            t.style = "Table Grid"
            for cell, text in zip(t.rows[0].cells, table.columns, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            for row in table.rows:
                cells = t.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = str(text)
    section = d.sections[0]
    section.footer.paragraphs[0].text = doc.footer
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


def plan_printed(plan, approval: Approval | None) -> Printed:
    whose = f"блока «{plan.sector.name}»" if plan.sector_id else "ЦУР"
    doc = Printed(
        title=f"СВОДНЫЙ ПЛАН {whose.upper()}",
        subtitle=f"на {periods.label(plan.period)} · версия {plan.number}",
        stamp=_stamp(approval),
        footer=f"Сводный план {whose} на {plan.period}, версия {plan.number}",
    )
    if plan.reason:
        doc.blocks.append(("text", f"Изменение: {plan.reason}"))
    doc.blocks.append(
        (
            "table",
            Table(
                ["№", "Проект", "Контрольная точка, мероприятие", "Срок", "Ответственный"],
                [
                    [str(n), f"{i['project']} {i['project_name']}", i["name"], _ru(i["date"]),
                     i.get("responsible", "")]
                    for n, i in enumerate(plan.items, 1)
                ],
                [6, 30, 34, 12, 18],
            ),
        )
    )  # fmt: skip
    doc.blocks.append(("heading", "Лист согласования"))
    doc.blocks.append(("table", _sheet(approval)))
    return doc
