"""How the audit log names the route's events (see ``otklik/audit/registry.py``)."""

from __future__ import annotations

from otklik.approvals.models import Approval
from otklik.approvals.registry import kinds
from otklik.audit.registry import TargetRef, actions_register, target_register


def _approvals(ids: list[str]) -> dict[str, TargetRef]:
    known = kinds()
    out = {}
    for a in Approval.objects.filter(pk__in=ids):
        kind = known.get(a.kind)
        label = kind.label if kind else a.kind
        out[str(a.pk)] = TargetRef(
            f"{label} «{a.title}», версия {a.version}", kind.url(a) if kind else ""
        )
    return out


actions_register(
    {
        "approvals.routes_load": "Маршруты согласования загружены",
        "approval.submit": "Документ направлен на согласование",
        "approval.agree": "Документ согласован",
        "approval.approve": "Документ утверждён",
        "approval.return": "Документ возвращён на доработку",
        "approval.comment": "Замечание к документу",
        "approval.escalate": "Срок согласования истёк: доложено выше",
    }
)
target_register("approvals.approval", label="согласование документа", resolve=_approvals)
