"""The printed form of the documents of this app, for the registry of documents: one
description (``core.printing.Printed``: the approval stamp, the title, the blocks of text and
tables, the approval sheet) of the final summary of a request (task) with its consolidated
table, and of the answer to an incoming request; ``printed_of(approval)`` finds the document of
an approval of either kind (the renderer registered with the registry of documents)."""

from __future__ import annotations

from django.utils import timezone

from otklik.approvals.printing import approval_sheet_table, approval_stamp, person_name
from otklik.core.printing import Printed, Table
from otklik.correspondence.models import Assignment, Incoming
from otklik.correspondence.selectors import consolidated
from otklik.directory.calendar import calendar_from_db


def _when(at) -> str:
    return f"{timezone.localtime(at):%d.%m.%Y %H:%M}" if at else "—"


def summary_printed(assignment: Assignment, approval=None) -> Printed:
    """The final summary: what was asked, of whom, by when; the summary's text; the
    consolidated table (addressee, state, answered when, late or not, the answer's excerpt)."""
    today = calendar_from_db().local_date(timezone.now())
    rows = consolidated(assignment=assignment, today=today)
    kind = assignment.get_kind_display().lower()
    doc = Printed(
        title=f"Итоговая справка по {'запросу' if kind == 'запрос' else 'поручению'} ЦУР",
        subtitle=f"«{assignment.subject}» от {timezone.localtime(assignment.sent_at):%d.%m.%Y},"
        f" срок — {assignment.due:%d.%m.%Y}",
        stamp=approval_stamp(approval),
        blocks=[
            ("heading", "Содержание"),
            ("text", assignment.text),
            ("heading", "Итоги исполнения"),
            ("text", assignment.summary),
            ("heading", "Сводная таблица"),
            (
                "table",
                Table(
                    columns=["Организация", "Состояние", "Ответ", "В срок", "Ответ (кратко)"],
                    rows=[
                        [
                            r.organization,
                            r.state_label,
                            _when(r.answered_at),
                            "нет" if r.late else "да",
                            r.excerpt,
                        ]
                        for r in rows
                    ],
                    widths=[3, 2, 2, 1, 5],
                ),
            ),
        ],
        footer=f"Подготовил: {person_name(assignment.sender)}",
    )
    doc.blocks += [("heading", "Лист согласования"), ("table", approval_sheet_table(approval))]
    return doc


def assignment_printed(assignment: Assignment, organizations, deadline) -> Printed:
    """The outgoing request (task) as it is sent and registered: whom, what, by when, who."""
    kind = assignment.get_kind_display().upper()
    return Printed(
        title=f"{kind} ЦУР",
        subtitle=f"«{assignment.subject}»",
        blocks=[
            ("heading", "Адресаты"),
            ("text", "\n".join(f"{n}. {o.name}" for n, o in enumerate(organizations, 1))),
            ("heading", "Содержание"),
            ("text", assignment.text),
            ("text", f"Срок исполнения — {deadline:%d.%m.%Y}."),
        ],
        footer=f"Направил(а): {person_name(assignment.sender)}",
    )


def answer_printed(incoming: Incoming, approval=None) -> Printed:
    """The answer to an incoming request: whose letter it answers, the text, the package."""
    from otklik.correspondence.choices import PackagePart

    parts = [f"{PackagePart(p['part']).label} за {p['month']}" for p in incoming.answer_parts] + [
        f"{f.name} (SHA-256 {f.sha256})" for f in incoming.files.filter(in_answer=True)
    ]
    doc = Printed(
        title="Ответ на запрос",
        subtitle=f"на № {incoming.their_number} от {incoming.their_date:%d.%m.%Y} "
        f"({incoming.sender_name})",
        stamp=approval_stamp(approval),
        blocks=[
            ("heading", incoming.subject),
            ("text", incoming.answer_text),
            ("heading", "Приложения"),
            ("text", "\n".join(f"{n}. {p}" for n, p in enumerate(parts, 1)) or "нет"),
        ],
        footer=f"Исполнитель: {person_name(incoming.assignee)}",
    )
    doc.blocks += [("heading", "Лист согласования"), ("table", approval_sheet_table(approval))]
    return doc


def printed_of(approval) -> Printed:
    """The printed form of the document of an approval of kind ``corr_summary`` or
    ``corr_answer``."""
    from otklik.correspondence.services import SUMMARY
    from otklik.correspondence.services_incoming import ANSWER

    if approval.kind == SUMMARY:
        return summary_printed(Assignment.objects.get(pk=approval.target_id), approval)
    if approval.kind == ANSWER:
        return answer_printed(Incoming.objects.get(pk=approval.target_id), approval)
    raise LookupError(f"not a document of correspondence: {approval.kind}")
