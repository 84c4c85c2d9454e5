"""The parts of a printed document that come from its approval route, drawn the same way for
every kind (``core.printing``): the stamp «УТВЕРЖДАЮ» and the approval sheet «лист
согласования» (who decided what, at which step, when, with which remark)."""

from __future__ import annotations

from django.utils import timezone

from otklik.approvals.choices import ApprovalState
from otklik.approvals.models import Approval
from otklik.approvals.selectors import approval_sheet
from otklik.core.printing import Table
from otklik.core.roles import Role


def person_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def approval_stamp(approval: Approval | None) -> list[str]:
    """«УТВЕРЖДАЮ», the approver's position, name and date; «ПРОЕКТ» until approved."""
    if approval is None or approval.state != ApprovalState.APPROVED:
        return ["ПРОЕКТ"]
    by = approval.approved_by
    position = getattr(by, "position", "") or Role.CURATOR.label
    return [
        "УТВЕРЖДАЮ",
        position,
        f"____________ {person_name(by)}",
        f"«{timezone.localtime(approval.approved_at):%d.%m.%Y}»",
    ]


def approval_sheet_table(approval: Approval | None) -> Table:
    """The approval sheet as a table (reminders left out)."""
    rows = []
    if approval is not None:
        for e in approval_sheet(approval):
            if e.decision in ("remind",):
                continue
            rows.append(
                [
                    f"{timezone.localtime(e.at):%d.%m.%Y %H:%M}",
                    e.step_label or "—",
                    person_name(e.actor) or "система",
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
