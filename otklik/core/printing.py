"""Printed documents: one description (``Printed``) drawn as PDF or DOCX, so every app draws its
documents the same way and the PDF and the DOCX say the same.

A ``Printed`` has the registration requisites (top left: number and date), the approval stamp
«УТВЕРЖДАЮ» (top right), the title, and blocks: headings, paragraphs, tables and framed stamps
(the marks of electronic signatures). The PDF is drawn by fpdf2 with Debian's DejaVu fonts, the
DOCX by python-docx; nothing is downloaded. The PDF of one description is the same bytes every
time (its creation date is the document's ``created``), so a registered document's rendering
can be checked against its hash.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from otklik.core.pdf import pdf_fonts


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
    # ("heading" | "text" | "table" | "frame", value): a frame is a list of lines in a box
    blocks: list[tuple[str, object]] = field(default_factory=list)
    footer: str = ""
    registration: list[str] = field(
        default_factory=list
    )  # «№ ПП-2026/7», «от 08.12.2026», top left
    created: dt.datetime | None = None  # the PDF's creation date (now when not given)

    def plain_text(self) -> str:
        """Every word of the document as plain text (for full-text search and for hashing the
        content a signer confirms)."""
        lines = [*self.registration, *self.stamp, self.title, self.subtitle]
        for kind, value in self.blocks:
            if kind == "table":
                table: Table = value  # type: ignore[assignment]
                lines.append(" | ".join(table.columns))
                lines.extend(" | ".join(str(c) for c in row) for row in table.rows)
            elif kind == "frame":
                lines.extend(str(x) for x in value)  # type: ignore[attr-defined]
            else:
                lines.append(str(value))
        lines.append(self.footer)
        return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------- renderers
def to_pdf(doc: Printed) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    regular, bold = pdf_fonts()
    pdf = FPDF(format="A4")
    if doc.created is not None:
        pdf.set_creation_date(doc.created)
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
    top = pdf.get_y()
    pdf.set_font("DejaVu", "", 10)
    for line in doc.registration:
        pdf.multi_cell(width * 0.45, 5, line, new_x="LMARGIN", new_y="NEXT")
    left_end = pdf.get_y()
    pdf.set_y(top)
    for i, line in enumerate(doc.stamp):
        pdf.set_font("DejaVu", "B" if i == 0 else "", 10)
        pdf.set_x(pdf.l_margin + width * 0.55)
        pdf.multi_cell(width * 0.45, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(left_end, pdf.get_y()))
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
        elif kind == "frame":
            lines = [str(x) for x in value]  # type: ignore[attr-defined]
            pdf.ln(1)
            pdf.set_draw_color(40, 70, 140)
            pdf.set_line_width(0.5)
            for i, line in enumerate(lines):
                pdf.set_font("DejaVu", "B" if i == 0 else "", 8)
                border = "LR" + ("T" if i == 0 else "") + ("B" if i == len(lines) - 1 else "")
                align = "C" if i == 0 else "L"
                pdf.multi_cell(
                    width * 0.7, 4.5, line, border=border, align=align,
                    new_x="LMARGIN", new_y="NEXT",
                )  # fmt: skip
            pdf.set_line_width(0.2)
            pdf.set_draw_color(0, 0, 0)
            pdf.ln(2)
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
    for line in doc.registration:
        p = d.add_paragraph(line)
        p.paragraph_format.space_after = Pt(0)
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
        elif kind == "frame":
            t = d.add_table(rows=1, cols=1)
            t.style = "Table Grid"
            t.rows[0].cells[0].text = "\n".join(str(x) for x in value)  # type: ignore[attr-defined]
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
