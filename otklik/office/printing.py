"""The office's documents in the usual Russian printed form: passports, progress reports,
block reports, consolidated plans and working groups' compositions, each described once as a
``core.printing.Printed`` (the approval stamp «УТВЕРЖДАЮ», the title, the sections, tables and
the approval sheet «лист согласования»), drawn as PDF or DOCX by ``core.printing``.
"""

from __future__ import annotations

from otklik.approvals.models import Approval
from otklik.approvals.printing import approval_sheet_table, approval_stamp
from otklik.core.printing import Printed, Table
from otklik.office import passport, periods
from otklik.office.choices import ReportStanding
from otklik.office.models import PassportVersion, ProgressReport

STATUS = {"done": "выполнен", "lag": "отставание", "none": "нет данных"}


def passport_printed(version: PassportVersion, approval: Approval | None) -> Printed:
    project, content = version.project, version.content
    doc = Printed(
        title=f"ПАСПОРТ ПРОЕКТА «{project.name}»",
        subtitle=f"{project.code} · {project.sector.name} · версия {version.number}",
        stamp=approval_stamp(approval),
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
    doc.blocks.append(("table", approval_sheet_table(approval)))
    return doc


def report_printed(report: ProgressReport, approval: Approval | None) -> Printed:
    project, content = report.project, report.content
    doc = Printed(
        title="ОТЧЁТ О ХОДЕ РЕАЛИЗАЦИИ ПРОЕКТА",
        subtitle=f"«{project.name}» ({project.code}) за {periods.label(report.period)}",
        stamp=approval_stamp(approval),
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
    doc.blocks.append(("table", approval_sheet_table(approval)))
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
        stamp=approval_stamp(approval),
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
    doc.blocks.append(("table", approval_sheet_table(approval)))
    return doc


def _ru(iso: str) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}" if len(iso) == 10 else iso


def plan_printed(plan, approval: Approval | None) -> Printed:
    whose = f"блока «{plan.sector.name}»" if plan.sector_id else "ЦУР"
    doc = Printed(
        title=f"СВОДНЫЙ ПЛАН {whose.upper()}",
        subtitle=f"на {periods.label(plan.period)} · версия {plan.number}",
        stamp=approval_stamp(approval),
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
    doc.blocks.append(("table", approval_sheet_table(approval)))
    return doc


def group_printed(version, approval: Approval | None) -> Printed:
    """The composition of a working (expert) group: its purpose and members."""
    group = version.group
    doc = Printed(
        title=f"СОСТАВ: {group.get_kind_display().upper()} «{group.name}»",
        subtitle=f"версия {version.number}"
        + (f" · {group.sector.name}" if group.sector_id else ""),
        stamp=approval_stamp(approval),
        footer=f"Состав группы «{group.name}», версия {version.number}",
    )
    if version.reason:
        doc.blocks.append(("text", f"Изменение: {version.reason}"))
    doc.blocks.append(("heading", "Цель и задачи группы"))
    doc.blocks.append(("text", group.purpose or "—"))
    doc.blocks.append(("heading", "Состав"))
    doc.blocks.append(
        (
            "table",
            Table(
                ["№", "ФИО", "Должность", "Организация", "Роль в группе"],
                [
                    [str(n), m.name, m.position, m.organisation, m.get_role_display()]
                    for n, m in enumerate(version.members.order_by("order"), 1)
                ],
                [6, 26, 24, 28, 16],
            ),
        )
    )
    doc.blocks.append(("heading", "Лист согласования"))
    doc.blocks.append(("table", approval_sheet_table(approval)))
    return doc


# --------------------------------------------------------------------------- the registry
def registered_renderers() -> dict:
    """kind → (approval → Printed, approval → series) for the registry of documents: what an
    approved office document looks like when it is registered (``documents.registry``)."""
    from otklik.office.models import BlockReport, ConsolidatedPlan, GroupVersion

    def passport_(a):
        return passport_printed(PassportVersion.objects.get(pk=a.target_id), a)

    def report_(a):
        return report_printed(ProgressReport.objects.get(pk=a.target_id), a)

    def block_report_(a):
        return block_report_printed(BlockReport.objects.get(pk=a.target_id), a)

    def plan_(a):
        return plan_printed(ConsolidatedPlan.objects.get(pk=a.target_id), a)

    def group_(a):
        return group_printed(GroupVersion.objects.get(pk=a.target_id), a)

    def series(model, key):
        def of(a):
            return key(model.objects.get(pk=a.target_id))

        return of

    return {
        "passport": (passport_, series(PassportVersion, lambda v: f"project:{v.project_id}")),
        "report": (report_, series(ProgressReport, lambda r: f"report:{r.project_id}:{r.period}")),
        "block_report": (
            block_report_,
            series(BlockReport, lambda r: f"block:{r.block_id}:{r.period}"),
        ),
        "plan": (plan_, series(ConsolidatedPlan, lambda p: f"plan:{p.sector_id or 0}:{p.period}")),
        "group": (group_, series(GroupVersion, lambda v: f"group:{v.group_id}")),
    }
